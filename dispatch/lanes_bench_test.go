package dispatch

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/blocks"
	"github.com/switchboardhq/switchboard/channels"
	"github.com/switchboardhq/switchboard/channels/fakenet"
	"github.com/switchboardhq/switchboard/store"
	"github.com/switchboardhq/switchboard/store/storetest"
)

// hangingNetwork is a proxy in front of a fake network that holds every request until the test
// lets them through: a network that does not answer.
type hangingNetwork struct {
	URL     string
	arrived atomic.Int64
	release chan struct{}
	once    sync.Once
}

func newHangingNetwork(t testing.TB, target string) *hangingNetwork {
	u, err := url.Parse(target)
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(u)
	n := &hangingNetwork{release: make(chan struct{})}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.arrived.Add(1)
		select {
		case <-n.release:
		case <-r.Context().Done():
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	n.URL = srv.URL
	t.Cleanup(srv.Close)
	t.Cleanup(n.answer) // before the server closes: its handlers return
	return n
}

// answer lets the held requests and all later ones through.
func (n *hangingNetwork) answer() { n.once.Do(func() { close(n.release) }) }

// waitFor polls cond until it holds, failing the test after a generous deadline.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	require.Eventually(t, cond, time.Minute, 5*time.Millisecond, "gave up waiting: %s", what)
}

// BenchmarkRepliesBesideAHangingNetwork measures how long a healthy channel's replies wait
// while another channel's network does not answer (its requests run into the client's 15 s
// timeout): 8 replies of the hanging channel are in flight, then 20 customers write to the
// healthy one, and the op is the time until the last of their replies reached its network
// (reported as s/last-reply). The workers run as serve runs them, on SQLite and the wall clock.
// Run it with -benchtime=1x: one op is one such scenario.
func BenchmarkRepliesBesideAHangingNetwork(b *testing.B) {
	for range b.N {
		b.StopTimer()
		wait := repliesBesideAHangingNetwork(b)
		b.ReportMetric(wait.Seconds(), "s/last-reply")
	}
}

func repliesBesideAHangingNetwork(b *testing.B) time.Duration {
	ctx, cancel := context.WithCancel(context.Background())
	st, err := store.Open(ctx, storetest.SQLiteURL(b), store.Options{Migrate: true})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	for _, f := range []func() error{
		func() error {
			_, err := st.FlowCreate(ctx, store.Flow{ID: "replies", Name: "replies", Source: repliesFlow, Format: "yaml"}, "test")
			return err
		},
		func() error {
			_, err := st.FlowPublish(ctx, store.FlowPublishParams{ID: "replies", Source: repliesFlow, Format: "yaml", Author: "test", Name: "replies"})
			return err
		},
	} {
		if err := f(); err != nil {
			b.Fatal(err)
		}
	}
	hungGraph, healthy := fakenet.NewFakeGraph(b), fakenet.NewFakeGraph(b)
	hung := newHangingNetwork(b, hungGraph.URL)
	channel := func(base string, id string) store.Channel {
		c := healthy.FacebookChannel()
		ch, err := st.ChannelCreate(ctx, store.Channel{ID: id, Type: c.Type, Name: id, Credentials: c.Credentials,
			Settings: map[string]any{"base_url": base + "/" + fakenet.GraphVersion, "account_id": pageID}, DefaultFlow: "replies",
			Enabled: true}, "test")
		if err != nil {
			b.Fatal(err)
		}
		return ch
	}
	hungCh, okCh := channel(hung.URL, "facebook-hung"), channel(healthy.URL, "facebook-ok")
	d := New(Config{Store: st, Flows: NewFlowCache(st, blocks.NewRegistry()), Sender: &channels.Client{}, Logger: storetest.Logger(b)})
	d.Start(ctx)
	defer func() {
		hung.answer()
		cancel()
		d.Wait()
	}()
	deliver := func(ch store.Channel, customer, mid string) {
		ev, err := d.Ingest(ctx, ch, messengerMessage(b, "page", pageID, customer, mid, "hola", time.Now()))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := d.Process(ctx, ev); err != nil {
			b.Fatal(err)
		}
	}
	for i := range 8 {
		deliver(hungCh, fmt.Sprintf("PSID-hung-%d", i), fmt.Sprintf("m_h%d", i))
	}
	waitFor(b, "the hanging network holds 8 requests", func() bool { return hung.arrived.Load() == 8 })
	const n = 20
	b.StartTimer()
	start := time.Now()
	for i := range n {
		deliver(okCh, fmt.Sprintf("PSID-ok-%d", i), fmt.Sprintf("m_o%d", i))
	}
	waitFor(b, "the healthy channel's replies", func() bool { return len(healthy.Requests()) == n })
	wait := time.Since(start)
	b.StopTimer()
	return wait
}
