package dispatch

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
)

// doublingFlow answers a web chat visitor with a text that doubles 26 times (128 MiB), unless
// the run's budget stops it; then it apologises.
const doublingFlow = `switchboard: 1
id: doubling
name: Doubling
blocks:
  chat:
    type: webchat.trigger
    next: {message: greet}
  greet:
    type: reply
    params: {text: '{{ reduce(1..26, #acc + #acc, "ab") }}'}
    next: {sent: end, failed: sorry}
  sorry:
    type: reply
    params: {text: "Sorry, we could not answer that."}
    next: {sent: end, failed: end}
  end:
    type: end
`

// Not parallel with the package's other tests: it measures what the process allocates.
func TestRunBudgetBoundsAPublishedFlow(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		h := newHarness(t, b, nil)
		h.publish("doubling", doublingFlow)
		ch := h.webchat("doubling")
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		out := h.deliverOne(ch, webchatMessage(t, "w-1", "visitor-1", "hola"))
		runtime.ReadMemStats(&after)
		allocated := after.TotalAlloc - before.TotalAlloc
		require.Less(t, allocated, uint64(64<<20), "the message allocated %d bytes", allocated)

		require.Equal(t, engine.StatusEnded, out.Status)
		require.Equal(t, []string{"chat", "greet", "sorry", "end"}, out.Path)
		require.Equal(t, []string{"message", "failed", "sent", ""}, out.Exits)
		require.Contains(t, out.Steps.Step(1).Error, "block greet: ")
		require.Contains(t, out.Steps.Step(1).Error, "run stopped: memory budget of 8 MiB exceeded building a string")
		require.Len(t, out.Actions, 1)
		require.Equal(t, "Sorry, we could not answer that.", out.Actions[0].Text)
	})
}

func TestRunBudgetIsConfigured(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		h := newHarness(t, b, func(c *Config) { c.Limits = engine.Limits{Memory: 64 << 10} })
		h.publish("doubling", doublingFlow)
		out := h.deliverOne(h.webchat("doubling"), webchatMessage(t, "w-1", "visitor-1", "hola"))
		require.Equal(t, []string{"chat", "greet", "sorry", "end"}, out.Path)
		require.Contains(t, out.Steps.Step(1).Error, "run stopped: memory budget of 64 KiB exceeded building a string")
	})
}
