package dispatch

// Sending: one outbox row goes to its network, and its result is recorded with the block that
// waits for it.

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/switchboardhq/switchboard/channels"
	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/store"
)

// send performs one outbox row: it calls the network and records the result, resuming the
// block that waits for it. Failures the network says are temporary are retried with backoff
// and jitter for Config.RetryFor; the others fail at once. It returns the network's error, if
// the network answered with one, so that the caller can slow down for that network.
func (d *Dispatcher) send(ctx context.Context, it store.OutboxItem) *channels.SendError {
	ch, err := d.st.ChannelGet(ctx, it.ChannelID)
	if errors.Is(err, store.ErrNotFound) {
		d.finishSend(ctx, it, store.OutboxFailed, "", "the channel was deleted")
		return nil
	}
	if err != nil {
		d.log.Warn("send: read the channel", "action", it.ActionID, "err", err)
		return nil
	}
	conv, err := d.st.ConversationGet(ctx, it.ConversationID)
	if err != nil {
		d.log.Warn("send: read the conversation", "action", it.ActionID, "err", err)
		return nil
	}
	if ch.Type == store.ChannelWebchat && !AdapterChannel(ch).Remote() {
		d.deliverWebchat(ctx, it, conv)
		return nil
	}
	// An echo (Messenger's metadata) may have told us the network has it already: a node died
	// between sending and recording it. Then it is not sent twice.
	if rec, err := d.interactionByAction(ctx, it.ActionID); err == nil && rec.Status != store.OutboxPending && rec.Status != "" &&
		rec.Status != store.OutboxFailed {
		d.finishSend(ctx, it, store.OutboxSent, rec.ExternalID, "")
		return nil
	}
	if ch.NeedsReauth {
		d.finishSend(ctx, it, store.OutboxFailed, "", "the channel needs re-authorisation: its token was refused")
		return nil
	}
	sc := channels.SendContext{Customer: conv.Customer, Human: it.Action.Agent != ""}
	if conv.LastInboundAt != nil {
		sc.LastInbound = *conv.LastInboundAt
	}
	if in, err := d.interactionByExternal(ctx, ch.ID, it.Action.InReplyTo); err == nil {
		sc.InteractionKind, sc.InteractionTime, sc.Thread = in.Kind, in.At, in.Thread
	}
	if d.cfg.Sender == nil {
		d.finishSend(ctx, it, store.OutboxFailed, "", "this server sends nothing to networks")
		return nil
	}
	adapter := AdapterChannel(ch)
	if it.AttemptStartedAt != nil && !d.reconcile(ctx, it, ch, adapter, sc) {
		return nil
	}
	if adapter.Remote() {
		// the attempt is on record before the network is called: if this node dies or the
		// call times out, whoever takes the row next reads the network back first
		hold := d.cfg.Clock.Now().Add(d.cfg.SendTimeout + sendMargin)
		if err := d.st.OutboxAttemptStart(ctx, it.ID, it.Attempts, hold); err != nil {
			if !errors.Is(err, store.ErrNotFound) && ctx.Err() == nil {
				d.log.Warn("send: record the attempt; it will be tried again", "action", it.ActionID, "err", err)
			}
			return nil
		}
	}
	sendCtx, cancel := context.WithTimeout(ctx, d.cfg.SendTimeout)
	res, err := d.cfg.Sender.Send(sendCtx, adapter, &it.Action, sc)
	cancel()
	if err == nil {
		d.finishSend(ctx, it, store.OutboxSent, res.ExternalID, "")
		return nil
	}
	var se *channels.SendError
	if !errors.As(err, &se) {
		se = &channels.SendError{Class: channels.ClassRetry, Message: err.Error()}
	}
	if len(res.Parts) > 0 && se.Class != channels.ClassDuplicate {
		// some of the action's messages went: repeating the action would send them twice
		d.finishSend(ctx, it, store.OutboxFailed, "", se.Error()+"; the messages already sent are not sent again, so that none arrives twice")
		return se
	}
	switch se.Class {
	case channels.ClassDuplicate:
		d.finishSend(ctx, it, store.OutboxSent, "", "")
	case channels.ClassRetry, channels.ClassThrottle:
		d.retry(ctx, it, se, false)
	case channels.ClassUnknown:
		d.retry(ctx, it, se, true)
	case channels.ClassReauth:
		if err := d.commit(ctx, func(tx store.Tx) error { return tx.ChannelNeedsReauth(ctx, ch.ID) }); err != nil {
			d.log.Warn("mark the channel for re-authorisation", "channel", ch.ID, "err", err)
		} else if err := d.AnnounceChannelChange(ctx, ch.ID); err != nil {
			d.log.Warn("announce the channel's re-authorisation", "channel", ch.ID, "err", err)
		}
		d.log.Error("the network refused the channel's token; its sends stop until it is re-authorised", "channel", ch.ID, "err", se.Message)
		d.finishSend(ctx, it, store.OutboxFailed, "", se.Error())
	default:
		d.finishSend(ctx, it, store.OutboxFailed, "", se.Error())
	}
	return se
}

func (d *Dispatcher) interactionByAction(ctx context.Context, actionID string) (store.Interaction, error) {
	return d.st.InteractionByAction(ctx, actionID)
}

func (d *Dispatcher) interactionByExternal(ctx context.Context, channelID, externalID string) (store.Interaction, error) {
	if externalID == "" {
		return store.Interaction{}, store.ErrNotFound
	}
	return d.st.InteractionByExternal(ctx, channelID, externalID)
}

// retry schedules another attempt, or fails the send once Config.RetryFor has passed. A send
// whose outcome is unknown keeps its attempt's mark, so that the next attempt reads it back
// from the network first.
func (d *Dispatcher) retry(ctx context.Context, it store.OutboxItem, se *channels.SendError, unknown bool) {
	now := d.cfg.Clock.Now()
	first := now
	if it.FirstAttemptAt != nil {
		first = *it.FirstAttemptAt
	}
	next := now.Add(backoff(it.Attempts, se.RetryAfter))
	if next.Sub(first) > d.cfg.RetryFor {
		msg := "gave up after " + now.Sub(first).Round(time.Second).String() + ": " + se.Error()
		if unknown {
			msg += "; the last attempt may or may not have reached the customer"
		}
		d.finishSend(ctx, it, store.OutboxFailed, "", msg)
		return
	}
	schedule := func(tx store.Tx) error { return tx.OutboxRetry(ctx, it.ID, next, se.Error()) }
	if unknown {
		schedule = func(tx store.Tx) error { return tx.OutboxReconcileLater(ctx, it.ID, next, se.Error()) }
	}
	if err := d.commit(ctx, schedule); err != nil {
		d.log.Warn("schedule a retry", "action", it.ActionID, "err", err)
	}
}

// backoff is the wait before attempt n+1: exponential from 2 s up to 10 min, with ±20 % jitter
// so that a network's recovery is not met by every retry at once; a network's own Retry-After
// wins when it is longer.
func backoff(attempts int, retryAfter time.Duration) time.Duration {
	d := 2 * time.Second << min(max(attempts-1, 0), 9)
	d = min(d, 10*time.Minute)
	d = time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
	return max(d, retryAfter)
}

// finishSend records a send's result, and resumes the block that waits for it in the same
// transaction.
func (d *Dispatcher) finishSend(ctx context.Context, it store.OutboxItem, status, externalID, failure string) {
	d.finishSendWith(ctx, it, status, externalID, failure, nil)
}

// finishSendWith is finishSend with one more write in its transaction, and tells whether the
// transaction committed.
func (d *Dispatcher) finishSendWith(ctx context.Context, it store.OutboxItem, status, externalID, failure string, also func(store.Tx) error) bool {
	done := d.commitSendResult(ctx, it, status, externalID, failure, also)
	if o, ok := d.cfg.Observer.(SendObserver); ok && done {
		o.SendFinished(it, status, failure)
	}
	return done
}

// commitSendResult is finishSendWith's transaction.
func (d *Dispatcher) commitSendResult(ctx context.Context, it store.OutboxItem, status, externalID, failure string, also func(store.Tx) error) bool {
	extra := func(tx store.Tx) error {
		if also != nil {
			if err := also(tx); err != nil {
				return err
			}
		}
		if err := tx.OutboxFinish(ctx, it.ID, status, externalID, failure); err != nil {
			return err
		}
		rec, err := tx.InteractionByAction(ctx, it.ActionID)
		switch {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			return err
		default:
			if rec.Status == store.OutboxPending || rec.Status == "" || status == store.OutboxFailed {
				rec.Status = status
			}
			if externalID != "" {
				rec.ExternalID = externalID
			}
			if err := tx.InteractionUpdate(ctx, rec); err != nil {
				return err
			}
		}
		if status != store.OutboxSent {
			return nil
		}
		c, err := tx.ConversationGet(ctx, it.ConversationID)
		if err != nil {
			return err
		}
		responded(&c, it.Action.Agent == "", d.cfg.Clock.Now())
		return tx.ConversationUpdate(ctx, c)
	}
	if it.SessionID != "" && it.WaitSeq > 0 {
		kind := engine.EventSent
		if status == store.OutboxFailed {
			kind = engine.EventSendFailed
		}
		_, err := d.Resume(ctx, it.SessionID, engine.Event{Kind: kind, Seq: it.WaitSeq, Error: failure}, extra)
		if err == nil || errors.Is(err, engine.ErrStaleEvent) {
			return err == nil
		}
		d.log.Warn("resume a session with its send's result; it will be tried again", "action", it.ActionID, "err", err)
		return false
	}
	if err := d.commit(ctx, extra); err != nil {
		d.log.Warn("record a send's result; it will be tried again", "action", it.ActionID, "err", err)
		return false
	}
	return true
}
