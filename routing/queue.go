package routing

import (
	"context"
	"time"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/store"
)

// QueueRequest is a routing request as the queue stores it: what a session's route block asked
// for, written in the transaction of the run that made it.
type QueueRequest struct {
	Ref              string
	SessionID        string
	ConversationID   string
	Channel          store.Channel
	Skill            string
	Priority         int
	Preferred        string
	PreferredTimeout time.Duration
	Timeout          time.Duration
	// Public tells a public interaction (a comment, a mention) from a private one.
	Public bool
	// EnqueuedAt is when the customer wrote: the queue's age order.
	EnqueuedAt time.Time
	// Escalation widens the request as it waits (route.skill's escalation).
	Escalation []engine.EscalationStep
}

// Queue is the routing queue as sessions see it (the pipeline's Queue): it admits requests at once
// from what the database says of agents and queues, and writes them in the session's
// transaction. Any node may run it; the ACD assigns.
type Queue struct {
	st  store.Store
	acd *ACD
}

// NewQueue returns the queue of a store, which wakes the ACD when it changes.
func NewQueue(st store.Store, acd *ACD) *Queue { return &Queue{st: st, acd: acd} }

// Admit decides a request: no_agents when nobody with the skill is logged in (unless the block
// queues anyway), overflow when the skill's queue holds the channel's queue_limit conversations
// per working agent (available or busy, not on a break), otherwise queued, with its place in
// the queue and an estimate of its wait (see estimate).
func (q *Queue) Admit(ctx context.Context, req *engine.RouteRequest, ch store.Channel) (engine.RouteResult, error) {
	outcome, agents, state, err := q.admit(ctx, req, ch)
	if err != nil || outcome != engine.RouteQueued {
		return engine.RouteResult{Outcome: outcome}, err
	}
	res := engine.RouteResult{Outcome: outcome}
	res.Position, res.ExpectedWait, err = q.estimate(ctx, req, agents, state)
	return res, err
}

func (q *Queue) admit(ctx context.Context, req *engine.RouteRequest, ch store.Channel) (engine.RouteOutcome, []store.Agent, map[string]string, error) {
	agents, err := q.st.AgentList(ctx)
	if err != nil {
		return "", nil, nil, err
	}
	states, err := q.st.AgentStateList(ctx)
	if err != nil {
		return "", nil, nil, err
	}
	state := map[string]string{}
	for _, s := range states {
		state[s.AgentID] = s.State
	}
	loggedIn, working := 0, 0
	for _, a := range agents {
		st := state[a.ID]
		if a.Skills[req.Skill] <= 0 || st == "" || st == StateOffline {
			continue
		}
		loggedIn++
		if st == StateAvailable || st == StateBusy {
			working++
		}
	}
	if loggedIn == 0 && !req.QueueWithoutAgents {
		return engine.RouteNoAgents, agents, state, nil
	}
	if limit := q.acd.settingsOf(ch).QueueLimit; limit > 0 {
		waiting, err := q.st.QueueList(ctx, store.QueueListParams{Statuses: []string{store.QueueQueued, store.QueueOffered}, Skill: req.Skill})
		if err != nil {
			return "", nil, nil, err
		}
		if len(waiting) >= limit*working {
			return engine.RouteOverflow, agents, state, nil
		}
	}
	return engine.RouteQueued, agents, state, nil
}

// Enqueue writes an admitted request.
func (q *Queue) Enqueue(ctx context.Context, tx store.Tx, req QueueRequest) error {
	e := store.QueueEntry{Ref: req.Ref, SessionID: req.SessionID, ConversationID: req.ConversationID,
		ChannelID: req.Channel.ID, ChannelType: req.Channel.Type, Skill: req.Skill, Priority: req.Priority,
		Public: req.Public, EnqueuedAt: req.EnqueuedAt, Status: store.QueueQueued}
	for _, s := range req.Escalation {
		e.Escalation = append(e.Escalation, store.EscalationStep{After: s.After.Seconds(), MinProficiency: s.MinProficiency,
			Skills: s.Skills, Priority: s.Priority})
	}
	if req.Preferred != "" && req.PreferredTimeout > 0 {
		until := req.EnqueuedAt.Add(req.PreferredTimeout)
		e.PreferredAgent, e.PreferredUntil = req.Preferred, &until
	}
	return tx.QueueInsert(ctx, e)
}

// Withdraw takes a request that is still waiting out of the queue: its wait timed out. An
// offer ringing for it stops.
func (q *Queue) Withdraw(ctx context.Context, tx store.Tx, ref string) error {
	e, err := tx.QueueGet(ctx, ref)
	if err != nil {
		return err
	}
	if e.Status != store.QueueQueued && e.Status != store.QueueOffered {
		return nil
	}
	from := e.Status
	now := q.acd.now()
	e.Status, e.WithdrawnAt = store.QueueWithdrawn, &now
	if err := tx.QueueUpdate(ctx, e, from); err != nil {
		return err
	}
	if from == store.QueueOffered {
		// a hint: the agent's screen asks again what it has
		q.acd.tell(ctx, e.Agent, AgentEvent{Type: EventOfferWithdrawn, Ref: e.Ref, Conversation: e.ConversationID, Reason: ReasonLeftQueue})
	}
	return nil
}

// Wake tells the ACD, on whichever node leads, that the queue changed.
func (q *Queue) Wake() { q.acd.Wake() }
