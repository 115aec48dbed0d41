package cmd_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/cmd"
	"github.com/switchboardhq/switchboard/flows"
)

func TestSchema(t *testing.T) {
	t.Parallel()
	res := switchboard(t, "", "schema")
	require.Equal(t, cmd.ExitOK, res.code, "stderr: %s", res.stderr)
	var schema struct {
		Schema string `json:"$schema"`
		Defs   map[string]struct {
			Properties struct {
				Type struct {
					Enum []string `json:"enum"`
				} `json:"type"`
			} `json:"properties"`
		} `json:"$defs"`
	}
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &schema), "the schema is JSON:\n%s", res.stdout)
	require.Equal(t, "https://json-schema.org/draft/2020-12/schema", schema.Schema)
	types := registry.Types()
	require.NotEmpty(t, types)
	require.ElementsMatch(t, types, schema.Defs["block"].Properties.Type.Enum, "a block's type is one of the registered types")
	for _, typ := range types {
		require.Contains(t, schema.Defs, "block."+typ, "the schema describes %s", typ)
	}
}

func TestBlocksText(t *testing.T) {
	t.Parallel()
	res := switchboard(t, "", "blocks")
	require.Equal(t, cmd.ExitOK, res.code, "stderr: %s", res.stderr)
	for _, typ := range registry.Types() {
		require.Regexp(t, regexp.MustCompile(`(?m)^  `+regexp.QuoteMeta(typ)+`  .*exits: `), res.stdout, "blocks lists %s", typ)
	}
	for _, category := range []string{"TRIGGERS", "LOGIC", "CONTACT", "CALENDAR", "ROUTING", "ACTIONS", "INTEGRATION", "FLOW"} {
		require.Contains(t, res.stdout, "\n"+category+"\n")
	}
	require.Contains(t, res.stdout, "exits: sent, failed")
	require.Contains(t, res.stdout, "exits: (ends)")

	t.Run("one type in detail", func(t *testing.T) {
		t.Parallel()
		res := switchboard(t, "", "blocks", "wait.reply")
		require.Equal(t, cmd.ExitOK, res.code)
		require.True(t, strings.HasPrefix(res.stdout, "  wait.reply  "), res.stdout)
		require.Regexp(t, `(?m)^    timeout +duration +required +`, res.stdout)
		require.Regexp(t, `(?m)^    save_as +string +default reply +`, res.stdout)
		require.NotContains(t, res.stdout, "FLOW", "no category headers for types named")
	})
}

func TestBlocksJSON(t *testing.T) {
	t.Parallel()
	res := switchboard(t, "", "blocks", "--json")
	require.Equal(t, cmd.ExitOK, res.code, "stderr: %s", res.stderr)
	type param struct {
		Name     string `json:"name"`
		Kind     string `json:"kind"`
		Required bool   `json:"required"`
	}
	var cat []struct {
		Type   string   `json:"type"`
		Params []param  `json:"params"`
		Exits  []string `json:"exits"`
	}
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &cat), "the catalogue is JSON:\n%s", res.stdout)
	var types []string
	for _, b := range cat {
		types = append(types, b.Type)
		require.NotNil(t, b.Params, "%s lists its params, if none as []", b.Type)
		require.NotNil(t, b.Exits, "%s lists its exits, if none as []", b.Type)
	}
	require.ElementsMatch(t, registry.Types(), types)

	t.Run("types named", func(t *testing.T) {
		t.Parallel()
		res := switchboard(t, "", "blocks", "--json", "wait.reply", "end")
		require.Equal(t, cmd.ExitOK, res.code)
		require.NoError(t, json.Unmarshal([]byte(res.stdout), &cat))
		require.Len(t, cat, 2)
		require.Equal(t, "wait.reply", cat[0].Type)
		require.Equal(t, []param{{Name: "timeout", Kind: "duration", Required: true}, {Name: "save_as", Kind: "string"}}, cat[0].Params)
		require.Equal(t, []string{"replied", "timeout"}, cat[0].Exits)
		require.Equal(t, "end", cat[1].Type)
		require.Equal(t, []string{}, cat[1].Exits)
	})
}

func TestBlocksMarkdown(t *testing.T) {
	t.Parallel()
	res := switchboard(t, "", "blocks", "--markdown")
	require.Equal(t, cmd.ExitOK, res.code, "stderr: %s", res.stderr)
	require.Equal(t, string(flows.Reference(registry)), res.stdout)
}

func TestBlocksUsageErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		args       []string
		wantStderr string
	}{
		{"an unknown type", []string{"reply", "nope"}, `switchboard: there is no block type "nope"` + "\n"},
		{"an unknown type in JSON", []string{"--json", "nope"}, `switchboard: there is no block type "nope"` + "\n"},
		{"two formats", []string{"--json", "--markdown"}, "switchboard: --json and --markdown do not go together\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := switchboard(t, "", append([]string{"blocks"}, tt.args...)...)
			require.Equal(t, cmd.ExitUsage, res.code)
			require.Empty(t, res.stdout)
			require.Equal(t, tt.wantStderr, res.stderr)
		})
	}
}
