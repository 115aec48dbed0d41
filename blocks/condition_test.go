package blocks_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/sim"
)

func TestCondition(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		when    string
		in      engine.Interaction
		contact *engine.Contact
		exit    string
	}{
		{"true", `interaction.kind == "message"`, message("hola"), nil, "true"},
		{"false", `interaction.kind == "comment"`, message("hola"), nil, "false"},
		{"contact fields", `contact.vip && contact.attributes.tier == "gold"`, message("hola"),
			&engine.Contact{VIP: true, Attributes: map[string]any{"tier": "gold"}}, "true"},
		{"a helper", `has_any(interaction.text, "factura", "cobro")`, message("FACTURA"), nil, "true"},
		{"a missing variable is not true", `vars.missing == true`, message("hola"), nil, "false"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := around(t, "webchat", "b:\n  type: condition\n  params: {when: '"+tt.when+"'}\n  next: {true: yes, false: no}\nyes: {type: end}\nno: {type: end}\n")
			o := play(t, f, sim.Scenario{Interaction: tt.in, Contact: tt.contact})
			require.Nil(t, o.Error)
			require.Equal(t, tt.exit, exitOf(t, o, "b"))
			yesOrNo := map[string]string{"true": "yes", "false": "no"}[tt.exit]
			require.Equal(t, []string{"in", "b", yesOrNo}, o.Path)
		})
	}
}

func TestConditionEvaluationErrorFailsTheSession(t *testing.T) {
	t.Parallel()
	f := load(t, registry, `switchboard: 1
id: test
name: test
vars: {count: "three"}
blocks:
  in:
    type: webchat.trigger
    next: {message: check}
  check:
    type: condition
    params: {when: 'int(vars.count) > 2'}
`)
	o := play(t, f, sim.Scenario{Interaction: message("hola")})
	require.Equal(t, engine.StatusFailed, o.Status)
	require.Contains(t, errorOf(o), "block check (condition): ")
	require.Contains(t, errorOf(o), `int(vars.count) > 2`, "the error names the expression")
}
