package flows_test

import (
	"bytes"
	"encoding/json"
	"iter"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// examplesDir holds the example flows, which must all be valid and formatted.
const examplesDir = "../examples/flows"

// exampleFlows returns the example flow files by path (flow tests, *.test.yaml, are not flows).
func exampleFlows(t testing.TB) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, pattern := range []string{"*.yaml", "*.yml", "*.json"} {
		paths, err := filepath.Glob(filepath.Join(examplesDir, pattern))
		require.NoError(t, err)
		for _, p := range paths {
			if strings.Contains(filepath.Base(p), ".test.") {
				continue
			}
			src, err := os.ReadFile(p)
			require.NoError(t, err)
			out[filepath.ToSlash(p)] = src
		}
	}
	require.NotEmpty(t, out, "no example flows in %s", examplesDir)
	return out
}

// yamlToJSON rewrites a YAML document as JSON with the keys in written order, aliases and <<
// merges expanded, and numbers, booleans and nulls as YAML resolved them.
func yamlToJSON(t testing.TB, src []byte) []byte {
	t.Helper()
	var doc yaml.Node
	require.NoError(t, yaml.Unmarshal(src, &doc))
	require.Len(t, doc.Content, 1)
	var b bytes.Buffer
	writeNodeJSON(t, &b, doc.Content[0])
	b.WriteByte('\n')
	require.True(t, json.Valid(b.Bytes()), "not JSON: %s", b.String())
	return b.Bytes()
}

func writeNodeJSON(t testing.TB, b *bytes.Buffer, n *yaml.Node) {
	t.Helper()
	for n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	switch n.Kind {
	case yaml.MappingNode:
		b.WriteByte('{')
		for i, kv := range mergedPairs(n) {
			if i > 0 {
				b.WriteString(", ")
			}
			writeJSONString(t, b, kv[0].Value)
			b.WriteString(": ")
			writeNodeJSON(t, b, kv[1])
		}
		b.WriteByte('}')
	case yaml.SequenceNode:
		b.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				b.WriteString(", ")
			}
			writeNodeJSON(t, b, c)
		}
		b.WriteByte(']')
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!int":
			var i int64
			require.NoError(t, n.Decode(&i))
			b.WriteString(strconv.FormatInt(i, 10))
		case "!!float":
			var f float64
			require.NoError(t, n.Decode(&f))
			b.WriteString(strconv.FormatFloat(f, 'g', -1, 64))
		case "!!bool":
			var v bool
			require.NoError(t, n.Decode(&v))
			b.WriteString(strconv.FormatBool(v))
		case "!!null":
			b.WriteString("null")
		default:
			writeJSONString(t, b, n.Value)
		}
	default:
		t.Fatalf("cannot write a YAML node of kind %v as JSON", n.Kind)
	}
}

// mergedPairs returns a mapping's pairs with << merges expanded; explicit keys win.
func mergedPairs(m *yaml.Node) [][2]*yaml.Node {
	for m.Kind == yaml.AliasNode {
		m = m.Alias
	}
	var out, merged [][2]*yaml.Node
	has := func(key string) bool {
		for _, kv := range out {
			if kv[0].Value == key {
				return true
			}
		}
		return false
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		for v.Kind == yaml.AliasNode {
			v = v.Alias
		}
		if k.ShortTag() == "!!merge" {
			sources := []*yaml.Node{v}
			if v.Kind == yaml.SequenceNode {
				sources = v.Content
			}
			for _, s := range sources {
				merged = append(merged, mergedPairs(s)...)
			}
			continue
		}
		out = append(out, [2]*yaml.Node{k, v})
	}
	for _, kv := range merged {
		if !has(kv[0].Value) {
			out = append(out, kv)
		}
	}
	return out
}

func writeJSONString(t testing.TB, b *bytes.Buffer, s string) {
	t.Helper()
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	require.NoError(t, enc.Encode(s))
	b.Truncate(b.Len() - 1)
}

// sorted yields files by path, so that subtests run and fail in a stable order.
func sorted(files map[string][]byte) iter.Seq2[string, []byte] {
	return func(yield func(string, []byte) bool) {
		for _, path := range slices.Sorted(maps.Keys(files)) {
			if !yield(path, files[path]) {
				return
			}
		}
	}
}
