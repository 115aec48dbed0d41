package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/store"
	"github.com/switchboardhq/switchboard/store/storetest"
)

// TestInTxBatch checks the batch writer on both databases: units that fail are left out with
// their own error while the others commit, a unit sees what the units before it wrote (buffered
// or not), and a unit runs again from scratch when another of its batch fails.
func TestInTxBatch(t *testing.T) {
	t.Parallel()
	storetest.EachBackend(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		clock := engine.NewManualClock(time.Date(2025, 11, 21, 11, 10, 0, 0, time.UTC))
		st, err := store.Open(ctx, b.URL(t), store.Options{Clock: clock, Migrate: true})
		require.NoError(t, err)
		t.Cleanup(func() { st.Close() })

		// what the units find stored
		conv := store.Conversation{ID: "conv_a", ChannelID: "chat", Customer: "ann", Tags: []string{}}
		var sess store.Session
		require.NoError(t, st.InTx(ctx, func(tx store.Tx) error {
			if _, err := tx.ConversationCreate(ctx, conv); err != nil {
				return err
			}
			if err := tx.EventKeyInsert(ctx, "chat", "seen-before"); err != nil {
				return err
			}
			sess, err = tx.SessionInsert(ctx, store.Session{ID: "s_a", ConversationID: "conv_a",
				State: engine.Session{ID: "s_a", FlowID: "f", FlowVersion: 1, Status: engine.StatusWaiting, Seq: 1}})
			return err
		}))

		runs := make([]int, 8)
		var inserted store.Interaction
		units := []func(store.Tx) error{
			// 0: a new key and an interaction, then the conversation
			func(tx store.Tx) error {
				runs[0]++
				if err := tx.EventKeyInsert(ctx, "chat", "k1"); err != nil {
					return err
				}
				in, err := tx.InteractionInsert(ctx, store.Interaction{ConversationID: "conv_a", ChannelID: "chat",
					Direction: store.Outbound, Kind: "message", Text: "hello", ActionID: "act-1", Status: store.OutboxPending})
				if err != nil {
					return err
				}
				inserted = in
				c, err := tx.ConversationGet(ctx, "conv_a")
				if err != nil {
					return err
				}
				c.Skill = "billing"
				return tx.ConversationUpdate(ctx, c)
			},
			// 1: the same key again, in the same batch: a duplicate
			func(tx store.Tx) error {
				runs[1]++
				return tx.EventKeyInsert(ctx, "chat", "k1")
			},
			// 2: a key stored before the batch: a duplicate
			func(tx store.Tx) error {
				runs[2]++
				return tx.EventKeyInsert(ctx, "chat", "seen-before")
			},
			// 3: sees unit 0's interaction and conversation, and changes both
			func(tx store.Tx) error {
				runs[3]++
				rec, err := tx.InteractionByAction(ctx, "act-1")
				if err != nil {
					return err
				}
				if rec.Text != "hello" {
					return fmt.Errorf("read %q, not unit 0's interaction", rec.Text)
				}
				rec.Status, rec.ExternalID = store.OutboxSent, "mid.1"
				if err := tx.InteractionUpdate(ctx, rec); err != nil {
					return err
				}
				c, err := tx.ConversationGet(ctx, "conv_a")
				if err != nil {
					return err
				}
				if c.Skill != "billing" {
					return fmt.Errorf("read skill %q, not unit 0's", c.Skill)
				}
				c.Important = true
				return tx.ConversationUpdate(ctx, c)
			},
			// 4: updates the session from its stored version
			func(tx store.Tx) error {
				runs[4]++
				row := sess
				row.State.Seq = 2
				_, err := tx.SessionUpdate(ctx, row, sess.Version)
				return err
			},
			// 5: updates it from the same version again: stale
			func(tx store.Tx) error {
				runs[5]++
				_, err := tx.SessionUpdate(ctx, sess, sess.Version)
				return err
			},
			// 6: a conversation that is not there
			func(tx store.Tx) error {
				runs[6]++
				return tx.ConversationUpdate(ctx, store.Conversation{ID: "conv_missing", ChannelID: "chat", Customer: "bob"})
			},
			// 7: finds unit 3's external id
			func(tx store.Tx) error {
				runs[7]++
				rec, err := tx.InteractionByExternal(ctx, "chat", "mid.1")
				if err != nil {
					return err
				}
				if rec.Status != store.OutboxSent {
					return fmt.Errorf("read status %q, not unit 3's", rec.Status)
				}
				return nil
			},
		}
		errs := st.InTxBatch(ctx, units)
		for i, want := range []error{nil, store.ErrDuplicate, store.ErrDuplicate, nil, nil, store.ErrStale, store.ErrNotFound, nil} {
			if want == nil {
				require.NoError(t, errs[i], "unit %d", i)
			} else {
				require.True(t, errors.Is(errs[i], want), "unit %d: want %v, got %v", i, want, errs[i])
			}
		}
		for i, n := range runs {
			require.LessOrEqual(t, n, 8, "unit %d ran %d times", i, n)
		}

		got, err := st.InteractionGet(ctx, inserted.ID)
		require.NoError(t, err, "the interaction is stored with the id the unit was given")
		require.Equal(t, "mid.1", got.ExternalID)
		require.Equal(t, store.OutboxSent, got.Status)
		c, err := st.ConversationGet(ctx, "conv_a")
		require.NoError(t, err)
		require.Equal(t, "billing", c.Skill, "unit 0's change is kept")
		require.True(t, c.Important, "unit 3's change is kept")
		s, err := st.SessionGet(ctx, "s_a")
		require.NoError(t, err)
		require.Equal(t, sess.Version+1, s.Version, "one update of the session")
		require.EqualValues(t, 2, s.Seq)
		seen, err := st.EventKeyExists(ctx, "chat", "k1")
		require.NoError(t, err)
		require.True(t, seen)
	})
}
