package engine_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
)

// testEnv is an environment with every part set, at Tuesday 2026-11-17 13:00 UTC.
func testEnv() *engine.Env {
	return &engine.Env{
		Interaction: &engine.Interaction{Channel: "facebook", Kind: "comment", Public: true,
			Text: "¿Me das la FACTURA de octubre?", Author: engine.Author{ID: "7001", Name: "Ana Ruiz", Handle: "ana"},
			Time: time.Date(2026, 11, 17, 12, 0, 0, 0, time.UTC)},
		Contact: &engine.Contact{Name: "Ana", VIP: true, Interactions: 4, Tags: []string{"gold"},
			Attributes: map[string]any{"tier": "gold"}},
		Vars: map[string]any{"brand": "Acme", "count": 2, "ratio": 0.5, "topic": "billing"},
		Now:  time.Date(2026, 11, 17, 13, 0, 0, 0, time.UTC),
		Flow: &engine.FlowInfo{ID: "care", Name: "Care", Version: 3},
	}
}

func TestCompileExpressionTypes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src, typ string
		want     any
		err      string
	}{
		{src: "contact.vip", typ: "bool", want: true},
		{src: `interaction.kind == "comment" && !contact.vip`, typ: "bool", want: false},
		{src: "contact.name", typ: "bool", err: "expected bool, but got string"},
		{src: "contact.vip ? 10 : 1", typ: "int", want: 10},
		{src: "contact.interactions + 1", typ: "int", want: 5},
		{src: "contact.name", typ: "int", err: "expected int, but got string"},
		{src: "1", typ: "number", want: 1.0},
		{src: "contact.interactions / 8", typ: "number", want: 0.5},
		{src: `"x"`, typ: "number", err: "expected float64, but got string"},
		{src: `upper(contact.name) + "!"`, typ: "string", want: "ANA!"},
		{src: "1", typ: "string", err: "expected string, but got int"},
		{src: "contact.tags", typ: "", want: []string{"gold"}},
		{src: `{"a": vars.count}`, typ: "", want: map[string]any{"a": 2}},
		{src: "flow.version", typ: "", want: 3},
		{src: "vars.missing", typ: "", want: nil},
	}
	for _, tt := range tests {
		e, err := engine.CompileExpression(tt.src, tt.typ)
		if tt.err != "" {
			require.ErrorContains(t, err, tt.err, "%q as %q", tt.src, tt.typ)
			continue
		}
		require.NoError(t, err, "%q as %q", tt.src, tt.typ)
		require.Equal(t, tt.src, e.Source)
		require.Equal(t, tt.typ, e.Type)
		got, err := e.Eval(nil, testEnv())
		require.NoError(t, err, tt.src)
		require.Equal(t, tt.want, got, tt.src)
	}
}

func TestCompileExpressionErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src    string
		offset int // in runes; -1 for anywhere
		msg    string
	}{
		{src: "contact.nmae", offset: 8, msg: "type engine.Contact has no field nmae"},
		{src: "interaction.author.nmae", offset: 19, msg: "type engine.Author has no field nmae"},
		{src: "  flow.nme", offset: 7, msg: "type engine.FlowInfo has no field nme"},
		{src: `"¿qué?" + contact.nmae`, offset: 18, msg: "has no field nmae"}, // runes, not bytes (that would be 20)
		{src: `"日本語" == "x" || contact.nmae`, offset: 24, msg: "has no field nmae"},
		{src: "contcat.vip", offset: 0, msg: "unknown name contcat"},
		{src: "contact.vip && foo(1)", offset: 15, msg: "unknown name foo"},
		{src: "1 +", offset: 2, msg: "unexpected token EOF"},
		{src: "interaction.text ==", offset: 18, msg: "unexpected token EOF"},
		{src: "fold(1)", offset: 5, msg: "cannot use int as argument (type string) to call fold"},
		{src: "now()", offset: 0, msg: "is not callable"}, // expr's now() is off: now is the injected clock
		{src: "", msg: "the expression is empty"},
		{src: " \n\t", msg: "the expression is empty"},
		{src: strings.Repeat("x", engine.MaxExpressionLength+1), msg: "the expression is 4097 bytes long; the limit is 4096"},
		{src: strings.Repeat("1+", engine.MaxExpressionNodes) + "1", offset: -1, msg: "exceeds maximum allowed nodes"},
	}
	for _, tt := range tests {
		_, err := engine.CompileExpression(tt.src, "")
		require.Error(t, err, "%.40q", tt.src)
		var ee *engine.ExprError
		require.ErrorAs(t, err, &ee)
		require.Contains(t, ee.Message, tt.msg, "%.40q", tt.src)
		if tt.offset >= 0 {
			require.Equal(t, tt.offset, ee.Offset, "%.40q: %s", tt.src, ee.Message)
		}
		require.Equal(t, ee.Message, err.Error())
	}
}

func TestExpressionVars(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src  string
		want []engine.VarRef
	}{
		{src: "contact.vip", want: nil},
		{src: "vars.a", want: []engine.VarRef{{Name: "a", Offset: 0}}},
		{src: "vars.a + vars.b + vars.a", want: []engine.VarRef{{Name: "a", Offset: 0}, {Name: "b", Offset: 9}, {Name: "a", Offset: 18}}},
		{src: `vars["c"] + vars?.d`, want: []engine.VarRef{{Name: "c", Offset: 0}, {Name: "d", Offset: 12}}},
		{src: `"¿é?" + vars.x`, want: []engine.VarRef{{Name: "x", Offset: 8}}},
		{src: "vars.a.b", want: []engine.VarRef{{Name: "a", Offset: 0}}},
		{src: "let x = 1; x + vars.y", want: []engine.VarRef{{Name: "y", Offset: 15}}},
		{src: "map(1..3, # * vars.k)", want: []engine.VarRef{{Name: "k", Offset: 14}}},
		{src: "len(vars)", want: nil},
		{src: "vars[contact.name]", want: nil}, // not a name known when the flow loads
	}
	for _, tt := range tests {
		e, err := engine.CompileExpression(tt.src, "")
		require.NoError(t, err, tt.src)
		require.Equal(t, tt.want, e.Vars, tt.src)
	}
}

func TestHelperFunctions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src  string
		want any
		err  string
	}{
		{src: `fold("Reembolsó ÁGIL")`, want: "reembolso agil"},
		{src: `has_word(interaction.text, "factura")`, want: true},
		{src: `has_word(interaction.text, "fact")`, want: false},
		{src: `has_any(interaction.text, "reembolso", "OCTUBRE")`, want: true},
		{src: `has_any(interaction.text, "reembolso")`, want: false},
		{src: `has_any(interaction.text)`, want: false},
		{src: `url_escape("Ana Ruiz & co/?")`, want: "Ana+Ruiz+%26+co%2F%3F"},
		{src: `clock(now, "America/Argentina/Buenos_Aires")`, want: "10:00"},
		{src: `clock(now, "Europe/Madrid")`, want: "14:00"},
		{src: `weekday(now, "UTC")`, want: "tue"},
		{src: `weekday(interaction.time, "Pacific/Kiritimati")`, want: "wed"}, // UTC+14: already Wednesday
		{src: `local(now, "Asia/Tokyo").Hour()`, want: 22},
		{src: `now.Year()`, want: 2026},
		{src: `now > interaction.time`, want: true},
		{src: `clock(now, "Local")`, err: `"Local" is not an IANA time zone`},
		{src: `weekday(now, "Nowhere/Zone")`, err: `unknown time zone "Nowhere/Zone"`},
		{src: `local(now, "")`, err: `"" is not an IANA time zone`},
	}
	for _, tt := range tests {
		e, err := engine.CompileExpression(tt.src, "")
		require.NoError(t, err, tt.src)
		got, err := e.Eval(nil, testEnv())
		if tt.err != "" {
			require.ErrorContains(t, err, tt.err, tt.src)
			require.ErrorContains(t, err, "expression "+`"`, "the error names the expression")
			continue
		}
		require.NoError(t, err, tt.src)
		require.Equal(t, tt.want, got, tt.src)
	}
	require.Len(t, engine.Helpers, 7, "a new helper needs a test here")
}

func TestEvalLimits(t *testing.T) {
	t.Parallel()
	e, err := engine.CompileExpression("map(1..1000000, # * 2)", "")
	require.NoError(t, err)
	_, err = e.Eval(nil, testEnv())
	require.ErrorContains(t, err, "memory budget of 8 MiB exceeded building a list", "an evaluation cannot allocate without bound")

	c := engine.ConstantExpression("10", 10)
	v, err := c.Eval(nil, nil)
	require.NoError(t, err)
	require.Equal(t, 10, v, "a constant needs no environment")
}

func TestExpressionIsSafeForConcurrentUse(t *testing.T) {
	t.Parallel()
	e, err := engine.CompileExpression(`vars.n * 2 + len(fold(contact.name))`, "int")
	require.NoError(t, err)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Go(func() {
			env := testEnv()
			env.Vars = map[string]any{"n": i}
			for range 100 {
				v, err := e.Eval(nil, env)
				if err != nil || v != i*2+3 {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
		require.Fail(t, "a concurrent evaluation gave another session's value")
	}
}

// Every example of every helper function gives what its documentation says.
func TestHelperExamples(t *testing.T) {
	t.Parallel()
	for _, f := range engine.Helpers {
		require.NotEmpty(t, f.Examples, "%s needs an example", f.Path)
		name, _, _ := strings.Cut(f.Path, "(")
		for _, ex := range f.Examples {
			require.Contains(t, ex.Expression, name+"(", "an example of %s calls it", f.Path)
			e, err := engine.CompileExpression(ex.Expression, "")
			require.NoError(t, err, ex.Expression)
			got, err := e.Eval(nil, testEnv())
			require.NoError(t, err, ex.Expression)
			want, err := engine.CompileExpression(ex.Result, "")
			require.NoError(t, err, "the result of %s is an expression literal", ex.Expression)
			wantValue, err := want.Eval(nil, testEnv())
			require.NoError(t, err)
			require.Equal(t, wantValue, got, "%s gives %v, not %s", ex.Expression, got, ex.Result)
		}
	}
}
