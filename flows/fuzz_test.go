package flows_test

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/blocks"
	"github.com/switchboardhq/switchboard/flows"
)

// addFlowSeeds seeds a fuzz target with every file in the examples and in testdata/invalid,
// each read both as YAML and as JSON.
func addFlowSeeds(f *testing.F) {
	var paths []string
	for _, dir := range []string{examplesDir, invalidDir} {
		entries, err := os.ReadDir(dir)
		require.NoError(f, err)
		for _, e := range entries {
			if !e.IsDir() && filepath.Ext(e.Name()) != ".golden" {
				paths = append(paths, filepath.Join(dir, e.Name()))
			}
		}
	}
	require.NotEmpty(f, paths)
	for _, p := range paths {
		src, err := os.ReadFile(p)
		require.NoError(f, err)
		f.Add(src, false)
		f.Add(src, true)
	}
	f.Add([]byte(anchoredFlow), false)
	f.Add([]byte(varsFlow), false)
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
