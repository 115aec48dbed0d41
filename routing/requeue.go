package routing

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/store"
)

// answeredCache remembers the assigned entries found answered (a reply sent since their
// assignment), so that auto_requeue reads each conversation once, not on every cycle; it holds
// at most the open entries.
type answeredCache struct {
	mu   sync.Mutex
	refs map[string]bool
}

// requeueUnanswered puts back in the queue the assigned conversations of channels with
// auto_requeue whose agent has sent no reply since the assignment for that long: for another
// agent (the one who held it is excluded), keeping its age, counted in the entry's requeues.
// It tells whether it requeued any.
func (a *ACD) requeueUnanswered(ctx context.Context, w *world) bool {
	a.answered.mu.Lock()
	defer a.answered.mu.Unlock()
	if a.answered.refs == nil {
		a.answered.refs = map[string]bool{}
	}
	open := map[string]bool{}
	now := a.now()
	requeued := false
	for _, e := range w.entries {
		open[e.Ref] = true
		after := w.settings[e.ChannelID].AutoRequeue
		if e.Status != store.QueueAssigned || after <= 0 || e.AssignedAt == nil || now.Before(e.AssignedAt.Add(after)) ||
			a.answered.refs[e.Ref] {
			continue
		}
		conv, err := a.st.ConversationGet(ctx, e.ConversationID)
		if err != nil {
			a.log.Warn("read a conversation to requeue it; the next cycle tries again", "conversation", e.ConversationID, "err", err)
			continue
		}
		if conv.LastOutboundAt != nil && !conv.LastOutboundAt.Before(*e.AssignedAt) {
			a.answered.refs[e.Ref] = true
			continue
		}
		switch err := a.requeue(ctx, e); {
		case err == nil:
			requeued = true
		case errors.Is(err, store.ErrStale):
		default:
			a.log.Warn("requeue an unanswered conversation; the next cycle tries again", "ref", e.Ref, "err", err)
		}
	}
	for ref := range a.answered.refs {
		if !open[ref] {
			delete(a.answered.refs, ref)
		}
	}
	return requeued
}

// requeue takes an assigned entry from its agent back to the queue, if it is still assigned to
// them as it was read, and tells its session, whose route.skill waits again with the clock of
// its timeout going on from the queueing (it may leave by timeout at once).
func (a *ACD) requeue(ctx context.Context, e store.QueueEntry) error {
	agent := e.Agent
	extra := func(tx store.Tx) error {
		cur, err := tx.QueueGet(ctx, e.Ref)
		if err != nil {
			return err
		}
		if cur.Status != store.QueueAssigned || cur.Agent != agent || cur.AssignedAt == nil || !cur.AssignedAt.Equal(*e.AssignedAt) {
			return fmt.Errorf("queue entry %s changed: %w", e.Ref, store.ErrStale)
		}
		cur.Status, cur.Agent, cur.AssignedAt, cur.OfferedAt, cur.OfferExpiresAt = store.QueueQueued, "", nil, nil, nil
		if !slices.Contains(cur.Excluded, agent) {
			cur.Excluded = append(cur.Excluded, agent)
		}
		cur.Requeues++
		if err := tx.QueueUpdate(ctx, cur, store.QueueAssigned); err != nil {
			return err
		}
		conv, err := tx.ConversationGet(ctx, e.ConversationID)
		if err != nil {
			return err
		}
		conv.Agent = ""
		return tx.ConversationUpdate(ctx, conv)
	}
	var seq int64
	if s, err := a.st.SessionGet(ctx, e.SessionID); err == nil {
		seq = s.Seq
	}
	// a session that waits no more (or on something else) leaves extra to commit alone
	err := a.Resumer.ResumeSession(ctx, e.SessionID, engine.Event{Kind: engine.EventRequeued, Seq: seq}, extra)
	if errors.Is(err, engine.ErrUnexpectedEvent) {
		err = a.st.InTx(ctx, extra) // it waits on something else: the queue moves on alone
	}
	if err != nil && !errors.Is(err, engine.ErrStaleEvent) {
		return err
	}
	a.log.Info("an unanswered conversation went back to the queue", "ref", e.Ref, "agent", agent)
	a.tell(ctx, agent, AgentEvent{Type: EventClosed, Ref: e.Ref, Conversation: e.ConversationID})
	return nil
}
