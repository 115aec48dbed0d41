package engine_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
)

func TestExitsOf(t *testing.T) {
	t.Parallel()
	rules := func(exits ...string) []any {
		out := make([]any, len(exits))
		for i, e := range exits {
			out[i] = engine.NewParams(map[string]any{"exit": e})
		}
		return out
	}
	fixed := goodSpec("fixed", "logic")
	fixed.Exits = []string{"open", "closed"}
	byValue := goodSpec("by.value", "logic")
	byValue.Exits, byValue.ExitsFrom = nil, &engine.DerivedExits{Param: "events"}
	byField := goodSpec("by.field", "logic")
	byField.Exits, byField.ExitsFrom = nil, &engine.DerivedExits{Param: "rules", Field: "exit", After: []string{"nomatch"}}
	reg := engine.NewRegistry().With(fixed, byValue, byField) // the specs are well formed
	require.Len(t, reg.Types(), 3)

	tests := []struct {
		spec   engine.Spec
		params map[string]any
		want   []string
	}{
		{fixed, nil, []string{"open", "closed"}},
		{fixed, map[string]any{"events": []any{"a"}}, []string{"open", "closed"}},
		{byValue, map[string]any{"events": []any{"b", "a"}}, []string{"b", "a"}},
		{byValue, map[string]any{"events": []any{"a", "a", "b", "a"}}, []string{"a", "b"}},
		{byValue, map[string]any{"events": []any{"", "a"}}, []string{"a"}},
		{byValue, nil, nil},
		{byField, map[string]any{"rules": rules("billing", "cancel")}, []string{"billing", "cancel", "nomatch"}},
		{byField, map[string]any{"rules": rules("cancel", "billing", "cancel")}, []string{"cancel", "billing", "nomatch"}},
		{byField, map[string]any{"rules": rules("nomatch", "billing")}, []string{"nomatch", "billing"}},
		{byField, map[string]any{"rules": rules("")}, []string{"nomatch"}},
		{byField, nil, []string{"nomatch"}},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, tt.spec.ExitsOf(engine.NewParams(tt.params)), "%s %v", tt.spec.Type, tt.params)
	}
	require.Equal(t, "one per value of events, in order", byValue.ExitsFrom.Describe())
	require.Equal(t, "one per rules[].exit, in order, then nomatch", byField.ExitsFrom.Describe())
}

func TestSpecLookups(t *testing.T) {
	t.Parallel()
	s := goodSpec("a", "logic")
	require.Equal(t, engine.KindTemplate, s.Param("text").Kind)
	require.Nil(t, s.Param("missing"))
	rules := s.Param("rules")
	require.Equal(t, "exit", rules.Elem.Field("exit").Format)
	require.Nil(t, rules.Elem.Field("missing"))
	require.Equal(t, 2.5, *engine.Bound(2.5))
}

func TestParams(t *testing.T) {
	t.Parallel()
	expr, err := engine.CompileExpression("contact.vip", "bool")
	require.NoError(t, err)
	tmpl, errs := engine.ParseTemplate("Hola {{ contact.name }}")
	require.Empty(t, errs)
	inner := engine.NewParams(map[string]any{"exit": "billing"})
	p := engine.NewParams(map[string]any{
		"s": "text", "i": int64(3), "f": 1.5, "b": true, "d": 90 * time.Second, "e": expr, "t": tmpl,
		"list": []any{"a", 1, "b"}, "tmpls": []any{tmpl}, "obj": inner, "objs": []any{inner, "x"},
		"map": []engine.Entry{{Key: "k", Value: "v"}}, "c": engine.ConstantExpression("10", 10),
	})
	require.True(t, p.Has("s"))
	require.False(t, p.Has("missing"))
	require.Equal(t, "text", p.String("s"))
	require.Equal(t, "", p.String("i"), "a getter of the wrong kind gives the zero value")
	require.Equal(t, int64(3), p.Int("i"))
	require.Equal(t, 1.5, p.Number("f"))
	require.Equal(t, 3.0, p.Number("i"), "an int is a number")
	require.True(t, p.Bool("b"))
	require.Equal(t, 90*time.Second, p.Duration("d"))
	require.Same(t, expr, p.Expression("e"))
	require.Same(t, tmpl, p.Template("t"))
	require.Equal(t, []string{"a", "b"}, p.Strings("list"))
	require.Len(t, p.Templates("tmpls"), 1)
	require.Same(t, inner, p.Object("obj"))
	require.Equal(t, []*engine.Params{inner}, p.Objects("objs"))
	require.Equal(t, []engine.Entry{{Key: "k", Value: "v"}}, p.Entries("map"))
	require.Nil(t, p.Value("missing"))
	require.NotNil(t, engine.NewParams(nil), "nil values make empty params")

	b, err := p.MarshalJSON()
	require.NoError(t, err)
	require.JSONEq(t, `{"s": "text", "i": 3, "f": 1.5, "b": true, "d": "1m30s", "e": "contact.vip", "t": "Hola {{ contact.name }}",
		"list": ["a", 1, "b"], "tmpls": ["Hola {{ contact.name }}"], "obj": {"exit": "billing"}, "objs": [{"exit": "billing"}, "x"],
		"map": {"k": "v"}, "c": 10}`, string(b), "parameters marshal as they are written")

	var pe *engine.ParamError
	err = engine.ParamErrorf("rules[2].exit", "%s is taken", "nomatch")
	require.ErrorAs(t, err, &pe)
	require.Equal(t, "rules[2].exit", pe.Path)
	require.Equal(t, "nomatch is taken", pe.Message)
	require.Equal(t, "rules[2].exit: nomatch is taken", err.Error())
}
