package dispatch

// Due work: timers that fire and outbox rows whose attempt is due. Timers are fired here;
// outbox rows are handed to their channels' send lanes (lanes.go), which the loop does not wait
// for.

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/store"
)

// claimBatch is how many due rows a worker claims at once; parallel is how many timers it fires
// at once.
const (
	claimBatch = 64
	parallel   = 16
)

// dueLoop fires due timers and hands due outbox rows to their lanes, sleeping until the next
// deadline, a wake-up, or the poll interval, whichever comes first.
func (d *Dispatcher) dueLoop(ctx context.Context) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		n, blocked := d.runDue(ctx, false)
		if n > 0 {
			continue
		}
		wait := d.cfg.Poll
		if next, err := d.st.NextDue(ctx); err == nil && !next.IsZero() {
			if until := next.Sub(d.cfg.Clock.Now()); until < wait {
				wait = max(until, 10*time.Millisecond)
				if blocked {
					// what is due may be rows of full or paused lanes: they wake the loop
					// when they take rows again
					wait = max(wait, blockedPoll)
				}
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

// RunDue fires the timers that are due now and sends the outbox rows that are, and returns how
// many it claimed, once they are all done. Tests call it after moving the clock; the workers
// do not wait for the sends.
func (d *Dispatcher) RunDue(ctx context.Context) int {
	n, _ := d.runDue(ctx, true)
	return n
}

// runDue fires the due timers, waiting for them, and hands the due outbox rows to their
// lanes, waiting for their sends only when wait is set. blocked tells whether some lanes took
// no rows (full or paused).
func (d *Dispatcher) runDue(ctx context.Context, wait bool) (n int, blocked bool) {
	now := d.cfg.Clock.Now()
	sessions, err := d.st.SessionClaimDue(ctx, now, d.cfg.Lease, claimBatch)
	if err != nil && ctx.Err() == nil {
		d.log.Warn("claim due sessions", "err", err)
	}
	except := d.lanes.blocked()
	items, err := d.st.OutboxClaimDueExcept(ctx, now, d.cfg.Lease, claimBatch, except)
	if err != nil && ctx.Err() == nil {
		d.log.Warn("claim due outbox rows", "err", err)
	}
	var sends sync.WaitGroup
	var done func()
	if wait {
		done = sends.Done
	}
	var refused []store.OutboxItem
	for _, it := range items {
		if wait {
			sends.Add(1)
		}
		if !d.lanes.offer(ctx, it, done) {
			if wait {
				sends.Done()
			}
			refused = append(refused, it)
		}
	}
	if len(refused) > 0 {
		// a lane that filled up or paused meanwhile: any node may take them at once
		if err := d.st.OutboxRelease(context.WithoutCancel(ctx), refused, now); err != nil {
			d.log.Warn("give claimed sends back; their lease will run out instead", "rows", len(refused), "err", err)
		}
	}
	sem := make(chan struct{}, parallel)
	var timers sync.WaitGroup
	for _, s := range sessions {
		sem <- struct{}{}
		timers.Add(1)
		go func() {
			defer func() { <-sem; timers.Done() }()
			d.fire(ctx, s)
		}()
	}
	timers.Wait()
	sends.Wait()
	return len(sessions) + len(items), len(except) > 0 || len(refused) > 0
}

// fire resumes a session whose wait timed out; a session that moved on meanwhile is left alone.
func (d *Dispatcher) fire(ctx context.Context, s store.Session) {
	_, err := d.Resume(ctx, s.ID, engine.Event{Kind: engine.EventTimeout, Seq: s.Seq}, nil)
	if err != nil && !errors.Is(err, engine.ErrStaleEvent) && ctx.Err() == nil {
		d.log.Warn("a timer could not fire; it will be tried again", "session", s.ID, "err", err)
	}
}
