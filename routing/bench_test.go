package routing_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard/routing"
	"github.com/switchboardhq/switchboard/store"
)

// The benchmark's contact centre: agents with random skills among benchSkills, proficiencies
// 1–20 and capacities 1–5, and benchQueued conversations waiting once every agent is full.
const (
	benchAgents = 10_000
	benchSkills = 50
	benchQueued = 100_000
	// benchBatch is how many decisions run between two tidy-ups of the board, which keep it the
	// same size; the tidy-ups are not timed.
	benchBatch = 10_000
)

var benchTypes = []string{store.ChannelWebchat, store.ChannelFacebook, store.ChannelInstagram, store.ChannelTwitter}

// benchCentre is a board and what the benchmark knows of it.
type benchCentre struct {
	board  *routing.Board
	agents []string
	// serving holds the channel types of each agent's conversations.
	serving map[string][]string
	r       *rand.Rand
	n       int
}

func (c *benchCentre) newEntry(at time.Time) *routing.Entry {
	c.n++
	return &routing.Entry{Ref: fmt.Sprintf("conv-%d", c.n), Skill: fmt.Sprintf("skill-%02d", c.r.IntN(benchSkills)),
		Priority: c.r.IntN(3), ChannelType: benchTypes[c.r.IntN(len(benchTypes))], EnqueuedAt: at}
}

// newBenchCentre makes the agents; with queued, it queues conversations until every agent is
// full and benchQueued wait, and matches them.
func newBenchCentre(tb testing.TB, queued bool, strategy string) *benchCentre {
	tb.Helper()
	c := &benchCentre{board: routing.NewBoard(), serving: map[string][]string{}, r: rand.New(rand.NewPCG(1, 2))}
	for s := range benchSkills {
		c.board.SetPolicy(fmt.Sprintf("skill-%02d", s), routing.Policy{Strategy: strategy})
	}
	places := 0
	for i := range benchAgents {
		a := routing.Agent{ID: fmt.Sprintf("agent-%05d", i), Skills: map[string]int{}, Capacity: 1 + c.r.IntN(5),
			State: routing.StateAvailable, IdleSince: t0.Add(-time.Duration(c.r.IntN(3600)) * time.Second),
			LastAssigned: t0.Add(-time.Duration(c.r.IntN(3600)) * time.Second)}
		for range 1 + c.r.IntN(4) {
			a.Skills[fmt.Sprintf("skill-%02d", c.r.IntN(benchSkills))] = 1 + c.r.IntN(20)
		}
		places += a.Capacity
		c.board.PutAgent(a)
		c.agents = append(c.agents, a.ID)
	}
	if !queued {
		return c
	}
	for i := range places + benchQueued {
		c.board.Add(c.newEntry(t0.Add(-time.Hour + time.Duration(i)*time.Millisecond)))
	}
	for _, as := range c.board.Match(t0) {
		c.serving[as.Agent.ID] = append(c.serving[as.Agent.ID], as.Entry.ChannelType)
	}
	waiting := 0
	for s := range benchSkills {
		waiting += c.board.Waiting(fmt.Sprintf("skill-%02d", s))
	}
	if waiting < benchQueued*9/10 {
		tb.Fatalf("%d conversations wait, not about %d", waiting, benchQueued)
	}
	return c
}

// cpuTimer follows a benchmark's timer and adds up the CPU time the process uses while it
// runs: on a shared machine, ns/op counts the time other processes take too, cpu-ns/op does not.
type cpuTimer struct {
	b     *testing.B
	used  time.Duration
	since time.Duration
	ok    bool
}

func newCPUTimer(b *testing.B) *cpuTimer {
	b.ReportAllocs()
	c := &cpuTimer{b: b}
	b.ResetTimer()
	c.since, c.ok = processCPU()
	return c
}

func (c *cpuTimer) stop() {
	c.b.StopTimer()
	now, _ := processCPU()
	c.used += now - c.since
}

func (c *cpuTimer) start() {
	c.since, _ = processCPU()
	c.b.StartTimer()
}

// report stops the timer and reports the CPU time per operation.
func (c *cpuTimer) report() {
	c.stop()
	if c.ok && c.b.N > 0 {
		c.b.ReportMetric(float64(c.used.Nanoseconds())/float64(c.b.N), "cpu-ns/op")
	}
}

// BenchmarkDecide measures one routing decision on a board of benchAgents agents, for each
// assignment strategy but manual (which decides nothing):
//
//   - arrival/queued: a new conversation arrives while benchQueued wait and every agent is
//     full (Offer, which queues it);
//   - arrival/assigned: a new conversation arrives and free agents are there (Offer, which
//     picks the best of them);
//   - freed: an agent finishes a conversation while benchQueued wait (AddLoad(-1), then Freed,
//     which gives it the best conversation of its skills).
//
// The aim is 10 µs or less per decision.
func BenchmarkDecide(b *testing.B) {
	for _, strategy := range routing.Strategies {
		if strategy != routing.StrategyManual {
			b.Run(strategy, func(b *testing.B) { benchmarkDecide(b, strategy) })
		}
	}
}

func benchmarkDecide(b *testing.B, strategy string) {
	b.Run("arrival/queued", func(b *testing.B) {
		c := newBenchCentre(b, true, strategy)
		batch := make([]*routing.Entry, benchBatch)
		for i := range batch {
			batch[i] = c.newEntry(t0)
		}
		assigned := 0
		timer := newCPUTimer(b)
		for i := 0; i < b.N; i++ {
			if c.board.Offer(batch[i%benchBatch], t0) != nil {
				assigned++
			}
			if i%benchBatch == benchBatch-1 {
				timer.stop()
				for _, e := range batch {
					c.board.Remove(e.Ref)
				}
				timer.start()
			}
		}
		timer.report()
		if assigned > 0 {
			b.Fatalf("%d conversations were assigned; every agent should be full", assigned)
		}
	})
	b.Run("arrival/assigned", func(b *testing.B) {
		c := newBenchCentre(b, false, strategy)
		batch := make([]*routing.Entry, benchBatch)
		for i := range batch {
			batch[i] = c.newEntry(t0)
		}
		taken := make([]*routing.Agent, benchBatch)
		queued := 0
		timer := newCPUTimer(b)
		for i := 0; i < b.N; i++ {
			k := i % benchBatch
			taken[k] = c.board.Offer(batch[k], t0)
			if k == benchBatch-1 {
				timer.stop()
				for j, a := range taken {
					if a == nil {
						queued++
						c.board.Remove(batch[j].Ref)
					} else {
						c.board.AddLoad(a.ID, batch[j].ChannelType, -1, t0)
					}
				}
				timer.start()
			}
		}
		timer.report()
		b.ReportMetric(float64(queued)/float64(b.N), "queued/op")
	})
	b.Run("freed", func(b *testing.B) {
		c := newBenchCentre(b, true, strategy)
		refill := make([]*routing.Entry, 0, benchBatch)
		timer := newCPUTimer(b)
		for i := 0; i < b.N; i++ {
			id := c.agents[i%len(c.agents)]
			types := c.serving[id]
			last := len(types) - 1
			c.board.AddLoad(id, types[last], -1, t0)
			e := c.board.Freed(id, t0)
			if e == nil {
				b.Fatalf("%s was freed and got nothing, with conversations of its skills waiting", id)
			}
			types[last] = e.ChannelType
			refill = append(refill, e)
			if len(refill) == benchBatch {
				timer.stop()
				for _, e := range refill {
					c.board.Add(e) // back in the queue, where its age puts it
				}
				refill = refill[:0]
				timer.start()
			}
		}
		timer.report()
	})
}
