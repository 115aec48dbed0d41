package blocks

import (
	"slices"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/engine"
)

// The time events of route.skill: conditions of the conversation that, once they last a
// time_events entry's after, send its text to the customer. waiting and sla concern a queued
// request and fire once per request; no_reply fires once per assignment, idle once per silence.
const (
	eventWaiting = "waiting"
	eventSLA     = "sla"
	eventNoReply = "no_reply"
	eventIdle    = "idle"
)

var timeEventKinds = []string{eventWaiting, eventSLA, eventNoReply, eventIdle}

// routeSkillExits are route.skill's own exits, after those its time events name.
var routeSkillExits = []string{"done", "timeout", "overflow", "no_agents"}

// timeEvent is one entry of route.skill's time_events.
type timeEvent struct {
	kind  string
	after time.Duration
	text  *engine.Template
	// exit, for waiting and sla, is where the block leaves when the event fires; empty: it
	// waits on.
	exit string
}

// event returns the block's time event of a kind, or nil.
func (b *routeSkill) event(kind string) *timeEvent {
	for i := range b.events {
		if b.events[i].kind == kind {
			return &b.events[i]
		}
	}
	return nil
}

// waitState is route.skill's memory of a request, kept in its wait's State.
type waitState struct {
	skill string
	// agent holds the conversation; empty while it is queued (or ringing).
	agent string
	// since is the request's queueing, from which its timeout (timeoutAt) and its escalation
	// count; a requeued request keeps both.
	since, timeoutAt time.Time
	assignedAt       time.Time
	// nextMessage is when the next waiting_message goes out; zero: at the next deadline.
	nextMessage time.Time
	// level is the channel's service level, read at queueing for the sla event.
	level time.Duration
	// told lists the time events fired (waiting and sla for the request, no_reply for the
	// assignment).
	told []string
	// idleAt is when the idle event is checked next; idleFrom is the start of the silence it
	// last fired for.
	idleAt, idleFrom time.Time
}

func (s waitState) toMap() map[string]any {
	m := map[string]any{"skill": s.skill}
	put := func(k string, t time.Time) {
		if !t.IsZero() {
			m[k] = t.Format(time.RFC3339Nano)
		}
	}
	if s.agent != "" {
		m["agent"] = s.agent
	}
	put("since", s.since)
	put("timeout_at", s.timeoutAt)
	put("assigned_at", s.assignedAt)
	put("next_message", s.nextMessage)
	put("idle_at", s.idleAt)
	put("idle_from", s.idleFrom)
	if s.level > 0 {
		m["service_level"] = s.level.String()
	}
	if len(s.told) > 0 {
		m["told"] = strings.Join(s.told, ",")
	}
	return m
}

// readWaitState reads a wait's State; what is missing or unreadable (a wait written before
// the field existed) is zero.
func readWaitState(m map[string]any) waitState {
	str := func(k string) string { s, _ := m[k].(string); return s }
	at := func(k string) time.Time { t, _ := time.Parse(time.RFC3339Nano, str(k)); return t }
	s := waitState{skill: str("skill"), agent: str("agent"), since: at("since"), timeoutAt: at("timeout_at"),
		assignedAt: at("assigned_at"), nextMessage: at("next_message"), idleAt: at("idle_at"), idleFrom: at("idle_from")}
	s.level, _ = time.ParseDuration(str("service_level"))
	if t := str("told"); t != "" {
		s.told = strings.Split(t, ",")
	}
	return s
}

// slaDue is when the sla event of a queued request is due, and whether it is armed.
func (b *routeSkill) slaDue(st waitState) (time.Time, bool) {
	ev := b.event(eventSLA)
	if ev == nil || st.level <= 0 || slices.Contains(st.told, eventSLA) {
		return time.Time{}, false
	}
	return st.since.Add(max(st.level-ev.after, 0)), true
}

// queuedWait is the wait of a queued request: until its timeout, the next waiting message or
// its next time event, whichever comes first.
func (b *routeSkill) queuedWait(ref string, st waitState) *engine.Wait {
	deadline := st.timeoutAt
	earlier := func(t time.Time) {
		if !t.IsZero() && t.Before(deadline) {
			deadline = t
		}
	}
	if b.waitingText != nil {
		earlier(st.nextMessage)
	}
	if ev := b.event(eventWaiting); ev != nil && !slices.Contains(st.told, eventWaiting) {
		earlier(st.since.Add(ev.after))
	}
	if due, ok := b.slaDue(st); ok && due.Before(st.since.Add(st.level)) {
		earlier(due)
	}
	return &engine.Wait{Kind: engine.WaitAgent, Ref: ref, Deadline: deadline, State: st.toMap()}
}

// assignedWait is the wait of an assigned request: until the agent closes it, or its next time
// event (no_reply, idle), which a router that cannot read the conversation's clock leaves
// out; the timeout no longer counts.
func (b *routeSkill) assignedWait(c *engine.Context, ref string, st waitState) *engine.Wait {
	var deadline time.Time
	if _, ok := c.Runtime().Router.(engine.ClockReader); !ok {
		return &engine.Wait{Kind: engine.WaitAgent, Ref: ref, State: st.toMap()}
	}
	earlier := func(t time.Time) {
		if deadline.IsZero() || t.Before(deadline) {
			deadline = t
		}
	}
	if ev := b.event(eventNoReply); ev != nil && !slices.Contains(st.told, eventNoReply) {
		earlier(st.assignedAt.Add(ev.after))
	}
	if ev := b.event(eventIdle); ev != nil {
		if st.idleAt.IsZero() {
			st.idleAt = st.assignedAt.Add(ev.after)
		}
		earlier(st.idleAt)
	}
	return &engine.Wait{Kind: engine.WaitAgent, Ref: ref, Deadline: deadline, State: st.toMap()}
}

// conversationClock reads the conversation's clock from the router, when it can tell.
func conversationClock(c *engine.Context) (engine.ConversationClock, bool, error) {
	r, ok := c.Runtime().Router.(engine.ClockReader)
	if !ok {
		return engine.ConversationClock{}, false, nil
	}
	clock, err := r.ConversationClock(c.Context())
	return clock, err == nil, err
}

// queuedEvents fires the time events of a queued request that are due, and returns the exit of
// the first that leaves the queue by one, if any.
func (b *routeSkill) queuedEvents(c *engine.Context, st *waitState) (string, error) {
	now := c.Now()
	if ev := b.event(eventWaiting); ev != nil && !slices.Contains(st.told, eventWaiting) && !now.Before(st.since.Add(ev.after)) {
		st.told = append(st.told, eventWaiting)
		if err := b.say(c, *st, ev.text); err != nil {
			return "", err
		}
		if ev.exit != "" {
			return ev.exit, nil
		}
	}
	if due, ok := b.slaDue(*st); ok && !now.Before(due) {
		st.told = append(st.told, eventSLA)
		ev := b.event(eventSLA)
		if now.Before(st.since.Add(st.level)) { // breached already: too late to warn
			if err := b.say(c, *st, ev.text); err != nil {
				return "", err
			}
		}
		if ev.exit != "" { // breached or about to: the flow takes over either way
			return ev.exit, nil
		}
	}
	return "", nil
}

// assignedEvents fires the time events of an assigned request that are due: no_reply when no
// reply was sent since the assignment, idle when no message went either way for its after.
func (b *routeSkill) assignedEvents(c *engine.Context, st *waitState) error {
	now := c.Now()
	noReply, idle := b.event(eventNoReply), b.event(eventIdle)
	dueNoReply := noReply != nil && !slices.Contains(st.told, eventNoReply) && !now.Before(st.assignedAt.Add(noReply.after))
	dueIdle := idle != nil && !st.idleAt.IsZero() && !now.Before(st.idleAt)
	if !dueNoReply && !dueIdle {
		return nil
	}
	clock, ok, err := conversationClock(c)
	if err != nil || !ok {
		return err // without a clock, assignedWait armed nothing
	}
	if clock.Agent == "" {
		// transferred back to a queue: nobody holds it until the next assignment resumes the block
		if dueNoReply {
			st.told = append(st.told, eventNoReply)
		}
		if dueIdle {
			st.idleAt = now.Add(idle.after)
		}
		return nil
	}
	if dueNoReply {
		st.told = append(st.told, eventNoReply)
		if clock.LastOutbound.Before(st.assignedAt) {
			if err := b.say(c, *st, noReply.text); err != nil {
				return err
			}
		}
	}
	if dueIdle {
		last := st.assignedAt
		for _, t := range []time.Time{clock.LastInbound, clock.LastOutbound} {
			if t.After(last) {
				last = t
			}
		}
		switch {
		case now.Before(last.Add(idle.after)):
			st.idleAt = last.Add(idle.after) // a message since: the silence starts again
		case !last.Equal(st.idleFrom):
			st.idleFrom, st.idleAt = last, now.Add(idle.after)
			if err := b.say(c, *st, idle.text); err != nil {
				return err
			}
		default:
			st.idleAt = now.Add(idle.after) // the same silence, told already
		}
	}
	return nil
}
