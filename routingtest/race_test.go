package routingtest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/routing"
	"github.com/switchboardhq/switchboard/store"
)

// setState changes an agent's state through the store, as another node's request would.
func (c *centre) setState(t *testing.T, agent, state string) {
	t.Helper()
	require.NoError(t, c.st.InTx(c.ctx, func(tx store.Tx) error {
		st, err := tx.AgentStateGet(c.ctx, agent)
		if err != nil {
			return err
		}
		st.State, st.Since = state, c.clock.Now()
		_, err = tx.AgentStateSet(c.ctx, st)
		return err
	}))
}

// takeElsewhere gives an agent a web chat conversation through the store, as another node's
// assignment would, and returns a function that closes it.
func (c *centre) takeElsewhere(t *testing.T, agent string) func() {
	t.Helper()
	now := c.clock.Now()
	e := store.QueueEntry{Ref: "elsewhere-" + agent, SessionID: "s-elsewhere", ConversationID: "c-elsewhere", ChannelID: "web",
		ChannelType: store.ChannelWebchat, Skill: "billing", EnqueuedAt: now, Status: store.QueueAssigned, Agent: agent, AssignedAt: &now}
	require.NoError(t, c.st.InTx(c.ctx, func(tx store.Tx) error { return tx.QueueInsert(c.ctx, e) }))
	return func() {
		e.Status, e.ClosedAt = store.QueueClosed, &now
		require.NoError(t, c.st.InTx(c.ctx, func(tx store.Tx) error { return tx.QueueUpdate(c.ctx, e, store.QueueAssigned) }))
	}
}

// TestDecisionCheckedAtCommit races a change of the agent against a cycle, deterministically:
// the cycle reads the database and decides, the agent changes (through the store, as on
// another node), then the cycle commits its decision, which must be refused. The conversation
// stays queued, and goes to the agent once the agent can take it again.
func TestDecisionCheckedAtCommit(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		agent map[string]any
		// change changes the agent after the decision, and returns what undoes it.
		change func(t *testing.T, c *centre) (undo func())
	}{
		{"went on a break", nil, func(t *testing.T, c *centre) func() {
			c.setState(t, "ana", routing.StateBreak)
			return func() { c.setState(t, "ana", routing.StateAvailable) }
		}},
		{"logged out", nil, func(t *testing.T, c *centre) func() {
			c.setState(t, "ana", routing.StateOffline)
			return func() { c.setState(t, "ana", routing.StateAvailable) }
		}},
		{"busy without blending", map[string]any{"blending": false}, func(t *testing.T, c *centre) func() {
			c.setState(t, "ana", routing.StateBusy)
			return func() { c.setState(t, "ana", routing.StateAvailable) }
		}},
		{"full", map[string]any{"capacity": 1}, func(t *testing.T, c *centre) func() {
			return c.takeElsewhere(t, "ana")
		}},
		{"full for the channel type", map[string]any{"capacity": 3, "channel_capacity": map[string]int{"webchat": 1}},
			func(t *testing.T, c *centre) func() { return c.takeElsewhere(t, "ana") }},
	}
	for _, mode := range []string{"direct", "ring"} {
		for _, tc := range cases {
			t.Run(mode+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				eachBackend(t, func(t *testing.T, c *centre) {
					c.support(t, "web", map[string]any{"offer_mode": mode})
					body := map[string]any{"skills": map[string]int{"billing": 10}}
					for k, v := range tc.agent {
						body[k] = v
					}
					ana := c.agent(t, "ana", body)
					c.login(t, ana)
					conv := c.waitsForAgent(t, "web", "carla")
					var refused atomic.Int32
					c.acd.Refused = func() { refused.Add(1) }

					var undo func()
					change := func() { undo = tc.change(t, c) }
					if mode == "direct" {
						c.meanwhile(change) // between the decision and the assignment's transaction
					} else {
						c.meanwhileTx(change) // between the decision and the offer's transaction
					}
					c.step(t)
					require.NotNil(t, undo, "the agent changed between the decision and its commit")
					e := c.queue(t)[conv]
					require.Equal(t, store.QueueQueued, e.Status, "the decision is refused at its commit: the entry stays queued")
					require.Empty(t, e.Agent)
					require.NotContains(t, c.serving(t, ana), conv)
					require.Empty(t, c.ringing(t, ana))
					require.EqualValues(t, 1, refused.Load(), "the refusal is counted")

					undo()
					c.step(t)
					e = c.queue(t)[conv]
					require.Equal(t, "ana", e.Agent, "once ana can take it again, it is hers")
					if mode == "direct" {
						require.Equal(t, store.QueueAssigned, e.Status)
					} else {
						require.Equal(t, store.QueueOffered, e.Status)
					}
					require.EqualValues(t, 1, refused.Load())
				})
			})
		}
	}
}

// TestAssignmentsRespectAgentsUnderRaces runs two assigners at once (a leader whose lease
// another node took over while it was still deciding) against agents who go on breaks and
// close conversations concurrently, over many rounds, and checks the invariant: no agent is
// ever assigned a conversation after going on a break, nor more than its capacity.
func TestAssignmentsRespectAgentsUnderRaces(t *testing.T) {
	t.Parallel()
	const (
		rounds        = 4
		agents        = 5
		conversations = 10
		cycles        = 12
	)
	eachBackend(t, func(t *testing.T, c *centre) {
		c.support(t, "web", nil)
		// A second assigner on the same database that holds the lease as the same node: both
		// decide at once, from what each read.
		other := routing.New(routing.Config{Store: c.racing, Clock: c.clock, Node: "test", Resumer: c.d})
		ids := make([]string, agents)
		capacity := map[string]int{}
		for i := range ids {
			ids[i] = fmt.Sprintf("a%d", i)
			capacity[ids[i]] = 1 + i%2
			c.agent(t, ids[i], map[string]any{"skills": map[string]int{"billing": 10 + i}, "capacity": capacity[ids[i]]})
		}
		ctx := c.ctx
		r := rand.New(rand.NewPCG(1, 2))
		customer := 0
		for round := range rounds {
			for _, id := range ids {
				_, err := c.acd.SetState(ctx, id, routing.StateAvailable, "")
				require.NoError(t, err)
			}
			for range conversations {
				customer++
				c.waitsForAgent(t, "web", fmt.Sprintf("customer-%d", customer))
			}
			onBreak := slices.Clone(ids)
			r.Shuffle(len(onBreak), func(i, j int) { onBreak[i], onBreak[j] = onBreak[j], onBreak[i] })
			onBreak = onBreak[:2]
			closing := ids[r.IntN(len(ids))]

			var (
				wg       sync.WaitGroup
				mu       sync.Mutex
				failures []string
				// before holds, for each agent put on a break, the entries assigned to it
				// when the break was committed.
				before = map[string][]string{}
			)
			fail := func(format string, args ...any) {
				mu.Lock()
				defer mu.Unlock()
				failures = append(failures, fmt.Sprintf(format, args...))
			}
			checkCapacity := func() {
				open, err := c.st.QueueList(ctx, store.QueueListParams{Statuses: []string{store.QueueOffered, store.QueueAssigned}})
				if err != nil {
					fail("queue: %v", err)
					return
				}
				load := map[string]int{}
				for _, e := range open {
					load[e.Agent]++
				}
				for id, n := range load {
					if n > capacity[id] {
						fail("round %d: %s has %d conversations, over its capacity %d", round, id, n, capacity[id])
					}
				}
			}
			for _, acd := range []*routing.ACD{c.acd, other} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range cycles {
						acd.Step(ctx)
						checkCapacity()
					}
				}()
			}
			wg.Add(2)
			go func() {
				defer wg.Done()
				for _, id := range onBreak {
					if _, err := c.acd.SetState(ctx, id, routing.StateBreak, "coffee"); err != nil {
						fail("break %s: %v", id, err)
						return
					}
					refs, err := assignedTo(ctx, c.st, id)
					if err != nil {
						fail("queue of %s: %v", id, err)
						return
					}
					mu.Lock()
					before[id] = refs
					mu.Unlock()
				}
			}()
			go func() {
				defer wg.Done()
				for range cycles {
					open, err := c.st.QueueList(ctx, store.QueueListParams{Statuses: []string{store.QueueAssigned}, Agent: closing})
					if err != nil {
						fail("queue of %s: %v", closing, err)
						return
					}
					for _, e := range open {
						err := c.acd.Close(ctx, closing, e.ConversationID, "solved")
						if err != nil && !errors.Is(err, routing.ErrNotYours) {
							fail("close %s: %v", e.ConversationID, err)
						}
					}
				}
			}()
			wg.Wait()
			require.Empty(t, failures)
			checkCapacity()
			for _, id := range onBreak {
				refs, err := assignedTo(ctx, c.st, id)
				require.NoError(t, err)
				require.Subset(t, before[id], refs, "round %d: %s was assigned conversations after going on a break", round, id)
			}
			// the conversations still open are closed, for the next round to start afresh
			for _, id := range ids {
				open, err := c.st.QueueList(ctx, store.QueueListParams{Statuses: []string{store.QueueAssigned}, Agent: id})
				require.NoError(t, err)
				for _, e := range open {
					require.NoError(t, c.acd.Close(ctx, id, e.ConversationID, "solved"))
				}
			}
		}
	})
}

// assignedTo lists the entries ever assigned to an agent.
func assignedTo(ctx context.Context, st store.Store, agent string) ([]string, error) {
	entries, err := st.QueueList(ctx, store.QueueListParams{Agent: agent})
	if err != nil {
		return nil, err
	}
	var refs []string
	for _, e := range entries {
		if e.AssignedAt != nil {
			refs = append(refs, e.Ref)
		}
	}
	return refs, nil
}
