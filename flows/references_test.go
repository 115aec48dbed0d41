package flows_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/blocks"
	"github.com/switchboardhq/switchboard/flows"
)

// referencesDir holds flows that name skills, calendars, switches and flows, each beside a
// golden file of what CheckReferences reports against serverNames.
const referencesDir = "testdata/references"

// serverNames is what the server of the golden tests has.
type serverNames map[string][]string

func (s serverNames) Names(kind string) ([]string, error) {
	if names, ok := s[kind]; ok {
		return names, nil
	}
	return nil, errors.New("no such kind")
}

var goldenServer = serverNames{
	"skill":    {"billing", "sales"},
	"calendar": {"support-hours", "holidays-es"},
	"switch":   {"storm", "outage"},
	"flow":     {"greeting", "references"},
}

func TestReferencesGolden(t *testing.T) {
	reg := blocks.NewRegistry()
	paths, err := filepath.Glob(referencesDir + "/*")
	require.NoError(t, err)
	for _, path := range paths {
		if strings.HasSuffix(path, ".golden") {
			continue
		}
		t.Run(filepath.Base(path), func(t *testing.T) {
			t.Parallel()
			src, err := os.ReadFile(path)
			require.NoError(t, err)
			require.False(t, flows.Validate(path, src, reg).HasErrors(), "the flow itself is valid")
			ds, err := flows.CheckReferences(path, src, reg, goldenServer, flows.Warning)
			require.NoError(t, err)
			matchGolden(t, path, renderDiagnostics(t, ds), "TestReferencesGolden")
		})
	}
}

// TestEveryReferenceCodeIsGolden makes each reference code come with golden tests in YAML and JSON.
func TestEveryReferenceCodeIsGolden(t *testing.T) {
	seen := map[string]map[string]bool{}
	goldens, err := filepath.Glob(referencesDir + "/*.golden")
	require.NoError(t, err)
	for _, g := range goldens {
		src, err := os.ReadFile(g)
		require.NoError(t, err)
		var ds []flows.Diagnostic
		require.NoError(t, json.Unmarshal(goldenSection(t, src, "json"), &ds), g)
		for _, d := range ds {
			ext := filepath.Ext(strings.TrimSuffix(g, ".golden"))
			if seen[d.Code] == nil {
				seen[d.Code] = map[string]bool{}
			}
			seen[d.Code][ext] = true
		}
	}
	for _, c := range flows.ReferenceCodes {
		require.True(t, seen[c.Code][".yaml"], "no golden YAML file in %s produces %s", referencesDir, c.Code)
		require.True(t, seen[c.Code][".json"], "no golden JSON file in %s produces %s", referencesDir, c.Code)
	}
}

// On publish the same problems are errors; a server that cannot answer is an error of the check.
func TestCheckReferencesSeverityAndFailures(t *testing.T) {
	reg := blocks.NewRegistry()
	src := []byte("switchboard: 1\nid: f\nblocks:\n  chat: {type: webchat.trigger, next: {message: r}}\n  r: {type: route.skill, params: {skill: ghost}}\n")
	ds, err := flows.CheckReferences("f.yaml", src, reg, goldenServer, flows.Error)
	require.NoError(t, err)
	require.Len(t, ds, 1)
	require.Equal(t, "f.yaml:5:42: error: there is no skill \"ghost\" on the server; create it before publishing [unknown-skill]", ds[0].String())

	_, err = flows.CheckReferences("f.yaml", src, reg, serverNames{}, flows.Error)
	require.ErrorContains(t, err, "list the skills")

	ds, err = flows.CheckReferences("broken.yaml", []byte("{{{"), reg, goldenServer, flows.Error)
	require.NoError(t, err)
	require.Empty(t, ds, "a file that cannot be read has no references")
}
