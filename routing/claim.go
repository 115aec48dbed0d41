package routing

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/store"
)

// ClaimLimit is the most claimable conversations Claimable lists.
const ClaimLimit = 200

// manual tells whether a queued entry waits to be claimed: its channel's strategy, else its
// skill's, is manual.
func (a *ACD) manual(e store.QueueEntry, skills map[string]store.Skill, channels map[string]store.Channel) bool {
	if ch, ok := channels[e.ChannelID]; ok {
		if s := a.settingsOf(ch).Strategy; s != "" {
			return s == StrategyManual
		}
	}
	return skills[e.Skill].Strategy == StrategyManual
}

// Claimable lists the conversations an agent may claim, best first (priority, then age): those
// queued for a skill of the agent whose strategy is manual, which the agent has not turned down.
func (a *ACD) Claimable(ctx context.Context, agent string) ([]store.QueueEntry, error) {
	ag, err := a.st.AgentGet(ctx, agent)
	if err != nil {
		return nil, err
	}
	skills, channels, err := a.skillsAndChannels(ctx)
	if err != nil {
		return nil, err
	}
	entries, err := a.st.QueueList(ctx, store.QueueListParams{Statuses: []string{store.QueueQueued}})
	if err != nil {
		return nil, err
	}
	out := []store.QueueEntry{}
	for _, e := range entries {
		if mayClaim(ag, e, a.now()) && a.manual(e, skills, channels) && !slices.Contains(e.Excluded, agent) {
			out = append(out, e)
		}
	}
	// QueueList is oldest first; a stable sort by priority keeps the age order within one
	slices.SortStableFunc(out, func(x, y store.QueueEntry) int { return y.Priority - x.Priority })
	if len(out) > ClaimLimit {
		out = out[:ClaimLimit]
	}
	return out, nil
}

// Claim gives a queued conversation of a manual skill to the agent who claims it, as a direct
// assignment: within the agent's capacity, once. Of agents claiming the same conversation at
// once, one gets it; the others get ErrNotYours.
func (a *ACD) Claim(ctx context.Context, agent, ref string) error {
	ag, err := a.st.AgentGet(ctx, agent)
	if err != nil {
		return err
	}
	e, err := a.st.QueueGet(ctx, ref)
	if err != nil {
		return err
	}
	if e.Status != store.QueueQueued {
		return fmt.Errorf("conversation %s is not waiting in the queue: %w", e.ConversationID, ErrNotYours)
	}
	skills, channels, err := a.skillsAndChannels(ctx)
	if err != nil {
		return err
	}
	switch {
	case !a.manual(e, skills, channels):
		return fmt.Errorf("skill %s assigns its conversations; they cannot be claimed: %w", e.Skill, ErrRefused)
	case !mayClaim(ag, e, a.now()):
		return fmt.Errorf("agent %s does not have the skill %s at the proficiency it needs now: %w", agent, e.Skill, ErrRefused)
	}
	e.Step = escalationAt(e, a.now()).step
	err = a.assign(ctx, e, agent, store.QueueQueued)
	switch {
	case errors.Is(err, store.ErrStale), errors.Is(err, engine.ErrStaleEvent):
		return fmt.Errorf("conversation %s was taken or left the queue: %w", e.ConversationID, ErrNotYours)
	case errors.Is(err, ErrAgentNotFree):
		return fmt.Errorf("%v: %w", err, ErrRefused)
	case err != nil:
		return err
	}
	a.Wake()
	return nil
}

// mayClaim tells whether an agent may take an entry now: by its skill or, once its escalation
// says so, by another, at the proficiency its escalation asks for.
func mayClaim(ag store.Agent, e store.QueueEntry, now time.Time) bool {
	x := escalationAt(e, now)
	for _, skill := range append([]string{e.Skill}, x.also...) {
		if level := ag.Skills[skill]; level > 0 && level >= x.minLevel {
			return true
		}
	}
	return false
}

func (a *ACD) skillsAndChannels(ctx context.Context) (map[string]store.Skill, map[string]store.Channel, error) {
	sks, err := a.st.SkillList(ctx)
	if err != nil {
		return nil, nil, err
	}
	chs, err := a.st.ChannelList(ctx)
	if err != nil {
		return nil, nil, err
	}
	skills, channels := map[string]store.Skill{}, map[string]store.Channel{}
	for _, s := range sks {
		skills[s.Name] = s
	}
	for _, c := range chs {
		channels[c.ID] = c
	}
	return skills, channels, nil
}
