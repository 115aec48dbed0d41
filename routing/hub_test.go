package routing_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/routing"
	"github.com/switchboardhq/switchboard/store/storetest"
)

// A stream resumes after the last event it saw while the hub keeps what it missed, and is
// told to reload once that is no longer kept.
func TestHubResumesFromTheRing(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hub := routing.NewHub(ctx, storetest.OpenSQLite(t).Bus())
	live, _, reset, stop := hub.SubscribeAfter("ana", "")
	defer stop()
	require.False(t, reset)
	publish := func(from, to int) []routing.AgentEvent {
		var got []routing.AgentEvent
		for i := from; i <= to; i++ {
			require.NoError(t, hub.Publish(ctx, routing.AgentEvent{Type: routing.EventMessage, Agent: "ana", Text: fmt.Sprint(i)}))
			select {
			case ev := <-live:
				got = append(got, ev)
			case <-time.After(10 * time.Second):
				t.Fatalf("event %d was not delivered", i)
			}
		}
		return got
	}
	first := publish(1, 10)
	_, replay, reset, stop2 := hub.SubscribeAfter("ana", first[3].ID)
	stop2()
	require.False(t, reset)
	require.Len(t, replay, 6)
	require.Equal(t, "5", replay[0].Text)
	require.Equal(t, first[9].ID, replay[5].ID)

	_, replay, reset, stop3 := hub.SubscribeAfter("ana", first[9].ID)
	stop3()
	require.False(t, reset)
	require.Empty(t, replay, "nothing missed")

	publish(11, 10+routing.RingSize)
	_, replay, reset, stop4 := hub.SubscribeAfter("ana", first[9].ID)
	stop4()
	require.False(t, reset, "exactly RingSize events missed are all kept")
	require.Len(t, replay, routing.RingSize)
	_, _, reset, stop5 := hub.SubscribeAfter("ana", first[8].ID)
	stop5()
	require.True(t, reset, "one more is too old")

	long := strings.Repeat("é", 1000)
	require.NoError(t, hub.Publish(ctx, routing.AgentEvent{Type: routing.EventMessage, Agent: "ana", Text: long}))
	select {
	case ev := <-live:
		require.Less(t, len([]rune(ev.Text)), 300, "an event carries the start of a long message")
		require.True(t, strings.HasPrefix(long, strings.TrimSuffix(ev.Text, "…")))
	case <-time.After(10 * time.Second):
		t.Fatal("the long message was not delivered")
	}

	for _, bad := range []string{"nonsense", "otherhub-3", first[0].ID + "0000"} {
		_, _, reset, stop := hub.SubscribeAfter("ana", bad)
		stop()
		require.True(t, reset, bad)
	}
}
