package blocks_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/switchboardhq/switchboard/blocks"
	"github.com/switchboardhq/switchboard/engine"
)

func TestRegister(t *testing.T) {
	t.Parallel()
	var types []string
	for _, s := range blocks.Specs() {
		types = append(types, s.Type)
	}
	slices.Sort(types)
	require.Equal(t, types, blocks.NewRegistry().Types(), "NewRegistry holds the built-in blocks and nothing else")
	for _, typ := range types {
		_, ok := engine.DefaultRegistry().Lookup(typ)
		require.True(t, ok, "importing blocks registers %s in the default registry", typ)
	}
	require.Panics(t, func() { blocks.Register(blocks.NewRegistry()) }, "a block type registered twice is a programmer error")
}

// TestSpecExamplesLoad places every example of every built-in block in a flow, with an end
// block for each block its next names, and loads it.
func TestSpecExamplesLoad(t *testing.T) {
	t.Parallel()
	for _, spec := range blocks.Specs() {
		for _, ex := range spec.Examples {
			t.Run(spec.Type+"/"+ex.Title, func(t *testing.T) {
				t.Parallel()
				var parsed struct {
					Type string            `yaml:"type"`
					Next map[string]string `yaml:"next"`
				}
				require.NoError(t, yaml.Unmarshal([]byte(ex.YAML), &parsed))
				require.Equal(t, spec.Type, parsed.Type, "the example is of its own block type")

				var sb strings.Builder
				sb.WriteString("switchboard: 1\nid: example\nname: example\nvars: {topic: billing, crm_token: t}\nblocks:\n")
				if spec.Trigger == "" {
					sb.WriteString("  in:\n    type: webchat.trigger\n    next: {message: b}\n")
				}
				sb.WriteString("  b:\n")
				for line := range strings.SplitSeq(strings.TrimRight(ex.YAML, "\n"), "\n") {
					sb.WriteString("    " + line + "\n")
				}
				var targets []string
				for _, target := range parsed.Next {
					if target != "b" && target != "in" && !slices.Contains(targets, target) {
						targets = append(targets, target)
					}
				}
				slices.Sort(targets)
				for _, target := range targets {
					sb.WriteString("  " + target + ": {type: end}\n")
				}
				f := load(t, registry, sb.String())
				require.Equal(t, spec.Type, f.Node("b").Type)
			})
		}
	}
}
