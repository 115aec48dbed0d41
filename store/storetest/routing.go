package storetest

import (
	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/store"
)

var skillTests = []test{
	{"PutGetListDelete", testSkill},
	{"Errors", testSkillErrors},
}

var agentTests = []test{
	{"PutGetListDelete", testAgent},
	{"Errors", testAgentErrors},
}

func testSkill(h *harness) {
	t := h.t
	created := h.now()
	routing := store.SkillRouting{Strategy: "round_robin", AssignmentLimit: 5, AssignmentWindow: 600,
		RouterURL: "https://router.example.com/choose", RouterTimeout: "250ms"}
	sk, err := h.s.SkillPut(h.ctx, store.Skill{Name: "sales", Description: "Buying", Dispositions: []string{"sold", "lost"},
		RequireAccept: true, SkillRouting: routing}, "ann")
	require.NoError(t, err)
	want := store.Skill{Name: "sales", Description: "Buying", Dispositions: []string{"sold", "lost"}, RequireAccept: true,
		SkillRouting: routing, CreatedAt: created, UpdatedAt: created}
	require.Equal(t, want, sk)
	h.lastAudit("ann", "skill.put", "sales")

	now := h.tick()
	sk, err = h.s.SkillPut(h.ctx, store.Skill{Name: "sales", Description: "Selling"}, "bob")
	require.NoError(t, err)
	want = store.Skill{Name: "sales", Description: "Selling", Dispositions: []string{}, CreatedAt: created, UpdatedAt: now}
	require.Equal(t, want, sk, "a put replaces the skill and keeps its creation time")
	got, err := h.s.SkillGet(h.ctx, "sales")
	require.NoError(t, err)
	require.Equal(t, want, got)
	h.lastAudit("bob", "skill.put", "sales")

	support, err := h.s.SkillPut(h.ctx, store.Skill{Name: "support"}, "bob")
	require.NoError(t, err)
	skills, err := h.s.SkillList(h.ctx)
	require.NoError(t, err)
	require.Equal(t, []store.Skill{want, support}, skills, "skills by name")

	h.tick()
	require.NoError(t, h.s.SkillDelete(h.ctx, "sales", "bob"))
	h.lastAudit("bob", "skill.delete", "sales")
	_, err = h.s.SkillGet(h.ctx, "sales")
	require.ErrorIs(t, err, store.ErrNotFound)
}

func testSkillErrors(h *harness) {
	h.unchanged(store.ErrInvalid, func() error {
		_, err := h.s.SkillPut(h.ctx, store.Skill{Description: "no name"}, "ann")
		return err
	})
	h.unchanged(store.ErrNotFound, func() error { return h.s.SkillDelete(h.ctx, "ghost", "ann") })
	_, err := h.s.SkillGet(h.ctx, "ghost")
	require.ErrorIs(h.t, err, store.ErrNotFound)
	require.ErrorContains(h.t, err, "ghost")
}

func testAgent(h *harness) {
	t := h.t
	created := h.now()
	a, err := h.s.AgentPut(h.ctx, store.Agent{ID: "a1", Name: "Ada", Skills: map[string]int{"sales": 5, "support": 2},
		Capacity: 3, ChannelCapacity: map[string]int{"twitter": 1}, Groups: []string{"night", "emea"}, Blending: true}, "ann")
	require.NoError(t, err)
	want := store.Agent{ID: "a1", Name: "Ada", Skills: map[string]int{"sales": 5, "support": 2}, Capacity: 3,
		ChannelCapacity: map[string]int{"twitter": 1}, Groups: []string{"night", "emea"}, Blending: true,
		CreatedAt: created, UpdatedAt: created}
	require.Equal(t, want, a)
	h.lastAudit("ann", "agent.put", "a1")

	now := h.tick()
	a, err = h.s.AgentPut(h.ctx, store.Agent{ID: "a1", Name: "Ada L.", Capacity: 1}, "bob")
	require.NoError(t, err)
	want = store.Agent{ID: "a1", Name: "Ada L.", Skills: map[string]int{}, Capacity: 1, ChannelCapacity: map[string]int{},
		Groups: []string{}, CreatedAt: created, UpdatedAt: now}
	require.Equal(t, want, a, "a put replaces the agent and keeps its creation time")
	got, err := h.s.AgentGet(h.ctx, "a1")
	require.NoError(t, err)
	require.Equal(t, want, got)

	a0, err := h.s.AgentPut(h.ctx, store.Agent{ID: "a0", Name: "Bo"}, "bob")
	require.NoError(t, err)
	agents, err := h.s.AgentList(h.ctx)
	require.NoError(t, err)
	require.Equal(t, []store.Agent{a0, want}, agents, "agents by id")

	h.tick()
	require.NoError(t, h.s.AgentDelete(h.ctx, "a1", "bob"))
	h.lastAudit("bob", "agent.delete", "a1")
	_, err = h.s.AgentGet(h.ctx, "a1")
	require.ErrorIs(t, err, store.ErrNotFound)
}

func testAgentErrors(h *harness) {
	for _, a := range []store.Agent{{Name: "no id"}, {ID: "a1", Capacity: -1}} {
		h.unchanged(store.ErrInvalid, func() error {
			_, err := h.s.AgentPut(h.ctx, a, "ann")
			return err
		})
	}
	h.unchanged(store.ErrNotFound, func() error { return h.s.AgentDelete(h.ctx, "ghost", "ann") })
	_, err := h.s.AgentGet(h.ctx, "ghost")
	require.ErrorIs(h.t, err, store.ErrNotFound)
}
