package dispatch

import (
	"context"
	"errors"
	"hash/fnv"
	"log/slog"
	"sync"
	"time"

	"github.com/switchboardhq/switchboard/channels"
	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/routing"
	"github.com/switchboardhq/switchboard/store"
)

// Defaults of a Dispatcher's Config.
const (
	DefaultRetryFor = 24 * time.Hour
	DefaultPoll     = time.Second
	DefaultLease    = time.Minute
	// DefaultEventLease is how long a claimed webhook payload stays with its node unless the
	// node renews it: how long the payloads of a node that died wait before another takes them.
	DefaultEventLease = 10 * time.Second
	// DefaultSendTimeout bounds one call to a network.
	DefaultSendTimeout = 15 * time.Second
)

// Sender sends an action to its network, and reads a send of unknown outcome back from it:
// *channels.Client.
type Sender interface {
	Send(ctx context.Context, ch channels.Channel, a *engine.Action, sc channels.SendContext) (channels.Result, error)
	ReadBack(ctx context.Context, ch channels.Channel, at channels.Attempt) channels.ReadBack
}

// Queue is the routing queue as sessions see it; package routing implements it.
type Queue interface {
	// Admit decides a routing request during a run: no_agents or overflow at once, or queued.
	Admit(ctx context.Context, req *engine.RouteRequest, ch store.Channel) (engine.RouteOutcome, error)
	// Enqueue writes an admitted request, in the transaction of the run that made it.
	Enqueue(ctx context.Context, tx store.Tx, req routing.QueueRequest) error
	// Withdraw takes a request out of the queue: its wait timed out.
	Withdraw(ctx context.Context, tx store.Tx, ref string) error
	// Wake tells the assigner that the queue changed, after the transaction committed.
	Wake()
}

// Observer hears what the pipeline did, after it is committed: the agent API streams
// customers' messages to the agents who own their conversations.
type Observer interface {
	// Inbound is a customer's message recorded in a conversation.
	Inbound(conv store.Conversation, in store.Interaction)
}

// SendObserver is an Observer that also hears how each send went, once its result is
// committed: sent or failed, with the network's reason.
type SendObserver interface {
	SendFinished(item store.OutboxItem, status, failure string)
}

// Topics of notifications.
const (
	TopicDue    = "due"    // a deadline or an outbox row to look at
	TopicEvents = "events" // a stored webhook payload to process
)

// Config is what a Dispatcher is made of.
type Config struct {
	Store store.Store
	// Flows loads published flow versions.
	Flows  engine.FlowLoader
	Sender Sender
	Queue  Queue
	Clock  engine.Clock
	Logger *slog.Logger
	// HTTP serves the http block; the default client when nil.
	HTTP engine.HTTPDoer
	// Limits are the budgets of each run of a flow: memory, operations, deadline.
	Limits   engine.Limits
	Observer Observer
	// RetryFor is how long an outbox send is retried before it fails.
	RetryFor time.Duration
	// Poll is how often idle workers look for due work.
	Poll time.Duration
	// Lease is how long a claimed row stays with this node.
	Lease time.Duration
	// EventLease is how long a claimed webhook payload stays with this node unless renewed.
	EventLease time.Duration
	// SendTimeout bounds one call to a network; a send in flight holds its row for this and
	// sendMargin more, so no other node takes it meanwhile.
	SendTimeout time.Duration
	// Committers is how many transactions commit at once (1 for SQLite, more for PostgreSQL).
	Committers int
	// Metrics, when set, hear about sessions and commits.
	Metrics Metrics
	// Tracer, when set, observes each run of a flow and its blocks.
	Tracer engine.Tracer
	// Profiles, when set, looks the names of Messenger and Instagram customers up before their
	// sessions start (profiles.go); ProfileTimeout bounds one look-up (DefaultProfileTimeout
	// when zero) and ProfileLookups how many run at once (DefaultProfileLookups when zero).
	Profiles       ProfileSource
	ProfileTimeout time.Duration
	ProfileLookups int

	// queueCapacity and claimBatch size the payload queue (queueCapacity and eventClaimBatch
	// when zero); the tests shrink them to cross their limits with a few payloads.
	queueCapacity, claimBatch int
}

// Metrics hears about the pipeline's work.
type Metrics interface {
	SessionRun(status engine.Status)
	// CommitBatch hears how many units of work one transaction committed.
	CommitBatch(units int)
	// Reconciled hears how a send whose outcome was unknown (a timeout, a node that died
	// between sending and recording) was settled by reading the network back: "found" (the
	// network has it; it is not sent again), "absent" (it is sent again) or "unknown" (the
	// network cannot tell).
	Reconciled(channelID, outcome string)
	// SendDone hears a send's outcome ("sent", or the class of its error: retry, throttle,
	// fatal, window, reauth, duplicate) and how long it took, network and recording.
	SendDone(channelID, channelType, outcome string, seconds float64)
	// Throttled hears that a channel's network asked us to slow down: its lane pauses.
	Throttled(channelID string)
	// LaneState hears a lane's sends in flight and whether it is paused; LaneDropped that an
	// idle lane is gone.
	LaneState(channelID string, inFlight int, paused bool)
	LaneDropped(channelID string)
	// ProfileLookup hears a customer's profile look-up: "found", "refused" (the network will
	// not give it), "reauth", "throttle", "failed" (anything else, a timeout included) or
	// "busy" (no free look-up slot in time).
	ProfileLookup(channelType, outcome string)
}

// Dispatcher runs sessions durably. It is safe for concurrent use.
type Dispatcher struct {
	cfg     Config
	st      store.Store
	rt      *engine.Runtime
	log     *slog.Logger
	commits chan *unit
	queue   *eventQueue
	wake    chan struct{}
	wg      sync.WaitGroup
	keys    keyedMutex

	chMu     sync.Mutex
	channels channelCache

	lanes    *lanes
	sendLog  *sendLog
	profiles *profiler // nil without Config.Profiles
}

type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

// New makes a dispatcher; Start runs its workers.
func New(cfg Config) *Dispatcher {
	if cfg.Clock == nil {
		cfg.Clock = wallClock{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.RetryFor == 0 {
		cfg.RetryFor = DefaultRetryFor
	}
	if cfg.Poll == 0 {
		cfg.Poll = DefaultPoll
	}
	if cfg.Lease == 0 {
		cfg.Lease = DefaultLease
	}
	if cfg.EventLease == 0 {
		cfg.EventLease = DefaultEventLease
	}
	if cfg.SendTimeout == 0 {
		cfg.SendTimeout = DefaultSendTimeout
	}
	if cfg.queueCapacity == 0 {
		cfg.queueCapacity = queueCapacity
	}
	if cfg.claimBatch == 0 {
		cfg.claimBatch = eventClaimBatch
	}
	if cfg.Committers == 0 {
		cfg.Committers = 1
		if cfg.Store.Dialect() == "postgres" {
			cfg.Committers = 4
		}
	}
	d := &Dispatcher{cfg: cfg, st: cfg.Store, log: cfg.Logger, commits: make(chan *unit, 1024),
		queue: newEventQueue(cfg.queueCapacity), wake: make(chan struct{}, 1), channels: channelCache{byID: map[string]store.Channel{}}}
	d.lanes, d.sendLog = newLanes(d), newSendLog(cfg.Logger, cfg.Clock)
	d.profiles = newProfiler(d, cfg)
	d.rt = &engine.Runtime{
		Clock: cfg.Clock, Outbox: runOutbox{d}, Router: runRouter{d}, Contacts: storeContacts{cfg.Store},
		Switches: storeSwitches{cfg.Store}, Calendars: storeCalendars{cfg.Store}, HTTP: cfg.HTTP, Flows: cfg.Flows,
		Limits: cfg.Limits, Tracer: cfg.Tracer,
	}
	return d
}

// Start runs the committers and the workers until ctx ends; Wait waits for them.
func (d *Dispatcher) Start(ctx context.Context) {
	for range d.cfg.Committers {
		d.wg.Add(1)
		go func() {
			defer d.wg.Done()
			d.commitLoop(ctx)
		}()
	}
	d.startQueue(ctx)
	d.wg.Add(2)
	go func() {
		defer d.wg.Done()
		d.dueLoop(ctx)
	}()
	go func() {
		defer d.wg.Done()
		d.listen(ctx)
	}()
}

// Wait waits for the workers to stop after their context ended.
func (d *Dispatcher) Wait() { d.wg.Wait() }

// Wake makes the due-work loop look now: a notification from another node, or new work here.
func (d *Dispatcher) Wake() { signal(d.wake) }

// unit is one unit of work waiting to be committed.
type unit struct {
	ctx  context.Context
	fn   func(store.Tx) error
	done chan error
}

// commit applies fn in a transaction shared with other units committed at the same moment,
// and returns once it is durable. fn may run more than once (when another unit of its batch
// fails, the batch runs again without it): it must set what it captures afresh at its start.
func (d *Dispatcher) commit(ctx context.Context, fn func(store.Tx) error) error {
	u := &unit{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case d.commits <- u:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-u.done:
		return err
	case <-ctx.Done():
		// the unit may still commit; callers treat this as unknown and rely on dedupe keys
		return ctx.Err()
	}
}

// maxBatch bounds how many units share one transaction.
const maxBatch = 128

// linger is the longest a committer waits for more units when the last transaction had
// several: units of concurrent requests arrive a little apart, and one transaction for many
// costs little more than one for each.
const linger = 300 * time.Microsecond

func (d *Dispatcher) commitLoop(ctx context.Context) {
	batch := make([]*unit, 0, maxBatch)
	fns := make([]func(store.Tx) error, 0, maxBatch)
	timer := time.NewTimer(linger)
	timer.Stop()
	last := 0
	for {
		batch, fns = batch[:0], fns[:0]
		select {
		case u := <-d.commits:
			batch = append(batch, u)
		case <-ctx.Done():
			return
		}
	more:
		for len(batch) < maxBatch {
			select {
			case u := <-d.commits:
				batch = append(batch, u)
			default:
				break more
			}
		}
		// As many as last time are likely on their way: wait a moment for them. A lone unit
		// after a lone unit (a quiet pipeline) does not wait.
		if len(batch) < min(last, maxBatch) {
			timer.Reset(linger)
		wait:
			for len(batch) < min(last, maxBatch) {
				select {
				case u := <-d.commits:
					batch = append(batch, u)
				case <-timer.C:
					break wait
				}
			}
			timer.Stop()
		}
		last = len(batch)
		for _, u := range batch {
			fns = append(fns, u.fn)
		}
		// the batch outlives any one request: commit it whatever its callers do meanwhile
		errs := d.st.InTxBatch(context.WithoutCancel(ctx), fns)
		if d.cfg.Metrics != nil {
			d.cfg.Metrics.CommitBatch(len(fns))
		}
		for i, u := range batch {
			u.done <- errs[i]
		}
	}
}

// notify wakes the workers of every node, this one first.
func (d *Dispatcher) notify(ctx context.Context, topic string) {
	d.Wake()
	if err := d.st.Bus().Publish(ctx, topic, ""); err != nil {
		d.log.Warn("notify the other nodes", "topic", topic, "err", err)
	}
}

// listen wakes the workers when another node announces work, and forgets the channels that
// changed.
func (d *Dispatcher) listen(ctx context.Context) {
	msgs, cancel := d.st.Bus().Subscribe()
	defer cancel()
	for {
		select {
		case m := <-msgs:
			switch m.Topic {
			case TopicDue:
				d.Wake()
			case TopicEvents:
				d.queue.kick()
			case store.TopicChannel:
				d.ChannelChanged(m.Payload)
			case store.TopicReconnected:
				d.ChannelChanged("")
				d.Wake()
				d.queue.kick()
			}
		case <-ctx.Done():
			return
		}
	}
}

// seedOf makes a session's random seed from its id.
func seedOf(id string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	return h.Sum64()
}

// keyedMutex serialises work on one conversation within this node, so that two messages of one
// customer do not race for its session (nodes still race; versions settle that).
type keyedMutex struct {
	mu    sync.Mutex
	locks map[string]*keyLock
}

type keyLock struct {
	sync.Mutex
	users int
}

func (k *keyedMutex) lock(key string) func() {
	k.mu.Lock()
	if k.locks == nil {
		k.locks = map[string]*keyLock{}
	}
	l := k.locks[key]
	if l == nil {
		l = &keyLock{}
		k.locks[key] = l
	}
	l.users++
	k.mu.Unlock()
	l.Lock()
	return func() {
		l.Unlock()
		k.mu.Lock()
		if l.users--; l.users == 0 {
			delete(k.locks, key)
		}
		k.mu.Unlock()
	}
}

// isRetryable tells a commit that lost a race and should run again.
func isRetryable(err error) bool {
	return errors.Is(err, store.ErrStale) || errors.Is(err, store.ErrExists)
}
