package routing_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/routing"
	"github.com/switchboardhq/switchboard/store"
	"github.com/switchboardhq/switchboard/store/storetest"
)

// TestSLACountsEveryConversation checks the SLA of a busy day: more conversations than the
// store lists at once.
func TestSLACountsEveryConversation(t *testing.T) {
	t.Parallel()
	for name, open := range map[string]func(testing.TB, ...store.Options) store.Store{
		"sqlite": storetest.OpenSQLite, "postgres": storetest.OpenPostgres,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			clock := engine.NewManualClock(t0)
			st := open(t, store.Options{Clock: clock})
			ctx := t.Context()
			_, err := st.ChannelCreate(ctx, store.Channel{ID: "web", Type: store.ChannelWebchat, Name: "web", Enabled: true}, "test")
			require.NoError(t, err)
			// 23 conversations in pages of 10: the last page is partial, as in Compute's pages of 1000
			const n = 23
			require.NoError(t, st.InTx(ctx, func(tx store.Tx) error {
				for i := range n {
					conv, _, err := tx.ConversationOpen(ctx, "web", fmt.Sprintf("customer-%d", i), "")
					if err != nil {
						return err
					}
					if i%5 == 0 { // one in five answered after a minute
						answered := t0.Add(time.Minute)
						conv.FirstResponseAt = &answered
						if err := tx.ConversationUpdate(ctx, conv); err != nil {
							return err
						}
					}
				}
				return nil
			}))
			s, err := routing.ComputeInPages(ctx, st, t0.Add(-time.Hour), t0.Add(time.Hour), t0.Add(time.Hour), 10)
			require.NoError(t, err)
			require.Len(t, s.SLA, 1)
			sla := s.SLA[0]
			require.Equal(t, n, sla.Conversations)
			require.Equal(t, (n+4)/5, sla.Responded)
			require.NotNil(t, sla.FirstResponse)
			require.InDelta(t, 60, *sla.FirstResponse, 1e-9)
			require.Zero(t, sla.Resolved)
			require.Nil(t, sla.Resolution)
		})
	}
}
