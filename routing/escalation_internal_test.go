package routing

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

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
