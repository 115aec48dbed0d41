package routing

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/switchboardhq/switchboard/store"
)

// Why the external router's answer was not taken (the reason of RouterFallback).
const (
	RouterTimeout     = "timeout"
	RouterError       = "error"
	RouterBadAnswer   = "bad_answer"
	RouterUnavailable = "unavailable"
)

// routerAnswerLimit bounds what is read of a router's answer.
const routerAnswerLimit = 64 << 10

// RouterRequest is what an external router is sent: the conversation and its candidates, best
// first by the skill's strategy.
type RouterRequest struct {
	Ref          string            `json:"ref"`
	Conversation string            `json:"conversation"`
	Channel      string            `json:"channel"`
	Skill        string            `json:"skill"`
	Priority     int               `json:"priority"`
	EnqueuedAt   time.Time         `json:"enqueued_at"`
	Candidates   []RouterCandidate `json:"candidates"`
}

// RouterCandidate is an agent who could take the conversation.
type RouterCandidate struct {
	Agent       string    `json:"agent"`
	Proficiency int       `json:"proficiency"`
	Load        int       `json:"load"`
	Capacity    int       `json:"capacity"`
	IdleSince   time.Time `json:"idle_since"`
}

// RouterAnswer is what an external router answers: the agent chosen among the candidates.
type RouterAnswer struct {
	Agent string `json:"agent"`
}

// routerCall asks a skill's external router to choose among candidates; on any failure it
// returns the reason and the caller takes the first candidate.
func (a *ACD) routerCall(ctx context.Context, sk store.Skill, req RouterRequest) (string, string) {
	timeout := 2 * time.Second
	if d, err := time.ParseDuration(sk.RouterTimeout); err == nil && d > 0 {
		timeout = d
	}
	body, err := json.Marshal(req)
	if err != nil {
		return "", RouterError
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, sk.RouterURL, bytes.NewReader(body))
	if err != nil {
		return "", RouterError
	}
	hreq.Header.Set("Content-Type", "application/json")
	resp, err := a.routerClient.Do(hreq)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return "", RouterTimeout
		}
		a.log.Debug("the external router failed", "skill", sk.Name, "err", err)
		return "", RouterError
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, routerAnswerLimit+1))
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "", RouterTimeout
	case err != nil || resp.StatusCode != http.StatusOK || len(raw) > routerAnswerLimit:
		a.log.Debug("the external router answered badly", "skill", sk.Name, "status", resp.StatusCode, "err", err)
		return "", RouterBadAnswer
	}
	var ans RouterAnswer
	if err := json.Unmarshal(raw, &ans); err != nil {
		return "", RouterBadAnswer
	}
	for _, c := range req.Candidates {
		if c.Agent == ans.Agent {
			return ans.Agent, ""
		}
	}
	return "", RouterBadAnswer
}

// chooser is the board's Chooser for a cycle: it asks the entry's skill's router. A router that
// timed out is not asked again in the same cycle, so a hanging router delays a cycle by one
// timeout at most.
func (a *ACD) chooser(ctx context.Context, w *world, byRef map[string]store.QueueEntry) Chooser {
	down := map[string]bool{}
	return func(e *Entry, cands []*Agent) *Agent {
		sk := w.skills[e.Skill]
		qe := byRef[e.Ref]
		reason := RouterUnavailable
		var chosen string
		if !down[sk.RouterURL] {
			req := RouterRequest{Ref: e.Ref, Conversation: qe.ConversationID, Channel: qe.ChannelID, Skill: e.Skill,
				Priority: e.Priority, EnqueuedAt: e.EnqueuedAt}
			for _, c := range cands {
				req.Candidates = append(req.Candidates, RouterCandidate{Agent: c.ID, Proficiency: c.Skills[e.Skill], Load: c.load,
					Capacity: c.Capacity, IdleSince: c.IdleSince})
			}
			chosen, reason = a.routerCall(ctx, sk, req)
			if reason == RouterTimeout {
				down[sk.RouterURL] = true
			}
		}
		if reason != "" {
			if a.RouterFallback != nil {
				a.RouterFallback(reason)
			}
			a.log.Debug("the external router's choice was not taken; the strategy's is", "skill", e.Skill, "ref", e.Ref, "reason", reason)
			return nil
		}
		for _, c := range cands {
			if c.ID == chosen {
				return c
			}
		}
		return nil
	}
}
