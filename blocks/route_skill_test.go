package blocks_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/sim"
)

const routeFlow = `b:
  type: route.skill
  params: {skill: billing, timeout: 15m, priority: "contact.vip ? 10 : 1"}
  next: {done: bye, timeout: busy, overflow: full, no_agents: closed}
bye: {type: end}
busy: {type: end}
full: {type: end}
closed: {type: end}
`

// agent is an available agent with one skill.
func agent(id, skill string, proficiency int) *engine.MemoryAgent {
	return &engine.MemoryAgent{ID: id, Skills: map[string]int{skill: proficiency}}
}

// with changes an agent and returns it.
func with(a *engine.MemoryAgent, change func(a *engine.MemoryAgent)) *engine.MemoryAgent {
	change(a)
	return a
}

func TestRouteSkillOutcomes(t *testing.T) {
	t.Parallel()
	busy := func(a *engine.MemoryAgent) { a.State = engine.AgentBusy }
	offline := func(a *engine.MemoryAgent) { a.State = engine.AgentOffline }
	full := func(a *engine.MemoryAgent) { a.Capacity, a.Load = 2, 2 }
	roomy := func(a *engine.MemoryAgent) { a.Capacity, a.Load = 3, 2 }
	tests := []struct {
		name    string
		agents  func() []*engine.MemoryAgent
		contact *engine.Contact
		params  string // replaces the block's params when set
		outcome engine.RouteOutcome
		agent   string // the agent assigned
		exit    string // the exit taken at once; "" when the block waits
	}{
		{"the most proficient free agent", func() []*engine.MemoryAgent {
			return []*engine.MemoryAgent{agent("a1", "billing", 5), agent("a2", "billing", 15), agent("a3", "sales", 20)}
		}, nil, "", engine.RouteAssigned, "a2", ""},
		{"a busy agent is skipped", func() []*engine.MemoryAgent {
			return []*engine.MemoryAgent{agent("a1", "billing", 5), with(agent("a2", "billing", 15), busy)}
		}, nil, "", engine.RouteAssigned, "a1", ""},
		{"an agent at capacity is skipped", func() []*engine.MemoryAgent {
			return []*engine.MemoryAgent{agent("a1", "billing", 5), with(agent("a2", "billing", 15), full)}
		}, nil, "", engine.RouteAssigned, "a1", ""},
		{"an agent below capacity takes more", func() []*engine.MemoryAgent {
			return []*engine.MemoryAgent{agent("a1", "billing", 5), with(agent("a2", "billing", 15), roomy)}
		}, nil, "", engine.RouteAssigned, "a2", ""},
		{"an agent with one conversation is full by default", func() []*engine.MemoryAgent {
			return []*engine.MemoryAgent{agent("a1", "billing", 5), with(agent("a2", "billing", 15), func(a *engine.MemoryAgent) { a.Load = 1 })}
		}, nil, "", engine.RouteAssigned, "a1", ""},
		{"equal proficiency goes to the least loaded", func() []*engine.MemoryAgent {
			return []*engine.MemoryAgent{with(agent("a1", "billing", 10), roomy), with(agent("a2", "billing", 10), func(a *engine.MemoryAgent) { a.Capacity = 3 })}
		}, nil, "", engine.RouteAssigned, "a2", ""},
		{"the preferred agent first", func() []*engine.MemoryAgent {
			return []*engine.MemoryAgent{agent("a1", "billing", 5), agent("a2", "billing", 15)}
		}, &engine.Contact{LastAgent: "a1"}, "", engine.RouteAssigned, "a1", ""},
		{"a busy preferred agent is passed over", func() []*engine.MemoryAgent {
			return []*engine.MemoryAgent{with(agent("a1", "billing", 5), busy), agent("a2", "billing", 15)}
		}, &engine.Contact{LastAgent: "a1"}, "", engine.RouteAssigned, "a2", ""},
		{"a preferred agent without the skill is passed over", func() []*engine.MemoryAgent {
			return []*engine.MemoryAgent{agent("a1", "sales", 5), agent("a2", "billing", 15)}
		}, &engine.Contact{LastAgent: "a1"}, "", engine.RouteAssigned, "a2", ""},
		{"no preference when preferred_agent is off", func() []*engine.MemoryAgent {
			return []*engine.MemoryAgent{agent("a1", "billing", 5), agent("a2", "billing", 15)}
		}, &engine.Contact{LastAgent: "a1"}, "{skill: billing, preferred_agent: false}", engine.RouteAssigned, "a2", ""},
		{"everyone busy queues", func() []*engine.MemoryAgent {
			return []*engine.MemoryAgent{with(agent("a1", "billing", 5), busy), with(agent("a2", "billing", 15), full)}
		}, nil, "", engine.RouteQueued, "", ""},
		{"nobody logged in", func() []*engine.MemoryAgent {
			return []*engine.MemoryAgent{with(agent("a1", "billing", 5), offline), agent("a2", "sales", 15)}
		}, nil, "", engine.RouteNoAgents, "", "no_agents"},
		{"no agents at all", func() []*engine.MemoryAgent { return nil }, nil, "", engine.RouteNoAgents, "", "no_agents"},
		{"queue without agents", func() []*engine.MemoryAgent { return nil }, nil,
			"{skill: billing, queue_without_agents: true}", engine.RouteQueued, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src := routeFlow
			if tt.params != "" {
				src = "b:\n  type: route.skill\n  params: " + tt.params + "\n"
			}
			f := around(t, "facebook", src)
			o := play(t, f, sim.Scenario{Interaction: comment("mi factura"), Agents: tt.agents(), Contact: tt.contact})
			require.Nil(t, o.Error)
			routes := actionsOf(o, engine.ActionRoute)
			require.Len(t, routes, 1)
			require.Equal(t, string(tt.outcome), routes[0].Outcome)
			require.Equal(t, "billing", routes[0].Skill)
			require.Equal(t, tt.agent, routes[0].Agent)
			if tt.exit != "" {
				require.Equal(t, tt.exit, exitOf(t, o, "b"))
				require.Equal(t, engine.StatusEnded, o.Status)
				return
			}
			require.Equal(t, engine.StatusWaiting, o.Status)
			require.Equal(t, engine.WaitAgent, o.Waiting.Kind)
			if tt.outcome == engine.RouteAssigned {
				require.Equal(t, tt.agent, o.Vars["agent"])
				require.True(t, o.Waiting.Deadline.IsZero(), "an assigned conversation waits for its agent without a deadline")
			} else {
				require.NotContains(t, o.Vars, "agent")
				require.Equal(t, monday.Add(15*time.Minute), o.Waiting.Deadline)
			}
		})
	}
}

func TestRouteSkillAssignedThenClosed(t *testing.T) {
	t.Parallel()
	f := around(t, "facebook", routeFlow)
	o := play(t, f, sim.Scenario{
		Interaction: comment("mi factura"),
		Agents:      []*engine.MemoryAgent{agent("a1", "billing", 10)},
		Events:      []sim.Event{{Advance: time.Hour}, {Close: &sim.Close{Agent: "a1", Disposition: "resolved"}}},
	})
	require.Nil(t, o.Error)
	require.Equal(t, engine.StatusEnded, o.Status)
	require.Equal(t, []string{"in", "b", "b", "bye"}, o.Path, "an hour with the agent is no timeout")
	require.Equal(t, "done", exitOf(t, o, "b"))
	require.Equal(t, "a1", o.Vars["agent"])
	require.Equal(t, "resolved", o.Vars["disposition"])
}

func TestRouteSkillQueuedThenAssignedThenClosed(t *testing.T) {
	t.Parallel()
	f := around(t, "facebook", routeFlow)
	o := play(t, f, sim.Scenario{
		Interaction: comment("mi factura"),
		Agents:      []*engine.MemoryAgent{with(agent("a1", "billing", 10), func(a *engine.MemoryAgent) { a.Load = 1 })},
		Events: []sim.Event{
			{Advance: 10 * time.Minute},
			{Assign: "a1"},
			{Advance: time.Hour}, // past the queue's deadline: the agent has it now
			{Close: &sim.Close{Agent: "a1", Disposition: "refund_issued"}},
		},
	})
	require.Nil(t, o.Error)
	require.Equal(t, []string{"in", "b", "b", "b", "bye"}, o.Path)
	require.Equal(t, []engine.EventKind{"", "", engine.EventAssigned, engine.EventDone, ""}, eventsOf(o))
	require.Equal(t, "a1", o.Vars["agent"])
	require.Equal(t, "refund_issued", o.Vars["disposition"])
}

func eventsOf(o *sim.Outcome) []engine.EventKind {
	out := make([]engine.EventKind, len(o.Steps))
	for i, s := range o.Steps {
		out[i] = s.Event
	}
	return out
}

func TestRouteSkillQueuedThenTimeout(t *testing.T) {
	t.Parallel()
	f := around(t, "facebook", routeFlow)
	sc := sim.Scenario{
		Interaction: comment("mi factura"),
		Agents:      []*engine.MemoryAgent{with(agent("a1", "billing", 10), func(a *engine.MemoryAgent) { a.State = engine.AgentBreak })},
		Events:      []sim.Event{{Advance: 14 * time.Minute}},
	}
	o := play(t, f, sc)
	require.Equal(t, engine.StatusWaiting, o.Status, "14 minutes are within the 15-minute timeout")

	sc.Events = append(sc.Events, sim.Event{Advance: time.Minute})
	o = play(t, f, sc)
	require.Equal(t, engine.StatusEnded, o.Status)
	require.Equal(t, []string{"in", "b", "b", "busy"}, o.Path)
	require.Equal(t, "timeout", exitOf(t, o, "b"))
}

// routing is a runtime with a router and a clock, for tests that look inside the router.
func routing(router *engine.MemoryRouter) (*engine.Runtime, *engine.ManualClock) {
	clock := engine.NewManualClock(monday)
	return &engine.Runtime{Clock: clock, Router: router, Outbox: &engine.MemoryOutbox{}}, clock
}

func fbComment(text string) engine.Interaction {
	in := comment(text)
	in.ID = "c1"
	return in
}

func TestRouteSkillTimeoutWithdrawsTheRequest(t *testing.T) {
	t.Parallel()
	f := around(t, "facebook", routeFlow)
	router := &engine.MemoryRouter{Agents: []*engine.MemoryAgent{with(agent("a1", "billing", 10), func(a *engine.MemoryAgent) { a.Load = 1 })}}
	rt, clock := routing(router)
	s, _ := rt.Start(t.Context(), f, fbComment("mi factura"), engine.StartOptions{SessionID: "s1"})
	other, _ := rt.Start(t.Context(), f, fbComment("otra factura"), engine.StartOptions{SessionID: "s2"})
	require.Equal(t, engine.StatusWaiting, s.Status)
	require.Equal(t, engine.StatusWaiting, other.Status)
	require.Len(t, router.Queued(), 2)
	require.Equal(t, s.Wait.Ref, router.Queued()[0].Ref)

	clock.Advance(15 * time.Minute)
	trace, err := rt.Resume(t.Context(), f, s, engine.Event{Kind: engine.EventTimeout, Seq: s.Seq})
	require.NoError(t, err)
	require.Equal(t, "timeout", trace[0].Exit)
	require.Equal(t, engine.StatusEnded, s.Status)
	queued := router.Queued()
	require.Len(t, queued, 1, "the timed-out request left the queue")
	require.Equal(t, "s2", queued[0].SessionID, "the other session's request stays")
}

func TestRouteSkillOverflow(t *testing.T) {
	t.Parallel()
	f := around(t, "facebook", routeFlow)
	// One available agent at capacity: two conversations may wait for them.
	router := &engine.MemoryRouter{QueueLimit: 2, Agents: []*engine.MemoryAgent{
		with(agent("a1", "billing", 10), func(a *engine.MemoryAgent) { a.Load = 1 }),
	}}
	rt, _ := routing(router)
	for i, want := range []engine.Status{engine.StatusWaiting, engine.StatusWaiting, engine.StatusEnded} {
		s, trace := rt.Start(t.Context(), f, fbComment("factura"), engine.StartOptions{SessionID: string(rune('a' + i))})
		require.Equal(t, want, s.Status, "session %d", i+1)
		if want == engine.StatusEnded {
			require.Equal(t, "overflow", trace[1].Exit, "two conversations per available agent may wait")
			require.Equal(t, "full", trace[2].Block)
		}
	}
	require.Len(t, router.Queued(), 2)
}

func TestRouteSkillOverflowInSimulation(t *testing.T) {
	t.Parallel()
	f := around(t, "facebook", routeFlow)
	tests := []struct {
		name       string
		state      string
		queueLimit int
		exit       string
	}{
		{"no limit", engine.AgentBusy, 0, ""},
		{"a busy agent still serves the queue", engine.AgentBusy, 1, ""},
		{"a full queue of a busy agent", engine.AgentBusy, 0, ""},
		{"on a break", engine.AgentBreak, 3, "overflow"},
		{"an available agent at capacity", engine.AgentAvailable, 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := with(agent("a1", "billing", 10), func(a *engine.MemoryAgent) { a.State, a.Load = tt.state, 1 })
			o := play(t, f, sim.Scenario{Interaction: comment("factura"), Agents: []*engine.MemoryAgent{a}, QueueLimit: tt.queueLimit})
			if tt.exit == "" {
				require.Equal(t, engine.StatusWaiting, o.Status, "queued")
				return
			}
			require.Equal(t, tt.exit, exitOf(t, o, "b"))
			require.Equal(t, []string{"in", "b", "full"}, o.Path)
		})
	}
}

func TestRouteSkillPriority(t *testing.T) {
	t.Parallel()
	f := around(t, "facebook", routeFlow)
	for _, tt := range []struct {
		vip      bool
		priority int
	}{{true, 10}, {false, 1}} {
		router := &engine.MemoryRouter{Agents: []*engine.MemoryAgent{with(agent("a1", "billing", 10), func(a *engine.MemoryAgent) { a.State = engine.AgentBusy })}}
		rt, _ := routing(router)
		s, trace := rt.Start(t.Context(), f, fbComment("factura"), engine.StartOptions{SessionID: "s", Contact: &engine.Contact{VIP: tt.vip}})
		require.Equal(t, engine.StatusWaiting, s.Status, s.Error)
		require.Equal(t, tt.priority, trace[1].Actions[0].Priority)
		require.Equal(t, tt.priority, router.Queued()[0].Priority)
	}
}

func TestRouteSkillDefaultSkill(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, params, defaultSkill, skill, err string
	}{
		{"left out", "{timeout: 5m}", "general", "general", ""},
		{"named", "{skill: billing}", "general", "billing", ""},
		{"a template", `{skill: "{{ vars.team }}_es"}`, "general", "sales_es", ""},
		{"a template that renders empty", `{skill: "{{ vars.nobody }}"}`, "general", "general", ""},
		{"neither", "{timeout: 5m}", "", "", "block b (route.skill): no skill: name one, or give the channel a default skill"},
		{"a bad skill", `{skill: "{{ vars.team }} team"}`, "general", "", `"sales team" is not a skill name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := load(t, registry, "switchboard: 1\nid: t\nname: t\nvars: {team: sales}\nblocks:\n  in:\n    type: webchat.trigger\n    next: {message: b}\n  b:\n    type: route.skill\n    params: "+tt.params+"\n")
			router := &engine.MemoryRouter{Agents: []*engine.MemoryAgent{agent("a1", tt.skill, 10)}}
			rt, _ := routing(router)
			s, trace := rt.Start(t.Context(), f, webchat("hola"), engine.StartOptions{SessionID: "s", DefaultSkill: tt.defaultSkill})
			if tt.err != "" {
				require.Equal(t, engine.StatusFailed, s.Status)
				require.Contains(t, s.Error, tt.err)
				return
			}
			require.Equal(t, engine.StatusWaiting, s.Status, s.Error)
			require.Equal(t, tt.skill, trace[1].Actions[0].Skill)
			require.Equal(t, "a1", s.Vars.Get("agent"))
		})
	}
}

func TestRouteSkillDefaultSkillInSimulation(t *testing.T) {
	t.Parallel()
	f := around(t, "webchat", "b: {type: route.skill}\n")
	o := play(t, f, sim.Scenario{Interaction: message("hola"), DefaultSkill: "general",
		Agents: []*engine.MemoryAgent{agent("a1", "billing", 20), agent("a2", "general", 1)}})
	require.Equal(t, engine.StatusWaiting, o.Status, errorOf(o))
	require.Equal(t, "a2", o.Vars["agent"])
	require.Equal(t, "general", actionsOf(o, engine.ActionRoute)[0].Skill)
}

func TestRouteSkillRefusesStaleAndRepeatedEvents(t *testing.T) {
	t.Parallel()
	f := around(t, "facebook", routeFlow)
	router := &engine.MemoryRouter{Agents: []*engine.MemoryAgent{with(agent("a1", "billing", 10), func(a *engine.MemoryAgent) { a.State = engine.AgentBusy })}}
	rt, _ := routing(router)
	s, _ := rt.Start(t.Context(), f, fbComment("factura"), engine.StartOptions{SessionID: "s"})
	require.Equal(t, engine.StatusWaiting, s.Status)
	queuedAt := s.Seq

	_, err := rt.Resume(t.Context(), f, s, engine.Event{Kind: engine.EventAssigned, Agent: "a1", Seq: queuedAt - 1})
	require.ErrorIs(t, err, engine.ErrStaleEvent)
	require.Equal(t, queuedAt, s.Seq, "a refused event changes nothing")
	require.Equal(t, engine.StatusWaiting, s.Status)
	require.NotContains(t, s.Vars.Map(), "agent")

	_, err = rt.Resume(t.Context(), f, s, engine.Event{Kind: engine.EventReply, Seq: queuedAt})
	require.ErrorIs(t, err, engine.ErrUnexpectedEvent, "a routing wait takes no reply")

	assigned := engine.Event{Kind: engine.EventAssigned, Agent: "a1", Seq: queuedAt}
	_, err = rt.Resume(t.Context(), f, s, assigned)
	require.NoError(t, err)
	require.Equal(t, engine.StatusWaiting, s.Status, "assigned, the session waits for the agent to close")
	require.Equal(t, "a1", s.Vars.Get("agent"))

	before := *s
	_, err = rt.Resume(t.Context(), f, s, assigned)
	require.ErrorIs(t, err, engine.ErrStaleEvent, "the same wait cannot be resumed twice")
	require.Equal(t, before.Seq, s.Seq)
	require.Equal(t, before.Steps, s.Steps)

	_, err = rt.Resume(t.Context(), f, s, engine.Event{Kind: engine.EventTimeout, Seq: queuedAt})
	require.ErrorIs(t, err, engine.ErrStaleEvent, "a late timeout of the queue is for the queued wait's seq only")
	_, err = rt.Resume(t.Context(), f, s, engine.Event{Kind: engine.EventTimeout, Seq: s.Seq})
	require.NoError(t, err)
	require.Equal(t, engine.StatusWaiting, s.Status, "assigned, the timeout counts no more: the block waits for the agent")

	_, err = rt.Resume(t.Context(), f, s, engine.Event{Kind: engine.EventDone, Agent: "a1", Seq: s.Seq})
	require.NoError(t, err)
	require.Equal(t, engine.StatusEnded, s.Status)
	_, err = rt.Resume(t.Context(), f, s, engine.Event{Kind: engine.EventDone, Agent: "a1", Seq: s.Seq})
	require.ErrorIs(t, err, engine.ErrNotWaiting)
}

func TestRouteSkillWithoutARouterFails(t *testing.T) {
	t.Parallel()
	f := around(t, "facebook", routeFlow)
	s, _ := (&engine.Runtime{}).Start(t.Context(), f, fbComment("factura"), engine.StartOptions{})
	require.Equal(t, engine.StatusFailed, s.Status)
	require.Equal(t, "block b (route.skill): no router is configured", s.Error)
}

// Escalation steps start one after the other; a step out of order, or one that asks for a
// proficiency beyond 20, is an error on its field.
func TestRouteSkillEscalationErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, steps, path, message string
	}{
		{"out of order", "      - {after: 60s, min_proficiency: 15}\n      - {after: 30s}\n",
			"blocks.b.params.escalation[1].after", "the steps start one after the other: 30s is not after the step before's 1m0s"},
		{"at the same time", "      - {after: 0s}\n      - {after: 0s, priority: 5}\n",
			"blocks.b.params.escalation[1].after", "not after the step before's"},
		{"a proficiency beyond 20", "      - {after: 0s, min_proficiency: 25}\n",
			"blocks.b.params.escalation[0].min_proficiency", "25"},
		{"no after", "      - {min_proficiency: 5}\n", "blocks.b.params.escalation[0]", "after"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			errs := loadErrors(t, flowDoc("test", "webchat", "b:\n  type: route.skill\n  params:\n    skill: billing\n    escalation:\n"+tt.steps))
			require.Len(t, errs, 1, diagText(errs))
			require.Equal(t, tt.path, errs[0].Path)
			require.Contains(t, errs[0].Message, tt.message)
		})
	}
}

// While queued, a waiting message goes to the customer every so often, with the seconds waited;
// the request stays queued, and the block's timeout still counts from the queueing.
func TestRouteSkillWaitingMessage(t *testing.T) {
	t.Parallel()
	f := around(t, "facebook", `b:
  type: route.skill
  params:
    skill: billing
    timeout: 5m
    waiting_message: {every: 2m, text: "Still on it after {{ vars.waited }} s"}
  next: {done: bye, timeout: busy}
bye: {type: end}
busy: {type: end}
`)
	o := play(t, f, sim.Scenario{
		Interaction: message("mi factura"),
		Agents:      []*engine.MemoryAgent{with(agent("a1", "billing", 10), func(a *engine.MemoryAgent) { a.Load = 1 })},
		Events:      []sim.Event{{Advance: 90 * time.Second}, {Advance: time.Minute}, {Advance: 2 * time.Minute}, {Advance: time.Minute}},
	})
	require.Nil(t, o.Error)
	var said []string
	for _, a := range actionsOf(o, engine.ActionReply) {
		said = append(said, a.Text)
	}
	require.Equal(t, []string{"Still on it after 120 s", "Still on it after 240 s"}, said, "every two minutes while queued")
	require.Equal(t, "timeout", exitOf(t, o, "b"), "five minutes after the queueing, however many messages")
	require.Equal(t, engine.StatusEnded, o.Status)
}

// An event of time_events is listed once; a second one is an error on its name.
func TestRouteSkillTimeEventListedTwice(t *testing.T) {
	t.Parallel()
	errs := loadErrors(t, flowDoc("test", "webchat", `b:
  type: route.skill
  params:
    skill: billing
    time_events:
      - {event: waiting, after: 1m, text: "Thanks for waiting."}
      - {event: waiting, after: 2m, text: "Still on it."}
`))
	require.Len(t, errs, 1, diagText(errs))
	require.Equal(t, "blocks.b.params.time_events[1].event", errs[0].Path)
	require.Contains(t, errs[0].Message, "waiting is listed twice")
}

// In a simulation, the queued request's waiting event fires once, with the waiting messages
// around it; the events that read the conversation's clock (sla, no_reply, idle) need the
// server's router and are left out.
func TestRouteSkillTimeEventsInSimulation(t *testing.T) {
	t.Parallel()
	f := around(t, "facebook", `b:
  type: route.skill
  params:
    skill: billing
    timeout: 5m
    waiting_message: {every: 2m, text: "Still on it after {{ vars.waited }} s"}
    time_events:
      - {event: waiting, after: 3m, text: "Sorry for the wait ({{ vars.waited }} s)"}
      - {event: sla, after: 10s, text: "sla"}
      - {event: no_reply, after: 1m, text: "no_reply"}
  next: {done: bye, timeout: busy}
bye: {type: end}
busy: {type: end}
`)
	o := play(t, f, sim.Scenario{
		Interaction: message("mi factura"),
		Agents:      []*engine.MemoryAgent{with(agent("a1", "billing", 10), func(a *engine.MemoryAgent) { a.Load = 1 })},
		Events:      []sim.Event{{Advance: 2 * time.Minute}, {Advance: time.Minute}, {Advance: time.Minute}, {Advance: time.Minute}},
	})
	require.Nil(t, o.Error)
	var said []string
	for _, a := range actionsOf(o, engine.ActionReply) {
		said = append(said, a.Text)
	}
	require.Equal(t, []string{"Still on it after 120 s", "Sorry for the wait (180 s)", "Still on it after 240 s"}, said)
	require.Equal(t, "timeout", exitOf(t, o, "b"))
}

// A requeued request waits in the queue again with its timeout counting on from the queueing:
// requeued before it, it waits until then; requeued past it, it leaves by timeout at once.
func TestRouteSkillRequeuedKeepsItsTimeout(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		requeueAt time.Duration // after the queueing
		exit      string
	}{
		{"before the timeout", 10 * time.Minute, ""},
		{"past the timeout", 20 * time.Minute, "timeout"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := around(t, "facebook", routeFlow)
			router := &engine.MemoryRouter{Agents: []*engine.MemoryAgent{with(agent("a1", "billing", 10), func(a *engine.MemoryAgent) { a.Load = 1 })}}
			rt, clock := routing(router)
			s, _ := rt.Start(t.Context(), f, fbComment("factura"), engine.StartOptions{SessionID: "s"})
			require.Equal(t, monday.Add(15*time.Minute), s.Wait.Deadline, "queued: until the timeout")
			clock.Advance(time.Minute)
			_, err := rt.Resume(t.Context(), f, s, engine.Event{Kind: engine.EventAssigned, Agent: "a1", Seq: s.Seq})
			require.NoError(t, err)
			require.True(t, s.Wait.Deadline.IsZero(), "assigned: the timeout counts no more")

			clock.Set(monday.Add(tc.requeueAt))
			steps, err := rt.Resume(t.Context(), f, s, engine.Event{Kind: engine.EventRequeued, Seq: s.Seq})
			require.NoError(t, err)
			require.Equal(t, tc.exit, steps[0].Exit)
			if tc.exit == "" {
				require.Equal(t, engine.StatusWaiting, s.Status)
				require.Equal(t, monday.Add(15*time.Minute), s.Wait.Deadline, "the same timeout, from the queueing")
			} else {
				require.Equal(t, engine.StatusEnded, s.Status)
			}
		})
	}
}

// clockRouter is a memory router that reads a conversation's clock, as the server's does.
type clockRouter struct {
	*engine.MemoryRouter
	clock engine.ConversationClock
}

func (r *clockRouter) ConversationClock(context.Context) (engine.ConversationClock, error) {
	return r.clock, nil
}

// While an agent holds the conversation, no_reply fires once when the agent has not answered,
// and not when they have or when a transfer sent it back to a queue; idle fires once per
// silence, again after a new message and another silence.
func TestRouteSkillAssignedTimeEvents(t *testing.T) {
	t.Parallel()
	f := around(t, "facebook", `b:
  type: route.skill
  params:
    skill: billing
    time_events:
      - {event: no_reply, after: 1m, text: "no_reply"}
      - {event: idle, after: 10m, text: "idle"}
  next: {done: bye}
bye: {type: end}
`)
	said := func(steps []engine.Step) []string {
		out := []string{}
		for _, s := range steps {
			for _, a := range s.Actions {
				if a.Type == engine.ActionReply {
					out = append(out, a.Text)
				}
			}
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		clock func(assigned time.Time) engine.ConversationClock
		want  []string
	}{
		{"unanswered", func(time.Time) engine.ConversationClock { return engine.ConversationClock{Agent: "a1"} }, []string{"no_reply"}},
		{"answered", func(at time.Time) engine.ConversationClock {
			return engine.ConversationClock{Agent: "a1", LastOutbound: at.Add(30 * time.Second)}
		}, []string{}},
		{"transferred back to a queue", func(time.Time) engine.ConversationClock { return engine.ConversationClock{} }, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			router := &clockRouter{MemoryRouter: &engine.MemoryRouter{Agents: []*engine.MemoryAgent{agent("a1", "billing", 10)}}}
			clock := engine.NewManualClock(monday)
			rt := &engine.Runtime{Clock: clock, Router: router, Outbox: &engine.MemoryOutbox{}}
			s, _ := rt.Start(t.Context(), f, fbComment("factura"), engine.StartOptions{SessionID: "s"})
			require.Equal(t, "a1", s.Vars.Get("agent"), "assigned at once")
			require.Equal(t, monday.Add(time.Minute), s.Wait.Deadline, "no_reply first")
			router.clock = tc.clock(monday)
			clock.Advance(time.Minute)
			steps, err := rt.Resume(t.Context(), f, s, engine.Event{Kind: engine.EventTimeout, Seq: s.Seq})
			require.NoError(t, err)
			require.Equal(t, tc.want, said(steps))
			require.Equal(t, engine.StatusWaiting, s.Status)
			require.Equal(t, monday.Add(10*time.Minute), s.Wait.Deadline, "idle next, from the assignment")
		})
	}

	router := &clockRouter{MemoryRouter: &engine.MemoryRouter{Agents: []*engine.MemoryAgent{agent("a1", "billing", 10)}}}
	clock := engine.NewManualClock(monday)
	rt := &engine.Runtime{Clock: clock, Router: router, Outbox: &engine.MemoryOutbox{}}
	s, _ := rt.Start(t.Context(), f, fbComment("factura"), engine.StartOptions{SessionID: "s"})
	router.clock = engine.ConversationClock{Agent: "a1", LastOutbound: monday.Add(30 * time.Second), LastInbound: monday.Add(4 * time.Minute)}
	resume := func(at time.Duration) []string {
		t.Helper()
		clock.Set(monday.Add(at))
		steps, err := rt.Resume(t.Context(), f, s, engine.Event{Kind: engine.EventTimeout, Seq: s.Seq})
		require.NoError(t, err)
		return said(steps)
	}
	require.Empty(t, resume(time.Minute), "answered")
	require.Empty(t, resume(10*time.Minute), "the customer wrote at 4 min: quiet since 6 min only")
	require.Equal(t, monday.Add(14*time.Minute), s.Wait.Deadline)
	require.Equal(t, []string{"idle"}, resume(14*time.Minute))
	require.Empty(t, resume(24*time.Minute), "the same silence, told already")
	router.clock.LastInbound = monday.Add(30 * time.Minute)
	require.Empty(t, resume(34*time.Minute), "a new message at 30 min")
	require.Equal(t, []string{"idle"}, resume(40*time.Minute), "a new silence")
}

// A waiting event with an exit sends its text, withdraws the request and leaves by its exit,
// before the timeout; the other session's request stays queued.
func TestRouteSkillTimeEventLeavesByItsExit(t *testing.T) {
	t.Parallel()
	f := around(t, "facebook", `b:
  type: route.skill
  params:
    skill: billing
    timeout: 15m
    time_events:
      - {event: waiting, after: 4m, text: "Shall we call you back?", exit: callback}
  next: {done: bye, timeout: busy, callback: offer}
bye: {type: end}
busy: {type: end}
offer: {type: end}
`)
	router := &engine.MemoryRouter{Agents: []*engine.MemoryAgent{with(agent("a1", "billing", 10), func(a *engine.MemoryAgent) { a.Load = 1 })}}
	rt, clock := routing(router)
	s, _ := rt.Start(t.Context(), f, fbComment("mi factura"), engine.StartOptions{SessionID: "s1"})
	_, _ = rt.Start(t.Context(), f, fbComment("otra factura"), engine.StartOptions{SessionID: "s2"})
	require.Equal(t, engine.StatusWaiting, s.Status)
	require.Equal(t, monday.Add(4*time.Minute), s.Wait.Deadline, "the block wakes for the event, before its timeout")

	clock.Advance(4 * time.Minute)
	trace, err := rt.Resume(t.Context(), f, s, engine.Event{Kind: engine.EventTimeout, Seq: s.Seq})
	require.NoError(t, err)
	require.Equal(t, "callback", trace[0].Exit)
	require.Equal(t, engine.StatusEnded, s.Status)
	require.Len(t, trace[0].Actions, 1)
	require.Equal(t, "Shall we call you back?", trace[0].Actions[0].Text)
	queued := router.Queued()
	require.Len(t, queued, 1, "the request left the queue")
	require.Equal(t, "s2", queued[0].SessionID)
}

// A time event's exit is checked where the flow loads: only the queued events leave by one, it
// cannot take a name of the block's own exits, and an entry with neither text nor exit says so.
func TestRouteSkillTimeEventExitErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ entry, path, msg string }{
		{`{event: no_reply, after: 1m, exit: rescue}`, "time_events[0].exit", "only waiting and sla leave the queue"},
		{`{event: sla, after: 1m, exit: timeout}`, "time_events[0].exit", "timeout is one of the block's own exits"},
		{`{event: waiting, after: 1m}`, "time_events[0].text", "a text to send, an exit to leave by, or both"},
	} {
		errs := loadErrors(t, flowDoc("test", "webchat", `b:
  type: route.skill
  params:
    skill: billing
    time_events:
      - `+tc.entry+`
`))
		require.Len(t, errs, 1, diagText(errs))
		require.Equal(t, "blocks.b.params."+tc.path, errs[0].Path, tc.entry)
		require.Contains(t, errs[0].Message, tc.msg, tc.entry)
	}
}
