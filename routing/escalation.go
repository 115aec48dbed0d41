package routing

import (
	"slices"
	"time"

	"github.com/switchboardhq/switchboard/store"
)

// escalated is what a queue entry's escalation makes of it at a moment.
type escalated struct {
	// step is the step reached, from 1; 0 when the entry has none or none has started.
	step int
	// minLevel is the lowest proficiency an agent needs; 0 is any.
	minLevel int
	// also are the more skills whose agents may take it, in the order the steps named them.
	also []string
	// bonus is added to the entry's priority.
	bonus int
}

// escalationAt applies the steps of an entry's escalation that have started by now, measured
// from its queueing: each keeps what the ones before it did, a step's min_proficiency replaces
// the one before, skills add up, and priorities add up.
func escalationAt(e store.QueueEntry, now time.Time) escalated {
	var out escalated
	waited := now.Sub(e.EnqueuedAt).Seconds()
	for i, s := range e.Escalation {
		if waited < s.After {
			break
		}
		out.step = i + 1
		if s.MinProficiency > 0 {
			out.minLevel = s.MinProficiency
		}
		for _, skill := range s.Skills {
			if skill != e.Skill && !slices.Contains(out.also, skill) {
				out.also = append(out.also, skill)
			}
		}
		out.bonus += s.Priority
	}
	return out
}
