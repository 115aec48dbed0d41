package dispatch

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/store"
)

// ingestMany stores n web chat messages, each of a visitor chosen by visitor(i), without
// processing them: a burst the claimer has to work through.
func (h *harness) ingestMany(ch store.Channel, n int, visitor func(i int) string) []store.WebhookEvent {
	h.t.Helper()
	evs := make([]store.WebhookEvent, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			ev, err := h.d.Ingest(h.ctx, ch, webchatMessage(h.t, fmt.Sprintf("m-%04d", i), visitor(i), "hola"))
			evs[i] = ev
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(h.t, err)
	}
	return evs
}

// runQueue runs the node's claimer, lanes and lease renewer until the test ends.
func (h *harness) runQueue() {
	h.t.Helper()
	ctx, cancel := context.WithCancel(h.ctx)
	h.d.startQueue(ctx)
	h.t.Cleanup(func() {
		cancel()
		h.d.Wait()
	})
}

// waitPending waits until n payloads are pending. Meanwhile the clock moves a second at a time
// and the claimer is woken, as a node's clock and poll would: a payload whose processing failed
// on a busy database (too many connections) is attempted again. The tests that wait so give
// their dispatcher a lease longer than the time this moves the clock.
func (h *harness) waitPending(n int) {
	h.t.Helper()
	require.Eventually(h.t, func() bool {
		got, err := h.db.TryCount(`SELECT count(*) FROM webhook_events WHERE status = 'pending'`)
		if err == nil && got == n {
			return true
		}
		h.clock.Advance(time.Second)
		h.d.queue.kick()
		return false
	}, 60*time.Second, 20*time.Millisecond, "%d payloads pending", n)
}

// TestQueueDrainsABurstWhileThereIsMore stores more payloads than a node holds at once, with
// polling off: the claimer claims batch after batch while any are pending, so they are all
// processed, each once, and one customer's messages in the order they came.
func TestQueueDrainsABurstWhileThereIsMore(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		h := newHarness(t, b, func(c *Config) {
			c.Poll, c.EventLease = time.Hour, 24*time.Hour
			c.queueCapacity, c.claimBatch = 24, 8
		})
		h.publish("wait", waitFlow)
		ch := h.webchat("wait")
		total := 2*24 + 8 + 7
		// one visitor in eight is the same one: her messages must keep their order
		visitor := func(i int) string {
			if i%8 == 0 {
				return "chatty"
			}
			return fmt.Sprintf("visitor-%d", i)
		}
		evs := h.ingestMany(ch, total, visitor)
		// stored in parallel, the payloads' ids tell their order, not i
		var chatty []string
		byID := map[int64]int{}
		for i, ev := range evs {
			byID[ev.ID] = i
		}
		for _, id := range h.db.Strings(t, `SELECT id FROM webhook_events ORDER BY id`) {
			n, err := strconv.ParseInt(id, 10, 64)
			require.NoError(t, err)
			if i := byID[n]; i%8 == 0 {
				chatty = append(chatty, fmt.Sprintf("m-%04d", i))
			}
		}

		h.runQueue()
		h.waitPending(0)
		require.Equal(t, total, h.count(`SELECT count(*) FROM webhook_events WHERE status = 'done'`), "every payload done")
		require.Equal(t, total, h.count(`SELECT count(*) FROM interactions WHERE direction = 'in'`))
		require.Zero(t, h.count(`SELECT count(*) FROM (SELECT external_id FROM interactions WHERE direction = 'in'
			GROUP BY external_id HAVING count(*) > 1) twice`))
		conv, err := h.st.ConversationFind(h.ctx, ch.ID, "chatty")
		require.NoError(t, err)
		ins, err := h.st.InteractionList(h.ctx, conv.ID)
		require.NoError(t, err)
		var got []string
		for _, in := range ins {
			if in.Direction == store.Inbound {
				got = append(got, in.ExternalID)
			}
		}
		require.Equal(t, chatty, got, "one customer's messages are handled in the order they were received")
	})
}

// TestQueueClaimsNoMoreThanItsLanesHold runs the claimer with its lanes stopped: it claims what
// the lanes have room for and no more, and the rest stays pending, unleased, for any node; once
// the lanes run, everything is processed.
func TestQueueClaimsNoMoreThanItsLanesHold(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		const capacity, batch = 24, 8
		h := newHarness(t, b, func(c *Config) {
			c.Poll, c.EventLease = time.Hour, 24*time.Hour
			c.queueCapacity, c.claimBatch = capacity, batch
		})
		h.publish("wait", waitFlow)
		ch := h.webchat("wait")
		total := capacity + 3*batch
		h.ingestMany(ch, total, func(i int) string { return fmt.Sprintf("visitor-%d", i) })

		ctx, cancel := context.WithCancel(h.ctx)
		claimed := make(chan struct{})
		go func() {
			defer close(claimed)
			h.d.claimLoop(ctx)
		}()
		require.Eventually(t, func() bool { return h.d.queue.holding() == capacity }, time.Minute, time.Millisecond)
		leased := `SELECT count(*) FROM webhook_events WHERE status = 'pending' AND lease_until IS NOT NULL`
		require.Equal(t, capacity, h.count(leased), "the claimer stops at the lanes' capacity")
		h.d.Submit(store.WebhookEvent{}) // a payload stored meanwhile wakes the claimer: it still has no room
		require.Equal(t, capacity, h.d.queue.holding())
		require.Equal(t, capacity, h.count(leased))
		cancel()
		<-claimed

		var lanes sync.WaitGroup
		lctx, stop := context.WithCancel(h.ctx)
		for _, lane := range h.d.queue.lanes {
			lanes.Go(func() { h.d.runLane(lctx, lane) })
		}
		t.Cleanup(func() {
			stop()
			lanes.Wait()
		})
		go h.d.claimLoop(lctx)
		h.waitPending(0)
		require.Equal(t, total, h.count(`SELECT count(*) FROM interactions WHERE direction = 'in'`))
	})
}

// TestQueueRenewsTheLeasesOfWhatItHolds claims payloads and leaves them unprocessed: while
// the node holds them their leases are renewed, so another node does not take them when the
// first lease would have run out.
func TestQueueRenewsTheLeasesOfWhatItHolds(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		h := newHarness(t, b, func(c *Config) { c.EventLease = 300 * time.Millisecond })
		h.publish("wait", waitFlow)
		ch := h.webchat("wait")
		h.ingestMany(ch, 5, func(i int) string { return fmt.Sprintf("visitor-%d", i) })
		n, err := h.d.claimOnce(h.ctx, eventClaimBatch)
		require.NoError(t, err)
		require.Equal(t, 5, n)

		ctx, cancel := context.WithCancel(h.ctx)
		renewed := make(chan struct{})
		go func() {
			defer close(renewed)
			h.d.renewLoop(ctx)
		}()
		t.Cleanup(func() {
			cancel()
			<-renewed
		})
		// an hour later by the database's clock, the leases taken then have long run out: they
		// are renewed from the new time, and another node claims none of them
		h.clock.Advance(time.Hour)
		later := any(h.clock.Now().UTC())
		if b.Name == "sqlite" {
			later = h.clock.Now().UTC().Format("2006-01-02T15:04:05.000000Z")
		}
		require.Eventually(t, func() bool {
			n, err := h.db.TryCount(`SELECT count(*) FROM webhook_events WHERE lease_until > ?`, later)
			return err == nil && n == 5
		}, time.Minute, 20*time.Millisecond, "the leases are renewed from the clock's new time")
		evs, err := h.st.WebhookEventClaim(h.ctx, time.Minute, 10)
		require.NoError(t, err)
		require.Empty(t, evs, "another node claims nothing: the node still holds them")

		// what the node releases (it stops) is claimable at once
		cancel()
		<-renewed
		h.d.releaseUnprocessed()
		h.clock.Advance(time.Millisecond)
		evs, err = h.st.WebhookEventClaim(h.ctx, time.Minute, 10)
		require.NoError(t, err)
		require.Len(t, evs, 5)
	})
}

// failingFlows fails its next loads, as a store that cannot answer would.
type failingFlows struct {
	engine.FlowLoader
	fail atomic.Int32
}

func (f *failingFlows) LoadFlow(ctx context.Context, id string, version int) (*engine.Flow, error) {
	if f.fail.Add(-1) >= 0 {
		return nil, errors.New("the database is not answering")
	}
	return f.FlowLoader.LoadFlow(ctx, id, version)
}

// TestQueueRetriesAFailedPayloadWithBackoff processes a payload whose processing fails: it is
// released until its next attempt, a second later, then two, and set aside as failed after
// maxEventAttempts attempts; meanwhile other payloads are processed.
func TestQueueRetriesAFailedPayloadWithBackoff(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		flows := &failingFlows{}
		h := newHarness(t, b, func(c *Config) {
			flows.FlowLoader = c.Flows
			c.Flows = flows
		})
		h.publish("wait", waitFlow)
		ch := h.webchat("wait")
		ev, err := h.d.Ingest(h.ctx, ch, webchatMessage(t, "w-1", "visitor-1", "hola"))
		require.NoError(t, err)

		flows.fail.Store(2)
		require.Equal(t, 1, h.claim())
		require.Equal(t, 1, h.count(`SELECT count(*) FROM webhook_events WHERE id = ? AND status = 'pending' AND attempts = 1
			AND lease_until IS NULL AND error LIKE '%the database is not answering%'`, ev.ID), "released, with the reason")
		require.Zero(t, h.claim(), "not before its next attempt")
		h.clock.Advance(time.Second)
		require.Equal(t, 1, h.claim(), "a second later")
		require.Zero(t, h.claim())
		h.clock.Advance(time.Second)
		require.Zero(t, h.claim(), "the wait doubled")
		h.clock.Advance(time.Second)
		require.Equal(t, 1, h.claim())
		require.Equal(t, 1, h.count(`SELECT count(*) FROM webhook_events WHERE id = ? AND status = 'done' AND attempts = 3`, ev.ID))
		require.Equal(t, 1, h.count(`SELECT count(*) FROM interactions WHERE direction = 'in' AND external_id = 'w-1'`))

		// a payload that keeps failing is set aside at its last attempt
		ev, err = h.d.Ingest(h.ctx, ch, webchatMessage(t, "w-2", "visitor-2", "hola"))
		require.NoError(t, err)
		flows.fail.Store(1000)
		for attempt := 1; attempt <= maxEventAttempts; attempt++ {
			h.clock.Advance(lastEventRetry)
			require.Equal(t, 1, h.claim(), "attempt %d", attempt)
		}
		require.Equal(t, 1, h.count(`SELECT count(*) FROM webhook_events WHERE id = ? AND status = 'failed' AND attempts = ?`,
			ev.ID, maxEventAttempts))
		h.clock.Advance(lastEventRetry)
		require.Zero(t, h.claim(), "set aside")
	})
}
