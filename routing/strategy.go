package routing

import (
	"math"
	"slices"
	"time"

	"github.com/switchboardhq/switchboard/settings"
)

// Assignment strategies: how the free agents of a skill are ordered for its conversations.
const (
	// StrategyMostProficient gives a conversation to the highest proficiency, then the longest idle.
	StrategyMostProficient = settings.StrategyMostProficient
	// StrategyLongestIdle gives it to the agent idle the longest, then the highest proficiency.
	StrategyLongestIdle = settings.StrategyLongestIdle
	// StrategyLeastBusy gives it to the agent with the fewest conversations for its capacity
	// (load ÷ capacity), then the highest proficiency, then the longest idle.
	StrategyLeastBusy = settings.StrategyLeastBusy
	// StrategyRoundRobin gives it, among the agents of the highest proficiency, to the one whose
	// last new conversation is the oldest, then the longest idle.
	StrategyRoundRobin = settings.StrategyRoundRobin
	// StrategyManual assigns nothing: agents claim the skill's conversations from the queue.
	StrategyManual = settings.StrategyManual
)

// Strategies lists the assignment strategies.
var Strategies = settings.Strategies

// Policy is how a skill's conversations find agents.
type Policy struct {
	// Strategy orders the skill's free agents (most_proficient when empty); manual assigns none.
	Strategy string
	// Limit is the most new conversations of the skill an agent takes per window, counted in
	// Agent.Recent; 0 is no limit.
	Limit int
	// Routed makes the board ask its Chooser to pick among the candidates.
	Routed bool
	// Groups are agent groups in order: the skill's free agents of the first go before those of
	// the second, and so on, and agents in none of them last; the strategy orders each tier.
	Groups []string
}

// Chooser picks the agent for an entry among candidates, best first by the strategy; nil (or an
// agent not among them) takes the first.
type Chooser func(e *Entry, candidates []*Agent) *Agent

// MaxCandidates is the most candidates a Chooser is given.
const MaxCandidates = 10

// strategyOf returns the strategy an entry is served by: its own (its channel's) or its
// skill's; a shadow is served as the entry it stands for.
func (b *Board) strategyOf(e *Entry) string {
	if e.Strategy != "" {
		return e.Strategy
	}
	return b.skillStrategy(e.primaryOrSelf().Skill)
}

// skillStrategy is a skill's own strategy.
func (b *Board) skillStrategy(skill string) string {
	if s := b.policies[skill].Strategy; s != "" {
		return s
	}
	return StrategyMostProficient
}

// rankKey is an agent's place in a skill's heap for a strategy: its group's tier first, then
// the strategy's order; lower goes first, then the id.
type rankKey [5]int64

// nanos is a time as a key: the zero time first.
func nanos(t time.Time) int64 {
	if t.IsZero() {
		return math.MinInt64
	}
	return t.UnixNano()
}

// busyScale makes load ÷ capacity a whole number without merging different ratios: capacities
// are at most 100, so two different ratios differ by more than 1/10,000.
const busyScale = 1_000_000

// rank is the key of an agent with a level in a skill, by a strategy.
func rank(strategy string, a *Agent, level, tier int) rankKey {
	idle := nanos(a.IdleSince)
	switch strategy {
	case StrategyLongestIdle:
		return rankKey{int64(tier), idle, -int64(level)}
	case StrategyLeastBusy:
		return rankKey{int64(tier), int64(a.load) * busyScale / int64(a.Capacity), -int64(level), idle}
	case StrategyRoundRobin:
		return rankKey{int64(tier), -int64(level), nanos(a.LastAssigned), idle}
	}
	return rankKey{int64(tier), -int64(level), idle}
}

// tier is an agent's tier for a skill: the place of its first group in the skill's ordered
// groups (0 for the first), and after them all for an agent in none of them.
func (b *Board) tier(a *Agent, skill string) int {
	groups := b.policies[skill].Groups
	for i, g := range groups {
		if slices.Contains(a.Groups, g) {
			return i
		}
	}
	return len(groups)
}
