package routing

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/store"
)

// Steps apply from their after on, each keeping what the ones before it did.
func TestEscalationAt(t *testing.T) {
	t.Parallel()
	queued := time.Date(2026, 11, 17, 9, 0, 0, 0, time.UTC)
	e := store.QueueEntry{Skill: "billing", EnqueuedAt: queued, Escalation: []store.EscalationStep{
		{After: 10, MinProficiency: 15},
		{After: 60, MinProficiency: 1},
		{After: 120, Skills: []string{"general", "billing"}},
		{After: 300, Priority: 5, Skills: []string{"general", "sales"}},
	}}
	for _, tc := range []struct {
		waited time.Duration
		want   escalated
	}{
		{0, escalated{}},
		{10 * time.Second, escalated{step: 1, minLevel: 15}},
		{59 * time.Second, escalated{step: 1, minLevel: 15}},
		{time.Minute, escalated{step: 2, minLevel: 1}},
		{2 * time.Minute, escalated{step: 3, minLevel: 1, also: []string{"general"}}},
		{time.Hour, escalated{step: 4, minLevel: 1, also: []string{"general", "sales"}, bonus: 5}},
	} {
		require.Equal(t, tc.want, escalationAt(e, queued.Add(tc.waited)), "after %s", tc.waited)
	}
	require.Equal(t, escalated{}, escalationAt(store.QueueEntry{EnqueuedAt: queued}, queued.Add(time.Hour)), "no steps")
}

// The expected wait widens with the escalation: the free places a step adds take conversations
// ahead at its start, and each pool's places serve one conversation per handle time from then.
func TestExpectedWaitFollowsEscalation(t *testing.T) {
	t.Parallel()
	working := []store.Agent{
		{ID: "hi", Capacity: 1, Skills: map[string]int{"billing": 18}},
		{ID: "lo", Capacity: 2, Skills: map[string]int{"billing": 5}},
		{ID: "gen", Capacity: 1, Skills: map[string]int{"general": 10}},
	}
	steps := []engine.EscalationStep{{After: 0, MinProficiency: 15}, {After: 2 * time.Minute, MinProficiency: 1},
		{After: 20 * time.Minute, Skills: []string{"general"}}}
	handle := func() (time.Duration, error) { return 5 * time.Minute, nil }
	for _, tc := range []struct {
		name     string
		position int
		steps    []engine.EscalationStep
		load     map[string]int
		want     time.Duration
	}{
		{"hi is free", 1, steps, map[string]int{}, 0},
		{"hi is busy: lo's free place from step 2", 1, steps, map[string]int{"hi": 1}, 2 * time.Minute},
		{"all busy: the first conversations end at one handle time", 3, steps, map[string]int{"hi": 1, "lo": 2}, 5 * time.Minute},
		{"all busy, ninth: three places from step 2, three rounds", 9, steps, map[string]int{"hi": 1, "lo": 2}, 15 * time.Minute},
		{"all busy, 13th: general's free place at step 3 comes before the fifth round", 13, steps,
			map[string]int{"hi": 1, "lo": 2}, 20 * time.Minute},
		{"all busy, 14th: the fifth round of four places", 14, steps, map[string]int{"hi": 1, "lo": 2}, 25 * time.Minute},
		{"all busy, third, lo from 10 min: lo's ends before it joined served others", 3,
			[]engine.EscalationStep{{After: 0, MinProficiency: 15}, {After: 10 * time.Minute, MinProficiency: 1}},
			map[string]int{"hi": 1, "lo": 2}, 15 * time.Minute},
		{"without escalation: ceil((9 - 0) / 3) rounds", 9, nil, map[string]int{"hi": 1, "lo": 2}, 15 * time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := expectedWait(tc.position, pools(&engine.RouteRequest{Skill: "billing", Escalation: tc.steps}), working,
				"billing", tc.load, handle)
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
	got, err := expectedWait(1, pools(&engine.RouteRequest{Skill: "billing"}), nil, "billing", nil, handle)
	require.NoError(t, err)
	require.Equal(t, time.Duration(-1), got, "nobody works the skill: unknown")
}
