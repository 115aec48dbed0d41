package engine

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"
)

// In-memory services: they serve `switchboard run`, flow tests, simulations and benchmarks.
// The server plugs in durable ones.

// ManualClock is a clock that moves only when told to.
type ManualClock struct {
	mu sync.Mutex
	t  time.Time
}

// NewManualClock returns a clock stopped at t.
func NewManualClock(t time.Time) *ManualClock { return &ManualClock{t: t} }

// Now returns the clock's time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *ManualClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// Advance moves the clock forward.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// MemoryOutbox records actions and answers at once: sent, or the failure set for their type.
type MemoryOutbox struct {
	mu sync.Mutex
	// Failures makes actions of a type fail with an error.
	Failures map[ActionType]error
	// Refuse, when set, may fail any action with an error.
	Refuse  func(a *Action) error
	actions []*Action
}

// Send records an action.
func (o *MemoryOutbox) Send(_ context.Context, a *Action) SendResult {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.actions = append(o.actions, a)
	if err := o.Failures[a.Type]; err != nil {
		return SendResult{Err: err}
	}
	if o.Refuse != nil {
		return SendResult{Err: o.Refuse(a)}
	}
	return SendResult{}
}

// Actions returns the actions sent so far.
func (o *MemoryOutbox) Actions() []*Action {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.actions)
}

// Agent states.
const (
	AgentOffline   = "offline"
	AgentAvailable = "available"
	AgentBusy      = "busy"
	AgentBreak     = "break"
)

// MemoryAgent is an agent of a MemoryRouter.
type MemoryAgent struct {
	ID     string         `json:"id"`
	Name   string         `json:"name,omitempty"`
	Skills map[string]int `json:"skills"`
	// State is offline, available, busy or break; empty means available.
	State string `json:"state,omitempty"`
	// Capacity is how many conversations the agent takes at once; 0 means 1.
	Capacity int `json:"capacity,omitempty"`
	// Load is how many conversations the agent has now.
	Load int `json:"load,omitempty"`
}

func (a *MemoryAgent) state() string { return cmp.Or(a.State, AgentAvailable) }

func (a *MemoryAgent) free() bool {
	return a.state() == AgentAvailable && a.Load < max(a.Capacity, 1)
}

// MemoryRouter routes to a fixed set of agents: the preferred agent when free, else the free
// agent with the highest proficiency in the skill (then the least loaded); otherwise it queues,
// up to QueueLimit conversations per working agent with the skill (available or busy, not on a
// break), and overflows beyond.
type MemoryRouter struct {
	mu     sync.Mutex
	Agents []*MemoryAgent
	// QueueLimit bounds the queue per working agent with the skill; 0 means no bound.
	QueueLimit int
	queue      []*RouteRequest
}

// Route assigns, queues, overflows, or finds nobody.
func (r *MemoryRouter) Route(_ context.Context, req *RouteRequest) (RouteResult, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var loggedIn []*MemoryAgent
	for _, a := range r.Agents {
		if a.Skills[req.Skill] > 0 && a.state() != AgentOffline {
			loggedIn = append(loggedIn, a)
		}
	}
	if len(loggedIn) == 0 && !req.QueueWithoutAgents {
		return RouteResult{Outcome: RouteNoAgents}, nil
	}
	if req.Preferred != "" {
		for _, a := range loggedIn {
			if a.ID == req.Preferred && a.free() {
				a.Load++
				return RouteResult{Outcome: RouteAssigned, Agent: a.ID}, nil
			}
		}
	}
	var best *MemoryAgent
	for _, a := range loggedIn {
		if !a.free() {
			continue
		}
		if best == nil || a.Skills[req.Skill] > best.Skills[req.Skill] ||
			(a.Skills[req.Skill] == best.Skills[req.Skill] && a.Load < best.Load) {
			best = a
		}
	}
	if best != nil {
		best.Load++
		return RouteResult{Outcome: RouteAssigned, Agent: best.ID}, nil
	}
	waiting, working := 0, 0
	for _, q := range r.queue {
		if q.Skill == req.Skill {
			waiting++
		}
	}
	for _, a := range loggedIn {
		if a.state() == AgentAvailable || a.state() == AgentBusy {
			working++
		}
	}
	if r.QueueLimit > 0 && waiting >= r.QueueLimit*working {
		return RouteResult{Outcome: RouteOverflow}, nil
	}
	r.queue = append(r.queue, req)
	return RouteResult{Outcome: RouteQueued}, nil
}

// Cancel takes a request out of the queue.
func (r *MemoryRouter) Cancel(_ context.Context, _ string, ref string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.queue = slices.DeleteFunc(r.queue, func(q *RouteRequest) bool { return q.Ref == ref })
	return nil
}

// Assign gives a queued request to an agent: it leaves the queue and takes the agent's capacity.
func (r *MemoryRouter) Assign(ref, agent string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.queue = slices.DeleteFunc(r.queue, func(q *RouteRequest) bool { return q.Ref == ref })
	for _, a := range r.Agents {
		if a.ID == agent {
			a.Load++
		}
	}
}

// Release frees one conversation of an agent's capacity.
func (r *MemoryRouter) Release(agent string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, a := range r.Agents {
		if a.ID == agent && a.Load > 0 {
			a.Load--
		}
	}
}

// Queued returns the routing requests waiting in the queue.
func (r *MemoryRouter) Queued() []*RouteRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.queue)
}

// MemoryContacts keeps contacts by channel and author id.
type MemoryContacts struct {
	mu       sync.Mutex
	contacts map[string]*Contact
	next     int
}

// Add stores a known contact for an author on a channel.
func (m *MemoryContacts) Add(channel, authorID string, c Contact) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.contacts == nil {
		m.contacts = map[string]*Contact{}
	}
	if c.ID == "" {
		m.next++
		c.ID = "contact-" + strconv.Itoa(m.next)
	}
	m.contacts[channel+"/"+authorID] = &c
}

// Lookup finds or creates the contact of an author.
func (m *MemoryContacts) Lookup(_ context.Context, channel string, author Author, attributes map[string]any) (Contact, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	key := channel + "/" + author.ID
	if c, ok := m.contacts[key]; ok {
		return *c, true, nil
	}
	if m.contacts == nil {
		m.contacts = map[string]*Contact{}
	}
	m.next++
	c := &Contact{ID: "contact-" + strconv.Itoa(m.next), Name: author.Name, Handle: author.Handle, Attributes: attributes}
	m.contacts[key] = c
	return *c, false, nil
}

// MemorySwitches holds emergency switches.
type MemorySwitches map[string]bool

// Switch reads a switch; one never set is ErrNotFound.
func (m MemorySwitches) Switch(_ context.Context, name string) (bool, error) {
	on, ok := m[name]
	if !ok {
		return false, ErrNotFound
	}
	return on, nil
}

// MemoryCalendars holds named calendars.
type MemoryCalendars map[string]*CalendarDef

// Calendar returns a named calendar.
func (m MemoryCalendars) Calendar(_ context.Context, name string) (*CalendarDef, error) {
	c, ok := m[name]
	if !ok {
		return nil, ErrNotFound
	}
	return c, nil
}

// MemoryFlows holds loaded flows by id and version; Load, when set, is asked for flows it
// does not hold yet (by id, for the latest version).
type MemoryFlows struct {
	mu    sync.Mutex
	flows map[string]map[int]*Flow
	// Load finds a flow it does not hold, such as one in a file beside the flow under test.
	Load func(ctx context.Context, id string) (*Flow, error)
}

// Add stores a flow version.
func (m *MemoryFlows) Add(f *Flow) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.flows == nil {
		m.flows = map[string]map[int]*Flow{}
	}
	if m.flows[f.Info.ID] == nil {
		m.flows[f.Info.ID] = map[int]*Flow{}
	}
	m.flows[f.Info.ID][f.Info.Version] = f
}

// LoadFlow returns a flow version, or the latest one for version 0.
func (m *MemoryFlows) LoadFlow(ctx context.Context, id string, version int) (*Flow, error) {
	m.mu.Lock()
	versions := m.flows[id]
	var f *Flow
	if version == 0 {
		best := -1
		for v, fl := range versions {
			if v > best {
				best, f = v, fl
			}
		}
	} else {
		f = versions[version]
	}
	m.mu.Unlock()
	if f != nil {
		return f, nil
	}
	if m.Load != nil && version == 0 {
		f, err := m.Load(ctx, id)
		if err != nil {
			return nil, err
		}
		m.Add(f)
		return f, nil
	}
	return nil, fmt.Errorf("flow %s version %d: %w", id, version, ErrNotFound)
}
