package blocks

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/switchboardhq/switchboard/engine"
)

var routeSkillSpec = engine.Spec{
	Type:     "route.skill",
	Title:    "Route to skill",
	Category: "routing",
	Description: "Asks the router for an agent with a skill and waits while the conversation queues, rings " +
		"and is served. The contact's last agent is offered it first, held for preferred_timeout, then " +
		"anyone with the skill. When the agent closes the conversation the block leaves by done, with " +
		"vars.agent and vars.disposition set. It leaves by timeout when nobody took it in time, by " +
		"overflow when the queue is full, and by no_agents when nobody with the skill is logged in.",
	Params: []engine.Param{
		{Name: "skill", Kind: engine.KindTemplate, Refers: "skill", Format: "skill",
			Description: "the skill; the channel's default skill when left out", Example: "billing"},
		{Name: "priority", Kind: engine.KindExpression, Type: "int", Default: 1,
			Description: "the priority in the queue; higher is served first", Example: "contact.vip ? 10 : 1"},
		{Name: "timeout", Kind: engine.KindDuration, Default: "15m", Min: engine.Bound(1),
			Description: "how long the conversation may wait for an agent"},
		{Name: "preferred_agent", Kind: engine.KindBool, Default: true,
			Description: "offer the conversation first to the contact's last agent"},
		{Name: "preferred_timeout", Kind: engine.KindDuration, Default: "2m",
			Description: "how long the last agent is held before anyone may take it"},
		{Name: "queue_without_agents", Kind: engine.KindBool, Default: false,
			Description: "queue even when nobody with the skill is logged in, instead of leaving by no_agents"},
		{Name: "waiting_message", Kind: engine.KindObject,
			Description: "while the conversation waits in the queue, a message to the customer every so often (the same way they wrote), with vars.waited, the seconds waited so far",
			Example:     map[string]any{"every": "2m", "text": "Thanks for waiting ({{ vars.waited / 60 }} min): we are still on it."},
			Fields: []engine.Param{
				{Name: "every", Kind: engine.KindDuration, Required: true, Min: engine.Bound(30),
					Description: "how long the conversation waits before each message", Example: "2m"},
				{Name: "text", Kind: engine.KindTemplate, Required: true,
					Description: "the message, with {{ expression }} holes", Example: "We are still on it."},
			}},
		{Name: "time_events", Kind: engine.KindList, Max: engine.Bound(4),
			Description: "messages to the customer when a condition of the conversation lasts: waiting (queued this long), sla " +
				"(this long before the channel's service level, still queued), no_reply (assigned this long with no reply sent) " +
				"and idle (assigned, with no message either way for this long); each with vars.waited, the seconds since queueing",
			Example: []map[string]any{{"event": "no_reply", "after": "5m", "text": "Your agent will be with you in a moment."}},
			Elem: &engine.Param{Kind: engine.KindObject, Description: "a time event", Fields: []engine.Param{
				{Name: "event", Kind: engine.KindEnum, Required: true, Values: timeEventKinds,
					Description: "the condition: waiting, sla, no_reply or idle", Example: "no_reply"},
				{Name: "after", Kind: engine.KindDuration, Required: true, Min: engine.Bound(1), Max: engine.Bound(7 * 24 * 3600),
					Description: "how long the condition lasts before the message (for sla: how long before the service level)", Example: "5m"},
				{Name: "text", Kind: engine.KindTemplate,
					Description: "the message, with {{ expression }} holes; an entry has a text, an exit or both", Example: "Your agent will be with you in a moment."},
				{Name: "exit", Kind: engine.KindString, Format: "exit",
					Description: "waiting and sla only: withdraw the request and leave by this exit (after the text, if any), for the flow to offer a callback or another route",
					Example:     "long_wait"},
			}}},
		{Name: "escalation", Kind: engine.KindList, Max: engine.Bound(10),
			Description: "steps that widen the request as it waits, each from its after on and keeping what the steps before it did; vars.escalation_step says which step an agent took it at",
			Example: []map[string]any{{"after": "0s", "min_proficiency": 15}, {"after": "60s", "min_proficiency": 1},
				{"after": "120s", "skills": []string{"general"}}, {"after": "300s", "priority": 5}},
			Elem: &engine.Param{Kind: engine.KindObject, Description: "a step", Fields: []engine.Param{
				{Name: "after", Kind: engine.KindDuration, Required: true,
					Description: "how long after the conversation was queued the step starts", Example: "60s"},
				{Name: "min_proficiency", Kind: engine.KindInt, Min: engine.Bound(1), Max: engine.Bound(20),
					Description: "the lowest proficiency an agent needs from this step on; unset: the step before's (any, at first)", Example: 15},
				{Name: "skills", Kind: engine.KindList, Max: engine.Bound(5),
					Description: "more skills whose agents may take the conversation from this step on", Example: []string{"general"},
					Elem: &engine.Param{Kind: engine.KindString, Format: "skill", Refers: "skill", Description: "a skill"}},
				{Name: "priority", Kind: engine.KindInt, Min: engine.Bound(-100), Max: engine.Bound(100),
					Description: "added to the priority from this step on", Example: 5},
			}}},
	},
	ExitsFrom: &engine.DerivedExits{Param: "time_events", Field: "exit", After: routeSkillExits},
	Waits:     true,
	SetsVars: func(*engine.Params) []string {
		return []string{"agent", "disposition", "escalation_step", "queue_position", "expected_wait", "waited"}
	},
	Examples: []engine.Example{{Title: "VIPs first", YAML: `type: route.skill
params: {skill: billing, priority: "contact.vip ? 10 : 1", timeout: 15m}
next: {done: end, timeout: busy-reply, overflow: busy-reply, no_agents: closed-reply}
`}},
	Build: func(p *engine.Params) (engine.Block, error) {
		b := &routeSkill{
			skill:            p.Template("skill"),
			priority:         p.Expression("priority"),
			timeout:          p.Duration("timeout"),
			preferred:        p.Bool("preferred_agent"),
			preferredTimeout: p.Duration("preferred_timeout"),
			queueAnyway:      p.Bool("queue_without_agents"),
		}
		if p.Has("waiting_message") {
			m := p.Object("waiting_message")
			b.waitingEvery, b.waitingText = m.Duration("every"), m.Template("text")
		}
		for i, ev := range p.Objects("time_events") {
			te := timeEvent{kind: ev.String("event"), after: ev.Duration("after"), text: ev.Template("text"), exit: ev.String("exit")}
			field := func(name string) string { return fmt.Sprintf("time_events[%d].%s", i, name) }
			switch {
			case te.text == nil && te.exit == "":
				return nil, engine.ParamErrorf(field("text"), "give the event a text to send, an exit to leave by, or both")
			case te.exit != "" && te.kind != eventWaiting && te.kind != eventSLA:
				return nil, engine.ParamErrorf(field("exit"), "only waiting and sla leave the queue by an exit: a %s conversation "+
					"is with its agent (auto_requeue on the channel takes it back to the queue)", te.kind)
			case slices.Contains(routeSkillExits, te.exit):
				return nil, engine.ParamErrorf(field("exit"), "%s is one of the block's own exits; name the event's exit otherwise", te.exit)
			}
			for _, other := range b.events {
				if other.kind == te.kind {
					return nil, engine.ParamErrorf(fmt.Sprintf("time_events[%d].event", i), "%s is listed twice: each event once", te.kind)
				}
			}
			b.events = append(b.events, te)
		}
		for i, step := range p.Objects("escalation") {
			s := engine.EscalationStep{After: step.Duration("after"), MinProficiency: int(step.Int("min_proficiency")),
				Skills: step.Strings("skills"), Priority: int(step.Int("priority"))}
			if i > 0 && s.After <= b.escalation[i-1].After {
				return nil, engine.ParamErrorf(fmt.Sprintf("escalation[%d].after", i),
					"the steps start one after the other: %s is not after the step before's %s", s.After, b.escalation[i-1].After)
			}
			b.escalation = append(b.escalation, s)
		}
		return b, nil
	},
}

type routeSkill struct {
	skill            *engine.Template
	priority         *engine.Expression
	timeout          time.Duration
	preferred        bool
	preferredTimeout time.Duration
	queueAnyway      bool
	escalation       []engine.EscalationStep
	// waitingEvery and waitingText are the waiting_message: every so often, while queued.
	waitingEvery time.Duration
	waitingText  *engine.Template
	events       []timeEvent
}

var (
	_ engine.Block   = (*routeSkill)(nil)
	_ engine.Resumer = (*routeSkill)(nil)
)

var errNoRouter = errors.New("no router is configured")

func (b *routeSkill) Run(c *engine.Context) engine.Result {
	router := c.Runtime().Router
	if router == nil {
		return engine.Fail(errNoRouter)
	}
	skill := c.Session().DefaultSkill
	if b.skill != nil {
		s, err := c.Render(b.skill)
		if err != nil {
			return engine.Fail(err)
		}
		if s != "" {
			skill = s
		}
	}
	if skill == "" {
		return engine.Fail(errors.New("no skill: name one, or give the channel a default skill"))
	}
	if err := engine.Formats["skill"].Check(skill); err != nil {
		return engine.Fail(err)
	}
	priority, err := c.EvalInt(b.priority)
	if err != nil {
		return engine.Fail(err)
	}
	req := &engine.RouteRequest{
		Ref: c.Ref(), SessionID: c.Session().ID, Skill: skill, Priority: priority,
		Timeout: b.timeout, QueueWithoutAgents: b.queueAnyway, Escalation: b.escalation,
		Interaction: c.Interaction(), Contact: c.Contact(),
	}
	if b.preferred && c.Contact().LastAgent != "" {
		req.Preferred, req.PreferredTimeout = c.Contact().LastAgent, b.preferredTimeout
	}
	res, err := router.Route(c.Context(), req)
	if err != nil {
		return engine.Fail(fmt.Errorf("route to %s: %w", skill, err))
	}
	c.Emit(&engine.Action{Type: engine.ActionRoute, Skill: skill, Priority: priority, Agent: res.Agent, Outcome: string(res.Outcome)})
	switch res.Outcome {
	case engine.RouteNoAgents:
		return engine.Next("no_agents")
	case engine.RouteOverflow:
		return engine.Next("overflow")
	case engine.RouteAssigned:
		c.SetVar("agent", res.Agent)
		st := waitState{skill: skill, agent: res.Agent, since: c.Now(), timeoutAt: c.Now().Add(b.timeout), assignedAt: c.Now()}
		return engine.WaitFor(b.assignedWait(c, req.Ref, st))
	case engine.RouteQueued:
		if res.Position > 0 {
			c.SetVar("queue_position", res.Position)
			wait := -1 // unknown
			if res.ExpectedWait >= 0 {
				wait = int(res.ExpectedWait.Round(time.Second) / time.Second)
			}
			c.SetVar("expected_wait", wait)
		}
		st := waitState{skill: skill, since: c.Now(), timeoutAt: c.Now().Add(b.timeout)}
		if b.waitingEvery > 0 {
			st.nextMessage = c.Now().Add(b.waitingEvery)
		}
		if b.event(eventSLA) != nil {
			clock, ok, err := conversationClock(c)
			if err != nil {
				return engine.Fail(err)
			}
			if ok {
				st.level = clock.ServiceLevel
			}
		}
		return engine.WaitFor(b.queuedWait(req.Ref, st))
	}
	return engine.Fail(fmt.Errorf("the router answered %q", res.Outcome))
}

func (b *routeSkill) Resume(c *engine.Context, ev engine.Event) engine.Result {
	w := c.Waited()
	st := readWaitState(w.State)
	switch ev.Kind {
	case engine.EventAssigned:
		c.SetVar("agent", ev.Agent)
		if ev.Step > 0 {
			c.SetVar("escalation_step", ev.Step)
		}
		st.agent, st.assignedAt, st.idleAt, st.idleFrom = ev.Agent, c.Now(), time.Time{}, time.Time{}
		st.told = slices.DeleteFunc(st.told, func(k string) bool { return k == eventNoReply })
		return engine.WaitFor(b.assignedWait(c, w.Ref, st))
	case engine.EventRequeued:
		// back in the queue: the request's clock goes on from its queueing, as its escalation's does
		st.agent, st.assignedAt, st.idleAt, st.idleFrom = "", time.Time{}, time.Time{}, time.Time{}
		if b.waitingEvery > 0 && !c.Now().Before(st.nextMessage) {
			st.nextMessage = c.Now().Add(b.waitingEvery)
		}
		if !st.timeoutAt.IsZero() && !c.Now().Before(st.timeoutAt) {
			return b.leaveByTimeout(c, w.Ref)
		}
		return engine.WaitFor(b.queuedWait(w.Ref, st))
	case engine.EventDone:
		c.SetVar("agent", ev.Agent)
		c.SetVar("disposition", ev.Disposition)
		return engine.Next("done")
	case engine.EventTimeout:
		if st.agent != "" {
			if err := b.assignedEvents(c, &st); err != nil {
				return engine.Fail(err)
			}
			return engine.WaitFor(b.assignedWait(c, w.Ref, st))
		}
		if st.timeoutAt.IsZero() || !c.Now().Before(st.timeoutAt) {
			return b.leaveByTimeout(c, w.Ref)
		}
		exit, err := b.queuedEvents(c, &st)
		if err != nil {
			return engine.Fail(err)
		}
		if exit != "" {
			return b.leaveBy(c, w.Ref, exit)
		}
		if b.waitingText != nil && !c.Now().Before(st.nextMessage) {
			// time for a waiting message: the request stays queued
			if err := b.say(c, st, b.waitingText); err != nil {
				return engine.Fail(err)
			}
			st.nextMessage = c.Now().Add(b.waitingEvery)
		}
		return engine.WaitFor(b.queuedWait(w.Ref, st))
	}
	return engine.Fail(fmt.Errorf("unexpected event %s", ev.Kind))
}

// leaveByTimeout withdraws the request and leaves by timeout.
func (b *routeSkill) leaveByTimeout(c *engine.Context, ref string) engine.Result {
	return b.leaveBy(c, ref, "timeout")
}

// leaveBy withdraws the request and leaves by exit.
func (b *routeSkill) leaveBy(c *engine.Context, ref, exit string) engine.Result {
	if router := c.Runtime().Router; router != nil {
		if err := router.Cancel(c.Context(), c.Session().ID, ref); err != nil {
			return engine.Fail(fmt.Errorf("withdraw the routing request: %w", err))
		}
	}
	return engine.Next(exit)
}

// say sends a text to the customer the way they wrote, with vars.waited set; nothing when t is
// nil (a time event with an exit only).
func (b *routeSkill) say(c *engine.Context, st waitState, t *engine.Template) error {
	if t == nil {
		return nil
	}
	c.SetVar("waited", int(c.Now().Sub(st.since)/time.Second))
	text, err := c.Render(t)
	if err != nil {
		return err
	}
	a, err := replyAction(c.NewAction(), c.Interaction(), "same", text)
	if err != nil {
		return err
	}
	return c.Emit(a).Err
}
