package dispatch

// Messages that come while a flow's message is still on its way.
//
// A reply block waits for the network's answer before it goes on: a question's wait.reply
// starts only once the question is sent. A customer quick enough to answer in that window (the
// network shows a message before it answers our request) must not lose the answer: the session
// holds the message, and the next wait for a reply takes it. A session that ends, or fails,
// with messages held hands them to a new session of the channel's default flow, as if they came
// after it; a conversation an agent or the queue has, or that the flow closed, keeps them in its
// transcript only.

import (
	"context"
	"fmt"
	"slices"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/store"
)

// holds tells whether a customer's message goes to sess to be held: the session waits for a
// send and no agent has the conversation (an agent's conversation gets its messages at once).
func holds(sess *store.Session, conv store.Conversation) bool {
	return sess != nil && conv.Agent == "" && sess.Status == string(engine.StatusWaiting) &&
		sess.WaitKind == string(engine.WaitSend)
}

// hold returns sess with in held; false when it holds engine.MaxHeld messages already, and in
// is only recorded.
func hold(sess store.Session, in engine.Interaction) (store.Session, bool) {
	if len(sess.State.Held) >= engine.MaxHeld {
		return sess, false
	}
	sess.State.Held = append(slices.Clip(sess.State.Held), in)
	return sess, true
}

// drainHeld gives the messages the session of r held to what r left: the reply it now waits
// for, or a new session once it ended. It returns the runs that followed r, to be committed
// with it, in order; a message stays held while the session waits for another send.
func (d *Dispatcher) drainHeld(ctx context.Context, ch store.Channel, conv *store.Conversation, r *run) ([]*run, error) {
	var runs []*run
	closed := closesConversation(r) // by r or a run after it
	// each turn takes one held message, or stops: at most MaxHeld turns
	for last := r; len(last.session.Held) > 0; {
		s := last.session
		in, rest := s.Held[0], s.Held[1:]
		var next *run
		var err error
		switch {
		case s.Status == engine.StatusWaiting && s.Wait != nil && s.Wait.Kind == engine.WaitSend:
			return runs, nil
		case s.Status == engine.StatusWaiting && s.Wait != nil && s.Wait.Kind == engine.WaitReply:
			s.Held = rest
			next, err = d.continueRun(ctx, ch, conv, s, engine.Event{Kind: engine.EventReply, Seq: s.Seq, Interaction: &in})
			if next != nil {
				next.continues = true
			}
		case (s.Status == engine.StatusEnded || s.Status == engine.StatusFailed) && conv.Agent == "" && !closed &&
			ch.DefaultFlow != "" && ch.Enabled:
			s.Held = nil
			var first string
			in.Author, first = d.profiles.resolve(ctx, ch, in)
			if next, err = d.startRun(ctx, ch, conv, in, first); next != nil {
				next.session.Held = rest
			}
		default:
			// the queue or an agent has the conversation, or it is closed: its transcript has them
			s.Held = nil
			return runs, nil
		}
		if err != nil {
			return nil, err
		}
		if next == nil { // the default flow is not published: the messages are recorded only
			return runs, nil
		}
		runs = append(runs, next)
		closed = closed || closesConversation(next)
		last = next
	}
	return runs, nil
}

// closesConversation tells whether a run closed its conversation.
func closesConversation(r *run) bool {
	return slices.ContainsFunc(r.eff.immediate, func(a *engine.Action) bool { return a.Type == engine.ActionClose })
}

// continueRun runs the session s (stored, or left by a run before) with an event.
func (d *Dispatcher) continueRun(ctx context.Context, ch store.Channel, conv *store.Conversation, s *engine.Session, ev engine.Event) (*run, error) {
	flow, err := d.cfg.Flows.LoadFlow(ctx, s.FlowID, s.FlowVersion)
	if err != nil {
		return nil, fmt.Errorf("session %s: load flow %s version %d: %w", s.ID, s.FlowID, s.FlowVersion, err)
	}
	in := s.Interaction
	if ev.Interaction != nil {
		in = *ev.Interaction
	}
	eff := d.newEffects(ch, conv, in)
	trace, err := d.rt.ResumeTrace(withEffects(ctx, eff), flow, s, ev)
	if err != nil {
		return nil, err
	}
	return &run{session: s, trace: trace, eff: eff, status: s.Status}, nil
}
