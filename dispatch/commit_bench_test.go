package dispatch

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard/bench"
	"github.com/switchboardhq/switchboard/blocks"
	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/store"
	"github.com/switchboardhq/switchboard/store/storetest"
)

// loadRig is a dispatcher without committers, fed the web chat workload of `switchboard
// loadtest` (bench-routing), whose test commits exact batches itself.
type loadRig struct {
	tb    testing.TB
	ctx   context.Context
	d     *Dispatcher
	ch    store.Channel
	msgs  []bench.Message
	next  atomic.Int64
	fails atomic.Int64
}

func newLoadRig(tb testing.TB, url string, opts store.Options) *loadRig {
	tb.Helper()
	source, err := os.ReadFile("../examples/flows/bench-routing.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	opts.Clock, opts.Migrate = engine.NewManualClock(epoch), true
	st, err := store.Open(context.Background(), url, opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	ctx := context.Background()
	if _, err := st.FlowCreate(ctx, store.Flow{ID: "bench-routing", Name: "bench", Source: string(source), Format: "yaml"}, "test"); err != nil {
		tb.Fatal(err)
	}
	if _, err := st.FlowPublish(ctx, store.FlowPublishParams{ID: "bench-routing", Source: string(source), Format: "yaml",
		Author: "test", Name: "bench"}); err != nil {
		tb.Fatal(err)
	}
	ch, err := st.ChannelCreate(ctx, store.Channel{ID: "webchat-bench", Type: "webchat", Name: "bench",
		DefaultFlow: "bench-routing", Enabled: true}, "test")
	if err != nil {
		tb.Fatal(err)
	}
	d := New(Config{Store: st, Flows: NewFlowCache(st, blocks.NewRegistry()), Clock: opts.Clock, Logger: storetest.Logger(tb)})
	return &loadRig{tb: tb, ctx: ctx, d: d, ch: ch, msgs: bench.Corpus()}
}

// post handles the workload's next message as a web chat post with ?wait does.
func (r *loadRig) post() {
	n := int(r.next.Add(1) - 1)
	m := r.msgs[n%len(r.msgs)]
	body := []byte(fmt.Sprintf(`{"id":"m-%d","author":{"id":%q,"name":%q},"text":%q}`, n, m.From.ID, m.From.Name, m.Text))
	_, outs, err := r.d.Handle(r.ctx, r.ch, body)
	if err != nil || len(outs) != 1 || outs[0].Delivered != "session" {
		r.fails.Add(1)
		r.tb.Errorf("message %d: %v, %d outcomes", n, err, len(outs))
	}
}

// round posts size messages at once and commits their units in one transaction.
func (r *loadRig) round(size int) {
	var posters sync.WaitGroup
	for range size {
		posters.Go(r.post)
	}
	units := make([]*unit, 0, size)
	fns := make([]func(store.Tx) error, 0, size)
	for len(units) < size {
		select {
		case u := <-r.d.commits:
			units, fns = append(units, u), append(fns, u.fn)
		case <-time.After(time.Minute):
			r.tb.Fatalf("%d units of %d came to commit within a minute", len(units), size)
		}
	}
	for i, err := range r.d.st.InTxBatch(r.ctx, fns) {
		units[i].done <- err
	}
	posters.Wait()
}

// BenchmarkCommitInteractions handles the load test's messages in batches of 64, each run by
// the interpreter and committed with its payload, interactions and conversation: one op is one
// interaction. On PostgreSQL with SWITCHBOARD_TEST_POSTGRES set.
func BenchmarkCommitInteractions(b *testing.B) {
	for _, be := range storetest.Backends {
		b.Run(be.Name, func(b *testing.B) {
			r := newLoadRig(b, be.URL(b), store.Options{})
			for range len(r.msgs) / 64 { // every customer's conversation open
				r.round(64)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for done := 0; done < b.N; done += 64 {
				r.round(min(64, b.N-done))
			}
		})
	}
}
