package blocks_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/blocks"
	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/flows"
	"github.com/switchboardhq/switchboard/sim"
)

// registry holds the built-in blocks and nothing else; registries are safe for concurrent use.
var registry = blocks.NewRegistry()

// monday is a Monday morning in UTC, the default moment of the scenarios.
var monday = time.Date(2026, 11, 16, 10, 0, 0, 0, time.UTC)

// triggerKinds are the kinds each channel's trigger takes by default, in order.
var triggerKinds = map[string][]string{
	"facebook":  {"post", "comment", "message"},
	"instagram": {"comment", "mention", "message"},
	"twitter":   {"mention", "dm"},
	"webchat":   {"message"},
}

// flowDoc wraps blocks, written as YAML keyed by block id at column 0, in a flow document
// with the given id and one trigger of channel whose every kind leads to block b.
func flowDoc(id, channel, blocks string) string {
	kinds := triggerKinds[channel]
	wires := make([]string, len(kinds))
	for i, k := range kinds {
		wires[i] = k + ": b"
	}
	var sb strings.Builder
	sb.WriteString("switchboard: 1\nid: " + id + "\nname: " + id + "\nblocks:\n")
	sb.WriteString("  in:\n    type: " + channel + ".trigger\n    next: {" + strings.Join(wires, ", ") + "}\n")
	for line := range strings.SplitSeq(strings.Trim(blocks, "\n"), "\n") {
		sb.WriteString("  " + line + "\n")
	}
	return sb.String()
}

// around loads a flow whose facebook, instagram, twitter or webchat trigger leads to block b,
// the block under test; blocks holds b and whatever follows it.
func around(t testing.TB, channel, blocks string) *engine.Flow {
	t.Helper()
	return load(t, registry, flowDoc("test", channel, blocks))
}

// load compiles a flow document, failing the test with its diagnostics when it has errors.
func load(t testing.TB, reg *engine.Registry, src string) *engine.Flow {
	t.Helper()
	f, diags := flows.Load("test.yaml", []byte(src), reg)
	require.NotNil(t, f, "the flow should load; diagnostics:\n%s\nsource:\n%s", diagText(diags), src)
	return f
}

// loadErrors returns the errors of a flow document that must not load.
func loadErrors(t testing.TB, src string) []flows.Diagnostic {
	t.Helper()
	f, diags := flows.Load("test.yaml", []byte(src), registry)
	require.Nil(t, f, "the flow should not load:\n%s", src)
	var errs []flows.Diagnostic
	for _, d := range diags {
		if d.Severity == flows.Error {
			errs = append(errs, d)
		}
	}
	require.NotEmpty(t, errs)
	return errs
}

func diagText(diags flows.Diagnostics) string {
	var sb strings.Builder
	for _, d := range diags {
		sb.WriteString(d.Path + ": " + d.Message + "\n")
	}
	return sb.String()
}

// play runs a scenario through a flow with no subflows; the scenario is at monday unless
// it says otherwise.
func play(t testing.TB, f *engine.Flow, sc sim.Scenario) *sim.Outcome {
	t.Helper()
	return playWith(t, f, sc, nil)
}

// playWith runs a scenario through a flow whose subflows come from loader.
func playWith(t testing.TB, f *engine.Flow, sc sim.Scenario, loader engine.FlowLoader) *sim.Outcome {
	t.Helper()
	if sc.At.IsZero() && sc.Interaction.Time.IsZero() {
		sc.At = monday
	}
	o, err := sim.Run(context.Background(), f, sc, loader)
	require.NoError(t, err)
	return o
}

// exitOf returns the exit the last run of a block took ("" when it waited or ended the flow).
func exitOf(t testing.TB, o *sim.Outcome, block string) string {
	t.Helper()
	for i := len(o.Path) - 1; i >= 0; i-- {
		if o.Path[i] == block {
			return o.Exits[i]
		}
	}
	require.Failf(t, "the block did not run", "block %s is not on the path %v (error: %s)", block, o.Path, errorOf(o))
	return ""
}

// stepOf returns the last step a block ran.
func stepOf(t testing.TB, o *sim.Outcome, block string) engine.Step {
	t.Helper()
	for i := len(o.Steps) - 1; i >= 0; i-- {
		if o.Steps[i].Block == block {
			return o.Steps[i]
		}
	}
	require.Failf(t, "the block did not run", "block %s is not on the path %v", block, o.Path)
	return engine.Step{}
}

func errorOf(o *sim.Outcome) string {
	if o.Error == nil {
		return ""
	}
	return *o.Error
}

// actionsOf returns the actions of one type, in the order they were sent.
func actionsOf(o *sim.Outcome, typ engine.ActionType) []*engine.Action {
	var out []*engine.Action
	for _, a := range o.Actions {
		if a.Type == typ {
			out = append(out, a)
		}
	}
	return out
}

// message is a private message with a text; the channel is the flow's first trigger's.
func message(text string) engine.Interaction {
	return engine.Interaction{Kind: "message", Text: text, Author: engine.Author{ID: "u1", Name: "Ana"}}
}

// webchat is a web chat message with a text, for runtimes started without sim.
func webchat(text string) engine.Interaction {
	in := message(text)
	in.Channel = "webchat"
	return in
}

// comment is a public facebook comment with a text.
func comment(text string) engine.Interaction {
	return engine.Interaction{Channel: "facebook", Kind: "comment", Public: true, Text: text,
		Author: engine.Author{ID: "u1", Name: "Ana"}}
}

// flowsLoad loads a flow document that may have errors.
func flowsLoad(t testing.TB, reg *engine.Registry, src string) (*engine.Flow, flows.Diagnostics) {
	t.Helper()
	return flows.Load("test.yaml", []byte(src), reg)
}
