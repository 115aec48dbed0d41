package flows_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/blocks"
	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/flows"
)

var echoSpec = engine.Spec{
	Type: "custom.echo", Title: "Echo", Category: "custom", Description: "Says the text back.",
	Params: []engine.Param{{Name: "times", Kind: engine.KindInt, Default: 1, Description: "how many times"}},
	Exits:  []string{"next"},
	Build:  func(*engine.Params) (engine.Block, error) { return nil, nil },
}

func TestReferenceMentionsEveryBlockType(t *testing.T) {
	t.Parallel()
	reg := blocks.NewRegistry().With(echoSpec)
	ref := string(flows.Reference(reg))
	require.NotEmpty(t, reg.Types())
	for _, typ := range reg.Types() {
		require.Contains(t, ref, "\n### "+typ+"\n", "the reference has no section for %s", typ)
		require.Contains(t, ref, "[`"+typ+"`](#", "the index does not link %s", typ)
	}
	require.Contains(t, ref, "## Custom\n", "a category outside engine.Categories still gets a heading")
	for _, c := range flows.Codes {
		require.Contains(t, ref, "| `"+c.Code+"` |")
	}
	for _, f := range engine.EnvFields {
		require.Contains(t, ref, "| `"+f.Path+"` |")
	}
	for _, f := range engine.Helpers {
		require.Contains(t, ref, "| `"+f.Path+"` |")
	}
	for name := range engine.Formats {
		require.Contains(t, ref, "| "+name+" |")
	}

	without := string(flows.Reference(reg.Without("custom.echo")))
	require.NotContains(t, without, "custom.echo")
}

func TestReferenceIsDeterministic(t *testing.T) {
	t.Parallel()
	reg := blocks.NewRegistry()
	first := flows.Reference(reg)
	for range 5 {
		require.Equal(t, string(first), string(flows.Reference(reg)))
	}
	require.Equal(t, string(first), string(flows.Reference(reg.Clone())), "a clone describes the same blocks")
	require.Equal(t, string(first), string(flows.Reference(blocks.NewRegistry())), "a new registry describes the same blocks")
}

func TestReferenceBlocksAreInPaletteOrder(t *testing.T) {
	t.Parallel()
	reg := blocks.NewRegistry()
	ref := string(flows.Reference(reg))
	last := -1
	for _, s := range reg.Specs() {
		at := strings.Index(ref, "\n### "+s.Type+"\n")
		require.Greater(t, at, last, "%s is out of order", s.Type)
		last = at
	}
}

func TestCatalogue(t *testing.T) {
	t.Parallel()
	reg := blocks.NewRegistry().With(echoSpec)
	cat := flows.Catalogue(reg)
	specs := reg.Specs()
	require.Len(t, cat, len(specs))
	for i, info := range cat {
		s := specs[i]
		require.Equal(t, s.Type, info.Type, "palette order")
		require.NotNil(t, info.Exits, "exits are a list, even an empty one")
		require.Len(t, info.Params, len(s.Params))
		require.Equal(t, s.Ends, info.Ends)
		require.Equal(t, s.ExitsFrom, info.ExitsFrom)
	}
	b, err := json.Marshal(cat)
	require.NoError(t, err)
	var back []map[string]any
	require.NoError(t, json.Unmarshal(b, &back))
	require.Equal(t, "custom.echo", back[len(back)-1]["type"], "a custom category comes after the known ones")
	require.Equal(t, []any{map[string]any{"name": "times", "kind": "int", "description": "how many times", "default": float64(1)}}, back[len(back)-1]["params"])
}

func TestFunctionReference(t *testing.T) {
	t.Parallel()
	const path = "../docs/functions.md"
	got := flows.FunctionReference()
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, string(want), string(got), "docs/functions.md is generated: go test ./flows -run TestFunctionReference -update")
}
