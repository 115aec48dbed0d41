package flows_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/blocks"
	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/flows"
)

// flowSummary is what a loaded flow does, as plain data that two loads can be compared by.
type flowSummary struct {
	Info        engine.FlowInfo
	Description string
	Vars        []engine.Entry
	Nodes       []nodeSummary
}

type nodeSummary struct {
	ID, Type string
	Exits    []string
	Next     map[string]string
	Params   string
}

func summarize(t *testing.T, f *engine.Flow) flowSummary {
	t.Helper()
	s := flowSummary{Info: f.Info, Description: f.Description, Vars: f.Vars}
	for _, n := range f.Nodes {
		params, err := json.Marshal(n.Params)
		require.NoError(t, err)
		next := map[string]string{}
		for exit, to := range n.Next {
			require.NotNil(t, to, "block %s: exit %s leads nowhere", n.ID, exit)
			require.Same(t, f.Node(to.ID), to, "block %s: exit %s leads outside the flow", n.ID, exit)
			next[exit] = to.ID
		}
		require.NotNil(t, n.Block, "block %s was not built", n.ID)
		s.Nodes = append(s.Nodes, nodeSummary{ID: n.ID, Type: n.Type, Exits: n.Exits, Next: next, Params: string(params)})
	}
	return s
}

func TestExamplesAreValid(t *testing.T) {
	reg := blocks.NewRegistry()
	for path, src := range sorted(exampleFlows(t)) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			t.Parallel()
			ds := flows.Validate(path, src, reg)
			require.Empty(t, ds, "an example must have no errors and no warnings")
			f, ds := flows.Load(path, src, reg)
			require.Empty(t, ds)
			require.NotNil(t, f)
			doc, _ := flows.Parse(path, src)
			require.Len(t, f.Nodes, len(doc.Blocks), "every block becomes a node")
			require.Equal(t, doc.ID, f.Info.ID)
		})
	}
}

func TestJSONAndYAMLLoadTheSameFlow(t *testing.T) {
	reg := blocks.NewRegistry()
	inputs := exampleFlows(t)
	inputs["anchors.yaml"] = []byte(anchoredFlow)
	inputs["vars.yaml"] = []byte(varsFlow)
	for path, src := range sorted(inputs) {
		if flows.IsJSON(path) {
			continue
		}
		t.Run(filepath.Base(path), func(t *testing.T) {
			t.Parallel()
			asJSON := yamlToJSON(t, src)
			jsonPath := strings.TrimSuffix(path, filepath.Ext(path)) + ".json"
			fromYAML, ds := flows.Load(path, src, reg)
			require.Empty(t, ds)
			fromJSON, ds := flows.Load(jsonPath, asJSON, reg)
			require.Empty(t, ds, "the JSON form:\n%s", asJSON)
			require.Equal(t, summarize(t, fromYAML), summarize(t, fromJSON))
		})
	}
}

const varsFlow = `switchboard: 1
id: vars
name: Vars
description: Every kind of initial value.
vars:
  brand: Acme
  retries: 3
  ratio: 0.5
  vip_only: false
  nothing: null
  words: [hola, "chau"]
  limits: {max: 10, unit: minutes}
  quoted_number: "42"
blocks:
  chat:
    type: webchat.trigger
    next: {message: hi}
  hi:
    type: reply
    params: {text: "{{ vars.brand }} {{ vars.retries + 1 }} {{ vars.limits.unit }}"}
    next: {sent: done, failed: done}
  done: {type: end}
`

func TestVars(t *testing.T) {
	t.Parallel()
	f, ds := flows.Load("vars.yaml", []byte(varsFlow), blocks.NewRegistry())
	require.Empty(t, ds)
	require.NotNil(t, f)
	require.Equal(t, []engine.Entry{
		{Key: "brand", Value: "Acme"},
		{Key: "retries", Value: 3},
		{Key: "ratio", Value: 0.5},
		{Key: "vip_only", Value: false},
		{Key: "nothing", Value: nil},
		{Key: "words", Value: []any{"hola", "chau"}},
		{Key: "limits", Value: map[string]any{"max": 10, "unit": "minutes"}},
		{Key: "quoted_number", Value: "42"},
	}, f.Vars, "vars keep their written order and YAML's types")
	require.Equal(t, engine.FlowInfo{ID: "vars", Name: "Vars"}, f.Info)
	require.Equal(t, "Every kind of initial value.", f.Description)

	vars := map[string]any{}
	for _, v := range f.Vars {
		vars[v.Key] = v.Value
	}
	text := f.Node("hi").Params.Templates("text")
	require.Len(t, text, 1)
	got, err := text[0].Render(nil, &engine.Env{Vars: vars})
	require.NoError(t, err)
	require.Equal(t, "Acme 4 minutes", got, "the compiled template reads the flow's vars")
}

// anchoredFlow shares parameters and wiring through anchors, aliases and << merges.
const anchoredFlow = `switchboard: 1
id: anchors
ui:
  shared:
    reply: &reply {visibility: private, text: "Hola {{ contact.name }}"}
    wires: &wires {sent: done, failed: done}
    route: &route {timeout: 30m, preferred_agent: false}
blocks:
  chat:
    type: webchat.trigger
    next: {message: first}
  first:
    type: reply
    params: *reply
    next:
      <<: *wires
      sent: second
  second:
    type: reply
    params:
      <<: *reply
      visibility: public
    next: {<<: *wires, failed: to-billing}
  to-billing:
    type: route.skill
    params:
      <<: [*route, {skill: general, timeout: 5m, priority: 3}]
      skill: billing
    next: &route-wires {done: done, timeout: bye, overflow: bye, no_agents: bye}
  done: &end {type: end}
  bye: *end
`

func TestAnchorsAndMergeKeys(t *testing.T) {
	t.Parallel()
	f, ds := flows.Load("anchors.yaml", []byte(anchoredFlow), blocks.NewRegistry())
	require.Empty(t, ds)
	require.NotNil(t, f)

	first, second, route := f.Node("first"), f.Node("second"), f.Node("to-billing")
	require.Equal(t, "private", first.Params.String("visibility"), "an alias shares the whole mapping")
	require.Equal(t, "public", second.Params.String("visibility"), "a key written beside << wins over the merged one")
	require.Equal(t, "Hola {{ contact.name }}", second.Params.Templates("text")[0].Source, "the other keys are merged")

	require.Equal(t, "second", first.Next["sent"].ID, "a key written beside << wins in next too")
	require.Equal(t, "done", first.Next["failed"].ID)
	require.Equal(t, "done", second.Next["sent"].ID)
	require.Equal(t, "to-billing", second.Next["failed"].ID)

	require.Equal(t, "billing", mustRender(t, route.Params.Template("skill")), "the written skill wins over both merged ones")
	require.Equal(t, "30m0s", route.Params.Duration("timeout").String(), "of merged mappings, the first listed wins")
	require.False(t, route.Params.Bool("preferred_agent"))
	v, err := route.Params.Expression("priority").Eval(nil, &engine.Env{})
	require.NoError(t, err)
	require.Equal(t, 3, v, "keys only the later merged mapping has are merged too")

	require.Equal(t, "end", f.Node("bye").Type, "a whole block may be an alias")
	require.Equal(t, "bye", route.Next["timeout"].ID)
}

func mustRender(t *testing.T, tmpl *engine.Template) string {
	t.Helper()
	require.NotNil(t, tmpl)
	s, err := tmpl.Render(nil, &engine.Env{})
	require.NoError(t, err)
	return s
}

func TestParseDocument(t *testing.T) {
	t.Parallel()
	doc, ds := flows.Parse("vars.yaml", []byte(varsFlow))
	require.Empty(t, ds)
	require.NotNil(t, doc)
	require.Equal(t, "vars.yaml", doc.File)
	require.False(t, doc.JSON)
	require.Equal(t, 1, doc.Version, "the format the file is written in")
	require.Equal(t, "vars", doc.ID)
	require.Equal(t, "Vars", doc.Name)
	require.Equal(t, "Every kind of initial value.", doc.Description)
	var names []string
	for _, v := range doc.Vars {
		names = append(names, v.Name)
	}
	require.Equal(t, []string{"brand", "retries", "ratio", "vip_only", "nothing", "words", "limits", "quoted_number"}, names)
	var ids []string
	for _, b := range doc.Blocks {
		ids = append(ids, b.ID+":"+b.Type)
	}
	require.Equal(t, []string{"chat:webchat.trigger", "hi:reply", "done:end"}, ids, "blocks in written order")
	require.Equal(t, []flows.Wire{{Exit: "sent", Target: "done"}, {Exit: "failed", Target: "done"}},
		stripWires(doc.Blocks[1].Wires), "wires in written order")

	doc, ds = flows.Parse("flow.JSON", []byte(`{"switchboard": 1, "id": "j", "blocks": {}}`))
	require.Empty(t, ds)
	require.True(t, doc.JSON, "the extension says JSON, in any case")
}

// stripWires drops the unexported node pointers so wires compare by exit and target.
func stripWires(ws []flows.Wire) []flows.Wire {
	out := make([]flows.Wire, len(ws))
	for i, w := range ws {
		out[i] = flows.Wire{Exit: w.Exit, Target: w.Target}
	}
	return out
}

func TestErrorsGiveNoFlow(t *testing.T) {
	reg := blocks.NewRegistry()
	valid := "switchboard: 1\nid: ok\nblocks:\n  chat: {type: webchat.trigger, next: {message: done}}\n  done: {type: end}\n"
	tests := []struct {
		name, src string
		parsed    bool   // Parse returns a document
		code      string // a code among the diagnostics
		flow      bool   // Load returns a flow
	}{
		{name: "valid", src: valid, parsed: true, flow: true},
		{name: "warnings only", src: valid + "  orphan: {type: end}\n", parsed: true, code: flows.CodeUnreachableBlock, flow: true},
		{name: "syntax", src: "switchboard: 1\nid: [\n", code: flows.CodeSyntax},
		{name: "parse error", src: valid + "id: again\n", parsed: true, code: flows.CodeDuplicateKey},
		{name: "missing id", src: strings.Replace(valid, "id: ok\n", "", 1), parsed: true, code: flows.CodeMissingField},
		{name: "compile error", src: strings.Replace(valid, "type: end", "type: the-end", 1), parsed: true, code: flows.CodeUnknownBlockType},
		{name: "graph error", src: strings.Replace(valid, "message: done", "message: chat", 1), parsed: true, code: flows.CodeLoopWithoutWait},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc, parseDiags := flows.Parse("f.yaml", []byte(tt.src))
			require.Equal(t, tt.parsed, doc != nil, "Parse returns a document: %v", parseDiags)
			f, ds := flows.Load("f.yaml", []byte(tt.src), reg)
			require.Equal(t, tt.flow, f != nil, "Load returns a flow: %v", ds)
			require.Equal(t, !tt.flow, ds.HasErrors())
			if tt.code != "" {
				require.True(t, slices.ContainsFunc(ds, func(d flows.Diagnostic) bool { return d.Code == tt.code }), "want %s among %v", tt.code, ds)
			} else {
				require.Empty(t, ds)
			}
			if doc == nil {
				return
			}
			f, compileDiags := flows.Compile(doc, reg)
			require.Equal(t, tt.flow, f != nil, "Compile returns a flow only for a document without errors")
			for _, d := range compileDiags {
				require.NotContains(t, parseDiags, d, "Compile does not repeat Parse's diagnostics")
			}
			require.ElementsMatch(t, ds, append(parseDiags, compileDiags...), "Load reports what Parse and Compile do")
		})
	}
}

func TestLoadFileAndDirLoader(t *testing.T) {
	t.Parallel()
	reg := blocks.NewRegistry()
	dir := t.TempDir()
	write := func(name, src string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644))
	}
	write("main.yaml", varsFlow)
	write("anchors.yml", anchoredFlow)
	write("broken.yaml", "switchboard: 1\nid: broken\nblocks:\n  x: {type: nope}\n")
	write("vars.test.yaml", "flow: main.yaml\n") // a flow test, not a flow, even with a flow's id
	write("notes.txt", "id: vars\n")

	f, ds, err := flows.LoadFile(filepath.Join(dir, "main.yaml"), reg)
	require.NoError(t, err)
	require.Empty(t, ds)
	require.Equal(t, "vars", f.Info.ID)
	_, _, err = flows.LoadFile(filepath.Join(dir, "missing.yaml"), reg)
	require.ErrorIs(t, err, os.ErrNotExist)

	load := flows.DirLoader(dir, reg)
	ctx := context.Background()
	f, err = load(ctx, "anchors")
	require.NoError(t, err)
	require.Equal(t, "anchors", f.Info.ID)
	_, err = load(ctx, "broken")
	require.ErrorContains(t, err, "flow broken has errors")
	_, err = load(ctx, "elsewhere")
	require.True(t, errors.Is(err, engine.ErrNotFound), "a missing flow is engine.ErrNotFound: %v", err)
}
