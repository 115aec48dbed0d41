package dispatch

import (
	"context"
	"errors"
	"fmt"

	"github.com/switchboardhq/switchboard/channels"
	"github.com/switchboardhq/switchboard/store"
)

// AdapterChannel is a stored channel as the network adapters see it.
func AdapterChannel(ch store.Channel) channels.Channel {
	return channels.Channel{ID: ch.ID, Type: ch.Type, Credentials: ch.Credentials, Settings: ch.Settings}
}

// Ingest stores a verified webhook payload durably; it may be acknowledged once this returns.
func (d *Dispatcher) Ingest(ctx context.Context, ch store.Channel, body []byte) (store.WebhookEvent, error) {
	var ev store.WebhookEvent
	err := d.commit(ctx, func(tx store.Tx) error {
		var err error
		ev, err = tx.WebhookEventInsert(ctx, ch.ID, body, false)
		return err
	})
	return ev, err
}

// Handle stores a verified payload and processes it at once, for callers that wait for the
// outcome (web chats with ?wait). A payload of one customer message is stored and handled in a
// single transaction, so the answer comes once everything is durable; anything else, or a
// message that cannot be handled now, is stored first and processed as Process does (what was
// stored but not processed stays in the payload queue).
func (d *Dispatcher) Handle(ctx context.Context, ch store.Channel, body []byte) (store.WebhookEvent, []*Outcome, error) {
	events, err := channels.Parse(AdapterChannel(ch), body)
	if err == nil && len(events) == 1 && events[0].Kind == channels.EventInbound {
		var ev store.WebhookEvent
		out, err := d.inbound(ctx, ch, events[0], func(tx store.Tx) error {
			var err error
			ev, err = tx.WebhookEventInsert(ctx, ch.ID, body, true)
			return err
		})
		if err == nil {
			return ev, []*Outcome{out}, nil
		}
		if ctx.Err() != nil {
			return ev, nil, err // the unit may have committed: the payload's key settles it
		}
		d.log.Warn("a web chat message could not be handled at once; it is stored for later", "channel", ch.ID, "err", err)
	}
	ev, err := d.Ingest(ctx, ch, body)
	if err != nil {
		return ev, nil, err
	}
	outs, err := d.Process(ctx, ev)
	return ev, outs, err
}

// Process handles a stored payload: every event in it, each once (events seen before are
// skipped by their key), then marks the payload done. A payload whose events could not all be
// handled stays pending, and is processed again later; one that cannot be read is set aside as
// failed, with the reason.
func (d *Dispatcher) Process(ctx context.Context, ev store.WebhookEvent) ([]*Outcome, error) {
	ch, err := d.Channel(ctx, ev.ChannelID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, d.finishEvent(ctx, ev.ID, "the channel was deleted")
	}
	if err != nil {
		return nil, err
	}
	events, unreadable := channels.Parse(AdapterChannel(ch), ev.Body)
	return d.process(ctx, ev, ch, events, unreadable)
}

// process handles a payload's events, parsed from it on its channel. A payload may be partly
// unreadable: the events that could be read are handled, and the payload is set aside as
// failed, with the reason, once they are.
func (d *Dispatcher) process(ctx context.Context, ev store.WebhookEvent, ch store.Channel, events []channels.Event, unreadable error) ([]*Outcome, error) {
	if unreadable != nil {
		d.log.Warn("a webhook payload cannot be read in full", "channel", ch.ID, "event", ev.ID, "err", unreadable)
	}
	var outcomes []*Outcome
	var failures []error
	for _, e := range events {
		if e.Kind == channels.EventIgnored {
			d.log.Debug("a webhook event is ignored", "channel", ch.ID, "event", ev.ID, "type", e.Ignored,
				"id", e.Target, "account", e.Account)
			continue
		}
		out, err := d.handle(ctx, ch, e)
		if err != nil {
			failures = append(failures, fmt.Errorf("event %s: %w", e.Key, err))
			continue
		}
		outcomes = append(outcomes, out)
	}
	if err := errors.Join(failures...); err != nil {
		if ev.Attempts >= maxEventAttempts {
			d.log.Error("a webhook payload failed too often; it is set aside", "channel", ch.ID, "event", ev.ID, "err", err)
			return outcomes, d.finishEvent(ctx, ev.ID, err.Error())
		}
		return outcomes, err
	}
	failure := ""
	if unreadable != nil {
		failure = unreadable.Error()
	}
	return outcomes, d.finishEvent(ctx, ev.ID, failure)
}

func (d *Dispatcher) finishEvent(ctx context.Context, id int64, failure string) error {
	return d.commit(ctx, func(tx store.Tx) error { return tx.WebhookEventFinish(ctx, id, failure) })
}

// handle routes one normalised event.
func (d *Dispatcher) handle(ctx context.Context, ch store.Channel, e channels.Event) (*Outcome, error) {
	switch e.Kind {
	case channels.EventInbound:
		return d.inbound(ctx, ch, e, nil)
	case channels.EventOutbound:
		return d.outbound(ctx, ch, e)
	case channels.EventWatermark:
		return d.watermark(ctx, ch, e)
	case channels.EventRemoved:
		return d.removed(ctx, ch, e)
	}
	return nil, fmt.Errorf("unknown event kind %q", e.Kind)
}

// outbound records our own message coming back: an echo of an outbox send (which tells the
// outbox it was sent, even if this node died before recording it), or something the page wrote
// from the network's own tools. Our own comment or post names no customer: it goes to the
// conversation of the interaction it answers, and is only noted (by its key) when that is not
// one of ours.
func (d *Dispatcher) outbound(ctx context.Context, ch store.Channel, e channels.Event) (*Outcome, error) {
	var convID string
	err := d.commit(ctx, func(tx store.Tx) error {
		convID = "" // a batch may run this again
		if err := tx.EventKeyInsert(ctx, ch.ID, e.Key); err != nil {
			return err
		}
		if e.Metadata != "" {
			rec, err := tx.InteractionByAction(ctx, e.Metadata)
			if err == nil {
				convID = rec.ConversationID
				rec.ExternalID = e.Interaction.ID
				if rec.Status == store.OutboxPending || rec.Status == "" {
					rec.Status = store.OutboxSent
				}
				return tx.InteractionUpdate(ctx, rec)
			}
			if !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		// our own comment or tweet coming back: the outbox recorded it with the id the network
		// gave it (only Messenger and Direct echoes carry the action id)
		if e.Interaction.ID != "" {
			rec, err := tx.InteractionByExternal(ctx, ch.ID, e.Interaction.ID)
			if err == nil && rec.Direction == store.Outbound {
				convID = rec.ConversationID
				return nil
			}
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		var c store.Conversation
		if e.Customer == "" {
			parent := e.Interaction.Parent
			if parent == "" {
				return nil
			}
			rec, err := tx.InteractionByExternal(ctx, ch.ID, parent)
			if errors.Is(err, store.ErrNotFound) {
				return nil
			}
			if err != nil {
				return err
			}
			if c, err = tx.ConversationGet(ctx, rec.ConversationID); err != nil {
				return err
			}
		} else {
			// opened with the key, so that an echo seen before opens no conversation
			var err error
			if c, _, err = tx.ConversationOpen(ctx, ch.ID, e.Customer, ""); err != nil {
				return err
			}
		}
		convID = c.ID
		in := e.Interaction
		at := in.Time
		if at.IsZero() {
			at = d.cfg.Clock.Now()
		}
		_, err := tx.InteractionInsert(ctx, store.Interaction{ConversationID: c.ID, ChannelID: ch.ID, Direction: store.Outbound,
			ExternalID: in.ID, Kind: in.Kind, Public: in.Public, Author: in.Author, Text: in.Text, Thread: in.Thread,
			Parent: in.Parent, Attachments: in.Attachments, At: at, Status: store.OutboxSent})
		if err != nil {
			return err
		}
		responded(&c, false, at) // an echo: someone answered on the network itself
		return tx.ConversationUpdate(ctx, c)
	})
	if errors.Is(err, store.ErrDuplicate) {
		return &Outcome{Delivered: "duplicate"}, nil
	}
	if err != nil {
		return nil, err
	}
	return &Outcome{ConversationID: convID, Delivered: "outbound"}, nil
}

// watermark marks our messages up to a time as delivered or read.
func (d *Dispatcher) watermark(ctx context.Context, ch store.Channel, e channels.Event) (*Outcome, error) {
	status := "delivered"
	if e.Read {
		status = "read"
	}
	var convID string
	err := d.commit(ctx, func(tx store.Tx) error {
		convID = "" // a batch may run this again
		if err := tx.EventKeyInsert(ctx, ch.ID, e.Key); err != nil {
			return err
		}
		c, err := tx.ConversationFind(ctx, ch.ID, e.Customer)
		if errors.Is(err, store.ErrNotFound) {
			return nil // nothing of ours to mark
		}
		if err != nil {
			return err
		}
		convID = c.ID
		return tx.InteractionsMark(ctx, c.ID, e.Watermark, status)
	})
	if errors.Is(err, store.ErrDuplicate) {
		return &Outcome{Delivered: "duplicate"}, nil
	}
	if err != nil {
		return nil, err
	}
	return &Outcome{ConversationID: convID, Delivered: "outbound"}, nil
}

// removed keeps a tombstone of a removed comment: a late delivery of it is not handled.
func (d *Dispatcher) removed(ctx context.Context, ch store.Channel, e channels.Event) (*Outcome, error) {
	err := d.commit(ctx, func(tx store.Tx) error {
		if err := tx.EventKeyInsert(ctx, ch.ID, e.Key); err != nil {
			return err
		}
		err := tx.EventKeyInsert(ctx, ch.ID, removedKey(e.Target))
		if errors.Is(err, store.ErrDuplicate) {
			return nil
		}
		return err
	})
	if errors.Is(err, store.ErrDuplicate) {
		return &Outcome{Delivered: "duplicate"}, nil
	}
	if err != nil {
		return nil, err
	}
	return &Outcome{Delivered: "outbound"}, nil
}
