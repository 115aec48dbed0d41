package blocks_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/sim"
)

func TestEmergency(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		switches map[string]bool
		exit     string
	}{
		{"on", map[string]bool{"outage": true}, "on"},
		{"off", map[string]bool{"outage": false}, "off"},
		{"another switch on", map[string]bool{"storm": true}, "off"},
		{"never created", nil, "off"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := around(t, "webchat", "b:\n  type: emergency\n  params: {switch: outage}\n  next: {on: sorry, off: done}\nsorry:\n  type: reply\n  params: {text: Estamos con un problema técnico.}\n  next: {sent: done, failed: done}\ndone: {type: end}\n")
			o := play(t, f, sim.Scenario{Interaction: message("hola"), Emergency: tt.switches})
			require.Nil(t, o.Error)
			require.Equal(t, tt.exit, exitOf(t, o, "b"))
			if tt.exit == "on" {
				require.Equal(t, []string{"in", "b", "sorry", "done"}, o.Path)
			} else {
				require.Equal(t, []string{"in", "b", "done"}, o.Path)
			}
		})
	}
}

// brokenSwitches cannot read any switch.
type brokenSwitches struct{}

func (brokenSwitches) Switch(context.Context, string) (bool, error) {
	return false, errors.New("the database is down")
}

func TestEmergencyWithoutSwitches(t *testing.T) {
	t.Parallel()
	f := around(t, "webchat", "b:\n  type: emergency\n  params: {switch: outage}\n")
	s, trace := (&engine.Runtime{}).Start(t.Context(), f, webchat("hola"), engine.StartOptions{})
	require.Equal(t, engine.StatusEnded, s.Status)
	require.Equal(t, "off", trace[1].Exit, "with no switches configured, no switch is on")

	s, _ = (&engine.Runtime{Switches: brokenSwitches{}}).Start(t.Context(), f, webchat("hola"), engine.StartOptions{})
	require.Equal(t, engine.StatusFailed, s.Status)
	require.Equal(t, "block b (emergency): switch outage: the database is down", s.Error)
}
