package dispatch

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/switchboardhq/switchboard/channels"
	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/settings"
	"github.com/switchboardhq/switchboard/store"
)

// Outcome is what the pipeline did with one event: the session it ran, if any.
type Outcome struct {
	ConversationID string `json:"conversation_id"`
	// SessionID names the run; its outbox items and logs carry it. A session that ended in its
	// first run is not stored: there is nothing to resume.
	SessionID string `json:"session_id,omitempty"`
	// Delivered says where the interaction went: "session" (a flow ran), "agent" (the agent who
	// owns the conversation, or the queue it waits in), "held" (the session waits for the
	// network to take its message; its next wait for a reply takes this one), "recorded" (no
	// flow to run), "duplicate" (seen before) or "outbound" (our own message, or a mark of read
	// or delivered).
	Delivered string           `json:"delivered"`
	Status    engine.Status    `json:"status,omitempty"`
	Path      []string         `json:"path"`
	Exits     []string         `json:"exits"`
	Actions   []*engine.Action `json:"actions"`
	Vars      *engine.Vars     `json:"vars"`
	Waiting   *engine.Wait     `json:"waiting"`
	Error     *string          `json:"error"`
	Steps     engine.Trace     `json:"steps,omitzero"`
}

// run is one session run, waiting to be committed.
type run struct {
	session *engine.Session
	trace   engine.Trace
	eff     *effects
	// version is the stored version the run started from; 0 for a new session.
	version int64
	// continues is set on a run that took up its session where the run before it, committed
	// with it, left it (a held message): that run writes the session.
	continues bool
	// status is the session's status when this run stopped.
	status engine.Status
}

func (r *run) outcome(conv string) *Outcome {
	o := &Outcome{ConversationID: conv, SessionID: r.session.ID, Delivered: "session", Status: r.session.Status,
		Vars: &r.session.Vars, Steps: r.trace}
	o.Path, o.Exits, o.Actions = r.trace.Summary()
	if r.session.Status == engine.StatusWaiting {
		o.Waiting = r.session.Wait
	}
	if r.session.Error != "" {
		o.Error = &r.session.Error
	}
	return o
}

func (d *Dispatcher) newEffects(ch store.Channel, conv *store.Conversation, in engine.Interaction) *effects {
	return &effects{channel: ch, conversation: conv, in: in, now: d.cfg.Clock.Now()}
}

// maxAttempts bounds how often a unit of work is run again after losing a race.
const maxAttempts = 8

// inbound handles a customer's message: it goes to the session waiting for it, or to the
// agent who owns the conversation, or starts the channel's default flow. first, when set, is
// written first in the same transaction (the payload the message came in, for web chats
// handled at once).
func (d *Dispatcher) inbound(ctx context.Context, ch store.Channel, ev channels.Event, first func(store.Tx) error) (*Outcome, error) {
	in := ev.Interaction
	if in.Time.IsZero() { // web chat may leave the time out: it is now
		ev.Interaction.Time = d.cfg.Clock.Now()
	}
	if ev.Customer == "" {
		ev.Customer = in.Author.ID
	}
	unlock := d.keys.lock(ch.ID + "/" + ev.Customer)
	defer unlock()
	removed := ""
	if in.Kind == "comment" || in.Kind == "post" {
		removed = removedKey(in.ID)
	}
	// One read before the transaction: the conversation, its session, and whether the message
	// was seen before. A message seen before is not run again: a run calls out (http blocks)
	// before its commit finds the key taken. The commit stays the judge when two nodes race.
	state, err := d.st.InboundState(ctx, ch.ID, ev.Customer, ev.Key, removed)
	if err != nil {
		return nil, err
	}
	if state.RemovedSeen { // a late "add" never revives a removed comment
		if first != nil {
			if err := d.commit(ctx, first); err != nil {
				return nil, err
			}
		}
		return &Outcome{Delivered: "duplicate"}, nil
	}
	duplicate := &Outcome{Delivered: "duplicate", Path: []string{}, Exits: []string{}, Actions: []*engine.Action{}}
	if state.KeySeen {
		return duplicate, nil
	}
	var lastErr error
	for attempt := range maxAttempts {
		if attempt > 0 { // the conversation changed meanwhile: read it again
			if state, err = d.st.InboundState(ctx, ch.ID, ev.Customer, ev.Key, ""); err != nil {
				return nil, err
			}
		}
		out, err := d.inboundOnce(ctx, ch, ev, first, state)
		switch {
		case errors.Is(err, store.ErrDuplicate):
			return duplicate, nil
		case errors.Is(err, errConversationClosed), isRetryable(err):
			lastErr = err
			continue
		}
		return out, err
	}
	return nil, fmt.Errorf("the conversation kept changing while this message was handled: %w", lastErr)
}

var errConversationClosed = errors.New("the conversation was closed meanwhile")

// final wraps an error that running again would not change.
type final struct{ err error }

func (f final) Error() string { return f.err.Error() }
func (f final) Unwrap() error { return f.err }

func removedKey(id string) string { return "removed:" + id }

// inboundOnce runs a message against the state read before (state), and commits what it did;
// the commit checks that the conversation still holds.
func (d *Dispatcher) inboundOnce(ctx context.Context, ch store.Channel, ev channels.Event, first func(store.Tx) error,
	state store.InboundState) (*Outcome, error) {
	in := ev.Interaction
	in.ChannelID = ch.ID
	var conv store.Conversation
	known := state.Conversation != nil
	if known {
		conv = *state.Conversation
	} else {
		conv = store.Conversation{ID: "conv_" + timeOrderedID(), ChannelID: ch.ID, Customer: ev.Customer,
			Status: store.ConversationOpen, OpenedAt: d.cfg.Clock.Now(), Tags: []string{}}
	}
	sess := state.Session
	var err error
	record := store.Interaction{ConversationID: conv.ID, ChannelID: ch.ID, Direction: store.Inbound, ExternalID: in.ID,
		Kind: in.Kind, Public: in.Public, Author: in.Author, Text: in.Text, Thread: in.Thread, Parent: in.Parent,
		Attachments: in.Attachments, At: in.Time}
	var r *run
	var held *store.Session // sess with the message held
	delivered := "recorded"
	switch {
	case sess != nil && sess.Status == string(engine.StatusWaiting) && sess.WaitKind == string(engine.WaitReply):
		r, err = d.resumeRun(ctx, ch, &conv, *sess, engine.Event{Kind: engine.EventReply, Seq: sess.Seq, Interaction: &in})
	case holds(sess, conv):
		if h, ok := hold(*sess, in); ok {
			held, delivered = &h, "held"
		} else {
			d.log.Warn("the session holds the most messages it may while its send waits; this one is recorded only",
				"session", sess.ID, "conversation", conv.ID)
		}
	case sess != nil || conv.Agent != "":
		delivered = "agent"
	case ch.DefaultFlow != "" && ch.Enabled:
		// a new session: the customer's name from the network's profile when the event has none
		var first string
		in.Author, first = d.profiles.resolve(ctx, ch, in)
		record.Author = in.Author
		r, err = d.startRun(ctx, ch, &conv, in, first)
	}
	var more []*run // the runs that took up messages the session held
	if err == nil && r != nil {
		more, err = d.drainHeld(ctx, ch, &conv, r)
	}
	if err != nil {
		return nil, err
	}
	var stored store.Interaction
	err = d.commit(ctx, func(tx store.Tx) error {
		// its own err: a commit whose ctx ends returns while the unit may still run
		var err error
		if first != nil {
			if err := first(tx); err != nil {
				return err
			}
		}
		if err := tx.EventKeyInsert(ctx, ch.ID, ev.Key); err != nil {
			return err
		}
		var c store.Conversation
		if known {
			if c, err = tx.ConversationGet(ctx, conv.ID); err != nil {
				return err
			}
			if c.Status != store.ConversationOpen {
				return errConversationClosed
			}
		} else if c, err = tx.ConversationCreate(ctx, conv); err != nil {
			return err // ErrExists: another message opened it first; run again with it
		}
		if stored, err = tx.InteractionInsert(ctx, record); err != nil {
			return err
		}
		if c.LastInboundAt == nil || stored.At.After(*c.LastInboundAt) {
			c.LastInboundAt = &stored.At
		}
		if held != nil {
			if _, err := tx.SessionUpdate(ctx, *held, held.Version); err != nil {
				return err
			}
		}
		if r != nil {
			if err := d.applyRuns(ctx, tx, r, more, &c); err != nil {
				return err
			}
		}
		return tx.ConversationUpdate(ctx, c)
	})
	if err != nil {
		return nil, err
	}
	d.afterRuns(ctx, r, more)
	if delivered == "agent" && d.cfg.Observer != nil {
		d.cfg.Observer.Inbound(conv, stored)
	}
	if r == nil {
		return &Outcome{ConversationID: conv.ID, Delivered: delivered, Path: []string{}, Exits: []string{}, Actions: []*engine.Action{}}, nil
	}
	return r.outcome(conv.ID), nil
}

// startRun runs a new session of the channel's default flow; first is the first name of the
// author's network profile, when it was looked up.
func (d *Dispatcher) startRun(ctx context.Context, ch store.Channel, conv *store.Conversation, in engine.Interaction, first string) (*run, error) {
	flow, err := d.cfg.Flows.LoadFlow(ctx, ch.DefaultFlow, 0)
	if errors.Is(err, store.ErrNotFound) {
		d.log.Warn("the channel's default flow is not published; the message is recorded only", "channel", ch.ID, "flow", ch.DefaultFlow)
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load flow %s: %w", ch.DefaultFlow, err)
	}
	contact := engine.Contact{Name: in.Author.Name, FirstName: first, Handle: in.Author.Handle}
	if conv.ContactID != "" {
		c, err := d.st.ContactGet(ctx, conv.ContactID)
		if err == nil {
			contact = c.Engine()
		} else if !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		// a contact recorded without a name takes the profile's; with the profile's name, its first name
		if contact.Name == "" || contact.Name == in.Author.Name {
			contact.Name, contact.FirstName = cmp.Or(contact.Name, in.Author.Name), cmp.Or(contact.FirstName, first)
		}
	}
	id := "s_" + timeOrderedID()
	eff := d.newEffects(ch, conv, in)
	cs, _ := settings.ParseChannel(ch.Type, ch.Settings) // a stored channel's settings were checked when saved
	s, trace := d.rt.StartTrace(withEffects(ctx, eff), flow, in, engine.StartOptions{
		SessionID: id, Contact: &contact, DefaultSkill: ch.DefaultSkill, DefaultLanguage: cs.Language, Seed: seedOf(id)})
	return &run{session: s, trace: trace, eff: eff, status: s.Status}, nil
}

// resumeRun runs a stored session with an event.
func (d *Dispatcher) resumeRun(ctx context.Context, ch store.Channel, conv *store.Conversation, sess store.Session, ev engine.Event) (*run, error) {
	st := sess.State
	r, err := d.continueRun(ctx, ch, conv, &st, ev)
	if err != nil {
		return nil, err
	}
	r.version = sess.Version
	return r, nil
}

// applyRun writes what a run did, in the transaction that commits it.
func (d *Dispatcher) applyRun(ctx context.Context, tx store.Tx, r *run, conv *store.Conversation) error {
	s, eff := r.session, r.eff
	row := store.Session{ID: s.ID, ConversationID: conv.ID, State: *s}
	var err error
	switch {
	case r.continues: // the run before it writes the session
	case r.version == 0 && (s.Status == engine.StatusEnded || s.Status == engine.StatusFailed):
		// a session that ended in its first run waits for nothing: the transcript and the
		// outbox keep what it did
	case r.version == 0:
		_, err = tx.SessionInsert(ctx, row)
	default:
		_, err = tx.SessionUpdate(ctx, row, r.version)
	}
	if err != nil {
		return err
	}
	if s.Contact.ID != "" && conv.ContactID == "" {
		conv.ContactID = s.Contact.ID
	}
	now := eff.now
	for _, a := range eff.network {
		var waitSeq int64
		if s.Status == engine.StatusWaiting && s.Wait != nil && s.Wait.Kind == engine.WaitSend && s.Wait.Ref == a.ID {
			waitSeq = s.Seq
		}
		item := store.OutboxItem{ActionID: a.ID, ChannelID: conv.ChannelID, ConversationID: conv.ID, SessionID: s.ID,
			WaitSeq: waitSeq, Action: *a, PrivateTarget: privateReplyTarget(eff, a)}
		if _, err := tx.OutboxInsert(ctx, item); err != nil {
			return err
		}
		switch a.Type {
		case engine.ActionReply:
			if _, err := tx.InteractionInsert(ctx, outboundRecord(conv, a, store.OutboxPending, now)); err != nil {
				return err
			}
		case engine.ActionLike, engine.ActionRetweet, engine.ActionHide, engine.ActionUnhide:
			// the transcript shows the flow's likes and hides as it shows an agent's
			if _, err := tx.InteractionInsert(ctx, socialRecord(conv, a, now)); err != nil {
				return err
			}
		}
	}
	for _, a := range eff.immediate {
		switch a.Type {
		case engine.ActionReply: // web chat: the reply is the answer the widget gets
			if _, err := tx.InteractionInsert(ctx, outboundRecord(conv, a, store.OutboxSent, now)); err != nil {
				return err
			}
			// and it is sent once it is in the visitor's mailbox, which the widget streams
			if err := appendWebchatReply(ctx, tx, conv, a); err != nil {
				return err
			}
			responded(conv, a.Agent == "", now)
		case engine.ActionTag:
			for _, t := range a.Tags {
				if !slices.Contains(conv.Tags, t) {
					conv.Tags = append(conv.Tags, t)
				}
			}
			conv.Important = conv.Important || a.Important
		case engine.ActionClose:
			conv.Status, conv.Disposition, conv.ClosedAt = store.ConversationClosed, a.Disposition, &now
		}
	}
	for _, req := range eff.routes {
		if req.Skill != "" {
			conv.Skill = req.Skill
		}
		if d.cfg.Queue != nil {
			if err := d.cfg.Queue.Enqueue(ctx, tx, req); err != nil {
				return err
			}
		}
	}
	for _, ref := range eff.cancels {
		if d.cfg.Queue != nil {
			if err := d.cfg.Queue.Withdraw(ctx, tx, ref); err != nil {
				return err
			}
		}
	}
	return nil
}

// applyRuns writes r and the runs that followed it in one transaction.
func (d *Dispatcher) applyRuns(ctx context.Context, tx store.Tx, r *run, more []*run, conv *store.Conversation) error {
	if err := d.applyRun(ctx, tx, r, conv); err != nil {
		return err
	}
	for _, m := range more {
		if err := d.applyRun(ctx, tx, m, conv); err != nil {
			return err
		}
	}
	return nil
}

// responded records that we answered the conversation, by its flow (byFlow) or by a person. A
// flow's message while an agent holds the conversation (route.skill's time events) is not the
// agent's answer: no_reply, idle and auto_requeue do not count it.
func responded(conv *store.Conversation, byFlow bool, at time.Time) {
	if conv.Agent != "" && byFlow {
		return
	}
	conv.LastOutboundAt = &at
	if conv.FirstResponseAt == nil {
		conv.FirstResponseAt = &at
	}
}

func outboundRecord(conv *store.Conversation, a *engine.Action, status string, at time.Time) store.Interaction {
	kind := "message"
	if a.Visibility == "public" {
		kind = "comment"
	}
	return store.Interaction{ConversationID: conv.ID, ChannelID: conv.ChannelID, Direction: store.Outbound, Kind: kind,
		Public: a.Visibility == "public", Text: a.Text, Attachments: a.Attachments, Parent: a.Target, At: at,
		ActionID: a.ID, Agent: a.Agent, Status: status}
}

// socialRecord is the transcript's line of a like, retweet, hide or unhide of the customer's
// public post or comment, pending until the network takes it.
func socialRecord(conv *store.Conversation, a *engine.Action, at time.Time) store.Interaction {
	return store.Interaction{ConversationID: conv.ID, ChannelID: conv.ChannelID, Direction: store.Outbound, Kind: string(a.Type),
		Public: true, Parent: a.Target, At: at, ActionID: a.ID, Agent: a.Agent, Status: store.OutboxPending}
}

// afterRuns is afterRun for r and the runs that followed it.
func (d *Dispatcher) afterRuns(ctx context.Context, r *run, more []*run) {
	d.afterRun(ctx, r)
	for _, m := range more {
		d.afterRun(ctx, m)
	}
}

// afterRun wakes who must act on what a committed run queued.
func (d *Dispatcher) afterRun(ctx context.Context, r *run) {
	if r == nil {
		return
	}
	if d.cfg.Metrics != nil {
		d.cfg.Metrics.SessionRun(r.status)
	}
	if len(r.eff.routes) > 0 || len(r.eff.cancels) > 0 {
		if d.cfg.Queue != nil {
			d.cfg.Queue.Wake()
		}
	}
	if len(r.eff.network) > 0 || (r.session.Wait != nil && !r.session.Wait.Deadline.IsZero()) {
		d.notify(ctx, TopicDue)
	}
	if r.eff.channel.Type == store.ChannelWebchat && r.eff.conversation != nil && store.IsWebchatVisitor(r.eff.conversation.Customer) &&
		slices.ContainsFunc(r.eff.immediate, func(a *engine.Action) bool { return a.Type == engine.ActionReply }) {
		d.AnnounceWebchat(ctx, r.eff.channel.ID, r.eff.conversation.Customer)
	}
}

// Resume delivers an event to a waiting session (an agent assigned, a conversation closed), and
// runs it. extra, when set, is written in the same transaction. An event for an earlier wait, or
// for a session no longer waiting, changes nothing and returns engine.ErrStaleEvent.
func (d *Dispatcher) Resume(ctx context.Context, sessionID string, ev engine.Event, extra func(store.Tx) error) (*Outcome, error) {
	var lastErr error
	for range maxAttempts {
		sess, err := d.st.SessionGet(ctx, sessionID)
		if err != nil {
			return nil, err
		}
		unlock := d.keys.lock(sess.ConversationID)
		out, err := d.resumeOnce(ctx, sess, ev, extra)
		unlock()
		var f final
		if isRetryable(err) && !errors.As(err, &f) {
			lastErr = err
			continue
		}
		return out, err
	}
	return nil, fmt.Errorf("session %s kept changing: %w", sessionID, lastErr)
}

func (d *Dispatcher) resumeOnce(ctx context.Context, sess store.Session, ev engine.Event, extra func(store.Tx) error) (*Outcome, error) {
	if sess.Status != string(engine.StatusWaiting) || sess.Seq != ev.Seq {
		if extra != nil {
			if err := d.commit(ctx, extra); err != nil {
				return nil, final{err} // what extra refuses, it refuses whatever the session does
			}
		}
		return nil, fmt.Errorf("session %s (%s at wait %d, event for wait %d): %w", sess.ID, sess.Status, sess.Seq, ev.Seq, engine.ErrStaleEvent)
	}
	conv, err := d.st.ConversationGet(ctx, sess.ConversationID)
	if err != nil {
		return nil, err
	}
	ch, err := d.st.ChannelGet(ctx, conv.ChannelID)
	if err != nil {
		return nil, err
	}
	r, err := d.resumeRun(ctx, ch, &conv, sess, ev)
	if err != nil {
		return nil, err
	}
	more, err := d.drainHeld(ctx, ch, &conv, r)
	if err != nil {
		return nil, err
	}
	err = d.commit(ctx, func(tx store.Tx) error {
		if extra != nil {
			if err := extra(tx); err != nil {
				return final{err}
			}
		}
		c, err := tx.ConversationGet(ctx, conv.ID)
		if err != nil {
			return err
		}
		if err := d.applyRuns(ctx, tx, r, more, &c); err != nil {
			return err
		}
		return tx.ConversationUpdate(ctx, c)
	})
	if err != nil {
		return nil, err
	}
	d.afterRuns(ctx, r, more)
	return r.outcome(conv.ID), nil
}

// timeOrderedID is a new unique id that sorts after those made before it (a version 7 UUID):
// the rows a batch inserts with such ids, and the rows keyed by them (a session's actions), go
// to the same last pages of their indexes rather than to a page each.
func timeOrderedID() string {
	id, err := uuid.NewV7()
	if err != nil {
		return uuid.NewString() // no clock reading: random is as unique
	}
	return id.String()
}
