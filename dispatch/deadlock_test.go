package dispatch

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/store"
	"github.com/switchboardhq/switchboard/store/storetest"
)

// TestEchoesAndSendResultsRarelyDeadlock processes Messenger echoes of our replies (which mark
// their interactions sent) while the same sends' results are recorded (which mark the outbox
// rows, the interactions and the conversations), for many conversations at once through
// several committers, on PostgreSQL. The lock order of doc.go leaves the database few
// deadlocks to break: at most one per hundred conversations, each batch tried again with
// nothing lost, and each logged with the waits PostgreSQL reports (the early write-outs doc.go
// names are not in the order yet). SWITCHBOARD_DEADLOCK_CONVERSATIONS sets how many
// conversations (200).
func TestEchoesAndSendResultsRarelyDeadlock(t *testing.T) {
	t.Parallel()
	conversations := 200
	if v := os.Getenv("SWITCHBOARD_DEADLOCK_CONVERSATIONS"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(t, err, "SWITCHBOARD_DEADLOCK_CONVERSATIONS")
		conversations = n
	}
	h := newHarness(t, backend{Name: "postgres", URL: storetest.MigratedPostgresURL}, func(c *Config) { c.Committers = 4 })
	fb := h.facebook("")
	items := make([]store.OutboxItem, conversations)
	require.NoError(t, h.st.InTx(h.ctx, func(tx store.Tx) error {
		for i := range items {
			conv, err := tx.ConversationCreate(h.ctx, store.Conversation{ID: fmt.Sprintf("conv_%d", i), ChannelID: fb.ID,
				Customer: fmt.Sprintf("PSID-%d", i), Tags: []string{}})
			if err != nil {
				return err
			}
			a := engine.Action{ID: fmt.Sprintf("act_%d", i), Type: engine.ActionReply, Visibility: "private", Text: replyText}
			if items[i], err = tx.OutboxInsert(h.ctx, store.OutboxItem{ActionID: a.ID, ChannelID: fb.ID, ConversationID: conv.ID,
				Action: a}); err != nil {
				return err
			}
			if _, err := tx.InteractionInsert(h.ctx, outboundRecord(&conv, &a, store.OutboxPending, h.clock.Now())); err != nil {
				return err
			}
		}
		return nil
	}))

	// each worker takes its share of the conversations: the echoes first to last, the
	// results last to first, so that the two cross on every conversation
	order := rand.Perm(conversations)
	var wg sync.WaitGroup
	const workers = 16
	for w := range workers {
		var share []int
		for k := w; k < conversations; k += workers {
			share = append(share, order[k])
		}
		wg.Go(func() {
			for _, i := range share {
				h.deliverOne(fb, messengerEcho(t, fmt.Sprintf("PSID-%d", i), fmt.Sprintf("m_%d", i), items[i].ActionID, replyText,
					h.clock.Now()))
				// and a message the page wrote from the network's own tools, in the same
				// conversation
				h.deliverOne(fb, messengerEcho(t, fmt.Sprintf("PSID-%d", i), fmt.Sprintf("m_page_%d", i), "", "written by hand",
					h.clock.Now()))
			}
		})
		wg.Go(func() {
			for k := len(share) - 1; k >= 0; k-- {
				i := share[k]
				h.d.finishSend(h.ctx, items[i], store.OutboxSent, fmt.Sprintf("m_%d", i), "")
			}
		})
	}
	wg.Wait()

	deadlocks := h.st.(interface{ Deadlocks() int64 }).Deadlocks()
	t.Logf("%d conversations: %d deadlocks", conversations, deadlocks)
	require.LessOrEqual(t, deadlocks, int64(conversations/100), "the database broke deadlocks between batches")
	require.Equal(t, conversations, h.count(`SELECT count(*) FROM outbox WHERE status = 'sent'`), "every result recorded")
	require.Equal(t, 2*conversations, h.count(`SELECT count(*) FROM interactions WHERE direction = 'out' AND status = 'sent'`),
		"every reply marked sent, every message of the page recorded")
	require.Equal(t, conversations, h.count(`SELECT count(*) FROM conversations WHERE last_outbound_at IS NOT NULL`),
		"every conversation answered")
}
