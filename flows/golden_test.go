package flows_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/blocks"
	"github.com/switchboardhq/switchboard/flows"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/ with the current output")

// invalidDir holds flow files with problems, each beside a golden file of its diagnostics.
const invalidDir = "testdata/invalid"

// generatedInputs are invalid inputs too big to commit; their golden files sit in invalidDir
// under the name the input would have.
var generatedInputs = map[string]func() []byte{
	invalidDir + "/too-large.yaml":       func() []byte { return oversized(false) },
	invalidDir + "/too-large.json":       func() []byte { return oversized(true) },
	invalidDir + "/too-many-blocks.yaml": func() []byte { return manyEnds(flows.MaxBlocks+1, false) },
	invalidDir + "/too-many-blocks.json": func() []byte { return manyEnds(flows.MaxBlocks+1, true) },
	invalidDir + "/too-many-nodes.json":  func() []byte { return manyNodes(true) },
	invalidDir + "/too-many-nodes.yaml":  func() []byte { return manyNodes(false) },
	// Past MaxNodes without an alias, and past MaxBlocks: the blocks are what is too many.
	invalidDir + "/too-many-blocks-and-nodes.yaml": func() []byte { return manyLaidOutEnds(40_000, false) },
	invalidDir + "/too-many-blocks-and-nodes.json": func() []byte { return manyLaidOutEnds(40_000, true) },
}

// oversized is a valid flow padded past flows.MaxFileSize with a comment or with spaces.
func oversized(asJSON bool) []byte {
	if asJSON {
		pad := strings.Repeat(" ", flows.MaxFileSize)
		return []byte(`{"switchboard": 1, "id": "big",` + pad + `"blocks": {"chat": {"type": "webchat.trigger"}}}` + "\n")
	}
	pad := "# " + strings.Repeat("x", flows.MaxFileSize) + "\n"
	return []byte("switchboard: 1\nid: big\n" + pad + "blocks:\n  chat: {type: webchat.trigger}\n")
}

// manyEnds is a flow with a trigger and n-1 end blocks.
func manyEnds(n int, asJSON bool) []byte {
	var b strings.Builder
	if asJSON {
		b.WriteString("{\n  \"switchboard\": 1,\n  \"id\": \"many\",\n  \"blocks\": {\n    \"chat\": {\"type\": \"webchat.trigger\"}")
		for i := 1; i < n; i++ {
			fmt.Fprintf(&b, ",\n    \"end-%d\": {\"type\": \"end\"}", i)
		}
		b.WriteString("\n  }\n}\n")
		return []byte(b.String())
	}
	b.WriteString("switchboard: 1\nid: many\nblocks:\n  chat: {type: webchat.trigger}\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "  end-%d: {type: end}\n", i)
	}
	return []byte(b.String())
}

// manyNodes is a flow under the size limit whose ui holds more than flows.MaxNodes values, and
// no alias: the file is too large, in values.
func manyNodes(asJSON bool) []byte {
	zeros := strings.Repeat("0,", flows.MaxNodes) + "0"
	if asJSON {
		return []byte(`{"switchboard": 1, "id": "nodes", "blocks": {"chat": {"type": "webchat.trigger"}}, "ui": {"n": [` + zeros + "]}}\n")
	}
	return []byte("switchboard: 1\nid: nodes\nblocks:\n  chat: {type: webchat.trigger}\nui: {n: [" + zeros + "]}\n")
}

// manyLaidOutEnds is a flow with a trigger and n-1 end blocks placed on the canvas, under the
// size limit.
func manyLaidOutEnds(n int, asJSON bool) []byte {
	var b strings.Builder
	if asJSON {
		b.WriteString("{\"switchboard\": 1, \"id\": \"many\", \"blocks\": {\"chat\": {\"type\": \"webchat.trigger\"}")
		for i := 1; i < n; i++ {
			fmt.Fprintf(&b, ",\n\"e%d\": {\"type\": \"end\", \"ui\": {\"x\": %d, \"y\": 80, \"w\": 1, \"h\": 1}}", i, i)
		}
		b.WriteString("}}\n")
		return []byte(b.String())
	}
	b.WriteString("switchboard: 1\nid: many\nblocks:\n  chat: {type: webchat.trigger}\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "  e%d: {type: end, ui: {x: %d, y: 80, w: 1, h: 1}}\n", i, i)
	}
	return []byte(b.String())
}

// invalidInputs returns every invalid input by its path relative to the package: the files
// in invalidDir and the generated ones.
func invalidInputs(t testing.TB) map[string][]byte {
	t.Helper()
	inputs := map[string][]byte{}
	entries, err := os.ReadDir(invalidDir)
	require.NoError(t, err)
	for _, e := range entries {
		if e.IsDir() || strings.HasSuffix(e.Name(), ".golden") {
			continue
		}
		path := invalidDir + "/" + e.Name()
		src, err := os.ReadFile(path)
		require.NoError(t, err)
		inputs[path] = src
	}
	for path, gen := range generatedInputs {
		_, exists := inputs[path]
		require.False(t, exists, "%s is both committed and generated", path)
		inputs[path] = gen()
	}
	return inputs
}

// renderDiagnostics writes diagnostics in the three output formats, in golden-file sections.
func renderDiagnostics(t testing.TB, ds flows.Diagnostics) []byte {
	t.Helper()
	var b bytes.Buffer
	for _, section := range []struct {
		name  string
		write func(flows.Diagnostics, *bytes.Buffer) error
	}{
		{"text", func(ds flows.Diagnostics, b *bytes.Buffer) error { return ds.WriteText(b) }},
		{"github", func(ds flows.Diagnostics, b *bytes.Buffer) error { return ds.WriteGitHub(b) }},
		{"json", func(ds flows.Diagnostics, b *bytes.Buffer) error { return ds.WriteJSON(b) }},
	} {
		fmt.Fprintf(&b, "-- %s --\n", section.name)
		require.NoError(t, section.write(ds, &b))
	}
	return b.Bytes()
}

// goldenSection returns one section of a golden file.
func goldenSection(t testing.TB, golden []byte, name string) []byte {
	t.Helper()
	marker := []byte("-- " + name + " --\n")
	i := bytes.Index(golden, marker)
	require.GreaterOrEqual(t, i, 0, "no %s section", name)
	rest := golden[i+len(marker):]
	if j := bytes.Index(rest, []byte("\n-- ")); j >= 0 {
		rest = rest[:j+1]
	}
	return rest
}

func TestDiagnosticsGolden(t *testing.T) {
	reg := blocks.NewRegistry()
	inputs := invalidInputs(t)
	require.NotEmpty(t, inputs)
	for path, src := range sorted(inputs) {
		t.Run(strings.TrimPrefix(path, invalidDir+"/"), func(t *testing.T) {
			t.Parallel()
			ds := flows.Validate(path, src, reg)
			require.NotEmpty(t, ds, "an invalid input must have diagnostics")
			for _, d := range ds {
				require.Equal(t, path, d.File, "diagnostics name the file they were given")
			}
			matchGolden(t, path, renderDiagnostics(t, ds), "TestDiagnosticsGolden")
		})
	}
}

// matchGolden compares the diagnostics rendered for path with path.golden, or writes them there
// with -update; test is the test to run to make a missing golden.
func matchGolden(t *testing.T, path string, got []byte, test string) {
	t.Helper()
	golden := path + ".golden"
	if *update {
		require.NoError(t, os.WriteFile(golden, got, 0o644))
		return
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run go test ./flows -run %s -update to create it", test)
	require.Equal(t, string(want), string(got), "diagnostics of %s differ from %s (run with -update to accept)", path, golden)
}

// TestGoldenFilesHaveInputs keeps testdata/invalid free of goldens whose input was removed.
func TestGoldenFilesHaveInputs(t *testing.T) {
	goldens, err := filepath.Glob(invalidDir + "/*.golden")
	require.NoError(t, err)
	inputs := invalidInputs(t)
	for _, g := range goldens {
		_, ok := inputs[strings.TrimSuffix(filepath.ToSlash(g), ".golden")]
		require.True(t, ok, "%s has no input file and no generator", g)
	}
}

// TestEveryCodeIsGolden makes a new diagnostic code come with golden tests, in YAML and in JSON,
// and checks that each diagnostic has the severity flows.Codes gives its code.
func TestEveryCodeIsGolden(t *testing.T) {
	severity := codeSeverity()
	seen := map[string]map[string]bool{} // code → extension → seen
	goldens, err := filepath.Glob(invalidDir + "/*.golden")
	require.NoError(t, err)
	for _, g := range goldens {
		src, err := os.ReadFile(g)
		require.NoError(t, err)
		var ds []flows.Diagnostic
		require.NoError(t, json.Unmarshal(goldenSection(t, src, "json"), &ds), g)
		ext := filepath.Ext(strings.TrimSuffix(g, ".golden"))
		for _, d := range ds {
			want, known := severity[d.Code]
			require.True(t, known, "%s: code %s is not listed in flows.Codes", g, d.Code)
			require.Equal(t, want, d.Severity, "%s: %s", g, d)
			if seen[d.Code] == nil {
				seen[d.Code] = map[string]bool{}
			}
			seen[d.Code][ext] = true
		}
	}
	// JSON has no aliases: a JSON file past the node limit is too large (too-many-nodes.json).
	require.False(t, seen[flows.CodeTooManyAliases][".json"], "a JSON file has no aliases to blame")
	for _, c := range flows.Codes {
		require.True(t, seen[c.Code][".yaml"], "no golden YAML file in %s produces %s", invalidDir, c.Code)
		if c.Code != flows.CodeTooManyAliases {
			require.True(t, seen[c.Code][".json"], "no golden JSON file in %s produces %s", invalidDir, c.Code)
		}
	}
}

// codeSeverity maps each diagnostic code to its severity.
func codeSeverity() map[string]flows.Severity {
	out := make(map[string]flows.Severity, len(flows.Codes))
	for _, c := range flows.Codes {
		out[c.Code] = c.Severity
	}
	return out
}
