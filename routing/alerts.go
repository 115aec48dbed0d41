package routing

import (
	"context"
	"slices"
	"time"

	"github.com/switchboardhq/switchboard/settings"
	"github.com/switchboardhq/switchboard/store"
)

// Kinds of alerts: conditions of open conversations supervisors are told of (the channels'
// alert_* settings).
const (
	// AlertWaiting: a conversation has waited for an agent longer than alert_waiting.
	AlertWaiting = "waiting"
	// AlertSLA: a waiting conversation is within alert_sla of the service level.
	AlertSLA = "sla"
	// AlertNoReply: no reply was sent alert_no_reply after the conversation was assigned.
	AlertNoReply = "no_reply"
	// AlertIdle: an assigned conversation has had no message either way for alert_idle.
	AlertIdle = "idle"
)

// alertReads bounds the conversations read per computation for the alerts of assigned ones
// (no_reply, idle): the oldest assignments first.
const alertReads = 200

// Alert is a condition of an open conversation that supervisors are told of.
type Alert struct {
	Kind         string `json:"kind"`
	Conversation string `json:"conversation"`
	Ref          string `json:"ref"`
	Channel      string `json:"channel"`
	Skill        string `json:"skill"`
	Agent        string `json:"agent,omitempty"`
	// Since is when the condition began: the wait's or the silence's start plus the threshold.
	Since time.Time `json:"since"`
}

// alerts finds the alerts of the open queue entries at a moment.
func alerts(ctx context.Context, st store.Store, channels map[string]settings.ChannelSettings, open []store.QueueEntry, now time.Time) ([]Alert, error) {
	out := []Alert{}
	var assigned []store.QueueEntry
	for _, e := range open {
		s := channels[e.ChannelID]
		alert := func(kind string, since time.Time) {
			out = append(out, Alert{Kind: kind, Conversation: e.ConversationID, Ref: e.Ref, Channel: e.ChannelID, Skill: e.Skill,
				Agent: e.Agent, Since: since})
		}
		switch e.Status {
		case store.QueueQueued, store.QueueOffered:
			if s.AlertWaiting > 0 && !now.Before(e.EnqueuedAt.Add(s.AlertWaiting)) {
				alert(AlertWaiting, e.EnqueuedAt.Add(s.AlertWaiting))
			}
			level := serviceLevel(s)
			if s.AlertSLA > 0 && !now.Before(e.EnqueuedAt.Add(level-s.AlertSLA)) && now.Before(e.EnqueuedAt.Add(level)) {
				alert(AlertSLA, e.EnqueuedAt.Add(level-s.AlertSLA))
			}
		case store.QueueAssigned:
			if e.AssignedAt != nil && (s.AlertNoReply > 0 || s.AlertIdle > 0) {
				assigned = append(assigned, e)
			}
		}
	}
	slices.SortFunc(assigned, func(x, y store.QueueEntry) int { return x.AssignedAt.Compare(*y.AssignedAt) })
	reads := 0
	for _, e := range assigned {
		s := channels[e.ChannelID]
		due := func(d time.Duration) bool { return d > 0 && !now.Before(e.AssignedAt.Add(d)) }
		if !due(s.AlertNoReply) && !due(s.AlertIdle) {
			continue
		}
		if reads++; reads > alertReads {
			break
		}
		conv, err := st.ConversationGet(ctx, e.ConversationID)
		if err != nil {
			return nil, err
		}
		alert := func(kind string, since time.Time) {
			out = append(out, Alert{Kind: kind, Conversation: e.ConversationID, Ref: e.Ref, Channel: e.ChannelID, Skill: e.Skill,
				Agent: e.Agent, Since: since})
		}
		if due(s.AlertNoReply) && (conv.LastOutboundAt == nil || conv.LastOutboundAt.Before(*e.AssignedAt)) {
			alert(AlertNoReply, e.AssignedAt.Add(s.AlertNoReply))
		}
		if s.AlertIdle > 0 {
			last := *e.AssignedAt
			for _, t := range []*time.Time{conv.LastInboundAt, conv.LastOutboundAt} {
				if t != nil && t.After(last) {
					last = *t
				}
			}
			if !now.Before(last.Add(s.AlertIdle)) {
				alert(AlertIdle, last.Add(s.AlertIdle))
			}
		}
	}
	slices.SortStableFunc(out, func(x, y Alert) int { return x.Since.Compare(y.Since) })
	return out, nil
}
