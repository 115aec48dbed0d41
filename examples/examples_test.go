// Package examples_test guards the example flows: their tests pass, take every exit of every
// block, and no example flow is without tests.
package examples_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/blocks"
	"github.com/switchboardhq/switchboard/flowtest"
)

// flowsDir holds the example flows, each beside its test file.
const flowsDir = "flows"

func TestExampleFlows(t *testing.T) {
	results := flowtest.Check(t, blocks.NewRegistry(), flowsDir)
	for _, res := range results {
		t.Run("exits of "+filepath.Base(res.File), func(t *testing.T) {
			require.NoError(t, res.Err, "%s should load", res.File)
			require.Empty(t, res.Untaken(), "%s: no case takes these exits of %s; add cases that do",
				res.File, res.Flow.Info.ID)
		})
	}
}

func TestEveryExampleFlowHasTests(t *testing.T) {
	t.Parallel()
	entries, err := os.ReadDir(flowsDir)
	require.NoError(t, err)
	files := map[string]bool{}
	for _, e := range entries {
		files[e.Name()] = true
	}
	var flowFiles, untested []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || filepath.Ext(name) != ".yaml" || flowtest.IsTestFile(name) {
			continue
		}
		flowFiles = append(flowFiles, name)
		if !files[strings.TrimSuffix(name, ".yaml")+".test.yaml"] {
			untested = append(untested, name)
		}
	}
	require.NotEmpty(t, flowFiles, "no example flows in %s", flowsDir)
	require.Empty(t, untested, "these example flows have no .test.yaml beside them")
}
