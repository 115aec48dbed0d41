package dispatch

// The payload queue: stored webhook payloads are the queue (store/pipeline_queue.go). One
// claimer per node claims pending payloads in batches, with a lease, for as long as any are
// pending, and hands each to a lane chosen by its customer: a lane processes its payloads one
// at a time, in the order they were received, so one customer's messages keep their order
// while other customers' run in parallel. Lanes have bounded queues, and the claimer claims no
// more than they have room for. A renewer keeps the leases of claimed payloads alive until they
// are processed; a payload whose processing failed is released until a later attempt, with
// backoff, and set aside as failed after maxEventAttempts.

import (
	"context"
	"errors"
	"hash/maphash"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboardhq/switchboard/channels"
	"github.com/switchboardhq/switchboard/store"
)

const (
	// maxEventAttempts is how often a payload is processed before it is set aside as failed.
	maxEventAttempts = 10
	// eventClaimBatch is the most payloads one claim takes.
	eventClaimBatch = 64
	// eventLanes is how many payloads a node processes at once.
	eventLanes = 16
	// queueCapacity is how many claimed payloads a node holds at most, waiting in its lanes or
	// being processed: the claimer claims no more while the lanes hold this many. A lane's queue
	// has room for all of them, so a lane that falls behind (one customer writing a lot) never
	// holds up the claimer, and the others keep working.
	queueCapacity = 256
	// firstEventRetry and lastEventRetry bound the wait before a failed payload is processed
	// again; it doubles with each attempt.
	firstEventRetry = time.Second
	lastEventRetry  = 5 * time.Minute
	// firstClaimBackoff and lastClaimBackoff bound the wait after a claim the store refused.
	firstClaimBackoff = 100 * time.Millisecond
	lastClaimBackoff  = 5 * time.Second
	// helpEvery is how often a node whose lanes are full asks the other nodes to claim.
	helpEvery = 100 * time.Millisecond
)

// claimedEvent is a claimed payload with what its processing needs, read once by the claimer.
type claimedEvent struct {
	ev         store.WebhookEvent
	ch         store.Channel
	events     []channels.Event
	unreadable error
	// gone is set when the payload's channel was deleted.
	gone bool
}

// eventQueue is a node's claimed payloads: their lanes, and the leases it holds.
type eventQueue struct {
	lanes []chan claimedEvent
	// capacity is how many claimed payloads it holds at most (queueCapacity).
	capacity int
	seed     maphash.Seed
	// wake makes the claimer look for payloads now; room tells it a lane has room again.
	wake chan struct{}
	room chan struct{}

	mu   sync.Mutex
	held map[int64]struct{} // claimed and not yet processed: the leases to renew
	// lastHelp is when this node last asked the others for help (unix nanoseconds).
	lastHelp atomic.Int64
}

func newEventQueue(capacity int) *eventQueue {
	q := &eventQueue{lanes: make([]chan claimedEvent, eventLanes), capacity: capacity, seed: maphash.MakeSeed(),
		wake: make(chan struct{}, 1), room: make(chan struct{}, 1), held: map[int64]struct{}{}}
	for i := range q.lanes {
		q.lanes[i] = make(chan claimedEvent, capacity)
	}
	return q
}

// signal wakes the goroutine waiting on c, or leaves the wake-up already waiting there.
func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// kick makes the claimer look for pending payloads.
func (q *eventQueue) kick() { signal(q.wake) }

// holding is how many claimed payloads wait or are being processed.
func (q *eventQueue) holding() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.held)
}

func (q *eventQueue) hold(ids []int64) {
	q.mu.Lock()
	for _, id := range ids {
		q.held[id] = struct{}{}
	}
	q.mu.Unlock()
}

func (q *eventQueue) release(id int64) {
	q.mu.Lock()
	delete(q.held, id)
	q.mu.Unlock()
	signal(q.room)
}

func (q *eventQueue) heldIDs() []int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	ids := make([]int64, 0, len(q.held))
	for id := range q.held {
		ids = append(ids, id)
	}
	return ids
}

// lane picks the lane of a payload: by its first event's customer, so that one customer's
// payloads are processed in order; by channel when it names none.
func (q *eventQueue) lane(c claimedEvent) chan claimedEvent {
	var h maphash.Hash
	h.SetSeed(q.seed)
	h.WriteString(c.ev.ChannelID)
	for _, e := range c.events {
		if e.Customer != "" {
			h.WriteByte(0)
			h.WriteString(e.Customer)
			break
		}
	}
	return q.lanes[h.Sum64()%uint64(len(q.lanes))]
}

// Submit tells the claimer that a payload was stored. The payload is durable already: it is
// claimed from the store, by this node or, when this node's lanes are full, by another.
func (d *Dispatcher) Submit(ev store.WebhookEvent) {
	d.queue.kick()
	if d.queue.holding() < d.queue.capacity {
		return
	}
	now := time.Now().UnixNano()
	last := d.queue.lastHelp.Load()
	if now-last < int64(helpEvery) || !d.queue.lastHelp.CompareAndSwap(last, now) {
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := d.st.Bus().Publish(ctx, TopicEvents, ""); err != nil {
			d.log.Warn("ask the other nodes to claim payloads", "err", err)
		}
	}()
}

// startQueue runs the claimer, the lanes and the lease renewer until ctx ends.
func (d *Dispatcher) startQueue(ctx context.Context) {
	var lanes sync.WaitGroup
	for _, lane := range d.queue.lanes {
		lanes.Add(1)
		go func() {
			defer lanes.Done()
			d.runLane(ctx, lane)
		}()
	}
	d.wg.Add(2)
	go func() {
		defer d.wg.Done()
		d.claimLoop(ctx)
		lanes.Wait()
		d.releaseUnprocessed()
	}()
	go func() {
		defer d.wg.Done()
		d.renewLoop(ctx)
	}()
}

// claimLoop claims pending payloads while there are any and the lanes have room, and sleeps
// when there are none until a payload is stored here (Submit), another node asks for help, or
// the poll comes round.
func (d *Dispatcher) claimLoop(ctx context.Context) {
	poll := time.NewTimer(d.cfg.Poll)
	defer poll.Stop()
	backoff := time.Duration(0)
	for ctx.Err() == nil {
		room := d.queue.capacity - d.queue.holding()
		if room <= 0 {
			select {
			case <-d.queue.room:
			case <-ctx.Done():
			}
			continue
		}
		n, err := d.claimOnce(ctx, min(room, d.cfg.claimBatch))
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return
			}
			backoff = min(max(2*backoff, firstClaimBackoff), lastClaimBackoff)
			d.log.Warn("claim stored payloads", "err", err, "retry_in", backoff)
			select {
			case <-time.After(backoff):
			case <-ctx.Done():
			}
			continue
		case n > 0:
			backoff = 0
			continue // there may be more
		}
		backoff = 0
		poll.Reset(d.cfg.Poll)
		select {
		case <-d.queue.wake:
		case <-poll.C:
		case <-ctx.Done():
		}
	}
}

// claimOnce claims up to limit payloads and hands them to their lanes; it returns how many it
// claimed.
func (d *Dispatcher) claimOnce(ctx context.Context, limit int) (int, error) {
	evs, err := d.st.WebhookEventClaim(ctx, d.cfg.EventLease, limit)
	if err != nil || len(evs) == 0 {
		return 0, err
	}
	ids := make([]int64, len(evs))
	for i, ev := range evs {
		ids[i] = ev.ID
	}
	d.queue.hold(ids)
	for i, ev := range evs {
		c := claimedEvent{ev: ev}
		ch, err := d.Channel(ctx, ev.ChannelID)
		switch {
		case errors.Is(err, store.ErrNotFound):
			c.gone = true
		case err != nil:
			// the store failed: these payloads are released, and claimed again later
			for _, left := range evs[i:] {
				d.retryEvent(ctx, left, err)
				d.queue.release(left.ID)
			}
			return len(evs), err
		default:
			c.ch = ch
			c.events, c.unreadable = channels.Parse(AdapterChannel(ch), ev.Body)
		}
		d.queue.lane(c) <- c // never waits: the lane has room for every payload held
	}
	return len(evs), nil
}

// runLane processes the payloads of one lane, one at a time.
func (d *Dispatcher) runLane(ctx context.Context, lane chan claimedEvent) {
	for {
		select {
		case c := <-lane:
			d.processClaimed(ctx, c)
		case <-ctx.Done():
			return
		}
	}
}

// processClaimed processes a claimed payload; one that failed is released until its next
// attempt.
func (d *Dispatcher) processClaimed(ctx context.Context, c claimedEvent) {
	var err error
	if c.gone {
		err = d.finishEvent(ctx, c.ev.ID, "the channel was deleted")
	} else {
		_, err = d.process(ctx, c.ev, c.ch, c.events, c.unreadable)
	}
	if err != nil && ctx.Err() != nil {
		return // the node stops: the payload is handed back with those not processed
	}
	if err != nil {
		d.log.Warn("a webhook payload will be processed again", "event", c.ev.ID, "attempt", c.ev.Attempts, "err", err)
		d.retryEvent(ctx, c.ev, err)
	}
	d.queue.release(c.ev.ID)
}

// retryEvent releases a payload until its next attempt: a second after the first, doubling up
// to lastEventRetry. When the store refuses, the lease runs out instead.
func (d *Dispatcher) retryEvent(ctx context.Context, ev store.WebhookEvent, cause error) {
	wait := firstEventRetry
	for i := 1; i < ev.Attempts && wait < lastEventRetry; i++ {
		wait *= 2
	}
	wait = min(wait, lastEventRetry)
	if err := d.st.WebhookEventRetry(ctx, ev.ID, d.cfg.Clock.Now().Add(wait), cause.Error()); err != nil && ctx.Err() == nil {
		d.log.Warn("release a webhook payload for a later attempt; its lease runs out instead", "event", ev.ID, "err", err)
	}
}

// renewLoop renews the leases of the payloads this node holds, three times per lease.
func (d *Dispatcher) renewLoop(ctx context.Context) {
	tick := time.NewTicker(d.cfg.EventLease / 3)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			if ids := d.queue.heldIDs(); len(ids) > 0 {
				if err := d.st.WebhookEventExtend(ctx, ids, d.cfg.EventLease); err != nil && ctx.Err() == nil {
					d.log.Warn("renew the leases of claimed payloads", "payloads", len(ids), "err", err)
				}
			}
		case <-ctx.Done():
			return
		}
	}
}

// releaseUnprocessed hands back, when the node stops, the payloads it claimed and did not
// process, so that a node (this one restarted, or another) claims them at once rather than
// when their leases run out.
func (d *Dispatcher) releaseUnprocessed() {
	ids := d.queue.heldIDs()
	if len(ids) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := d.st.WebhookEventExtend(ctx, ids, 0); err != nil {
		d.log.Warn("release the claimed payloads; their leases run out instead", "payloads", len(ids), "err", err)
	}
}
