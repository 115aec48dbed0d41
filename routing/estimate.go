package routing

import (
	"context"
	"slices"
	"time"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/store"
)

// DefaultHandleTime is the handle time the wait estimate assumes for a skill none of whose
// conversations closed recently.
const DefaultHandleTime = 5 * time.Minute

// handleTimeWindow is how far back the estimate looks for the skill's closed conversations.
const handleTimeWindow = 2 * time.Hour

// estimate says where a request just admitted stands in its skill's queue, and how long it may
// wait. Its position counts the conversations of the skill waiting (queued or ringing) with a
// higher priority, or the same and older: 1 is next. Its wait follows its escalation: from each
// step on, the pool of agents who may take it is the step's (see pools); the free places of the
// agents a pool adds (capacity less what they serve now) take conversations at its start, and
// a conversation ends on each place of the pools every handle time from now (the skill's
// average, assignment to close, over its conversations queued in the last two hours and
// closed; DefaultHandleTime when there are none). The wait is the first moment the request's
// turn comes (see expectedWait). Without escalation that is 0 when there are position free
// places among the working agents of the skill, else ceil((position - free) / places) handle
// times. It is an estimate: it leaves out distribution orders, priority steps,
// offers turned down, the agents' other skills' conversations arriving meanwhile, and the
// escalation clocks of the conversations ahead (they are taken to widen with this one). With
// nobody working in any pool the wait is -1: unknown.
func (q *Queue) estimate(ctx context.Context, req *engine.RouteRequest, agents []store.Agent, state map[string]string) (int, time.Duration, error) {
	now := q.acd.now()
	open, err := q.st.QueueList(ctx, store.QueueListParams{Statuses: store.QueueOpen})
	if err != nil {
		return 0, 0, err
	}
	position := 1
	load := map[string]int{}
	for _, e := range open {
		if e.Status == store.QueueOffered || e.Status == store.QueueAssigned {
			load[e.Agent]++
		}
		if e.Skill == req.Skill && e.Status != store.QueueAssigned &&
			(e.Priority > req.Priority || (e.Priority == req.Priority && !e.EnqueuedAt.After(now))) {
			position++
		}
	}
	var working []store.Agent
	for _, a := range agents {
		if state[a.ID] == StateAvailable || state[a.ID] == StateBusy {
			working = append(working, a)
		}
	}
	wait, err := expectedWait(position, pools(req), working, req.Skill, load, func() (time.Duration, error) {
		return q.handleTime(ctx, req.Skill, now)
	})
	return position, wait, err
}

// expectedWait is estimate's wait for a position, over the pools of a request's wait, the
// working agents and their loads; handle reads the handle time when it is needed. By a time T,
// the pools have served F + P·floor(T/h) − K conversations: F the free places of their agents
// (each from its pool's start), P their places, h the handle time, and K the places' ends before
// their agents joined (c·floor(start/h) for an agent of c places), which served others. The wait
// is the first pool start or multiple of h at which that reaches the position.
func expectedWait(position int, pools []pool, working []store.Agent, skill string, load map[string]int,
	handle func() (time.Duration, error)) (time.Duration, error) {
	var h time.Duration // read when first needed
	free, places, before := 0, 0, 0
	counted := map[string]bool{}
	for i, p := range pools {
		joined := 0
		for _, a := range working {
			if counted[a.ID] || !p.takes(a, skill) {
				continue
			}
			counted[a.ID] = true
			c := max(a.Capacity, 1)
			joined += c
			free += max(c-load[a.ID], 0)
		}
		places += joined
		if places == 0 {
			continue
		}
		if h == 0 {
			var err error
			if h, err = handle(); err != nil {
				return 0, err
			}
		}
		before += joined * int(p.start/h)
		served := free + places*int(p.start/h) - before
		if served >= position {
			return p.start, nil
		}
		rounds := (position - free + before + places - 1) / places
		at := time.Duration(rounds) * h
		if i == len(pools)-1 || at < pools[i+1].start {
			return at, nil
		}
	}
	return -1, nil // nobody works the skill now: no estimate
}

// pool is who may take a request from a moment of its wait on (an escalation step's start).
type pool struct {
	start    time.Duration
	minLevel int
	also     []string
}

func (p pool) takes(a store.Agent, skill string) bool {
	if level := a.Skills[skill]; level > 0 && level >= p.minLevel {
		return true
	}
	for _, s := range p.also {
		if a.Skills[s] > 0 {
			return true
		}
	}
	return false
}

// pools are the pools of a request's wait, in order: anyone with the skill before its first
// step (or without escalation), then each step's, which keeps what the steps before it did.
func pools(req *engine.RouteRequest) []pool {
	out := []pool{{}}
	for _, s := range req.Escalation {
		p := out[len(out)-1]
		p.start = s.After
		if s.MinProficiency > 0 {
			p.minLevel = s.MinProficiency
		}
		p.also = append(slices.Clip(p.also), s.Skills...)
		if p.start == 0 {
			out[len(out)-1] = p
			continue
		}
		out = append(out, p)
	}
	return out
}

// handleTime is a skill's average handle time (assignment to close) over its conversations
// queued in the last two hours and closed; DefaultHandleTime when there are none.
func (q *Queue) handleTime(ctx context.Context, skill string, now time.Time) (time.Duration, error) {
	closed, err := q.st.QueueList(ctx, store.QueueListParams{Statuses: []string{store.QueueClosed}, Skill: skill,
		From: now.Add(-handleTimeWindow)})
	if err != nil {
		return 0, err
	}
	var total time.Duration
	n := 0
	for _, e := range closed {
		if e.AssignedAt != nil && e.ClosedAt != nil && e.ClosedAt.After(*e.AssignedAt) {
			total += e.ClosedAt.Sub(*e.AssignedAt)
			n++
		}
	}
	if n == 0 {
		return DefaultHandleTime, nil
	}
	return max(total/time.Duration(n), time.Second), nil
}
