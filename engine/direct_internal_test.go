package engine

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestDirectAgreesWithTheMachine evaluates expressions both ways, directly and on expr's
// machine, in environments whose variables have every type, and requires the same value, the
// same error and the same counts on the run's budget.
func TestDirectAgreesWithTheMachine(t *testing.T) {
	t.Parallel()
	exprs := []struct {
		src, typ string
		direct   bool // whether it must get a direct evaluation
	}{
		{`interaction.kind == "dm" || vars.keyword in ["urgente", "reclamo"]`, "bool", true},
		{`interaction.author.name != "" ? " " + interaction.author.name : ""`, "", true},
		{`interaction.author.name != "" ? " " + interaction.author.name : ""`, "string", true},
		{`vars.keyword in ["urgente", ""]`, "bool", true},
		{`vars.keyword == "urgente" && !contact.vip`, "bool", true},
		{`vars.keyword == nil`, "bool", true},
		{`vars.keyword != 3`, "bool", true},
		{`vars.flag || false`, "", true},
		{`false || vars.flag`, "", true},
		{`vars.flag || true`, "bool", true},
		{`true && vars.flag`, "", true},
		{`!vars.flag`, "", true},
		{`not (vars.flag and contact.vip)`, "", true},
		{`vars.flag ? "yes" : "no"`, "string", true},
		{`vars.flag ? vars.keyword : 1.5`, "", true},
		{`"a" + "b" + interaction.text + contact.name`, "string", true},
		{`interaction.public == contact.vip`, "bool", true},
		{`(1 == 1) || interaction.text + "x" == "holax"`, "bool", true},
		{`("a" != "a") || interaction.text + "x" == "holax"`, "bool", true},
		{`!("a" == "b") && interaction.text + "x" == vars.keyword`, "bool", true},
		{`interaction.time == now`, "bool", true},
		{`vars.keyword in ["a", 1]`, "bool", false},
		{`vars.keyword + "x"`, "", false},
		{`len(interaction.text) > 3`, "bool", false},
	}
	values := []any{nil, "urgente", "", "x", 3, 3.0, true, false, []any{"urgente"}, map[string]any{}}
	for _, ex := range exprs {
		e, err := CompileExpression(ex.src, ex.typ)
		require.NoError(t, err, ex.src)
		require.Equal(t, ex.direct, e.direct != nil, "%s: direct evaluation", ex.src)
		if e.direct == nil {
			continue
		}
		onMachine := *e
		onMachine.direct = nil
		for _, v := range values {
			for _, name := range []string{"", "Ana"} {
				for _, memory := range []int64{1 << 20, 8, 0} {
					vars := map[string]any{"keyword": v, "flag": v}
					in := &Interaction{Kind: "dm", Text: "hola", Author: Author{Name: name}, Time: time.Unix(7, 0)}
					got, want := envFor(in, vars, memory), envFor(in, vars, memory)
					label := fmt.Sprintf("%s with %#v, name %q, memory %d", ex.src, v, name, memory)

					gv, gerr := e.Eval(nil, got)
					wv, werr := onMachine.Eval(nil, want)
					require.Equal(t, werr, gerr, label)
					require.Equal(t, wv, gv, label)
					requireSameBudget(t, want, got, label)

					gs, gerr := e.Text(nil, got)
					ws, werr := onMachine.Text(nil, want)
					require.Equal(t, werr, gerr, label)
					require.Equal(t, ws, gs, label)
					requireSameBudget(t, want, got, label)

					gb, gerr := e.appendValue([]byte("<"), nil, got)
					wb, werr := onMachine.appendValue([]byte("<"), nil, want)
					require.Equal(t, werr, gerr, label)
					if werr == nil {
						require.Equal(t, string(wb), string(gb), label)
					}
					requireSameBudget(t, want, got, label)
				}
			}
		}
	}
}

// envFor is an environment with a budget of memory bytes, or none when memory is 0.
func envFor(in *Interaction, vars map[string]any, memory int64) *Env {
	env := &Env{Interaction: in, Contact: &Contact{Name: "Ana Ruiz"}, Vars: vars, Now: time.Unix(7, 0), Flow: &FlowInfo{}}
	if memory > 0 {
		env.budget = &budget{}
		env.budget.reset(context.Background(), memory, DefaultOperationBudget, 0)
	}
	return env
}

func requireSameBudget(t *testing.T, want, got *Env, label string) {
	t.Helper()
	if want.budget == nil {
		return
	}
	require.Equal(t, want.budget.memory, got.budget.memory, "%s: memory counted", label)
	require.Equal(t, want.budget.ops, got.budget.ops, "%s: operations counted", label)
}
