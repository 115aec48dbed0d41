package blocks_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/sim"
)

func TestTag(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		params    string
		tags      []string
		important bool
	}{
		{"literal tags", "{tags: [billing, complaint]}", []string{"billing", "complaint"}, false},
		{"templates", `{tags: ["{{ interaction.channel }}", "kind-{{ interaction.kind }}"]}`, []string{"facebook", "kind-message"}, false},
		{"an empty tag is left out", `{tags: [legal, "{{ vars.missing }}"]}`, []string{"legal"}, false},
		{"important", "{tags: [legal], important: true}", []string{"legal"}, true},
		{"important only", "{important: true}", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := around(t, "facebook", "b:\n  type: tag\n  params: "+tt.params+"\n  next: {next: done}\ndone: {type: end}\n")
			o := play(t, f, sim.Scenario{Interaction: message("hola")})
			require.Nil(t, o.Error)
			require.Equal(t, []string{"in", "b", "done"}, o.Path)
			require.Equal(t, "next", exitOf(t, o, "b"))
			tags := actionsOf(o, engine.ActionTag)
			require.Len(t, tags, 1)
			require.Equal(t, tt.tags, tags[0].Tags)
			require.Equal(t, tt.important, tags[0].Important)
		})
	}
}

func TestTagNeedsTagsOrImportant(t *testing.T) {
	t.Parallel()
	for _, params := range []string{"{important: false}", "{tags: []}"} {
		errs := loadErrors(t, flowDoc("test", "webchat", "b:\n  type: tag\n  params: "+params+"\n"))
		require.Len(t, errs, 1, diagText(errs))
		require.Contains(t, errs[0].Message, "give tags, or important: true, or both")
		require.Equal(t, "blocks.b.params", strings.TrimSuffix(errs[0].Path, "."))
	}
}

func TestTagFailingSendFailsTheSession(t *testing.T) {
	t.Parallel()
	f := around(t, "webchat", "b:\n  type: tag\n  params: {tags: [x]}\n  next: {next: done}\ndone: {type: end}\n")
	o := play(t, f, sim.Scenario{Interaction: message("hola"), Failures: []engine.ActionType{engine.ActionTag}})
	require.Equal(t, engine.StatusFailed, o.Status, "a tag has no failed exit")
	require.Equal(t, "block b (tag): the network refused the tag (simulated)", errorOf(o))
	require.Equal(t, []string{"in", "b"}, o.Path)
}
