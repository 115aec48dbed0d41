package dispatch

// Send lanes: each channel's due outbox rows are sent in a lane of its own, with a bounded
// queue, its own concurrency and a token bucket, so that a network that hangs or throttles
// slows its own channel and no other. The due loop claims rows and hands them to their lanes
// without waiting for the sends; it passes over the channels whose lanes are full or paused
// (store.Pipeline.OutboxClaimDueExcept), and gives back at once the rows a lane cannot take
// (store.Pipeline.OutboxRelease). A lane that has had nothing to do for laneIdle is dropped.

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/switchboardhq/switchboard/channels"
	"github.com/switchboardhq/switchboard/settings"
	"github.com/switchboardhq/switchboard/store"
)

const (
	// laneQueue bounds the claimed rows a lane holds beyond those in flight.
	laneQueue = 64
	// maxLanes bounds the lanes of one node: a row of a channel beyond them waits in the
	// database until a lane is dropped.
	maxLanes = 1024
	// laneIdle is how long a lane with nothing queued, in flight or paused is kept.
	laneIdle = time.Minute
	// laneRecheck is how often a lane reads its channel's budget again.
	laneRecheck = 5 * time.Second
	// blockedPoll is how often the due loop looks again while lanes are full or paused and due
	// rows wait for them; a lane that frees a slot wakes it sooner.
	blockedPoll = 200 * time.Millisecond
)

// lanes are a dispatcher's send lanes, by channel id.
type lanes struct {
	d  *Dispatcher
	mu sync.Mutex
	m  map[string]*lane
	// swept is when idle lanes were last dropped.
	swept time.Time
}

// lane is one channel's sends.
type lane struct {
	id, typ string
	limiter *rate.Limiter
	budget  settings.SendBudget
	// capacity is how many claimed rows the lane holds beyond those in flight.
	capacity int
	checked  time.Time
	queue    []job
	// held are the ids of the rows queued or in flight here: a row claimed again while it waits
	// (its lease ran out) is not sent twice by this node.
	held     map[int64]struct{}
	workers  int
	inFlight int
	// pausedUntil is when a network that throttled us may be called again (the dispatcher's clock).
	pausedUntil time.Time
	idleSince   time.Time
}

// job is a claimed row waiting in a lane; done, when set, is called once it is sent, given
// back or dropped.
type job struct {
	it      store.OutboxItem
	claimed time.Time
	done    func()
}

func newLanes(d *Dispatcher) *lanes { return &lanes{d: d, m: map[string]*lane{}} }

func (ls *lanes) metrics() Metrics { return ls.d.cfg.Metrics }

// blocked lists the channels whose lanes take no more rows now: full, or paused by their
// network. It drops the lanes idle for laneIdle, and tells the metrics of pauses that ended.
func (ls *lanes) blocked() []string {
	now := ls.d.cfg.Clock.Now()
	m := ls.metrics()
	ls.mu.Lock()
	defer ls.mu.Unlock()
	var out []string
	sweep := time.Since(ls.swept) > laneIdle/4
	if sweep {
		ls.swept = time.Now()
	}
	for id, l := range ls.m {
		if !l.pausedUntil.IsZero() && !now.Before(l.pausedUntil) {
			l.pausedUntil = time.Time{}
			if m != nil {
				m.LaneState(id, l.inFlight, false)
			}
		}
		if l.paused(now) || len(l.queue) >= l.capacity {
			out = append(out, id)
			continue
		}
		if sweep && l.idle() && time.Since(l.idleSince) > laneIdle {
			delete(ls.m, id)
			if m != nil {
				m.LaneDropped(id)
			}
		}
	}
	return out
}

func (l *lane) paused(now time.Time) bool { return now.Before(l.pausedUntil) }

func (l *lane) idle() bool {
	return l.workers == 0 && len(l.queue) == 0 && l.inFlight == 0 && l.pausedUntil.IsZero()
}

// offer hands a claimed row to its channel's lane, starting a worker when the lane may send
// more at once; false when the lane cannot take it now (full, paused, or too many lanes).
func (ls *lanes) offer(ctx context.Context, it store.OutboxItem, done func()) bool {
	now := ls.d.cfg.Clock.Now()
	ls.mu.Lock()
	l := ls.m[it.ChannelID]
	fresh := l == nil || time.Since(l.checked) > laneRecheck
	ls.mu.Unlock()
	if fresh {
		ls.configure(ctx, it.ChannelID)
	}
	ls.mu.Lock()
	defer ls.mu.Unlock()
	l = ls.m[it.ChannelID]
	if l == nil {
		return false // too many lanes
	}
	if _, dup := l.held[it.ID]; dup {
		// claimed again while it waits here: this node sends it once
		if done != nil {
			done()
		}
		return true
	}
	if l.paused(now) || len(l.queue) >= l.capacity {
		return false
	}
	l.queue = append(l.queue, job{it: it, claimed: now, done: done})
	l.held[it.ID] = struct{}{}
	if l.workers < l.budget.Concurrency {
		l.workers++
		ls.d.wg.Add(1)
		go func() {
			defer ls.d.wg.Done()
			ls.work(ctx, l)
		}()
	}
	return true
}

// configure makes a channel's lane, or gives it its channel's current budget.
func (ls *lanes) configure(ctx context.Context, channelID string) {
	typ := ""
	var budget settings.SendBudget
	if ch, err := ls.d.Channel(ctx, channelID); err == nil {
		typ = ch.Type
		s, _ := settings.ParseChannel(ch.Type, ch.Settings)
		budget = s.Send
	} else {
		budget = settings.DefaultSendBudget("") // the send reports what is wrong with the channel
	}
	limit := rate.Inf
	if budget.Rate > 0 {
		limit = rate.Limit(budget.Rate)
	}
	// a row waits in the queue for at most about half its lease at the lane's rate
	capacity := laneQueue
	if budget.Rate > 0 {
		capacity = min(laneQueue, max(budget.Concurrency, budget.Burst+int(budget.Rate*ls.d.cfg.Lease.Seconds()/2)))
	}
	ls.mu.Lock()
	defer ls.mu.Unlock()
	l := ls.m[channelID]
	if l == nil {
		if len(ls.m) >= maxLanes {
			return
		}
		l = &lane{id: channelID, held: map[int64]struct{}{}, limiter: rate.NewLimiter(limit, max(budget.Burst, 1))}
		ls.m[channelID] = l
	} else if l.budget != budget {
		l.limiter.SetLimit(limit)
		l.limiter.SetBurst(max(budget.Burst, 1))
	}
	l.typ, l.budget, l.capacity, l.checked = typ, budget, capacity, time.Now()
}

// work sends the rows of a lane until its queue is empty.
func (ls *lanes) work(ctx context.Context, l *lane) {
	m := ls.metrics()
	for {
		ls.mu.Lock()
		if len(l.queue) == 0 || ctx.Err() != nil || l.paused(ls.d.cfg.Clock.Now()) {
			rest := l.queue
			l.queue = nil
			l.workers--
			if l.idle() {
				l.idleSince = time.Now()
			}
			for _, j := range rest {
				delete(l.held, j.it.ID)
			}
			until := l.pausedUntil
			ls.mu.Unlock()
			ls.release(ctx, rest, until)
			return
		}
		j := l.queue[0]
		l.queue = l.queue[1:]
		wasFull := len(l.queue)+1 >= l.capacity
		l.inFlight++
		inFlight, typ := l.inFlight, l.typ
		ls.mu.Unlock()
		if wasFull {
			ls.d.Wake() // the lane takes rows again
		}
		if m != nil {
			m.LaneState(l.id, inFlight, false)
		}
		ls.sendOne(ctx, l, j, typ, m)
		ls.mu.Lock()
		l.inFlight--
		delete(l.held, j.it.ID)
		inFlight, paused := l.inFlight, l.paused(ls.d.cfg.Clock.Now())
		ls.mu.Unlock()
		if m != nil {
			m.LaneState(l.id, inFlight, paused)
		}
		if j.done != nil {
			j.done()
		}
	}
}

// sendOne waits for the lane's token and sends a row; a row whose claim is old, or whose lane
// paused meanwhile, is given back instead.
func (ls *lanes) sendOne(ctx context.Context, l *lane, j job, typ string, m Metrics) {
	if err := l.limiter.Wait(ctx); err != nil {
		ls.release(ctx, []job{{it: j.it}}, time.Time{})
		return
	}
	now := ls.d.cfg.Clock.Now()
	ls.mu.Lock()
	until := l.pausedUntil
	ls.mu.Unlock()
	if now.Before(until) || now.Sub(j.claimed) > ls.d.cfg.Lease/2 {
		// paused, or its lease may run out before the network answers: claim it afresh later
		ls.release(ctx, []job{{it: j.it}}, until)
		return
	}
	start := time.Now()
	se := ls.d.send(ctx, j.it)
	outcome := "sent"
	if se != nil {
		outcome = string(se.Class)
		ls.d.sendLog.failed(l.id, typ, j.it.ActionID, se)
	}
	if m != nil {
		m.SendDone(l.id, typ, outcome, time.Since(start).Seconds())
	}
	if se != nil && se.Class == channels.ClassThrottle {
		wait := se.RetryAfter
		if wait <= 0 {
			wait = backoff(1, 0)
		}
		ls.pause(ctx, l, now.Add(wait), m)
	}
}

// pause stops a lane until a time: its queued rows go back to the database, due then.
func (ls *lanes) pause(ctx context.Context, l *lane, until time.Time, m Metrics) {
	ls.mu.Lock()
	if until.After(l.pausedUntil) {
		l.pausedUntil = until
	}
	until = l.pausedUntil
	rest := l.queue
	l.queue = nil
	for _, j := range rest {
		delete(l.held, j.it.ID)
	}
	inFlight := l.inFlight
	ls.mu.Unlock()
	if m != nil {
		m.Throttled(l.id)
		m.LaneState(l.id, inFlight, true)
	}
	ls.d.log.Warn("the network asked us to slow down: the channel's sends pause", "channel", l.id, "until", until)
	ls.release(ctx, rest, until)
}

// release gives rows back to the database, due at notBefore at the earliest, and calls their
// done.
func (ls *lanes) release(ctx context.Context, jobs []job, notBefore time.Time) {
	if len(jobs) == 0 {
		return
	}
	claims := make([]store.OutboxItem, len(jobs))
	for i, j := range jobs {
		claims[i] = j.it
	}
	// rows given back at shutdown too: their lease would keep them from every node meanwhile
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := ls.d.st.OutboxRelease(rctx, claims, notBefore); err != nil {
		ls.d.log.Warn("give claimed sends back; their lease will run out instead", "rows", len(claims), "err", err)
	}
	for _, j := range jobs {
		if j.done != nil {
			j.done()
		}
	}
}
