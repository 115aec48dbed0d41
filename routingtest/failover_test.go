package routingtest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/routing"
	"github.com/switchboardhq/switchboard/store"
)

// twoNodes starts nodes "a" and "b" on one database, each with its own connections, server,
// dispatcher and ACD, and one clock.
func twoNodes(t *testing.T, b backend) (a, bb *centre) {
	t.Helper()
	url := b.url(t)
	clock := engine.NewManualClock(at("08:00:00"))
	open := func() store.Store {
		st, err := store.Open(context.Background(), url, store.Options{Clock: clock, Migrate: true})
		require.NoError(t, err)
		t.Cleanup(func() { st.Close() })
		return st
	}
	stA := open()
	stB := open()
	return startNode(t, stA, clock, "a"), startNode(t, stB, clock, "b")
}

func TestLeaderFailover(t *testing.T) {
	t.Parallel()
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			a, b := twoNodes(t, be)
			a.support(t, "web", nil)
			ana := a.agent(t, "ana", map[string]any{"skills": map[string]int{"billing": 5}})
			bo := a.agent(t, "bo", map[string]any{"skills": map[string]int{"billing": 5}})

			a.acd.Step(a.ctx)
			b.acd.Step(b.ctx)
			require.True(t, a.acd.Leader(), "a took the lease first")
			require.False(t, b.acd.Leader(), "b waits")

			b.login(t, ana) // any node serves the agent API
			first := b.waitsForAgent(t, "web", "carla")
			b.acd.Step(b.ctx)
			require.Equal(t, store.QueueQueued, a.queue(t)[first].Status, "b does not decide")
			a.acd.Step(a.ctx)
			require.Equal(t, []string{first}, b.serving(t, ana), "a decides, for conversations either node took in")

			// a stops stepping (it died); its lease runs out.
			second := a.waitsForAgent(t, "web", "dora")
			a.login(t, bo)
			a.clock.Advance(routing.LeaseTTL - time.Second)
			b.acd.Step(b.ctx)
			require.False(t, b.acd.Leader(), "a's lease has not run out yet")
			require.Equal(t, store.QueueQueued, a.queue(t)[second].Status)
			a.clock.Advance(2 * time.Second)
			b.acd.Step(b.ctx)
			require.True(t, b.acd.Leader(), "b took the lease over")
			require.Equal(t, []string{second}, a.serving(t, bo), "and assigned what waited")

			a.acd.Step(a.ctx)
			require.False(t, a.acd.Leader(), "a, back, finds b leading")
			a.clock.Advance(routing.LeaseTTL / 2)
			b.acd.Step(b.ctx)
			a.clock.Advance(routing.LeaseTTL / 2)
			a.acd.Step(a.ctx)
			require.False(t, a.acd.Leader(), "b renews its lease as it steps")
			require.True(t, b.acd.Leader())
		})
	}
}

func TestLeaderStepsDownWhenItStops(t *testing.T) {
	t.Parallel()
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			a, b := twoNodes(t, be)
			a.support(t, "web", nil)
			ana := a.agent(t, "ana", map[string]any{"skills": map[string]int{"billing": 5}})
			a.login(t, ana)

			ctx, stop := context.WithCancel(context.Background())
			ran := make(chan struct{})
			go func() {
				defer close(ran)
				a.acd.Run(ctx)
			}()
			eventually(t, "a leads while it runs", a.acd.Leader)
			conv := b.waitsForAgent(t, "web", "carla")
			eventually(t, "a, woken by the queue, assigns the conversation", func() bool {
				return len(a.serving(t, ana)) == 1
			})
			require.Equal(t, []string{conv}, a.serving(t, ana))

			stop()
			<-ran
			require.False(t, a.acd.Leader(), "a stopped: it leads no more")
			b.acd.Step(b.ctx)
			require.True(t, b.acd.Leader(), "a gave its lease up: b takes it at once, the clock unmoved")
		})
	}
}
