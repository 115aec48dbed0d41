package dispatch

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/bench"
	"github.com/switchboardhq/switchboard/blocks"
	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/store"
	"github.com/switchboardhq/switchboard/store/storetest"
)

// Round trips per interaction that the commit path may not exceed: the web chat workload of
// `switchboard loadtest` (a message stored, run and answered in one transaction), with every
// read before the transaction included. One at a time, each interaction takes its read before
// the transaction, BEGIN, its writes one statement each and COMMIT. In batches, on both
// databases, the writes of the whole batch are one statement per table (a few on SQLite, whose
// statements come in sizes of powers of two): what is left per interaction is the read before
// the transaction and the read of the conversation inside it. Both measure 2.2 to 2.4 in
// batches of 64; the bound leaves room for a batch that a busy machine makes run again.
var statementBounds = map[string]map[int]float64{
	"sqlite":   {1: 9, 64: 3},
	"postgres": {1: 9, 64: 3},
}

// TestStatementsPerInteraction counts, through a counting database driver, what each
// interaction of the load test's workload sends the database, one at a time and 64 at once.
func TestStatementsPerInteraction(t *testing.T) {
	t.Parallel()
	source, err := os.ReadFile("../examples/flows/bench-routing.yaml")
	require.NoError(t, err)
	// the first messages of the load test's corpus, each sent twice: once to open its
	// customer's conversation, once counted; four batches of 64, and 64 one at a time (the
	// figures are those of 1,000 within 0.05)
	corpus := bench.Corpus()
	eachBackend(t, func(t *testing.T, b backend) {
		for _, batch := range []int{1, 64} {
			t.Run(fmt.Sprint("batch ", batch), func(t *testing.T) {
				msgs := corpus[:max(64, 4*batch)]
				driverName, counts := storetest.CountingDriver(b.Name)
				clock := engine.NewManualClock(epoch)
				st, err := store.Open(context.Background(), b.URL(t), store.Options{Clock: clock, Migrate: true, Driver: driverName})
				require.NoError(t, err)
				t.Cleanup(func() { st.Close() })
				h := &harness{t: t, st: st, clock: clock}
				h.publish("bench-routing", string(source))
				ch := h.webchat("bench-routing")
				d := New(Config{Store: st, Flows: NewFlowCache(st, blocks.NewRegistry()), Clock: clock, Logger: testLogger(t)})
				ctx := t.Context()
				var next atomic.Int64
				post := func() {
					n := int(next.Add(1) - 1)
					m := msgs[n%len(msgs)]
					body := webchatMessage(t, fmt.Sprintf("m-%d", n), m.From.ID, m.Text)
					_, outs, err := d.Handle(ctx, ch, body)
					if !assert.NoError(t, err) || !assert.Len(t, outs, 1) {
						return
					}
					assert.Equal(t, "session", outs[0].Delivered, "message %d", n)
				}
				// commitBatch commits exactly size units in one transaction, as a committer
				// does once that many are waiting
				commitBatch := func(size int) {
					units := make([]*unit, 0, size)
					fns := make([]func(store.Tx) error, 0, size)
					for len(units) < size {
						select {
						case u := <-d.commits:
							units, fns = append(units, u), append(fns, u.fn)
						case <-time.After(time.Minute):
							t.Fatalf("%d units of %d came to commit within a minute", len(units), size)
						}
					}
					for i, err := range d.st.InTxBatch(ctx, fns) {
						units[i].done <- err
					}
				}
				// each customer's conversation opened first: what is counted is the steady state
				// of a busy server
				round := func() {
					var posters sync.WaitGroup
					for range batch {
						posters.Go(post)
					}
					commitBatch(batch)
					posters.Wait()
				}
				for range len(msgs) / batch {
					round()
				}
				counts.Reset()
				interactions := 0
				for range len(msgs) / batch {
					round()
					interactions += batch
				}
				statements, roundTrips := counts.Counts()
				perStatement := float64(statements) / float64(interactions)
				perTrip := float64(roundTrips) / float64(interactions)
				t.Logf("%s, batches of %d: %.2f statements and %.2f round trips per interaction (%d interactions)",
					b.Name, batch, perStatement, perTrip, interactions)
				bound := statementBounds[b.Name][batch]
				require.LessOrEqual(t, perTrip, bound, "round trips per interaction")
			})
		}
	})
}
