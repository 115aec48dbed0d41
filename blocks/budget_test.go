package blocks_test

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/blocks"
	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/sim"
)

// doubling builds a string of 128 MiB unless something stops it.
const doubling = `reduce(1..26, #acc + #acc, "ab")`

// totalAlloc runs f and returns the bytes it allocated.
func totalAlloc(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestRunBudgetTakesTheFailedExit(t *testing.T) {
	t.Parallel()
	f := around(t, "webchat", `b:
  type: reply
  params: {text: '{{ `+doubling+` }}'}
  next: {sent: done, failed: sorry}
sorry:
  type: reply
  params: {text: "Sorry, something went wrong."}
  next: {sent: done}
done: {type: end}
`)
	var o *sim.Outcome
	n := totalAlloc(func() { o = play(t, f, sim.Scenario{Interaction: message("hola")}) })
	require.Less(t, n, uint64(64<<20), "the run allocated %d bytes", n)
	require.Equal(t, engine.StatusEnded, o.Status)
	require.Equal(t, []string{"in", "b", "sorry", "done"}, o.Path)
	require.Equal(t, "failed", exitOf(t, o, "b"))
	require.Equal(t, "block b: expression \" "+strings.ReplaceAll(doubling, `"`, `\"`)+" \": run stopped: memory budget of 8 MiB exceeded building a string", o.Steps[1].Error)
}

func TestRunBudgetCountsEveryBlock(t *testing.T) {
	t.Parallel()
	// Each set builds 3 MiB, well within one evaluation's reach; the third does not fit in the
	// run's 8 MiB.
	f := around(t, "webchat", `b: {type: set, params: {vars: {a: 'repeat("xxxxxxxx", 393216)'}}, next: {next: c}}
c: {type: set, params: {vars: {b: 'repeat("yyyyyyyy", 393216)'}}, next: {next: d}}
d: {type: set, params: {vars: {c: 'repeat("zzzzzzzz", 393216)'}}, next: {next: e}}
e: {type: end}
`)
	s, trace := (&engine.Runtime{}).Start(t.Context(), f, webchat("hola"), engine.StartOptions{})
	require.Equal(t, engine.StatusFailed, s.Status)
	require.Equal(t, `block d (set): expression "repeat(\"zzzzzzzz\", 393216)": run stopped: memory budget of 8 MiB exceeded building a string`, s.Error)
	require.Equal(t, `block d: expression "repeat(\"zzzzzzzz\", 393216)": run stopped: memory budget of 8 MiB exceeded building a string`, trace[3].Error)

	s, _ = (&engine.Runtime{Limits: engine.Limits{Memory: 16 << 20}}).Start(t.Context(), f, webchat("hola"), engine.StartOptions{})
	require.Equal(t, engine.StatusEnded, s.Status, "a larger budget lets the flow through: %s", s.Error)

	// The budget is per run: a resumed session starts afresh.
	f = around(t, "webchat", `b: {type: set, params: {vars: {a: 'repeat("xxxxxxxx", 786432)'}}, next: {next: w}}
w: {type: wait.reply, params: {timeout: 1h}, next: {replied: c, timeout: c}}
c: {type: set, params: {vars: {b: 'repeat("yyyyyyyy", 786432)'}}, next: {next: e}}
e: {type: end}
`)
	rt := &engine.Runtime{}
	s, _ = rt.Start(t.Context(), f, webchat("hola"), engine.StartOptions{})
	require.Equal(t, engine.StatusWaiting, s.Status, s.Error)
	_, err := rt.Resume(t.Context(), f, s, engine.Event{Kind: engine.EventTimeout, Seq: s.Seq})
	require.NoError(t, err)
	require.Equal(t, engine.StatusEnded, s.Status, s.Error)
}

func TestRunOperationBudget(t *testing.T) {
	t.Parallel()
	f := around(t, "webchat", `b: {type: set, params: {vars: {n: 'let x = 1..1000; reduce(x, reduce(x, reduce(x, #acc + 1, 0), 0), 0)'}}, next: {next: e}}
e: {type: end}
`)
	s, _ := (&engine.Runtime{}).Start(t.Context(), f, webchat("hola"), engine.StartOptions{})
	require.Equal(t, engine.StatusFailed, s.Status)
	require.Contains(t, s.Error, "block b (set): ")
	require.Contains(t, s.Error, "run stopped: operation budget of 1000000 exceeded")
}

func TestRunDeadlineAndCancel(t *testing.T) {
	t.Parallel()
	// The block waits on its context, which only the run's deadline ends.
	reg := blocks.NewRegistry().With(testSpec("test.slow", []string{"next"}, &testBlock{
		run: func(c *engine.Context) engine.Result {
			<-c.Context().Done()
			return engine.Next("next")
		},
	}))
	f := load(t, reg, flowDoc("test", "webchat", "b: {type: test.slow, next: {next: e}}\ne: {type: end}\n"))
	s, trace := (&engine.Runtime{Limits: engine.Limits{Deadline: 100 * time.Millisecond}}).Start(t.Context(), f, webchat("hola"), engine.StartOptions{})
	require.Equal(t, engine.StatusFailed, s.Status)
	// the deadline ends the wait of b, and the run stops before e; on a machine so busy that
	// the deadline passes before b starts, the run stops before b: never past the deadline
	if len(trace) == 2 {
		require.Equal(t, "block e (end): run stopped: deadline of 100ms passed", s.Error)
	} else {
		require.Len(t, trace, 1, "the run stops before the next block")
		require.Equal(t, "block b (test.slow): run stopped: deadline of 100ms passed", s.Error)
	}

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	s, _ = (&engine.Runtime{}).Start(ctx, f, webchat("hola"), engine.StartOptions{})
	require.Equal(t, engine.StatusFailed, s.Status)
	require.Equal(t, "block in (webchat.trigger): run stopped: cancelled", s.Error)
}
