package blocks_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/blocks"
	"github.com/switchboardhq/switchboard/flows"
)

// The reference and the schema in docs/ are generated from the specs; run make docs after
// changing a spec.
func TestDocsAreCurrent(t *testing.T) {
	t.Parallel()
	reg := blocks.NewRegistry()
	for file, want := range map[string][]byte{
		"../docs/blocks.md":               flows.Reference(reg),
		"../docs/switchboard.schema.json": flows.Schema(reg),
	} {
		got, err := os.ReadFile(file)
		require.NoError(t, err)
		require.Equal(t, string(want), string(got), "%s is stale: run make docs", file)
	}
}
