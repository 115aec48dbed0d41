package engine_test

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
)

// allocated runs f and returns the bytes it allocated, whatever the garbage collector freed.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestBudgetStopsWhatExpressionsBuild(t *testing.T) {
	t.Parallel()
	const mib = 1 << 20
	tests := []struct {
		family, src, building string
	}{
		{"concatenation", `reduce(1..26, #acc + #acc, "ab")`, "a string"},
		{"concatenation of typed strings", `reduce(1..20, #acc + interaction.text + #acc, "ab")`, "a string"},
		{"repeat", `repeat("abc", 10000000)`, "a string"},
		{"repeat in a loop", `reduce(1..26, repeat(#acc, 2), "ab")`, "a string"},
		{"join", `reduce(1..26, join([#acc, #acc], ""), "ab")`, "a string"},
		{"upper", `reduce(1..26, upper(#acc + #acc), "ab")`, "a string"},
		{"replace", `reduce(1..26, replace(#acc, "a", "aa"), "ab")`, "a string"},
		{"sprintf-like string", `reduce(1..22, string([#acc, #acc]), "ab")`, "a string"},
		{"toJSON", `let s = repeat("<", 1000); toJSON(map(1..200, s))`, "JSON"},
		{"toBase64", `reduce(1..60, toBase64(#acc), "ab")`, "a string"},
		{"url_escape", `url_escape(repeat("/", 400000))`, "a string"},
		{"fold", `reduce(1..26, fold(#acc + #acc), "AB")`, "a string"},
		{"range", `len(1..200000)`, "a range"},
		{"map over a range", `len(map(1..100000, #))`, "a list"},
		{"filter over a range", `filter(1..100000, # > 0)`, "a list"},
		{"array concatenation", `len(reduce(1..22, concat(#acc, #acc), [1]))`, "a list"},
		{"flatten", `len(reduce(1..22, flatten([#acc, #acc]), [1]))`, "a list"},
		{"split", `len(split(repeat("a,", 400000), ","))`, "a list"},
		{"list literal in a loop", `len(toJSON(map(1..30000, [#, #])))`, "JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.family, func(t *testing.T) {
			e, err := engine.CompileExpression(tt.src, "")
			require.NoError(t, err)
			env := engine.WithBudget(t.Context(), testEnv(), mib, engine.DefaultOperationBudget)
			var evalErr error
			n := allocated(func() { _, evalErr = e.Eval(nil, env) })
			require.ErrorIs(t, evalErr, engine.ErrRunStopped)
			var be *engine.BudgetError
			require.ErrorAs(t, evalErr, &be)
			require.Equal(t, engine.BudgetMemory, be.Budget)
			require.Contains(t, evalErr.Error(), "run stopped: memory budget of 1 MiB exceeded building "+tt.building)
			require.Less(t, n, uint64(16*mib), "the evaluation allocated %d bytes with a budget of 1 MiB", n)
		})
	}
}

func TestBudgetIsOneForTheRun(t *testing.T) {
	t.Parallel()
	e, err := engine.CompileExpression(`repeat("x", 300000)`, "string")
	require.NoError(t, err)
	env := engine.WithBudget(t.Context(), testEnv(), 1<<20, engine.DefaultOperationBudget)
	for i := range 3 {
		_, err := e.Eval(nil, env)
		require.NoError(t, err, "evaluation %d of 300 KB fits in 1 MiB", i+1)
	}
	_, err = e.Eval(nil, env)
	require.ErrorContains(t, err, "memory budget of 1 MiB exceeded building a string", "the fourth does not: the budget counts every evaluation of the run")

	tpl, errs := engine.ParseTemplate(`{{ interaction.text }} and {{ vars.big }}`)
	require.Empty(t, errs)
	env = engine.WithBudget(t.Context(), testEnv(), 1<<20, engine.DefaultOperationBudget)
	env.Vars["big"] = strings.Repeat("x", 600_000)
	_, err = tpl.Render(nil, env)
	require.NoError(t, err)
	_, err = tpl.Render(nil, env)
	require.ErrorContains(t, err, "memory budget of 1 MiB exceeded building a text", "templates count what they write")
}

func TestBudgetStopsWork(t *testing.T) {
	t.Parallel()
	tests := []string{
		`let x = 1..300; reduce(x, reduce(x, reduce(x, #acc + 1, 0), 0), 0)`,
		`let x = 1..300; all(x, all(x, all(x, # > 0)))`,
		`let x = 1..300; count(x, count(x, count(x, true) > 0) > 0)`,
		`let x = 1..2000; sum(x, len(filter(x, # > 0)))`,
		`let s = repeat("a", 100000); all(1..10000, !(s contains "b"))`,
	}
	for _, src := range tests {
		e, err := engine.CompileExpression(src, "")
		require.NoError(t, err, src)
		env := engine.WithBudget(t.Context(), testEnv(), engine.DefaultMemoryBudget, 100_000)
		_, err = e.Eval(nil, env)
		var be *engine.BudgetError
		require.ErrorAs(t, err, &be, src)
		require.Equal(t, engine.BudgetOperations, be.Budget, src)
		require.ErrorContains(t, err, "run stopped: operation budget of 100000 exceeded", src)
	}
}

func TestBudgetStopsOnCancel(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	e, err := engine.CompileExpression(`all(1..10, # > 0)`, "bool")
	require.NoError(t, err)
	_, err = e.Eval(nil, engine.WithBudget(ctx, testEnv(), engine.DefaultMemoryBudget, engine.DefaultOperationBudget))
	require.ErrorContains(t, err, "run stopped: cancelled")
	require.True(t, errors.Is(err, engine.ErrRunStopped))
}

func TestBudgetLeavesOrdinaryExpressionsAlone(t *testing.T) {
	t.Parallel()
	tests := map[string]any{
		`interaction.text + "!"`:                     "¿Me das la FACTURA de octubre?!",
		`vars.count + 1`:                             3,
		`1 + 2.5`:                                    3.5,
		`now + duration("1h") > now`:                 true,
		`join(map(contact.tags, upper(#)), ",")`:     "GOLD",
		`len(split("a,b,c", ","))`:                   3,
		`replace("a-b", "-", "+")`:                   "a+b",
		`toJSON({"a": 1})`:                           "{\n  \"a\": 1\n}",
		`"gold" in contact.tags`:                     true,
		`sum(1..10)`:                                 55,
		`fold("ÁRBOL")`:                              "arbol",
		`reduce(1..3, #acc + #, 0)`:                  6,
		`concat([1], [2])`:                           []any{1, 2},
		`interaction.text contains "FACTURA"`:        true,
		`has_word(interaction.text, "factura")`:      true,
		`string(contact.interactions) + " earlier"`:  "4 earlier",
		`repeat("ab", 2) + lower("C") + trim(" d ")`: "ababcd",
		`max(map(1..3, # * 2))`:                      6,
		`filter(["a", "b"], # != "a")`:               []any{"b"},
		`toBase64("hi") + url_escape("a b")`:         "aGk=a+b",
		`first(sort([3, 1, 2]))`:                     1,
		`keys({"a": 1})`:                             []any{"a"},
	}
	for src, want := range tests {
		e, err := engine.CompileExpression(src, "")
		require.NoError(t, err, src)
		env := engine.WithBudget(t.Context(), testEnv(), 1<<20, 10_000)
		got, err := e.Eval(nil, env)
		require.NoError(t, err, src)
		require.Equal(t, want, got, src)
		got, err = e.Eval(nil, testEnv())
		require.NoError(t, err, src)
		require.Equal(t, want, got, "%s outside a run", src)
	}
}

func TestFormatBytes(t *testing.T) {
	t.Parallel()
	for n, want := range map[int64]string{512: "512 B", 64 << 10: "64 KiB", 8 << 20: "8 MiB", 3 << 29: "1.5 GiB"} {
		require.Equal(t, want, engine.FormatBytes(n))
	}
}

func TestBudgetCountsRepeatOfAnyNumber(t *testing.T) {
	t.Parallel()
	e, err := engine.CompileExpression(`repeat("abcdefgh", vars.n)`, "")
	require.NoError(t, err)
	for _, n := range []any{500_000, int64(500_000), 500_000.0} {
		env := testEnv()
		env.Vars["n"] = n
		_, err = e.Eval(nil, engine.WithBudget(t.Context(), env, 1<<20, engine.DefaultOperationBudget))
		require.ErrorContains(t, err, "memory budget of 1 MiB exceeded building a string", "%T", n)
	}
}
