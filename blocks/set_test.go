package blocks_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/sim"
)

func TestSetInOrder(t *testing.T) {
	t.Parallel()
	f := load(t, registry, `switchboard: 1
id: test
name: test
vars: {brand: Acme, count: 1}
blocks:
  in:
    type: facebook.trigger
    next: {post: b, comment: b, message: b}
  b:
    type: set
    params:
      vars:
        priority: 'contact.vip ? "high" : "normal"'
        count: vars.count + 1
        double: vars.count * 2
        greeting: '"Hola " + contact.name + ", " + vars.priority + " en " + vars.brand'
        tags: '[vars.priority, interaction.kind]'
    next: {next: again}
  again:
    type: set
    params:
      vars: {count: vars.count + vars.double}
`)
	o := play(t, f, sim.Scenario{Interaction: comment("hola"), Contact: &engine.Contact{Name: "Ana", VIP: true}})
	require.Nil(t, o.Error)
	require.Equal(t, "next", exitOf(t, o, "b"))
	require.Equal(t, map[string]any{
		"brand":    "Acme",
		"priority": "high",
		"count":    2 + 4,
		"double":   4, // count was already 2 when double was set
		"greeting": "Hola Ana, high en Acme",
		"tags":     []any{"high", "comment"},
	}, o.Vars)

	step := stepOf(t, o, "b")
	names := make([]string, len(step.Vars))
	for i, v := range step.Vars {
		names[i] = v.Name
	}
	require.Equal(t, []string{"priority", "count", "double", "greeting", "tags"}, names, "the trace lists the variables in the order they were set")
}

// Expressions that read vars as a whole see every variable, however few or many are set.
func TestSetReadsVarsAsAWhole(t *testing.T) {
	t.Parallel()
	f := around(t, "webchat", `b:
  type: set
  params:
    vars:
      a: '"x"'
      one: 'len(vars)'
      both: 'vars["a"] + vars.a'
  next: {next: more}
more:
  type: set
  params:
    vars: {c: 1, d: 2, e: 3, names: 'join(sort(keys(vars)), ",")'}
  next: {next: last}
last:
  type: set
  params:
    vars: {f: 'vars.e + len(vars)'}
`)
	o := play(t, f, sim.Scenario{Interaction: message("hola")})
	require.Nil(t, o.Error, "%s", errorOf(o))
	require.Equal(t, map[string]any{
		"a": "x", "one": 1, "both": "xx", "c": 1, "d": 2, "e": 3,
		"names": "a,both,c,d,e,one",
		"f":     3 + 7,
	}, o.Vars)
}

func TestSetStopsAtAFailingExpression(t *testing.T) {
	t.Parallel()
	f := around(t, "webchat", `b:
  type: set
  params:
    vars:
      first: '"ok"'
      broken: 'int(interaction.text)'
      never: '"set"'
`)
	o := play(t, f, sim.Scenario{Interaction: message("not a number")})
	require.Equal(t, engine.StatusFailed, o.Status)
	require.Contains(t, errorOf(o), "block b (set)")
	require.Equal(t, "ok", o.Vars["first"])
	require.NotContains(t, o.Vars, "never")
}
