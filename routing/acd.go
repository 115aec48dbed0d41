package routing

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/settings"
	"github.com/switchboardhq/switchboard/store"
)

// Defaults of the ACD.
const (
	// LeaseTTL is how long the assigner's lease lasts unless renewed: how long a dead leader's
	// work waits before another node takes over.
	LeaseTTL = 10 * time.Second
	// DefaultRingTimeout is how long an offer rings when the channel sets no ring_timeout.
	DefaultRingTimeout = 30 * time.Second
	leaseName          = "acd"
)

// Resumer resumes a session waiting for an agent with what happened to its request (assigned,
// done), writing extra in the same transaction; the pipeline implements it.
type Resumer interface {
	ResumeSession(ctx context.Context, sessionID string, ev engine.Event, extra func(store.Tx) error) error
}

// ACD decides assignments on the node that holds its lease, and carries out what agents do on
// any node.
type ACD struct {
	st store.Store
	// Resumer resumes the sessions of the conversations assigned and closed; set it before
	// Run when the dispatcher is made after the ACD (it needs the ACD's queue).
	Resumer Resumer
	hub     *Hub
	clock   engine.Clock
	log     *slog.Logger
	node    string
	tick    time.Duration

	wake   chan struct{}
	leader atomic.Bool
	mu     sync.Mutex // one cycle at a time on this node
	// settings are the channels' typed settings, as last read
	settings settingsCache
	// Queued reports the queue size per skill after each cycle, when set.
	Queued func(skill string, n int)
	// Refused counts, when set, the decisions refused at their commit because the agent had
	// changed state or taken other conversations since the cycle read the database.
	Refused func()
	// RouterFallback counts, when set, the external routers' choices not taken, by reason
	// (timeout, error, bad_answer, unavailable): the strategy chose instead.
	RouterFallback func(reason string)
	routerClient   *http.Client
	// answered are the assigned entries known to be answered (auto_requeue)
	answered answeredCache
	// claims are the claimable conversations agents were told of (manual strategy)
	claims claimNotices
}

// Config is what an ACD is made of.
type Config struct {
	Store   store.Store
	Resumer Resumer
	Hub     *Hub
	Clock   engine.Clock
	Logger  *slog.Logger
	// Node names this process among those sharing the database.
	Node string
	// Tick is how often the leader looks at the queue without being woken (1 s when zero).
	Tick time.Duration
}

// New returns an ACD; Run makes it take part in the election.
func New(cfg Config) *ACD {
	if cfg.Clock == nil {
		cfg.Clock = wallClock{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Tick == 0 {
		cfg.Tick = time.Second
	}
	return &ACD{st: cfg.Store, Resumer: cfg.Resumer, hub: cfg.Hub, clock: cfg.Clock, log: cfg.Logger, node: cfg.Node,
		tick: cfg.Tick, wake: make(chan struct{}, 1),
		routerClient: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 2, ResponseHeaderTimeout: 10 * time.Second}}}
}

type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

func (a *ACD) now() time.Time { return a.clock.Now() }

// Leader tells whether this node decides assignments now.
func (a *ACD) Leader() bool { return a.leader.Load() }

// Wake makes the leader look at the queue now, wherever it runs.
func (a *ACD) Wake() {
	a.wakeLocal()
	if err := a.st.Bus().Publish(context.Background(), "queue", ""); err != nil {
		a.log.Warn("wake the assigner", "err", err)
	}
}

func (a *ACD) wakeLocal() {
	select {
	case a.wake <- struct{}{}:
	default:
	}
}

// Run takes part in the election until ctx ends: the node holding the lease runs a cycle on
// each wake-up and tick, and renews the lease; the others wait to take over.
func (a *ACD) Run(ctx context.Context) {
	msgs, cancel := a.st.Bus().Subscribe()
	defer cancel()
	go func() {
		for {
			select {
			case m := <-msgs:
				if m.Topic == "queue" || m.Topic == "reconnected" {
					a.wakeLocal()
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	ticker := time.NewTicker(a.tick)
	defer ticker.Stop()
	for {
		a.Step(ctx)
		select {
		case <-ticker.C:
		case <-a.wake:
		case <-ctx.Done():
			// a node that stopped leads no more, whether or not its lease could be given up
			if a.leader.Swap(false) {
				if err := a.st.LeaseRelease(context.WithoutCancel(ctx), leaseName, a.node); err != nil {
					a.log.Warn("release the assigner's lease", "err", err)
				}
			}
			return
		}
	}
}

// Step renews or takes the lease, and runs a cycle when this node leads. Run calls it; tests
// call it to step the ACD deterministically.
func (a *ACD) Step(ctx context.Context) {
	ok, err := a.st.LeaseAcquire(ctx, leaseName, a.node, LeaseTTL)
	if err != nil {
		if ctx.Err() == nil {
			a.log.Warn("the assigner's lease", "err", err)
		}
		return
	}
	if was := a.leader.Swap(ok); was != ok {
		a.log.Info("assigner", "leader", ok, "node", a.node)
	}
	if ok {
		if err := a.cycle(ctx); err != nil && ctx.Err() == nil {
			a.log.Warn("an assignment cycle failed; the next one tries again", "err", err)
		}
	}
}

// world is what a cycle reads of the database.
type world struct {
	agents   map[string]store.Agent
	states   map[string]store.AgentState
	channels map[string]store.Channel
	// settings are the channels' typed settings, by channel id
	settings map[string]settings.ChannelSettings
	skills   map[string]store.Skill
	entries  []store.QueueEntry
	// recent are the agents' new conversations in their skills' windows (assignment_limit) and
	// the last one's time (round robin), read when a skill or channel needs them.
	recent map[string]map[string]int
	last   map[string]time.Time
	// working lists the working agents (available or busy) of each skill; built when first needed.
	working map[string][]string
}

func (a *ACD) read(ctx context.Context) (*world, error) {
	w := &world{agents: map[string]store.Agent{}, states: map[string]store.AgentState{}, channels: map[string]store.Channel{},
		settings: map[string]settings.ChannelSettings{}, skills: map[string]store.Skill{}}
	agents, err := a.st.AgentList(ctx)
	if err != nil {
		return nil, err
	}
	for _, ag := range agents {
		w.agents[ag.ID] = ag
	}
	states, err := a.st.AgentStateList(ctx)
	if err != nil {
		return nil, err
	}
	for _, s := range states {
		w.states[s.AgentID] = s
	}
	chs, err := a.st.ChannelList(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range chs {
		w.channels[c.ID] = c
		w.settings[c.ID] = a.settingsOf(c)
	}
	a.forgetSettings(w.channels)
	skills, err := a.st.SkillList(ctx)
	if err != nil {
		return nil, err
	}
	for _, s := range skills {
		w.skills[s.Name] = s
	}
	w.entries, err = a.st.QueueList(ctx, store.QueueListParams{Statuses: store.QueueOpen})
	if err != nil {
		return nil, err
	}
	return w, a.readRecent(ctx, w)
}

// RoundRobinMemory is how far back round robin looks for an agent's last new conversation;
// an agent with none in that time counts as the longest without one.
const RoundRobinMemory = 24 * time.Hour

// readRecent reads the agents' recent new conversations: counted in each window a skill's
// assignment_limit uses, and the last one's time when a skill or channel uses round robin.
func (a *ACD) readRecent(ctx context.Context, w *world) error {
	now := a.now()
	windows := map[time.Duration][]string{}
	roundRobin := false
	for _, sk := range w.skills {
		if sk.AssignmentLimit > 0 {
			d := time.Duration(sk.AssignmentWindow) * time.Second
			if d <= 0 {
				d = time.Hour
			}
			windows[d] = append(windows[d], sk.Name)
		}
		roundRobin = roundRobin || sk.Strategy == StrategyRoundRobin
	}
	for _, s := range w.settings {
		roundRobin = roundRobin || s.Strategy == StrategyRoundRobin
	}
	if roundRobin {
		if _, ok := windows[RoundRobinMemory]; !ok {
			windows[RoundRobinMemory] = nil
		}
	}
	w.recent, w.last = map[string]map[string]int{}, map[string]time.Time{}
	for d, skills := range windows {
		rows, err := a.st.QueueAssignments(ctx, now.Add(-d))
		if err != nil {
			return err
		}
		for _, r := range rows {
			if slices.Contains(skills, r.Skill) {
				if w.recent[r.Agent] == nil {
					w.recent[r.Agent] = map[string]int{}
				}
				w.recent[r.Agent][r.Skill] = r.N
			}
			if r.Last.After(w.last[r.Agent]) {
				w.last[r.Agent] = r.Last
			}
		}
	}
	return nil
}

// ReofferAfter is how long a conversation that every working agent of its skill rejected or
// let ring out waits before a new round of offers to them starts.
const ReofferAfter = time.Minute

// board builds the board of a world at a moment: agents with their loads, and the queued entries.
func (w *world) board(now time.Time) *Board {
	b := NewBoard()
	for name, sk := range w.skills {
		b.SetPolicy(name, Policy{Strategy: sk.Strategy, Limit: sk.AssignmentLimit, Routed: sk.RouterURL != "", Groups: sk.Groups})
	}
	for _, ag := range w.agents {
		ba := boardAgent(ag, w.states[ag.ID])
		ba.Recent, ba.LastAssigned = w.recent[ag.ID], w.last[ag.ID]
		b.PutAgent(ba)
	}
	for _, e := range w.entries {
		switch e.Status {
		case store.QueueOffered, store.QueueAssigned:
			b.AddChannelLoad(e.Agent, e.ChannelType, e.ChannelID, 1, time.Time{})
		case store.QueueQueued:
			b.Add(w.entry(e, now))
		}
	}
	return b
}

// boardAgent is an agent as the board sees it, from its record and its state.
func boardAgent(ag store.Agent, st store.AgentState) Agent {
	idle := st.Since
	if st.IdleSince != nil {
		idle = *st.IdleSince
	}
	return Agent{ID: ag.ID, Skills: ag.Skills, Capacity: ag.Capacity, ChannelCapacity: ag.ChannelCapacity, Groups: ag.Groups,
		State: cmpOr(st.State, StateOffline), Blending: ag.Blending, IdleSince: idle}
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// entry turns a queue row into a board entry, with its channel's distribution order. Its
// exclusions are dropped when they shut out every working agent of its skill and ReofferAfter
// has passed since the last of them turned it down: a new round of offers starts.
func (w *world) entry(e store.QueueEntry, now time.Time) *Entry {
	be := &Entry{Ref: e.Ref, Skill: e.Skill, Priority: e.Priority, ChannelType: e.ChannelType, EnqueuedAt: e.EnqueuedAt,
		Order: orderKeys(w.settings[e.ChannelID], e), Excluded: map[string]bool{}, Strategy: w.settings[e.ChannelID].Strategy,
		ChannelID: e.ChannelID}
	if s, ok := w.settings[e.ChannelID]; ok {
		be.NoBlending = !s.Blending
	}
	if e.PreferredAgent != "" && e.PreferredUntil != nil {
		be.Preferred, be.PreferredUntil = e.PreferredAgent, *e.PreferredUntil
	}
	if len(e.Escalation) > 0 {
		x := escalationAt(e, now)
		be.Step, be.MinLevel, be.Also = x.step, x.minLevel, x.also
		be.Priority += x.bonus
	}
	if len(e.Excluded) > 0 && w.everyoneExcluded(e) && !now.Before(e.UpdatedAt.Add(ReofferAfter)) {
		return be
	}
	for _, x := range e.Excluded {
		be.Excluded[x] = true
	}
	return be
}

// everyoneExcluded tells whether every working agent (available or busy) with the entry's
// skill has rejected it or let it ring out.
func (w *world) everyoneExcluded(e store.QueueEntry) bool {
	if w.working == nil {
		w.working = map[string][]string{}
		for id, ag := range w.agents {
			if st := w.states[id].State; st == StateAvailable || st == StateBusy {
				for skill := range ag.Skills {
					w.working[skill] = append(w.working[skill], id)
				}
			}
		}
	}
	for _, id := range w.working[e.Skill] {
		if !slices.Contains(e.Excluded, id) {
			return false
		}
	}
	return true
}

// Distribution orders a channel may set, as the list "distribution" of up to two of them,
// applied in turn after the priority and before the age.
const (
	OrderOldest          = settings.OrderOldest
	OrderNewest          = settings.OrderNewest
	OrderAccountPriority = settings.OrderAccountPriority
	OrderPrivateFirst    = settings.OrderPrivateFirst
	OrderPublicFirst     = settings.OrderPublicFirst
)

// OrderKeys computes an entry's distribution keys: lower goes first. Channels sharing a skill
// compare keys position by position, a key a channel does not set counting as 0: their
// conversations interleave by age unless one channel sets newest (its conversations go ahead,
// newest first), account_priority (a higher priority goes ahead) or private_first /
// public_first (the other kind goes behind).
func OrderKeys(ch store.Channel, e store.QueueEntry) [2]int64 {
	s, _ := settings.ParseChannel(ch.Type, ch.Settings)
	return orderKeys(s, e)
}

func orderKeys(s settings.ChannelSettings, e store.QueueEntry) [2]int64 {
	var keys [2]int64
	for i, order := range s.Distribution {
		if i >= len(keys) {
			break
		}
		switch order {
		case OrderOldest:
			// the age decides last anyway, and nothing after it could: the order of channels
			// that set none
			return keys
		case OrderNewest:
			keys[i] = -e.EnqueuedAt.UnixNano()
		case OrderAccountPriority:
			keys[i] = -int64(s.AccountPriority)
		case OrderPrivateFirst:
			if e.Public {
				keys[i] = 1
			}
		case OrderPublicFirst:
			if !e.Public {
				keys[i] = 1
			}
		}
	}
	return keys
}

// cycle looks at the queue once: offers that rang out go back to the queue, then every
// assignment possible now is decided and carried out.
func (a *ACD) cycle(ctx context.Context) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	w, err := a.read(ctx)
	if err != nil {
		return err
	}
	expired := false
	for _, e := range w.entries {
		if e.Status == store.QueueOffered && e.OfferExpiresAt != nil && !now.Before(*e.OfferExpiresAt) {
			if err := a.missed(ctx, w, e); err != nil {
				a.log.Warn("an offer rang out; it goes back next cycle", "ref", e.Ref, "err", err)
			}
			expired = true
		}
	}
	if a.requeueUnanswered(ctx, w) {
		expired = true
	}
	if expired {
		if w, err = a.read(ctx); err != nil {
			return err
		}
	}
	a.noticeClaimable(ctx, w)
	b := w.board(now)
	byRef := map[string]store.QueueEntry{}
	for _, e := range w.entries {
		byRef[e.Ref] = e
	}
	b.Choose = a.chooser(ctx, w, byRef)
	for _, as := range b.Match(now) {
		e := byRef[as.Entry.Ref]
		e.Step = as.Entry.Step
		err := a.decide(ctx, w, e, as.Agent.ID)
		switch {
		case err == nil, errors.Is(err, store.ErrStale), errors.Is(err, engine.ErrStaleEvent):
		case errors.Is(err, ErrAgentNotFree):
			// the agent changed since the cycle read the database: the entry stays queued
			a.log.Debug("an assignment was refused at its commit; the entry stays queued", "ref", e.Ref, "agent", as.Agent.ID, "err", err)
			if a.Refused != nil {
				a.Refused()
			}
		default:
			a.log.Warn("an assignment could not be carried out; the next cycle tries again", "ref", e.Ref, "agent", as.Agent.ID, "err", err)
		}
	}
	if a.Queued != nil {
		for skill := range w.skills {
			a.Queued(skill, b.Waiting(skill))
		}
	}
	return nil
}

// rings tells whether a conversation is offered (ringing until the agent answers) rather than
// assigned directly: the channel's offer_mode, or a skill that wants an answer.
func (w *world) rings(e store.QueueEntry) bool {
	return w.settings[e.ChannelID].OfferMode == settings.OfferRing || w.skills[e.Skill].RequireAccept
}

// decide carries out an assignment: an offer that rings, or an assignment.
func (a *ACD) decide(ctx context.Context, w *world, e store.QueueEntry, agent string) error {
	if !w.rings(e) {
		return a.assign(ctx, e, agent, store.QueueQueued)
	}
	now := a.now()
	expires := now.Add(ringTimeout(w.settings[e.ChannelID]))
	e.Status, e.Agent, e.Offers, e.OfferedAt, e.OfferExpiresAt = store.QueueOffered, agent, e.Offers+1, &now, &expires
	err := a.st.InTx(ctx, func(tx store.Tx) error {
		if err := a.reserve(ctx, tx, agent, e); err != nil {
			return err
		}
		return tx.QueueUpdate(ctx, e, store.QueueQueued)
	})
	if err != nil {
		return err
	}
	a.tell(ctx, agent, AgentEvent{Type: EventOffer, Ref: e.Ref, Conversation: e.ConversationID, Skill: e.Skill, ExpiresAt: &expires})
	return nil
}

// assign gives a conversation to an agent, from a status (queued for direct assignment, offered
// for an accepted offer), and resumes its session, in one transaction.
func (a *ACD) assign(ctx context.Context, e store.QueueEntry, agent, from string) error {
	now := a.now()
	sess, err := a.st.SessionGet(ctx, e.SessionID)
	if err != nil {
		return err
	}
	extra := func(tx store.Tx) error {
		cur, err := tx.QueueGet(ctx, e.Ref)
		if err != nil {
			return err
		}
		if cur.Status != from || (from == store.QueueOffered && cur.Agent != agent) {
			return fmt.Errorf("queue entry %s is %s: %w", e.Ref, cur.Status, store.ErrStale)
		}
		s, err := tx.SessionGet(ctx, e.SessionID)
		if err != nil {
			return err
		}
		if s.Status != string(engine.StatusWaiting) || s.WaitKind != string(engine.WaitAgent) {
			return fmt.Errorf("session %s no longer waits for an agent: %w", s.ID, store.ErrStale)
		}
		if from == store.QueueQueued {
			// an accepted offer holds its place already; a direct assignment takes one now
			if err := a.reserve(ctx, tx, agent, e); err != nil {
				return err
			}
		}
		cur.Status, cur.Agent, cur.AssignedAt, cur.OfferExpiresAt = store.QueueAssigned, agent, &now, nil
		if from == store.QueueQueued {
			cur.Step = e.Step // an accepted offer keeps the step it was offered at
		}
		if err := tx.QueueUpdate(ctx, cur, from); err != nil {
			return err
		}
		conv, err := tx.ConversationGet(ctx, e.ConversationID)
		if err != nil {
			return err
		}
		conv.Agent, conv.Skill = agent, e.Skill
		return tx.ConversationUpdate(ctx, conv)
	}
	err = a.Resumer.ResumeSession(ctx, e.SessionID, engine.Event{Kind: engine.EventAssigned, Seq: sess.Seq, Agent: agent, Step: e.Step}, extra)
	if errors.Is(err, ErrAgentNotFree) {
		return err
	}
	if errors.Is(err, engine.ErrStaleEvent) || errors.Is(err, store.ErrStale) {
		if werr := a.withdrawIfAbandoned(ctx, e); werr != nil {
			return werr
		}
		return err // nothing was assigned: an accepted offer must not look taken
	}
	if err != nil {
		return err
	}
	a.tell(ctx, agent, AgentEvent{Type: EventAssigned, Ref: e.Ref, Conversation: e.ConversationID, Skill: e.Skill})
	return nil
}

// ErrAgentNotFree means an agent can no longer take the conversation decided for it: the
// agent left the available state, or took other conversations up to its capacity, after the
// cycle read the database. Nothing is written; the entry stays queued for the next cycle.
var ErrAgentNotFree = errors.New("the agent cannot take it now")

// reserve checks, in the transaction that offers or assigns a conversation of a channel type
// to an agent, that the agent can still take it, by the board's rule: available (or busy with
// blending), with room under its capacity and its channel type's. The agent's state row stays
// locked until the transaction ends (on PostgreSQL; SQLite runs one transaction at a time), so
// a change of state or another assignment waits for this one, and this one sees theirs.
func (a *ACD) reserve(ctx context.Context, tx store.Tx, agent string, e store.QueueEntry) error {
	st, err := tx.AgentStateGet(ctx, agent)
	if err != nil {
		return err
	}
	ag, err := tx.AgentGet(ctx, agent)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("agent %s was deleted: %w", agent, ErrAgentNotFree)
	}
	if err != nil {
		return err
	}
	load, err := tx.AgentLoad(ctx, agent)
	if err != nil {
		return err
	}
	b := boardAgent(ag, st)
	b.normalise()
	for _, l := range load {
		b.load += l.N
		b.loadByType[l.ChannelType] += l.N
		b.loadByChannel[l.ChannelID] += l.N
	}
	noBlending := false
	if ch, err := tx.ChannelGet(ctx, e.ChannelID); err == nil {
		noBlending = !a.settingsOf(ch).Blending
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	switch {
	case !b.free() && b.load >= b.Capacity:
		return fmt.Errorf("agent %s has %d conversations, its capacity: %w", agent, b.load, ErrAgentNotFree)
	case !b.free():
		return fmt.Errorf("agent %s is %s: %w", agent, b.State, ErrAgentNotFree)
	case !b.roomOn(e.ChannelType, e.ChannelID, noBlending):
		return fmt.Errorf("agent %s has no room for a conversation of channel %s (%s): its capacity for it, or the channel does not blend: %w",
			agent, e.ChannelID, e.ChannelType, ErrAgentNotFree)
	}
	return nil
}

// withdrawIfAbandoned takes out of the queue an entry whose session no longer waits for it.
func (a *ACD) withdrawIfAbandoned(ctx context.Context, e store.QueueEntry) error {
	return a.st.InTx(ctx, func(tx store.Tx) error {
		s, err := tx.SessionGet(ctx, e.SessionID)
		if err != nil {
			return err
		}
		if s.Status == string(engine.StatusWaiting) && s.WaitKind == string(engine.WaitAgent) {
			return nil // it waits still: a race, and the next cycle tries again
		}
		cur, err := tx.QueueGet(ctx, e.Ref)
		if err != nil || !slices.Contains([]string{store.QueueQueued, store.QueueOffered}, cur.Status) {
			return err
		}
		now := a.now()
		from := cur.Status
		cur.Status, cur.WithdrawnAt = store.QueueWithdrawn, &now
		return tx.QueueUpdate(ctx, cur, from)
	})
}

// missed puts back at the head of its queue an offer that rang out, not to be offered to that
// agent again; the agent is paused when the channel says so (pause_on_missed_offer).
func (a *ACD) missed(ctx context.Context, w *world, e store.QueueEntry) error {
	agent := e.Agent
	pause := w.settings[e.ChannelID].PauseOnMissedOffer
	paused := false
	err := a.st.InTx(ctx, func(tx store.Tx) error {
		paused = false
		cur := e
		cur.Status, cur.Agent, cur.OfferExpiresAt = store.QueueQueued, "", nil
		if !slices.Contains(cur.Excluded, agent) {
			cur.Excluded = append(cur.Excluded, agent)
		}
		if err := tx.QueueUpdate(ctx, cur, store.QueueOffered); err != nil {
			return err
		}
		if !pause {
			return nil
		}
		st, err := tx.AgentStateGet(ctx, agent)
		if err != nil {
			return err
		}
		if st.State == StateOffline {
			return nil
		}
		st.State, st.Reason, st.Since = StateBreak, "missed offer", a.now()
		_, err = tx.AgentStateSet(ctx, st)
		paused = err == nil
		return err
	})
	if err != nil {
		return err
	}
	missed := AgentEvent{Type: EventOfferMissed, Ref: e.Ref, Conversation: e.ConversationID, Reason: ReasonTimedOut}
	if paused {
		missed.State = StateBreak
	}
	a.tell(ctx, agent, missed)
	if paused {
		a.tell(ctx, agent, AgentEvent{Type: EventState, State: StateBreak, Reason: "missed offer"})
	}
	return nil
}

// tell publishes an event to an agent's screens.
func (a *ACD) tell(ctx context.Context, agent string, ev AgentEvent) {
	if a.hub == nil || agent == "" {
		return
	}
	ev.Agent = agent
	if err := a.hub.Publish(context.WithoutCancel(ctx), ev); err != nil {
		a.log.Warn("tell an agent", "agent", agent, "event", ev.Type, "err", err)
	}
}
