package dispatch

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/store"
)

const day = 24 * time.Hour

// TestPrunerOneNodeAtATime runs two nodes' pruners on one database: only the lease holder
// prunes, logs what it pruned and reports it; the other takes over once the first stops, or
// once its lease runs out.
func TestPrunerOneNodeAtATime(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		url := b.URL(t)
		clock := engine.NewManualClock(epoch)
		open := func() store.Store {
			st, err := store.Open(context.Background(), url, store.Options{Clock: clock, Migrate: true})
			require.NoError(t, err)
			t.Cleanup(func() { st.Close() })
			return st
		}
		one, two := open(), open()
		ctx := t.Context()
		processed := func(n int) {
			for range n {
				ev, err := one.WebhookEventInsert(ctx, "fb", []byte(`{}`))
				require.NoError(t, err)
				require.NoError(t, one.InTx(ctx, func(tx store.Tx) error { return tx.WebhookEventFinish(ctx, ev.ID, "") }))
			}
		}
		policy := store.RetentionPolicy{Payloads: day}
		logs := &records{}
		reported := map[string]int{}
		a := NewPruner(PrunerConfig{Store: one, Policy: policy, Clock: clock, Logger: slog.New(logs), Node: "a",
			Every: 10 * day, Batch: 2, Pruned: func(kind string, n int) { reported[kind] += n }})
		b2 := NewPruner(PrunerConfig{Store: two, Policy: policy, Clock: clock, Logger: testLogger(t), Node: "b", Every: 10 * day})

		processed(3)
		clock.Advance(2 * day)
		require.Equal(t, store.Pruned{store.PrunePayloads: 3}, a.Step(ctx), "the first node takes the lease and prunes in batches of two")
		require.True(t, a.Leader())
		require.Equal(t, map[string]int{store.PrunePayloads: 3}, reported)
		require.Equal(t, []map[string]any{{store.PrunePayloads: int64(3)}}, logs.withMessage(slog.LevelInfo, "pruned"))

		processed(1)
		clock.Advance(2 * day)
		require.Nil(t, b2.Step(ctx), "the other node does not prune while the first holds the lease")
		require.False(t, b2.Leader())
		require.Equal(t, store.Pruned{store.PrunePayloads: 1}, a.Step(ctx), "the first node renews its lease and prunes")
		require.Empty(t, a.Step(ctx), "a round with nothing to prune")
		require.Len(t, logs.withMessage(slog.LevelInfo, "pruned"), 2, "one line per round that pruned something, none otherwise")

		// the first node stops: it gives the lease up, and the other takes over at once
		stopped, stop := context.WithCancel(ctx)
		stop()
		a.Run(stopped)
		require.False(t, a.Leader())
		processed(1)
		clock.Advance(2 * day)
		require.Equal(t, store.Pruned{store.PrunePayloads: 1}, b2.Step(ctx))
		require.True(t, b2.Leader())

		// the second node dies holding the lease: the first takes over once it runs out
		require.Nil(t, a.Step(ctx))
		processed(1)
		clock.Advance(30*day + time.Second)
		require.Equal(t, store.Pruned{store.PrunePayloads: 1}, a.Step(ctx))
	})
}

// TestRedeliveryAfterPruning delivers a message, closes its conversation, prunes its payload and
// its conversation, and delivers it again: the dedupe key outlives both, so the message is a
// duplicate and opens no conversation.
func TestRedeliveryAfterPruning(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		h := newHarness(t, b, nil)
		h.publish("quiet", triggeredFlow("quiet", "    type: end"))
		ch := h.facebook("quiet")
		comment := feedComment(t, "post_1_comment_1", "customer-1", "Ana", "hola", epoch)
		first := h.deliverOne(ch, comment)
		require.NoError(t, h.st.InTx(h.ctx, func(tx store.Tx) error {
			c, err := tx.ConversationGet(h.ctx, first.ConversationID)
			if err != nil {
				return err
			}
			now := h.clock.Now()
			c.Status, c.ClosedAt = store.ConversationClosed, &now
			return tx.ConversationUpdate(h.ctx, c)
		}))
		h.clock.Advance(2 * day)
		p := NewPruner(PrunerConfig{Store: h.st, Clock: h.clock, Logger: testLogger(t), Node: "n",
			Policy: store.RetentionPolicy{Payloads: day, Conversations: day, EventKeys: store.MinEventKeyRetention}})
		pruned := p.Step(h.ctx)
		require.Equal(t, 1, pruned[store.PrunePayloads])
		require.Equal(t, 1, pruned[store.PruneConversations])
		require.Zero(t, h.count(`SELECT count(*) FROM conversations`))

		dup := h.deliverOne(ch, comment)
		require.Equal(t, "duplicate", dup.Delivered, "a redelivery is recognised after its payload and conversation are pruned")
		require.Zero(t, h.count(`SELECT count(*) FROM conversations`))
		require.Zero(t, h.count(`SELECT count(*) FROM interactions`))
	})
}
