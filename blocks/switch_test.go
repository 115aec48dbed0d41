package blocks_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/sim"
)

func TestSwitch(t *testing.T) {
	t.Parallel()
	f := around(t, "facebook", `b:
  type: switch
  params:
    cases:
      - {when: 'has_word(interaction.text, "urgente")', exit: urgent}
      - {when: contact.vip, exit: vip}
      - {when: interaction.public, exit: public}
      - {when: 'contact.vip && interaction.public', exit: never}
  next: {urgent: done, vip: done, public: done, never: done, default: done}
done: {type: end}
`)
	require.Equal(t, []string{"urgent", "vip", "public", "never", "default"}, f.Node("b").Exits)
	vip := &engine.Contact{VIP: true}
	tests := []struct {
		name    string
		in      engine.Interaction
		contact *engine.Contact
		exit    string
	}{
		{"the first true case", message("Urgente!"), vip, "urgent"},
		{"the second case", message("hola"), vip, "vip"},
		{"an earlier true case wins over a later one", comment("hola"), vip, "vip"},
		{"the third case", comment("hola"), nil, "public"},
		{"no case is true", message("hola"), nil, "default"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := play(t, f, sim.Scenario{Interaction: tt.in, Contact: tt.contact})
			require.Nil(t, o.Error)
			require.Equal(t, tt.exit, exitOf(t, o, "b"))
			require.Equal(t, []string{"in", "b", "done"}, o.Path)
		})
	}
}

func TestSwitchStopsAtTheFirstTrueCase(t *testing.T) {
	t.Parallel()
	// The second case would fail to evaluate; it is never tried when the first is true.
	f := around(t, "webchat", `b:
  type: switch
  params:
    cases:
      - {when: 'interaction.text == "a"', exit: a}
      - {when: 'int(interaction.text) > 0', exit: number}
`)
	o := play(t, f, sim.Scenario{Interaction: message("a")})
	require.Equal(t, "a", exitOf(t, o, "b"))
	require.Equal(t, engine.StatusEnded, o.Status)

	o = play(t, f, sim.Scenario{Interaction: message("b")})
	require.Equal(t, engine.StatusFailed, o.Status, "the second case cannot read b as a number")
	require.Contains(t, errorOf(o), "block b (switch)")
}

func TestSwitchCaseNamedDefaultIsABuildError(t *testing.T) {
	t.Parallel()
	errs := loadErrors(t, flowDoc("test", "webchat", `b:
  type: switch
  params:
    cases:
      - {when: 'true', exit: a}
      - {when: 'false', exit: default}
`))
	require.Len(t, errs, 1, diagText(errs))
	require.Equal(t, "blocks.b.params.cases[1].exit", errs[0].Path)
	require.Contains(t, errs[0].Message, "default is the exit taken when no case is true")
}
