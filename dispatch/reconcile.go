package dispatch

// Reconciliation: a send whose outcome is unknown (its call timed out after the request was
// written, or its node died between calling the network and recording the result) is never
// repeated blindly. Whoever claims it next reads the network back first.

import (
	"context"
	"time"

	"github.com/switchboardhq/switchboard/channels"
	"github.com/switchboardhq/switchboard/settings"
	"github.com/switchboardhq/switchboard/store"
)

// sendMargin is how much longer than Config.SendTimeout a send in flight holds its row: no
// other node claims it before the call is over.
const sendMargin = 5 * time.Second

// reconcile settles a row claimed with an attempt started and no result, and says whether to
// send it (again):
//   - the network has it: it is recorded sent with the network's id, and the waiting block
//     resumes as after any send;
//   - the network does not have it: it is sent;
//   - the network cannot tell: the read is tried again later when it failed for a while; else
//     the channel's unknown_send decides: hold fails the send saying it may or may not have
//     arrived (a late or missing reply rather than a double one), resend sends it.
func (d *Dispatcher) reconcile(ctx context.Context, it store.OutboxItem, ch store.Channel, adapter channels.Channel,
	sc channels.SendContext) (send bool) {
	at := channels.Attempt{Action: &it.Action, Context: sc, Began: *it.AttemptStartedAt,
		Taken: func(externalID string) bool {
			in, err := d.interactionByExternal(ctx, ch.ID, externalID)
			return err == nil && in.ActionID != it.ActionID
		}}
	readCtx, cancel := context.WithTimeout(ctx, d.cfg.SendTimeout)
	rb := d.cfg.Sender.ReadBack(readCtx, adapter, at)
	cancel()
	if ctx.Err() != nil {
		return false // stopping: the row stays as it is, for the next claim
	}
	if m := d.cfg.Metrics; m != nil {
		m.Reconciled(ch.ID, string(rb.Outcome))
	}
	log := d.log.With("channel", ch.ID, "action", it.ActionID, "outcome", rb.Outcome, "reason", rb.Reason)
	switch rb.Outcome {
	case channels.Found:
		log.Info("a send of unknown outcome is on the network; it is recorded as sent, not sent again")
		d.finishSend(ctx, it, store.OutboxSent, rb.ExternalID, "")
		return false
	case channels.Absent:
		log.Info("a send of unknown outcome is not on the network; it is sent again")
		return true
	}
	if rb.Temporary {
		log.Warn("a send of unknown outcome could not be read back; it will be read again")
		d.retry(ctx, it, &channels.SendError{Class: channels.ClassUnknown, Message: "reading the send back: " + rb.Reason}, true)
		return false
	}
	cs, _ := settings.ParseChannel(ch.Type, ch.Settings)
	if cs.UnknownSend == settings.UnknownSendResend {
		log.Warn("a send of unknown outcome cannot be read back; it is sent again (unknown_send: resend)")
		return true
	}
	log.Warn("a send of unknown outcome cannot be read back; it is held, not sent again (unknown_send: hold)")
	cause := it.LastError
	if cause == "" {
		cause = "its node stopped before recording the result"
	}
	d.finishSend(ctx, it, store.OutboxFailed, "", "the send may or may not have reached the customer ("+cause+
		"), and the network cannot tell ("+rb.Reason+"); it is not sent again, so that it never arrives twice (unknown_send: hold)")
	return false
}
