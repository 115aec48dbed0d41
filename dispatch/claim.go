package dispatch

// Claiming stored payloads: the event workers process what webhooks stored.

import (
	"context"
	"time"

	"github.com/switchboardhq/switchboard/store"
)

// maxEventAttempts is how often a payload is processed before it is set aside as failed.
const maxEventAttempts = 10

// Submit processes a stored payload in the background. The payload is durable already: if this
// node is too busy, or dies, the recovery loop of some node processes it later.
func (d *Dispatcher) Submit(ev store.WebhookEvent) {
	select {
	case d.events <- ev:
	default:
		d.log.Debug("the event workers are busy; the payload waits for recovery", "event", ev.ID)
	}
}

// eventLoop processes submitted payloads.
func (d *Dispatcher) eventLoop(ctx context.Context) {
	for {
		select {
		case ev := <-d.events:
			if _, err := d.Process(ctx, ev); err != nil && ctx.Err() == nil {
				d.log.Warn("a webhook payload will be processed again", "event", ev.ID, "err", err)
			}
		case <-ctx.Done():
			return
		}
	}
}

// recoveryLoop processes the payloads no node finished: stored, then their node died or
// restarted before it processed them.
func (d *Dispatcher) recoveryLoop(ctx context.Context) {
	tick := time.NewTicker(d.cfg.Stale / 2)
	defer tick.Stop()
	for {
		d.recover(ctx)
		select {
		case <-tick.C:
		case <-ctx.Done():
			return
		}
	}
}

// recover processes the stale payloads once; it returns how many it claimed.
func (d *Dispatcher) recover(ctx context.Context) int {
	evs, err := d.st.WebhookEventClaim(ctx, d.cfg.Clock.Now().Add(-d.cfg.Stale), d.cfg.Lease, 100)
	if err != nil {
		if ctx.Err() == nil {
			d.log.Warn("claim stored payloads", "err", err)
		}
		return 0
	}
	for _, ev := range evs {
		if _, err := d.Process(ctx, ev); err != nil && ctx.Err() == nil {
			d.log.Warn("a recovered webhook payload will be processed again", "event", ev.ID, "err", err)
		}
	}
	return len(evs)
}
