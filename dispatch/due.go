package dispatch

// Due work: timers that fire and outbox rows whose attempt is due.

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/store"
)

// claimBatch is how many due rows a worker claims at once; parallel is how many it handles at once.
const (
	claimBatch = 64
	parallel   = 16
)

// dueLoop fires due timers and sends due outbox rows, sleeping until the next deadline, a
// wake-up, or the poll interval, whichever comes first.
func (d *Dispatcher) dueLoop(ctx context.Context) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		if n := d.RunDue(ctx); n > 0 {
			continue
		}
		wait := d.cfg.Poll
		if next, err := d.st.NextDue(ctx); err == nil && !next.IsZero() {
			if until := next.Sub(d.cfg.Clock.Now()); until < wait {
				wait = max(until, 10*time.Millisecond)
			}
		}
		timer.Reset(wait)
		select {
		case <-timer.C:
		case <-d.wake:
		case <-ctx.Done():
			return
		}
	}
}

// RunDue fires the timers and sends the outbox rows that are due now, and returns how many it
// claimed. The workers call it; tests call it after moving the clock.
func (d *Dispatcher) RunDue(ctx context.Context) int {
	now := d.cfg.Clock.Now()
	sessions, err := d.st.SessionClaimDue(ctx, now, d.cfg.Lease, claimBatch)
	if err != nil && ctx.Err() == nil {
		d.log.Warn("claim due sessions", "err", err)
	}
	items, err := d.st.OutboxClaimDue(ctx, now, d.cfg.Lease, claimBatch)
	if err != nil && ctx.Err() == nil {
		d.log.Warn("claim due outbox rows", "err", err)
	}
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for _, s := range sessions {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			d.fire(ctx, s)
		}()
	}
	for _, it := range items {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			d.send(ctx, it)
		}()
	}
	wg.Wait()
	return len(sessions) + len(items)
}

// fire resumes a session whose wait timed out; a session that moved on meanwhile is left alone.
func (d *Dispatcher) fire(ctx context.Context, s store.Session) {
	_, err := d.Resume(ctx, s.ID, engine.Event{Kind: engine.EventTimeout, Seq: s.Seq}, nil)
	if err != nil && !errors.Is(err, engine.ErrStaleEvent) && ctx.Err() == nil {
		d.log.Warn("a timer could not fire; it will be tried again", "session", s.ID, "err", err)
	}
}
