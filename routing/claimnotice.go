package routing

import (
	"context"
	"slices"

	"github.com/switchboardhq/switchboard/store"
)

// claimNotices is what the leader told agents of the conversations they may claim: by queue
// entry, the escalation step and the agents told. It holds at most the open entries of manual
// skills; a new leader starts empty and tells again, as events are hints.
type claimNotices map[string]claimNotice

type claimNotice struct {
	conversation, skill string
	step                int
	agents              []string
}

// noticeClaimable tells the logged-in agents of a skill with the manual strategy when a
// conversation they may claim appears (EventClaimable: queued, requeued, or an escalation step
// lets them) and when it no longer is theirs to claim (EventClaimableGone: claimed by anyone,
// withdrawn, or they logged out or turned it down), so their screens update without polling.
// Each cycle costs the manual entries times the agents of their skills.
func (a *ACD) noticeClaimable(ctx context.Context, w *world) {
	now := a.now()
	if a.claims == nil {
		a.claims = claimNotices{}
	}
	var bySkill map[string][]string // the logged-in agents of each skill, made when first needed
	open := map[string]bool{}
	for _, e := range w.entries {
		if e.Status != store.QueueQueued || !a.manual(e, w.skills, w.channels) {
			continue
		}
		open[e.Ref] = true
		if bySkill == nil {
			bySkill = loggedInBySkill(w)
		}
		x := escalationAt(e, now)
		var agents []string
		for _, skill := range append([]string{e.Skill}, x.also...) {
			for _, id := range bySkill[skill] {
				if !slices.Contains(agents, id) && !slices.Contains(e.Excluded, id) && mayClaim(w.agents[id], e, now) {
					agents = append(agents, id)
				}
			}
		}
		slices.Sort(agents)
		old := a.claims[e.Ref]
		for _, id := range agents {
			if !slices.Contains(old.agents, id) {
				a.tell(ctx, id, AgentEvent{Type: EventClaimable, Ref: e.Ref, Conversation: e.ConversationID, Skill: e.Skill})
			}
		}
		for _, id := range old.agents {
			if !slices.Contains(agents, id) {
				a.tell(ctx, id, AgentEvent{Type: EventClaimableGone, Ref: e.Ref, Conversation: e.ConversationID, Skill: e.Skill})
			}
		}
		a.claims[e.Ref] = claimNotice{conversation: e.ConversationID, skill: e.Skill, step: x.step, agents: agents}
	}
	for ref, n := range a.claims {
		if open[ref] {
			continue
		}
		for _, id := range n.agents {
			a.tell(ctx, id, AgentEvent{Type: EventClaimableGone, Ref: ref, Conversation: n.conversation, Skill: n.skill})
		}
		delete(a.claims, ref)
	}
}

// loggedInBySkill lists the agents logged in (in any state but offline) by skill.
func loggedInBySkill(w *world) map[string][]string {
	out := map[string][]string{}
	for id, ag := range w.agents {
		if st := w.states[id].State; st == "" || st == StateOffline {
			continue
		}
		for skill, level := range ag.Skills {
			if level > 0 {
				out[skill] = append(out[skill], id)
			}
		}
	}
	return out
}
