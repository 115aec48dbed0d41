package routing_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/routing"
	"github.com/switchboardhq/switchboard/store"
	"github.com/switchboardhq/switchboard/store/storetest"
)

func TestConversationWindow(t *testing.T) {
	t.Parallel()
	wrote := time.Date(2026, 11, 17, 9, 0, 0, 0, time.UTC)
	dm := []store.Interaction{{Direction: store.Inbound, Kind: "message", At: wrote}}
	comment := []store.Interaction{{Direction: store.Inbound, Kind: "comment", Public: true, At: wrote}}
	fb := store.Channel{ID: "fb", Type: store.ChannelFacebook}
	human := store.Channel{ID: "fb", Type: store.ChannelFacebook, Settings: map[string]any{"human_agent": true}}
	ptr := func(t time.Time) *time.Time { return &t }
	for _, tc := range []struct {
		name string
		ch   store.Channel
		ins  []store.Interaction
		now  time.Time
		want routing.Window
	}{
		{"messenger inside 24 h", fb, dm, wrote.Add(23 * time.Hour),
			routing.Window{PrivateOpen: true, PrivateUntil: ptr(wrote.Add(24 * time.Hour))}},
		{"messenger after 24 h", fb, dm, wrote.Add(25 * time.Hour),
			routing.Window{PrivateOpen: false, PrivateUntil: ptr(wrote.Add(24 * time.Hour))}},
		{"human agent tag for 7 days", human, dm, wrote.Add(6 * 24 * time.Hour),
			routing.Window{PrivateOpen: true, PrivateUntil: ptr(wrote.Add(24 * time.Hour)), HumanAgentUntil: ptr(wrote.Add(7 * 24 * time.Hour))}},
		{"human agent tag over", human, dm, wrote.Add(8 * 24 * time.Hour),
			routing.Window{PrivateOpen: false, PrivateUntil: ptr(wrote.Add(24 * time.Hour)), HumanAgentUntil: ptr(wrote.Add(7 * 24 * time.Hour))}},
		{"a comment's private reply for 7 days", fb, comment, wrote.Add(3 * 24 * time.Hour),
			routing.Window{PrivateOpen: true, PrivateUntil: ptr(wrote.Add(7 * 24 * time.Hour)), PublicAllowed: true}},
		{"x has no window", store.Channel{Type: store.ChannelTwitter}, comment, wrote.Add(30 * 24 * time.Hour),
			routing.Window{PrivateOpen: true, PublicAllowed: true}},
		{"web chat is private", store.Channel{Type: store.ChannelWebchat}, dm, wrote.Add(30 * 24 * time.Hour),
			routing.Window{PrivateOpen: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, routing.ConversationWindow(tc.ch, tc.ins, tc.now))
		})
	}
}

// The SLA's due time counts working hours only: a conversation opened at night is due the
// service level after the calendar opens.
func TestConversationSLAInWorkingHours(t *testing.T) {
	t.Parallel()
	st := storetest.OpenSQLite(t)
	ctx := context.Background()
	_, err := st.CalendarPut(ctx, store.Calendar{CalendarDef: engine.CalendarDef{Name: "office", Timezone: "UTC",
		Open: map[string][]string{"mon-fri": {"09:00-17:00"}}}}, "test")
	require.NoError(t, err)
	ch := store.Channel{ID: "web", Type: store.ChannelWebchat, Settings: map[string]any{"working_hours": "office", "service_level_seconds": 300}}
	opened := time.Date(2026, 11, 17, 7, 0, 0, 0, time.UTC) // a Tuesday, before opening
	conv := store.Conversation{OpenedAt: opened}
	sla, err := routing.ConversationSLA(ctx, st, ch, conv, opened.Add(time.Hour))
	require.NoError(t, err)
	require.Equal(t, time.Date(2026, 11, 17, 9, 5, 0, 0, time.UTC), sla.DueAt)
	require.False(t, sla.Breached)
	responded := time.Date(2026, 11, 17, 9, 6, 0, 0, time.UTC)
	conv.FirstResponseAt = &responded
	sla, err = routing.ConversationSLA(ctx, st, ch, conv, responded)
	require.NoError(t, err)
	require.True(t, sla.Breached)
}
