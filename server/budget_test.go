package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/server"
)

// doublingFlow answers with a text that doubles 26 times (128 MiB), unless the run's budget
// stops it; then it apologises.
const doublingFlow = `switchboard: 1
id: doubling
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

// budgetOutcome is what these tests read of a simulation.
type budgetOutcome struct {
	Status string   `json:"status"`
	Path   []string `json:"path"`
	Exits  []string `json:"exits"`
	Steps  []struct {
		Block string `json:"block"`
		Error string `json:"error"`
	} `json:"steps"`
	Actions []struct {
		Text string `json:"text"`
	} `json:"actions"`
}

// Not parallel with the package's other tests: it measures what the process allocates.
func TestSimulateStopsAtTheRunBudget(t *testing.T) {
	eachBackend(t, func(t *testing.T, api *testAPI) {
		api.createFlow(t, doublingFlow)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		var o budgetOutcome
		api.call(t, "POST", "/api/v1/flows/doubling/simulate", withJSON(map[string]any{})).expect(t, 200).decode(t, &o)
		runtime.ReadMemStats(&after)
		allocated := after.TotalAlloc - before.TotalAlloc
		require.Less(t, allocated, uint64(64<<20), "the simulation allocated %d bytes", allocated)

		require.Equal(t, "ended", o.Status)
		require.Equal(t, []string{"chat", "greet", "sorry", "end"}, o.Path)
		require.Equal(t, "failed", o.Exits[1])
		require.Contains(t, o.Steps[1].Error, "block greet: ")
		require.Contains(t, o.Steps[1].Error, "run stopped: memory budget of 8 MiB exceeded building a string")
		require.Equal(t, "Sorry, we could not answer that.", o.Actions[0].Text)
	})
}

func TestSimulateTakesTheServersBudget(t *testing.T) {
	t.Parallel()
	eachBackendWith(t, func(c *server.Config) { c.Limits = engine.Limits{Operations: 5000} }, func(t *testing.T, api *testAPI) {
		api.createFlow(t, `switchboard: 1
id: busy
blocks:
  chat:
    type: webchat.trigger
    next: {message: count}
  count:
    type: set
    params: {vars: {n: 'count(1..10000, # > 0)'}}
`)
		var o budgetOutcome
		api.call(t, "POST", "/api/v1/flows/busy/simulate", withJSON(map[string]any{})).expect(t, 200).decode(t, &o)
		require.Equal(t, "failed", o.Status)
		require.Contains(t, o.Steps[1].Error, "block count: ")
		require.Contains(t, o.Steps[1].Error, "run stopped: operation budget of 5000 exceeded")
	})
}

func TestShutdownStopsASimulationPastItsGracePeriod(t *testing.T) {
	t.Parallel()
	called, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	crm := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() { close(called) })
		select { // the CRM answers only when released, or when the caller gives up
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer crm.Close()
	defer close(release)

	srv, api, served := serveCRMFlow(t, backends[0].open(t), crm.URL)

	done := make(chan *reply, 1)
	go func() { done <- api.call(t, "POST", "/api/v1/flows/crm/simulate", withJSON(map[string]any{})) }()
	<-called

	// The grace period is over at once: the simulation in flight stops.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_ = srv.Shutdown(ctx)
	var o budgetOutcome
	(<-done).expect(t, 200).decode(t, &o)
	require.Equal(t, "failed", o.Status)
	require.Equal(t, []string{"chat", "ask-crm"}, o.Path)
	require.Equal(t, "error", o.Exits[1], "the CRM call was cancelled")
	require.Contains(t, o.Steps[1].Error, "context canceled")
	require.NoError(t, <-served)
}
