package routing

import (
	"container/heap"
	"slices"
	"time"

	"github.com/switchboardhq/switchboard/store"
)

// Board is the assigner's picture of agents and queued conversations, in memory, arranged so
// that each decision costs O(log n): for every skill, a heap of the conversations waiting (by
// priority, then the channel's distribution order, then age) and, for each strategy its
// entries are served by, a heap of the agents who could take one (by the strategy's order, see
// rank). Heaps are lazy: an agent whose state or load changed is pushed again with a new
// version, and stale items are skipped when they surface.
//
// A Board is not safe for concurrent use; the assigner owns it.
type Board struct {
	agents  map[string]*Agent
	entries map[string]*Entry
	skills  map[string]*skillQueues
	// held are entries offered first to their preferred agent, by agent, until a time.
	held map[string][]*Entry
	// manual are the entries of the manual strategy, which agents claim: never assigned here.
	manual   map[string]*Entry
	policies map[string]Policy
	// Choose, when set, picks the agent of the entries of routed skills among candidates.
	Choose Chooser
	seq    int64
}

// Agent is an agent as the board sees it.
type Agent struct {
	ID     string
	Skills map[string]int
	// Capacity is how many conversations the agent takes at once; ChannelCapacity bounds them
	// per channel type.
	Capacity        int
	ChannelCapacity map[string]int
	// State is offline, available, busy or break.
	State string
	// Blending lets an agent busy with other work take conversations.
	Blending bool
	// IdleSince is when the agent last finished a conversation: the longest idle goes first.
	IdleSince time.Time
	// Groups are the agent's groups, which skills may serve in order (Policy.Groups).
	Groups []string
	// LastAssigned is when the agent last got a new conversation (round robin).
	LastAssigned time.Time
	// Recent counts the new conversations of each skill the agent got in its policy's window.
	Recent map[string]int

	load          int
	loadByType    map[string]int
	loadByChannel map[string]int
	version       int64
}

// Load returns how many conversations the agent has or is offered.
func (a *Agent) Load() int { return a.load }

// Entry is a conversation waiting for an agent.
type Entry struct {
	Ref         string
	Skill       string
	Priority    int
	ChannelType string
	// Order holds the channel's distribution keys, compared in turn after the priority: lower
	// goes first (see OrderKeys).
	Order      [2]int64
	EnqueuedAt time.Time
	// Preferred is the agent offered the conversation first, until PreferredUntil.
	Preferred      string
	PreferredUntil time.Time
	// Excluded are agents who rejected or missed it: it is not offered to them again.
	Excluded map[string]bool
	// Strategy, when set, overrides the skill's (a channel's setting).
	Strategy string
	// ChannelID is the entry's channel, which an agent's ChannelCapacity may bound; with
	// NoBlending (the channel's blending off), agents serving conversations of other channels
	// do not take it.
	ChannelID  string
	NoBlending bool
	// MinLevel is the lowest proficiency an agent needs in the skill it takes the entry by (an
	// escalation step's); 0 is any. The preferred agent needs none.
	MinLevel int
	// Also are more skills whose agents may take the entry (an escalation step's), tried after
	// its own skill, in order.
	Also []string
	// Step is the escalation step the entry is at, from 1; 0 when its request has none.
	Step int

	// primary is the entry a shadow stands for in the heap of one of its Also skills; alt is
	// 0 for the entry itself and i+1 for its shadow in Also[i].
	primary *Entry
	shadows []*Entry
	alt     int

	seq   int64
	index int // in its skill's heap; -1 when not there
}

// Assignment is a decision: an entry goes to an agent.
type Assignment struct {
	Entry *Entry
	Agent *Agent
}

// NewBoard returns an empty board.
func NewBoard() *Board {
	return &Board{agents: map[string]*Agent{}, entries: map[string]*Entry{}, skills: map[string]*skillQueues{},
		held: map[string][]*Entry{}, manual: map[string]*Entry{}, policies: map[string]Policy{}}
}

// SetPolicy sets how a skill's conversations find agents. Set policies before adding entries:
// an entry's strategy is read when it is added.
func (b *Board) SetPolicy(skill string, p Policy) {
	b.policies[skill] = p
	if q := b.skills[skill]; q != nil && len(q.agents) > 0 {
		q.agents = nil // rebuilt for the new strategy and limit
		b.agentsFor(skill, b.skillStrategy(skill))
	}
}

// Agent returns an agent of the board, or nil.
func (b *Board) Agent(id string) *Agent { return b.agents[id] }

// Entry returns an entry of the board, or nil.
func (b *Board) Entry(ref string) *Entry { return b.entries[ref] }

// Waiting returns how many entries wait for a skill (held ones included).
func (b *Board) Waiting(skill string) int {
	n := 0
	if q := b.skills[skill]; q != nil {
		n = q.entries.Len()
	}
	for _, es := range b.held {
		for _, e := range es {
			if e.Skill == skill {
				n++
			}
		}
	}
	for _, e := range b.manual {
		if e.Skill == skill {
			n++
		}
	}
	if q := b.skills[skill]; q != nil {
		for _, e := range q.entries {
			if e.primary != nil {
				n-- // another skill's entry, which this one's agents may take too
			}
		}
	}
	return n
}

type skillQueues struct {
	entries entryHeap
	// agents holds a heap of the free agents for each strategy the skill's entries use (a few).
	agents []strategyHeap
}

// strategyHeap is a skill's free agents in a strategy's order.
type strategyHeap struct {
	strategy string
	heap     *agentHeap
}

// agentsFor returns the heap of a skill's free agents in a strategy's order, made from the
// board's agents when first needed.
func (b *Board) agentsFor(skill, strategy string) *agentHeap {
	q := b.queues(skill)
	for _, sh := range q.agents {
		if sh.strategy == strategy {
			return sh.heap
		}
	}
	h := &agentHeap{}
	q.agents = append(q.agents, strategyHeap{strategy: strategy, heap: h})
	for _, a := range b.agents {
		if level := a.Skills[skill]; level > 0 && a.free() && !b.capped(a, skill) {
			*h = append(*h, agentItem{agent: a, key: rank(strategy, a, level, b.tier(a, skill)), version: a.version})
		}
	}
	heap.Init(h)
	return h
}

// capped tells whether an agent has had the most new conversations of a skill its policy allows.
func (b *Board) capped(a *Agent, skill string) bool {
	limit := b.policies[skill].Limit
	return limit > 0 && a.Recent[skill] >= limit
}

func (b *Board) queues(skill string) *skillQueues {
	q := b.skills[skill]
	if q == nil {
		q = &skillQueues{}
		b.skills[skill] = q
	}
	return q
}

// PutAgent adds an agent or replaces what the board knows of one, keeping its load.
func (b *Board) PutAgent(a Agent) {
	if old := b.agents[a.ID]; old != nil {
		a.load, a.loadByType, a.loadByChannel = old.load, old.loadByType, old.loadByChannel
		a.version = old.version
	}
	p := &a
	p.normalise()
	b.agents[a.ID] = p
	b.touch(p)
}

// normalise gives an agent its defaults: a capacity of one, and no load.
func (a *Agent) normalise() {
	if a.loadByType == nil {
		a.loadByType = map[string]int{}
	}
	if a.loadByChannel == nil {
		a.loadByChannel = map[string]int{}
	}
	if a.Capacity <= 0 {
		a.Capacity = 1
	}
}

// touch gives an agent a new version and offers it again to the heaps of its skills when it
// can take a conversation.
func (b *Board) touch(a *Agent) {
	a.version++
	if !a.free() {
		return
	}
	for skill, level := range a.Skills {
		if level <= 0 || b.capped(a, skill) {
			continue
		}
		q := b.queues(skill)
		if len(q.agents) == 0 {
			// the skill's own strategy always has its heap, kept from the first agent on
			q.agents = append(q.agents, strategyHeap{strategy: b.skillStrategy(skill), heap: &agentHeap{}})
		}
		tier := b.tier(a, skill)
		for _, sh := range q.agents {
			heap.Push(sh.heap, agentItem{agent: a, key: rank(sh.strategy, a, level, tier), version: a.version})
		}
	}
}

// free tells whether an agent can take one more conversation of some channel type.
func (a *Agent) free() bool {
	switch a.State {
	case StateAvailable:
	case StateBusy:
		if !a.Blending {
			return false
		}
	default:
		return false
	}
	return a.load < a.Capacity
}

// fits tells whether the agent can take an entry: exclusions, its capacities for the entry's
// channel type and channel, and the channel's blending.
func (a *Agent) fits(e *Entry) bool {
	return !e.Excluded[a.ID] && a.roomOn(e.ChannelType, e.ChannelID, e.NoBlending)
}

// takes tells whether the agent can take a queued entry by the entry's skill: fits, at the
// entry's lowest proficiency.
func (a *Agent) takes(e *Entry) bool {
	return a.fits(e) && a.Skills[e.Skill] >= e.MinLevel
}

// primaryOrSelf is the entry a shadow stands for, or the entry itself.
func (e *Entry) primaryOrSelf() *Entry {
	if e.primary != nil {
		return e.primary
	}
	return e
}

// roomOn tells whether the agent has room for one more conversation of a channel: under its
// capacities for the channel type and for the channel (a key that is a type is the type), and,
// when the channel does not blend, serving no conversation of another channel.
func (a *Agent) roomOn(channelType, channelID string, noBlending bool) bool {
	if limit, ok := a.ChannelCapacity[channelType]; ok && a.loadByType[channelType] >= limit {
		return false
	}
	if channelID != "" && !slices.Contains(channelTypes, channelID) {
		if limit, ok := a.ChannelCapacity[channelID]; ok && a.loadByChannel[channelID] >= limit {
			return false
		}
	}
	return !noBlending || a.load == a.loadByChannel[channelID]
}

// channelTypes are the keys of ChannelCapacity that name channel types, not channels.
var channelTypes = []string{store.ChannelFacebook, store.ChannelInstagram, store.ChannelTwitter, store.ChannelWebchat}

// AddLoad records that an agent has (n > 0) or no longer has (n < 0) a conversation of a
// channel type; an agent who finishes one becomes idle now.
func (b *Board) AddLoad(id, channelType string, n int, now time.Time) {
	b.AddChannelLoad(id, channelType, "", n, now)
}

// AddChannelLoad is AddLoad for a conversation of a channel of the type.
func (b *Board) AddChannelLoad(id, channelType, channelID string, n int, now time.Time) {
	a := b.agents[id]
	if a == nil {
		return
	}
	a.load = max(a.load+n, 0)
	a.loadByType[channelType] = max(a.loadByType[channelType]+n, 0)
	if channelID != "" {
		a.loadByChannel[channelID] = max(a.loadByChannel[channelID]+n, 0)
	}
	if n < 0 {
		a.IdleSince = now
	}
	b.touch(a)
}

// Add puts an entry on the board: held for its preferred agent until its time (unless that
// agent turned it down), else queued for its skill (and its Also skills). It does not assign;
// Match does.
func (b *Board) Add(e *Entry) {
	if old := b.entries[e.Ref]; old != nil {
		b.Remove(e.Ref)
	}
	b.seq++
	e.seq, e.index, e.primary, e.shadows, e.alt = b.seq, -1, nil, nil, 0
	b.entries[e.Ref] = e
	if b.strategyOf(e) == StrategyManual {
		b.manual[e.Ref] = e
		return
	}
	if e.Excluded[e.Preferred] {
		e.Preferred = ""
	}
	if e.Preferred != "" {
		b.held[e.Preferred] = append(b.held[e.Preferred], e)
		return
	}
	b.enqueue(e)
}

// enqueue pushes an entry on its skill's heap, and a shadow of it on each of its Also skills'.
func (b *Board) enqueue(e *Entry) {
	heap.Push(&b.queues(e.Skill).entries, e)
	for i, skill := range e.Also {
		if skill == e.Skill || slices.Contains(e.Also[:i], skill) {
			continue
		}
		sh := *e
		sh.Skill, sh.primary, sh.shadows, sh.alt, sh.index = skill, e, nil, i+1, -1
		e.shadows = append(e.shadows, &sh)
		heap.Push(&b.queues(skill).entries, &sh)
	}
}

// detach takes an entry and its shadows off the heaps they are on.
func (b *Board) detach(e *Entry) {
	for _, x := range append([]*Entry{e}, e.shadows...) {
		if x.index >= 0 {
			heap.Remove(&b.queues(x.Skill).entries, x.index)
		}
	}
}

// Remove takes an entry off the board.
func (b *Board) Remove(ref string) {
	e := b.entries[ref]
	if e == nil {
		return
	}
	delete(b.entries, ref)
	if b.manual[ref] == e {
		delete(b.manual, ref)
		return
	}
	if hs := b.held[e.Preferred]; e.Preferred != "" && slices.Contains(hs, e) {
		i := slices.Index(hs, e)
		b.held[e.Preferred] = append(hs[:i], hs[i+1:]...)
		if len(b.held[e.Preferred]) == 0 {
			delete(b.held, e.Preferred)
		}
		return
	}
	b.detach(e)
}

// Release moves the entries held for preferred agents past their time into their skills' queues.
func (b *Board) Release(now time.Time) {
	for agent, hs := range b.held {
		kept := hs[:0]
		for _, e := range hs {
			if now.Before(e.PreferredUntil) {
				kept = append(kept, e)
				continue
			}
			e.Preferred = ""
			b.enqueue(e)
		}
		if len(kept) == 0 {
			delete(b.held, agent)
		} else {
			b.held[agent] = kept
		}
	}
}

// Match makes every assignment possible now: entries held for their preferred agent go to
// them when they are free; then, in the order of the queues, each entry goes to the best
// agent who can take it. Each assignment takes a place of the agent's capacity.
func (b *Board) Match(now time.Time) []Assignment {
	b.Release(now)
	var out []Assignment
	for id, hs := range b.held {
		a := b.agents[id]
		kept := hs[:0]
		for _, e := range hs {
			if a != nil && a.free() && a.fits(e) {
				out = append(out, b.assign(e, a, now))
				continue
			}
			kept = append(kept, e)
		}
		if len(kept) == 0 {
			delete(b.held, id)
		} else {
			b.held[id] = kept
		}
	}
	// Skill by skill, best entry first, while the skill has a free agent.
	tops := &topHeap{}
	for skill, q := range b.skills {
		if q.entries.Len() > 0 {
			heap.Push(tops, skillTop{skill: skill, entry: q.entries[0]})
		}
	}
	// Entries the skill's free agents may not take (exclusions, channel capacities) are passed
	// over for the ones behind them, and put back at the end.
	var passed []*Entry
	for tops.Len() > 0 {
		t := heap.Pop(tops).(skillTop)
		q := b.skills[t.skill]
		if q.entries.Len() == 0 {
			continue
		}
		e := q.entries[0]
		if e != t.entry {
			// the top was taken by another skill's agent: the new one waits its turn
			heap.Push(tops, skillTop{skill: t.skill, entry: e})
			continue
		}
		h := b.agentsFor(e.Skill, b.strategyOf(e))
		switch a := b.pick(h, e); {
		case a != nil:
			heap.Pop(&q.entries)
			out = append(out, b.assign(e, a, now))
		case h.Len() == 0:
			continue // nobody free for this skill now; later entries of it wait too
		default:
			passed = append(passed, heap.Pop(&q.entries).(*Entry))
		}
		if q.entries.Len() > 0 {
			heap.Push(tops, skillTop{skill: t.skill, entry: q.entries[0]})
		}
	}
	for _, e := range passed {
		if p := e.primaryOrSelf(); b.entries[p.Ref] == p {
			heap.Push(&b.skills[e.Skill].entries, e)
		}
	}
	return out
}

// Offer decides for one new entry at once: the agent it goes to, or nil when it waits (then it
// is on the board). On a matched board (after Match, and kept so by Offer and Freed) it is Add
// and Match for a single entry, in O(log n): the entries waiting have nobody free to take them,
// so the best free agent who may take this one does (by its skill, then its Also skills).
func (b *Board) Offer(e *Entry, now time.Time) *Agent {
	e.index, e.primary, e.shadows, e.alt = -1, nil, nil, 0
	if e.Preferred != "" && (!now.Before(e.PreferredUntil) || e.Excluded[e.Preferred]) {
		e.Preferred = ""
	}
	var a *Agent
	switch strategy := b.strategyOf(e); {
	case strategy == StrategyManual:
	case e.Preferred != "":
		if p := b.agents[e.Preferred]; p != nil && p.free() && p.fits(e) {
			a = p
		}
	default:
		via := e
		for i := -1; i < len(e.Also) && a == nil; i++ {
			if i >= 0 {
				sh := *e
				sh.Skill, sh.alt, sh.primary = e.Also[i], i+1, e
				via = &sh
			}
			a = b.pick(b.agentsFor(via.Skill, b.strategyOf(via)), via)
		}
		if a != nil {
			b.seq++
			e.seq, e.index = b.seq, -1
			b.assign(via, a, now)
			return a
		}
	}
	if a == nil {
		b.Add(e)
		return nil
	}
	b.seq++
	e.seq, e.index = b.seq, -1
	b.assign(e, a, now)
	return a
}

// Freed decides for an agent who can take one more conversation: the best entry of its skills,
// or nil. Entries held past their time are released first.
func (b *Board) Freed(id string, now time.Time) *Entry {
	a := b.agents[id]
	if a == nil || !a.free() {
		return nil
	}
	b.Release(now)
	for i, e := range b.held[id] {
		if !a.fits(e) {
			continue
		}
		if hs := b.held[id]; len(hs) == 1 {
			delete(b.held, id)
		} else {
			b.held[id] = append(hs[:i:i], hs[i+1:]...)
		}
		b.assign(e, a, now)
		return e
	}
	var best *Entry
	for skill, level := range a.Skills {
		q := b.skills[skill]
		if level <= 0 || q == nil || q.entries.Len() == 0 || b.capped(a, skill) {
			continue
		}
		e := q.entries[0]
		if !a.takes(e) {
			e = q.firstFitting(a)
		}
		if e != nil && (best == nil || before(e, best)) {
			best = e
		}
	}
	if best == nil {
		return nil
	}
	heap.Remove(&b.skills[best.Skill].entries, best.index)
	b.assign(best, a, now)
	return best
}

// MaxPassedOver bounds the search of a decision: at most this many free agents who may not
// take a conversation (it excludes them, their channel capacity is full, the channel does not
// blend, or they are below its escalation step's proficiency) are looked past in the strategy's
// order to find one who may, and as many conversations an agent may not take in the queue's
// order when the agent frees a place. So a decision costs at most O(MaxPassedOver · log n). A
// conversation with more such agents ahead of the first who may take it waits for a later
// decision, as those agents take other conversations and leave the heap, exclusions end, or
// its step changes; the conversations behind it are not held up (see docs/routing.md).
const MaxPassedOver = 64

// firstFitting finds the best entry an agent can take when the top one is not for it: the
// queue is searched in order, which is rare (exclusions, channel capacities) and bounded.
func (q *skillQueues) firstFitting(a *Agent) *Entry {
	var skipped []*Entry
	var found *Entry
	for q.entries.Len() > 0 && len(skipped) < MaxPassedOver {
		e := heap.Pop(&q.entries).(*Entry)
		if a.takes(e) {
			found = e
			break
		}
		skipped = append(skipped, e)
	}
	for _, e := range skipped {
		heap.Push(&q.entries, e)
	}
	if found != nil {
		heap.Push(&q.entries, found)
	}
	return found
}

// pick finds the agent for an entry in a heap of its skill's free agents: the first who can
// take it, or, for a routed skill with a Chooser, the one it picks among the first few.
func (b *Board) pick(h *agentHeap, e *Entry) *Agent {
	if !b.policies[e.primaryOrSelf().Skill].Routed || b.Choose == nil {
		return b.first(h, e)
	}
	found := b.candidates(h, e, MaxCandidates)
	switch len(found) {
	case 0:
		return nil
	case 1:
		return found[0]
	}
	if chosen := b.Choose(e, found); chosen != nil {
		for _, a := range found {
			if a == chosen {
				return a
			}
		}
	}
	return found[0]
}

// first returns the first agent of a heap who can take an entry, leaving it in the heap; stale
// heap items are dropped on the way, and at most MaxPassedOver agents who may not take it are
// looked past.
func (b *Board) first(h *agentHeap, e *Entry) *Agent {
	var skipped []agentItem
	var found *Agent
	for h.Len() > 0 {
		it := (*h)[0]
		a := it.agent
		if it.version != a.version || !a.free() || b.agents[a.ID] != a || b.capped(a, e.Skill) {
			heap.Pop(h) // stale: the agent changed since
			continue
		}
		if !a.takes(e) {
			skipped = append(skipped, heap.Pop(h).(agentItem))
			if len(skipped) >= MaxPassedOver {
				break
			}
			continue
		}
		found = a
		break
	}
	for _, it := range skipped {
		heap.Push(h, it)
	}
	return found
}

// candidates returns up to n agents of a heap who can take an entry, best first; stale heap
// items are dropped on the way, and at most MaxPassedOver agents who may not take it are
// looked past.
func (b *Board) candidates(h *agentHeap, e *Entry, n int) []*Agent {
	var kept []agentItem
	var found []*Agent
	skipped := 0
	for h.Len() > 0 && len(found) < n {
		it := (*h)[0]
		a := it.agent
		if it.version != a.version || !a.free() || b.agents[a.ID] != a || b.capped(a, e.Skill) {
			heap.Pop(h) // stale: the agent changed since
			continue
		}
		kept = append(kept, heap.Pop(h).(agentItem))
		if !a.takes(e) {
			if skipped++; skipped >= MaxPassedOver {
				break
			}
			continue
		}
		found = append(found, a)
	}
	for _, it := range kept {
		heap.Push(h, it)
	}
	return found
}

// assign gives an entry to an agent, by the skill of the heap it was found in (a shadow's is an
// Also skill); the assignment names the entry itself, which leaves every heap.
func (b *Board) assign(e *Entry, a *Agent, now time.Time) Assignment {
	p := e.primaryOrSelf()
	delete(b.entries, p.Ref)
	b.detach(p)
	p.index = -1
	a.load++
	a.loadByType[e.ChannelType]++
	if e.ChannelID != "" {
		a.loadByChannel[e.ChannelID]++
	}
	if b.policies[e.Skill].Limit > 0 {
		if a.Recent == nil {
			a.Recent = map[string]int{}
		}
		a.Recent[e.Skill]++
	}
	a.LastAssigned = now
	b.touch(a)
	return Assignment{Entry: p, Agent: a}
}

// before orders entries: higher priority, then the distribution keys, then older, then first in.
func before(x, y *Entry) bool {
	if x.Priority != y.Priority {
		return x.Priority > y.Priority
	}
	for i := range x.Order {
		if x.Order[i] != y.Order[i] {
			return x.Order[i] < y.Order[i]
		}
	}
	if !x.EnqueuedAt.Equal(y.EnqueuedAt) {
		return x.EnqueuedAt.Before(y.EnqueuedAt)
	}
	if x.seq != y.seq {
		return x.seq < y.seq
	}
	return x.alt < y.alt // an entry's own skill before its Also skills
}

type entryHeap []*Entry

func (h entryHeap) Len() int           { return len(h) }
func (h entryHeap) Less(i, j int) bool { return before(h[i], h[j]) }
func (h entryHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *entryHeap) Push(x any) {
	e := x.(*Entry)
	e.index = len(*h)
	*h = append(*h, e)
}
func (h *entryHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	e.index = -1
	return e
}

type agentItem struct {
	agent   *Agent
	key     rankKey
	version int64
}

type agentHeap []agentItem

func (h agentHeap) Len() int { return len(h) }
func (h agentHeap) Less(i, j int) bool {
	if h[i].key != h[j].key {
		for k := range h[i].key {
			if h[i].key[k] != h[j].key[k] {
				return h[i].key[k] < h[j].key[k]
			}
		}
	}
	return h[i].agent.ID < h[j].agent.ID
}
func (h agentHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *agentHeap) Push(x any)   { *h = append(*h, x.(agentItem)) }
func (h *agentHeap) Pop() any {
	old := *h
	it := old[len(old)-1]
	*h = old[:len(old)-1]
	return it
}

type skillTop struct {
	skill string
	entry *Entry
}

type topHeap []skillTop

func (h topHeap) Len() int           { return len(h) }
func (h topHeap) Less(i, j int) bool { return before(h[i].entry, h[j].entry) }
func (h topHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *topHeap) Push(x any)        { *h = append(*h, x.(skillTop)) }
func (h *topHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	*h = old[:len(old)-1]
	return t
}
