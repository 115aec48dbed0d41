package blocks_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/sim"
)

func TestEnd(t *testing.T) {
	t.Parallel()
	f := around(t, "webchat", "b: {type: end}\n")
	o := play(t, f, sim.Scenario{Interaction: message("hola")})
	require.Nil(t, o.Error)
	require.Equal(t, engine.StatusEnded, o.Status)
	require.Equal(t, []string{"in", "b"}, o.Path)
	require.Equal(t, []string{"message", ""}, o.Exits)
	require.Empty(t, o.Actions, "end leaves the conversation open: no close")
	require.Nil(t, o.Waiting)
}

func TestEndHasNoExits(t *testing.T) {
	t.Parallel()
	errs := loadErrors(t, flowDoc("test", "webchat", "b: {type: end, next: {next: c}}\nc: {type: end}\n"))
	require.Len(t, errs, 1, diagText(errs))
	require.Equal(t, "blocks.b.next.next", errs[0].Path)
	require.Contains(t, errs[0].Message, "ends the session and has no exits")
}
