package cmd_test

import (
	"encoding/json"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/cmd"
)

const at = "2026-11-17T10:00:00-03:00"

// runJSON runs a flow with --format json and decodes what it prints.
func runJSON(t *testing.T, stdin string, args ...string) (int, map[string]any) {
	t.Helper()
	res := switchboard(t, stdin, append([]string{"run", "--format", "json"}, args...)...)
	var out map[string]any
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &out), "run prints JSON:\n%s\nstderr: %s", res.stdout, res.stderr)
	return res.code, out
}

func TestRunText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		golden string
		args   []string
	}{
		{"testdata/run/outage.golden", []string{"testdata/run/outage.yaml", "--interaction", "testdata/run/inputs/comment.json", "--emergency", "outage=on"}},
		{"testdata/run/actions.golden", []string{"testdata/run/actions.yaml", "--interaction", "testdata/run/inputs/comment.json"}},
		{"testdata/run/greet.golden", []string{"testdata/run/greet.yaml", "--interaction", "testdata/run/inputs/hola.json", "--at", at,
			"--agents", "testdata/run/inputs/agents.json", "--contact", "testdata/run/inputs/vip.json"}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			t.Parallel()
			res := switchboard(t, "", append([]string{"run"}, tt.args...)...)
			require.Equal(t, cmd.ExitOK, res.code, "stderr: %s", res.stderr)
			require.Empty(t, res.stderr)
			golden(t, tt.golden, res.stdout)
		})
	}
}

func TestRunJSON(t *testing.T) {
	t.Parallel()
	hola, err := os.ReadFile("testdata/run/inputs/hola.json")
	require.NoError(t, err)
	code, out := runJSON(t, string(hola), "testdata/run/greet.yaml", "-i", "-", "--at", at,
		"--agents", "testdata/run/inputs/agents.json", "--contact", "testdata/run/inputs/vip.json")
	require.Equal(t, cmd.ExitOK, code)
	for _, key := range []string{"interaction", "status", "path", "exits", "actions", "vars", "waiting", "error", "steps"} {
		require.Contains(t, out, key)
	}
	require.Equal(t, "waiting", out["status"])
	require.Equal(t, []any{"chat", "hello", "chat", "say", "done", "hello", "route"}, out["path"],
		"the subflow welcome.yaml beside the flow runs")
	require.Equal(t, []any{"message", "", "message", "sent", "", "done", ""}, out["exits"])
	require.Equal(t, map[string]any{"agent": "g1", "topic": "general", "welcome": map[string]any{"name": "Sol"}}, out["vars"])
	require.Equal(t, map[string]any{"kind": "agent", "ref": "simulation/6"}, withoutKey(out["waiting"], "state"))
	require.Nil(t, out["error"], "error is null when there is none")
	require.Contains(t, out, "error")

	actions := out["actions"].([]any)
	require.Len(t, actions, 2)
	require.Equal(t, "Hola Sol", actions[0].(map[string]any)["text"])
	route := actions[1].(map[string]any)
	require.Equal(t, "route", route["type"])
	require.Equal(t, "g1", route["agent"], "the most proficient agent")
	require.Equal(t, 10.0, route["priority"], "the contact is a VIP")

	in := out["interaction"].(map[string]any)
	require.Equal(t, at, in["time"], "--at is the interaction's time when it has none")
	require.Equal(t, "webchat", in["channel"])
	for _, st := range out["steps"].([]any) {
		require.Equal(t, at, st.(map[string]any)["at"])
	}
	require.Equal(t, "welcome", out["steps"].([]any)[2].(map[string]any)["flow"])
}

// withoutKey returns a JSON object without one of its keys.
func withoutKey(v any, key string) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := map[string]any{}
	for k, x := range m {
		if k != key {
			out[k] = x
		}
	}
	return out
}

func TestRunOptions(t *testing.T) {
	t.Parallel()
	hola := "testdata/run/inputs/hola.json"
	tests := []struct {
		name    string
		args    []string
		path    []string
		outcome string // of the route action, when there is one
		check   func(t *testing.T, out map[string]any)
	}{
		{
			name: "no agents: nobody is logged in",
			args: []string{"testdata/run/greet.yaml", "-i", hola, "--at", at},
			path: []string{"chat", "hello", "chat", "say", "done", "hello", "route", "end"}, outcome: "no_agents",
		},
		{
			name: "agents from a file",
			args: []string{"testdata/run/greet.yaml", "-i", hola, "--at", at, "--agents", "testdata/run/inputs/agents.json"},
			path: []string{"chat", "hello", "chat", "say", "done", "hello", "route"}, outcome: "assigned",
			check: func(t *testing.T, out map[string]any) {
				require.Equal(t, 1.0, out["actions"].([]any)[1].(map[string]any)["priority"], "no contact: not a VIP")
			},
		},
		{
			name: "an emergency switched on",
			args: []string{"testdata/run/outage.yaml", "-i", hola, "--at", at, "--emergency", "outage=on"},
			path: []string{"fb", "check", "sorry", "end"},
		},
		{
			name: "an emergency switched off",
			args: []string{"testdata/run/outage.yaml", "-i", hola, "--at", at, "--emergency", "outage=off"},
			path: []string{"fb", "check", "end"},
		},
		{
			name: "the last of a repeated switch wins",
			args: []string{"testdata/run/outage.yaml", "-i", hola, "--at", at, "--emergency", "outage=off", "--emergency", "outage=on"},
			path: []string{"fb", "check", "sorry", "end"},
		},
		{
			name: "the interaction's own time is kept, the clock set by --at",
			args: []string{"testdata/run/outage.yaml", "-i", "testdata/run/inputs/comment.json", "--at", at, "--emergency", "outage=off"},
			path: []string{"fb", "check", "end"},
			check: func(t *testing.T, out map[string]any) {
				require.Equal(t, "2026-11-17T09:30:00-03:00", out["interaction"].(map[string]any)["time"])
				require.Equal(t, at, out["steps"].([]any)[0].(map[string]any)["at"])
			},
		},
		{
			name: "without --at the clock is the interaction's time",
			args: []string{"testdata/run/outage.yaml", "-i", "testdata/run/inputs/comment.json", "--emergency", "outage=off"},
			path: []string{"fb", "check", "end"},
			check: func(t *testing.T, out map[string]any) {
				require.Equal(t, "2026-11-17T09:30:00-03:00", out["steps"].([]any)[0].(map[string]any)["at"])
			},
		},
		{
			name: "defaults from the flow's first trigger",
			args: []string{"testdata/run/outage.yaml", "-i", hola, "--at", at, "--emergency", "outage=on"},
			path: []string{"fb", "check", "sorry", "end"},
			check: func(t *testing.T, out map[string]any) {
				in := out["interaction"].(map[string]any)
				require.Equal(t, "facebook", in["channel"])
				require.Equal(t, "post", in["kind"])
				require.Equal(t, true, in["public"])
				require.Equal(t, "public", out["actions"].([]any)[0].(map[string]any)["visibility"])
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, out := runJSON(t, "", tt.args...)
			require.Equal(t, cmd.ExitOK, code)
			var path []string
			for _, p := range out["path"].([]any) {
				path = append(path, p.(string))
			}
			require.Equal(t, tt.path, path)
			if tt.outcome != "" {
				var outcomes []string
				for _, a := range out["actions"].([]any) {
					if a := a.(map[string]any); a["type"] == "route" {
						outcomes = append(outcomes, a["outcome"].(string))
					}
				}
				require.Equal(t, []string{tt.outcome}, outcomes)
			}
			if tt.check != nil {
				tt.check(t, out)
			}
		})
	}
}

func TestRunFailures(t *testing.T) {
	t.Parallel()
	t.Run("a session that fails", func(t *testing.T) {
		t.Parallel()
		res := switchboard(t, "", "run", "testdata/run/broken-call.yaml", "-i", "testdata/run/inputs/hola.json", "--at", at)
		require.Equal(t, cmd.ExitProblems, res.code)
		require.Contains(t, res.stdout, "✗ flow nowhere: no flow file in testdata/run has id nowhere: not found")
		require.True(t, strings.HasSuffix(res.stdout, "status: failed: block call (subflow): flow nowhere: no flow file in testdata/run has id nowhere: not found\n"), res.stdout)
		require.Empty(t, res.stderr)

		code, out := runJSON(t, "", "testdata/run/broken-call.yaml", "-i", "testdata/run/inputs/hola.json", "--at", at)
		require.Equal(t, cmd.ExitProblems, code)
		require.Equal(t, "failed", out["status"])
		require.Equal(t, "block call (subflow): flow nowhere: no flow file in testdata/run has id nowhere: not found", out["error"])
		require.Nil(t, out["waiting"])
	})
	t.Run("a flow with errors", func(t *testing.T) {
		t.Parallel()
		res := switchboard(t, "", "run", "testdata/run/errors.yaml", "-i", "testdata/run/inputs/hola.json", "--at", at)
		require.Equal(t, cmd.ExitProblems, res.code)
		require.Empty(t, res.stdout)
		require.Equal(t, `testdata/run/errors.yaml:9:11: error: there is no block type "replly"; did you mean "reply"? [unknown-block-type]`+"\n"+
			"switchboard: testdata/run/errors.yaml has errors\n", res.stderr)
	})
}

// Not parallel with the package's other tests: it measures what the process allocates.
func TestRunStopsAtTheRunBudget(t *testing.T) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	code, out := runJSON(t, "", "testdata/run/doubling.yaml", "-i", "testdata/run/inputs/hola.json", "--at", at)
	runtime.ReadMemStats(&after)
	allocated := after.TotalAlloc - before.TotalAlloc
	require.Less(t, allocated, uint64(64<<20), "the run allocated %d bytes", allocated)
	require.Equal(t, cmd.ExitOK, code, "the session ends by the failed exit")
	require.Equal(t, "ended", out["status"])
	require.Equal(t, []any{"chat", "greet", "sorry", "end"}, out["path"])
	require.Equal(t, []any{"message", "failed", "sent", ""}, out["exits"])
	step := out["steps"].([]any)[1].(map[string]any)
	require.Contains(t, step["error"], "block greet: ")
	require.Contains(t, step["error"], "run stopped: memory budget of 8 MiB exceeded building a string")

	res := switchboard(t, "", "run", "testdata/run/doubling.yaml", "-i", "testdata/run/inputs/hola.json", "--at", at, "--memory-budget", "64KiB")
	require.Equal(t, cmd.ExitOK, res.code, res.stderr)
	require.True(t, strings.Contains(res.stdout, "run stopped: memory budget of 64 KiB exceeded building a string"), "the flag sets the budget")

	t.Setenv("SWITCHBOARD_MEMORY_BUDGET", "1GiB")
	res = switchboard(t, "", "run", "testdata/run/doubling.yaml", "-i", "testdata/run/inputs/hola.json", "--at", at, "--operation-budget", "1000")
	require.Equal(t, cmd.ExitOK, res.code, res.stderr)
	require.True(t, strings.Contains(res.stdout, "run stopped: operation budget of 1000 exceeded"), "the flag sets the budget; the environment sets the memory budget")
}

func TestRunUsageErrors(t *testing.T) {
	t.Parallel()
	flow, hola := "testdata/run/outage.yaml", "testdata/run/inputs/hola.json"
	tests := []struct {
		name       string
		args       []string
		wantStderr string
	}{
		{"a bad --at", []string{flow, "-i", hola, "--at", "tomorrow"},
			`switchboard: --at "tomorrow": write a time such as 2026-11-17T10:00:00-03:00`},
		{"an --emergency without a state", []string{flow, "-i", hola, "--emergency", "outage"},
			`switchboard: --emergency "outage": write NAME=on or NAME=off`},
		{"an --emergency with another state", []string{flow, "-i", hola, "--emergency", "outage=maybe"},
			`switchboard: --emergency "outage=maybe": write NAME=on or NAME=off`},
		{"no --interaction", []string{flow}, "switchboard: give the interaction with --interaction FILE, or - for standard input"},
		{"an interaction file that does not exist", []string{flow, "-i", "testdata/run/inputs/nowhere.json"},
			"switchboard: open testdata/run/inputs/nowhere.json: no such file or directory"},
		{"an interaction that is not JSON", []string{flow, "-i", "testdata/run/inputs/not-json.json"},
			"switchboard: testdata/run/inputs/not-json.json: interaction: unexpected end of JSON input"},
		{"an agents file that does not exist", []string{flow, "-i", hola, "--agents", "testdata/run/inputs/nowhere.json"},
			"switchboard: open testdata/run/inputs/nowhere.json: no such file or directory"},
		{"agents that are not a list", []string{flow, "-i", hola, "--agents", "testdata/run/inputs/vip.json"},
			"switchboard: testdata/run/inputs/vip.json: json: cannot unmarshal object"},
		{"a contact file that does not exist", []string{flow, "-i", hola, "--contact", "testdata/run/inputs/nowhere.json"},
			"switchboard: open testdata/run/inputs/nowhere.json: no such file or directory"},
		{"a contact that is not JSON", []string{flow, "-i", hola, "--contact", "testdata/run/inputs/not-json.json"},
			"switchboard: testdata/run/inputs/not-json.json: unexpected end of JSON input"},
		{"a flow that does not exist", []string{"testdata/run/nowhere.yaml", "-i", hola},
			"switchboard: open testdata/run/nowhere.yaml: no such file or directory"},
		{"an unknown format", []string{flow, "-i", hola, "--format", "yaml"}, `switchboard: unknown format "yaml": use text or json`},
		{"two flows", []string{flow, flow, "-i", hola}, "switchboard: accepts 1 arg(s), received 2"},
		{"a memory budget that is not a size", []string{flow, "-i", hola, "--memory-budget", "lots"},
			`switchboard: --memory-budget "lots": write a size such as 8MiB or 16MB`},
		{"a tiny memory budget", []string{flow, "-i", hola, "--memory-budget", "1KiB"},
			`switchboard: memory budget 1 KiB: it must be at least 64 KiB`},
		{"an operation budget that is not a number", []string{flow, "-i", hola, "--operation-budget", "-5"},
			`switchboard: --operation-budget "-5": write a whole number of operations such as 1000000`},
		{"a run deadline that is not a duration", []string{flow, "-i", hola, "--run-deadline", "thirty"},
			`switchboard: --run-deadline "thirty": write a duration such as 30s or 2m`},
		{"no flow", []string{"-i", hola}, "switchboard: accepts 1 arg(s), received 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := switchboard(t, "", append([]string{"run"}, tt.args...)...)
			require.Equal(t, cmd.ExitUsage, res.code, "stdout: %s\nstderr: %s", res.stdout, res.stderr)
			require.Empty(t, res.stdout)
			require.Contains(t, res.stderr, tt.wantStderr)
		})
	}
}
