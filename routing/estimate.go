package routing

import (
	"context"
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
// higher priority, or the same and older: 1 is next. Its wait is 0 when that many places are
// free now among the working agents of the skill (capacity less what they serve); otherwise it
// waits for ceil((position - free places) / places) conversations to end on each place, each
// taking the skill's average handle time (assignment to close, over its conversations queued in
// the last two hours and closed; DefaultHandleTime when there are none). It is an estimate: it
// leaves out distribution orders, escalation, offers turned down and agents' other skills'
// conversations arriving meanwhile. With nobody working the skill (all on a break) the wait
// is -1: unknown.
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
	places, free := 0, 0
	for _, a := range agents {
		if a.Skills[req.Skill] <= 0 || (state[a.ID] != StateAvailable && state[a.ID] != StateBusy) {
			continue
		}
		c := max(a.Capacity, 1)
		places += c
		free += max(c-load[a.ID], 0)
	}
	if position <= free {
		return position, 0, nil
	}
	if places == 0 {
		return position, -1, nil // nobody works the skill now: no estimate
	}
	closed, err := q.st.QueueList(ctx, store.QueueListParams{Statuses: []string{store.QueueClosed}, Skill: req.Skill,
		From: now.Add(-handleTimeWindow)})
	if err != nil {
		return 0, 0, err
	}
	var total time.Duration
	n := 0
	for _, e := range closed {
		if e.AssignedAt != nil && e.ClosedAt != nil && e.ClosedAt.After(*e.AssignedAt) {
			total += e.ClosedAt.Sub(*e.AssignedAt)
			n++
		}
	}
	handle := DefaultHandleTime
	if n > 0 {
		handle = total / time.Duration(n)
	}
	rounds := (position - free + places - 1) / places
	return position, time.Duration(rounds) * handle, nil
}
