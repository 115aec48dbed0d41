package sim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/switchboardhq/switchboard/engine"
)

// Scenario is an interaction and the world it meets.
type Scenario struct {
	Interaction engine.Interaction
	// At is the clock's time when the interaction arrives.
	At        time.Time
	Contact   *engine.Contact
	Agents    []*engine.MemoryAgent
	Emergency map[string]bool
	Calendars map[string]*engine.CalendarDef
	// QueueLimit bounds the routing queue per working agent (not on a break); 0 means no bound.
	QueueLimit int
	// Failures are action types whose sends fail, to take the failed exits.
	Failures []engine.ActionType
	// FailNth fails only the n-th send (from 1) of an action type.
	FailNth []Nth
	// DefaultSkill is the channel's default skill, for route.skill blocks that name none.
	DefaultSkill string
	// DefaultLanguage is the channel's default language, for a contact whose language is not
	// known, told by the interaction's locale or detected.
	DefaultLanguage string
	// Vars set variables over the flow's own initial values.
	Vars   map[string]any
	Seed   uint64
	Events []Event
	// HTTP answers the http block; nil uses the network.
	HTTP engine.HTTPDoer
	// Limits are the budgets of each run: memory, operations, deadline.
	Limits engine.Limits
}

// Nth names the n-th action of a type, counting from 1.
type Nth struct {
	Type engine.ActionType
	N    int
}

// Event is one follow-up: exactly one of its fields is set.
type Event struct {
	// Advance moves the clock; each wait whose deadline it passes times out at its deadline.
	Advance time.Duration `json:"advance,omitempty"`
	// Reply is the customer writing again.
	Reply *engine.Interaction `json:"reply,omitempty"`
	// Assign is an agent taking the conversation.
	Assign string `json:"assign,omitempty"`
	// Close is the agent closing the conversation.
	Close *Close `json:"close,omitempty"`
}

// Close is an agent closing a conversation with a disposition.
type Close struct {
	Agent       string `json:"agent"`
	Disposition string `json:"disposition"`
}

// Outcome is what a flow did with a scenario.
type Outcome struct {
	// Interaction is the interaction as the flow received it, defaults filled in.
	Interaction engine.Interaction `json:"interaction"`
	Status      engine.Status      `json:"status"`
	// Path lists the blocks run, in order; Exits the exit each took ("" when it waited or ended).
	Path    []string         `json:"path"`
	Exits   []string         `json:"exits"`
	Actions []*engine.Action `json:"actions"`
	Vars    map[string]any   `json:"vars"`
	Waiting *engine.Wait     `json:"waiting"`
	Error   *string          `json:"error"`
	Steps   []engine.Step    `json:"steps"`
	Session *engine.Session  `json:"-"`
}

// Run plays a scenario through a flow. flows loads subflows; it may be nil. An error means the
// scenario itself is wrong (an event the session cannot take); what the flow does, failures
// included, is in the Outcome.
func Run(ctx context.Context, flow *engine.Flow, sc Scenario, flows engine.FlowLoader) (*Outcome, error) {
	at := sc.At
	if at.IsZero() {
		at = sc.Interaction.Time
	}
	clock := engine.NewManualClock(at)
	outbox := &engine.MemoryOutbox{Failures: map[engine.ActionType]error{}}
	for _, t := range sc.Failures {
		outbox.Failures[t] = fmt.Errorf("the network refused the %s (simulated)", t)
	}
	if len(sc.FailNth) > 0 {
		sent := map[engine.ActionType]int{}
		outbox.Refuse = func(a *engine.Action) error {
			sent[a.Type]++
			for _, f := range sc.FailNth {
				if f.Type == a.Type && f.N == sent[a.Type] {
					return fmt.Errorf("the network refused %s number %d (simulated)", a.Type, f.N)
				}
			}
			return nil
		}
	}
	// The router changes its agents' loads: give it copies, so a scenario can be run again.
	agents := make([]*engine.MemoryAgent, len(sc.Agents))
	for i, a := range sc.Agents {
		copied := *a
		agents[i] = &copied
	}
	router := &engine.MemoryRouter{Agents: agents, QueueLimit: sc.QueueLimit}
	contacts := &engine.MemoryContacts{}
	in := Normalize(flow, sc.Interaction, at)
	if sc.Contact != nil {
		c := *sc.Contact
		contacts.Add(in.Channel, in.Author.ID, c)
	}
	rt := &engine.Runtime{
		Clock: clock, Outbox: outbox, Router: router, Contacts: contacts,
		Switches: engine.MemorySwitches(sc.Emergency), Calendars: engine.MemoryCalendars(sc.Calendars),
		Flows: selfLoader{flow: flow, others: flows}, HTTP: sc.HTTP, Limits: sc.Limits,
	}
	s, steps := rt.Start(ctx, flow, in, engine.StartOptions{SessionID: "simulation", Contact: sc.Contact, Seed: sc.Seed, DefaultSkill: sc.DefaultSkill, DefaultLanguage: sc.DefaultLanguage, Vars: sc.Vars})
	for i, ev := range sc.Events {
		more, err := playEvent(ctx, rt, clock, router, flow, flows, s, ev)
		if err != nil {
			return nil, fmt.Errorf("event %d: %w", i+1, err)
		}
		steps = append(steps, more...)
	}
	o := outcome(s, steps, outbox.Actions())
	o.Interaction = in
	return o, nil
}

// selfLoader loads the flow under test besides the flows others holds, so that a session
// resumed inside a subflow can return to it.
type selfLoader struct {
	flow   *engine.Flow
	others engine.FlowLoader
}

func (l selfLoader) LoadFlow(ctx context.Context, id string, version int) (*engine.Flow, error) {
	if id == l.flow.Info.ID && version == l.flow.Info.Version {
		return l.flow, nil
	}
	if l.others == nil {
		return nil, fmt.Errorf("flow %s version %d: %w", id, version, engine.ErrNotFound)
	}
	return l.others.LoadFlow(ctx, id, version)
}

func playEvent(ctx context.Context, rt *engine.Runtime, clock *engine.ManualClock, router *engine.MemoryRouter,
	flow *engine.Flow, flows engine.FlowLoader, s *engine.Session, ev Event) ([]engine.Step, error) {
	waitingIn := func() (*engine.Flow, error) {
		if s.FlowID == flow.Info.ID && s.FlowVersion == flow.Info.Version {
			return flow, nil
		}
		if flows == nil {
			return nil, fmt.Errorf("the session waits in flow %s, which cannot be loaded", s.FlowID)
		}
		return flows.LoadFlow(ctx, s.FlowID, s.FlowVersion)
	}
	resume := func(e engine.Event) ([]engine.Step, error) {
		if s.Status != engine.StatusWaiting {
			return nil, fmt.Errorf("the session is %s, not waiting", s.Status)
		}
		f, err := waitingIn()
		if err != nil {
			return nil, err
		}
		e.Seq = s.Seq
		return rt.Resume(ctx, f, s, e)
	}
	if ev.kinds() != 1 {
		return nil, errors.New("an event is exactly one of advance, reply, assign or close")
	}
	switch {
	case ev.Advance < 0:
		return nil, fmt.Errorf("advance %s: time only moves forward", ev.Advance)
	case ev.Advance > 0:
		// Each wait whose deadline the advance passes times out at its deadline, as it would on
		// a server, and the wait that follows counts from there.
		until := clock.Now().Add(ev.Advance)
		var steps []engine.Step
		for fired := 0; s.Status == engine.StatusWaiting && s.Wait != nil && !s.Wait.Deadline.IsZero() && !s.Wait.Deadline.After(until); fired++ {
			if fired == maxTimeoutsPerAdvance {
				return steps, fmt.Errorf("advance %s: more than %d timeouts; advance in smaller steps", ev.Advance, maxTimeoutsPerAdvance)
			}
			if s.Wait.Deadline.After(clock.Now()) {
				clock.Set(s.Wait.Deadline)
			}
			more, err := resume(engine.Event{Kind: engine.EventTimeout})
			steps = append(steps, more...)
			if err != nil {
				return steps, err
			}
		}
		clock.Set(until)
		return steps, nil
	case ev.Reply != nil:
		if s.Wait == nil || s.Wait.Kind != engine.WaitReply {
			return nil, fmt.Errorf("the customer replied, but the session does not wait for a reply (it is %s%s)", s.Status, waitText(s.Wait))
		}
		in := followUp(s.Interaction, *ev.Reply, clock.Now())
		return resume(engine.Event{Kind: engine.EventReply, Interaction: &in})
	case ev.Assign != "":
		var ref string
		if s.Wait != nil {
			ref = s.Wait.Ref
		}
		steps, err := resume(engine.Event{Kind: engine.EventAssigned, Agent: ev.Assign})
		if err == nil {
			router.Assign(ref, ev.Assign)
		}
		return steps, err
	case ev.Close != nil:
		steps, err := resume(engine.Event{Kind: engine.EventDone, Agent: ev.Close.Agent, Disposition: ev.Close.Disposition})
		if err == nil {
			router.Release(ev.Close.Agent)
		}
		return steps, err
	}
	return nil, errors.New("an event is exactly one of advance, reply, assign or close")
}

// maxTimeoutsPerAdvance bounds the timeouts one advance fires, against a flow whose waits time
// out into each other without end.
const maxTimeoutsPerAdvance = 1000

// kinds counts the fields of the event that are set.
func (ev Event) kinds() int {
	n := 0
	for _, set := range []bool{ev.Advance != 0, ev.Reply != nil, ev.Assign != "", ev.Close != nil} {
		if set {
			n++
		}
	}
	return n
}

func waitText(w *engine.Wait) string {
	if w == nil {
		return ""
	}
	return " for " + string(w.Kind)
}

// followUp fills a customer's next message from the one before: same channel, author and
// thread; a private message unless said otherwise.
func followUp(prev, next engine.Interaction, now time.Time) engine.Interaction {
	if next.Channel == "" {
		next.Channel, next.ChannelID = prev.Channel, prev.ChannelID
	}
	if next.Kind == "" {
		next.Kind = prev.Kind
		next.Public = prev.Public
	}
	if next.Author.ID == "" {
		next.Author = prev.Author
	}
	if next.Thread == "" {
		next.Thread = prev.Thread
	}
	if next.ID == "" {
		next.ID = prev.ID + "-reply"
	}
	if next.Time.IsZero() {
		next.Time = now
	}
	return next
}

// Normalize fills what an interaction leaves out: the channel of the flow's first trigger, the
// first kind that trigger takes, an author, an id, and the time.
func Normalize(flow *engine.Flow, in engine.Interaction, at time.Time) engine.Interaction {
	if in.Channel == "" || in.Kind == "" {
		for _, n := range flow.Nodes {
			if n.Spec.Trigger == "" || (in.Channel != "" && n.Spec.Trigger != in.Channel) {
				continue
			}
			if in.Channel == "" {
				in.Channel = n.Spec.Trigger
			}
			if in.Kind == "" && len(n.Exits) > 0 {
				in.Kind = n.Exits[0]
				in.Public = PublicKind(in.Kind)
			}
			break
		}
	}
	if in.ID == "" {
		in.ID = "interaction-1"
	}
	if in.Author.ID == "" {
		in.Author.ID = "customer-1"
	}
	if in.Thread == "" {
		in.Thread = in.ID
	}
	if in.Time.IsZero() {
		in.Time = at
	}
	return in
}

// PublicKind tells whether interactions of a kind are public by nature.
func PublicKind(kind string) bool {
	return kind == "post" || kind == "comment" || kind == "mention"
}

// DecodeInteraction reads an interaction as JSON; public defaults from the kind when absent.
func DecodeInteraction(data []byte) (engine.Interaction, error) {
	var in engine.Interaction
	if err := json.Unmarshal(data, &in); err != nil {
		return in, fmt.Errorf("interaction: %w", err)
	}
	var probe struct {
		Public *bool `json:"public"`
	}
	_ = json.Unmarshal(data, &probe) // the same bytes decoded above
	if probe.Public == nil {
		in.Public = PublicKind(in.Kind)
	}
	return in, nil
}

func outcome(s *engine.Session, steps []engine.Step, actions []*engine.Action) *Outcome {
	o := &Outcome{Status: s.Status, Vars: s.Vars.Map(), Steps: steps, Session: s, Actions: actions}
	o.Path, o.Exits, _ = engine.Summarise(steps)
	if o.Actions == nil {
		o.Actions = []*engine.Action{}
	}
	if s.Status == engine.StatusWaiting {
		o.Waiting = s.Wait
	}
	if s.Error != "" {
		o.Error = &s.Error
	}
	return o
}
