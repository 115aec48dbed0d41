package flows_test

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/blocks"
	"github.com/switchboardhq/switchboard/flows"
)

// fuzzSeeds are small flows, valid and not, in YAML and JSON: the fuzzer mutates small inputs
// thousands of times a second, where a big one (an example flow, an alias bomb) keeps it
// minimising for a minute. The limits on big files have their golden tests.
var fuzzSeeds = []struct {
	src    string
	asJSON bool
}{
	{"switchboard: 1\nid: hi\nblocks:\n  chat: {type: webchat.trigger, next: {message: say}}\n" +
		"  say: {type: reply, params: {text: 'Hola {{ contact.name }}'}, next: {sent: end, failed: end}}\n  end: {type: end}\n", false},
	{"switchboard: 1\nid: care\nvars: {brand: Acme, n: 2}\nblocks:\n  fb:\n    type: facebook.trigger\n" +
		"    params: {events: [comment, message]}\n    next: {comment: topic, message: topic}\n  topic:\n    type: filter.keywords\n" +
		"    params:\n      rules:\n        - {exit: billing, any: [factura, refund]}\n    next: {billing: route, nomatch: done}\n" +
		"  route:\n    type: route.skill\n    params: {skill: billing, priority: 'contact.vip ? 10 : vars.n'}\n    next: {done: done}\n" +
		"  done: {type: end}\n", false},
	{"switchboard: 1\nid: anchors\nui:\n  r: &r {text: hi}\nblocks:\n  chat: {type: webchat.trigger, next: {message: a}}\n" +
		"  a: {type: reply, params: *r, next: &w {sent: b, failed: b}}\n  b:\n    type: reply\n    params: {<<: *r, visibility: public}\n" +
		"    next: {<<: *w, sent: c}\n  c: {type: end}\n", false},
	{"# a comment\nswitchboard: 1\nid: wait\nblocks:\n  chat:\n    type: webchat.trigger\n    next: {message: ask}\n" +
		"  ask:\n    type: wait.reply\n    params: {timeout: 10m, save_as: answer}\n    next: {replied: set, timeout: set}\n" +
		"  set:\n    type: set\n    params:\n      vars: {n: 'len(vars.answer ?? \"\")'}\n    next: {next: ask}\n", false},
	{"switchboard: 1\nid: bad\nblocks:\n  chat: {type: webchat.trigger, next: {message: nowhere}}\n  x: {type: replly, params: {txet: 1}}\n", false},
	{"switchboard: 1\nid: dup\nid: again\nblocks: {}\n", false},
	{`{"switchboard": 1, "id": "hi", "blocks": {"chat": {"type": "webchat.trigger", "next": {"message": "say"}},` +
		` "say": {"type": "reply", "params": {"text": "Hola {{ contact.name }}"}, "next": {"sent": "end", "failed": "end"}},` +
		` "end": {"type": "end"}}}`, true},
	{`{"switchboard": 1, "id": "x", "vars": {"k": [1, "a", null, true]}, "blocks": {"x": {"type": "twitter.trigger",` +
		` "next": {"mention": "c", "dm": "c"}}, "c": {"type": "condition", "params": {"when": "interaction.public"}, "next": {"true": "e"}}, "e": {"type": "end"}}}`, true},
	{`{"switchboard": 1, "id": "bad", "blocks": {"a": {"type": "end"}, "a": {"type": 2}}}`, true},
	{"", false},
}

// addFlowSeeds seeds a fuzz target with the small flows, each also read the other way (YAML
// as JSON, JSON as YAML).
func addFlowSeeds(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s.src), s.asJSON)
		f.Add([]byte(s.src), !s.asJSON)
	}
}

// TestFuzzSeedsAreSmall keeps the seeds what they are for, and the valid ones valid.
func TestFuzzSeedsAreSmall(t *testing.T) {
	t.Parallel()
	reg := blocks.NewRegistry()
	valid := 0
	for _, s := range fuzzSeeds {
		require.Less(t, len(s.src), 1024, "a seed of %d bytes slows the fuzzer down", len(s.src))
		if f, _ := flows.Load(fuzzName(s.asJSON), []byte(s.src), reg); f != nil {
			valid++
		}
	}
	require.GreaterOrEqual(t, valid, 5, "most seeds are valid flows, which reach the most code")
}

func fuzzName(asJSON bool) string {
	if asJSON {
		return "fuzz.json"
	}
	return "fuzz.yaml"
}

// checkDiagnostics holds for the diagnostics of any input: positions inside the file (or just
// past its end), known codes with their severities, and a message.
func checkDiagnostics(t *testing.T, file string, src []byte, ds flows.Diagnostics) {
	t.Helper()
	lines := len(yamlLineBreak.FindAllIndex(src, -1)) + 1
	for _, d := range ds {
		require.Equal(t, file, d.File)
		require.GreaterOrEqual(t, d.Line, 1, "%s", d)
		require.LessOrEqual(t, d.Line, lines, "%s", d)
		require.GreaterOrEqual(t, d.Column, 1, "%s", d)
		require.NotEmpty(t, d.Message, "%s", d)
		severity, known := codeSeverity()[d.Code]
		require.True(t, known, "unknown code: %s", d)
		require.Equal(t, severity, d.Severity, "%s", d)
	}
}

// yamlLineBreak matches the line breaks YAML counts lines by.
var yamlLineBreak = regexp.MustCompile("\r\n|\r|\n|\u0085|\u2028|\u2029")

func FuzzParse(f *testing.F) {
	addFlowSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte, asJSON bool) {
		file := fuzzName(asJSON)
		doc, ds := flows.Parse(file, src)
		checkDiagnostics(t, file, src, ds)
		if doc == nil {
			require.True(t, ds.HasErrors(), "no document comes with the reason")
			return
		}
		require.Equal(t, asJSON, doc.JSON)
	})
}

func FuzzCompile(f *testing.F) {
	addFlowSeeds(f)
	reg := blocks.NewRegistry()
	f.Fuzz(func(t *testing.T, src []byte, asJSON bool) {
		file := fuzzName(asJSON)
		ds := flows.Validate(file, src, reg)
		checkDiagnostics(t, file, src, ds)
		flow, loadDiags := flows.Load(file, src, reg)
		require.Equal(t, len(ds), len(loadDiags), "Validate reports what Load does")
		if flow == nil {
			require.True(t, ds.HasErrors(), "no flow comes with the reason")
			return
		}
		require.False(t, ds.HasErrors())
		for _, n := range flow.Nodes {
			require.NotNil(t, n.Block)
			for exit, next := range n.Next {
				require.True(t, n.HasExit(exit), "block %s: wired exit %s is not one of its exits", n.ID, exit)
				require.Same(t, flow.Node(next.ID), next)
			}
		}
	})
}

func FuzzFormat(f *testing.F) {
	addFlowSeeds(f)
	reg := blocks.NewRegistry()
	f.Fuzz(func(t *testing.T, src []byte, asJSON bool) {
		file := fuzzName(asJSON)
		once, ds := flows.Format(file, src, reg)
		if once == nil {
			require.True(t, ds.HasErrors(), "no output comes with the reason")
			return
		}
		twice, ds := flows.Format(file, once, reg)
		require.Empty(t, ds, "the formatted file does not parse:\n%s", once)
		// yaml.v3 may attach a comment to another node once the file is re-indented (after an
		// empty value, or under a root mapping that was indented): the second pass settles it
		thrice, ds := flows.Format(file, twice, reg)
		require.Empty(t, ds)
		require.Equal(t, string(twice), string(thrice), "Format does not settle")
		before, after := flows.Validate(file, src, reg), flows.Validate(file, once, reg)
		require.Equal(t, before.HasErrors(), after.HasErrors(), "formatting changed whether the flow loads:\nbefore %v\nafter %v\n%s", before, after, once)
	})
}
