package engine_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
)

func TestTemplateRender(t *testing.T) {
	t.Parallel()
	tests := []struct{ src, want string }{
		{"", ""},
		{"Hola", "Hola"},
		{"Hola {{ contact.name }}!", "Hola Ana!"},
		{"{{contact.name}}", "Ana"},
		{"{{ contact.name }}{{ contact.name }}", "AnaAna"},
		{"{{ 1 + 1 }} {{ 1.5 }} {{ 2.0 }} {{ 1e21 }} {{ -0.25 }}", "2 1.5 2 1000000000000000000000 -0.25"},
		{"{{ vars.count }} {{ vars.ratio }}", "2 0.5"},
		{"[{{ nil }}] [{{ vars.missing }}]", "[] []"},
		{"{{ true }} {{ contact.vip && false }}", "true false"},
		{"{{ now }}", "2026-11-17T13:00:00Z"},
		{`{{ local(now, "America/Argentina/Buenos_Aires") }}`, "2026-11-17T10:00:00-03:00"},
		{`{{ duration("1h30m") }}`, "1h30m0s"},
		{"{{ contact.tags }} {{ [1, 2] }}", `["gold"] [1,2]`},
		{`{{ {"a": 1} }}`, `{"a":1}`},
		{`{{ "}}" + contact.name }}`, "}}Ana"},
		{`{{ '}}' }} {{ ` + "`}}`" + ` }}`, "}} }}"},
		{`{{ "a\"}}" }}`, `a"}}`},
		{"no hole }} here {", "no hole }} here {"},
		{"¡Hola {{ contact.name }}! ¿Todo bien?", "¡Hola Ana! ¿Todo bien?"},
	}
	for _, tt := range tests {
		tmpl, errs := engine.ParseTemplate(tt.src)
		require.Empty(t, errs, "%q", tt.src)
		require.Equal(t, tt.src, tmpl.Source)
		got, err := tmpl.Render(nil, testEnv())
		require.NoError(t, err, "%q", tt.src)
		require.Equal(t, tt.want, got, "%q", tt.src)
	}
}

func TestTemplateLiteral(t *testing.T) {
	t.Parallel()
	for src, want := range map[string]bool{"": true, "Hola": true, "a }} b": true, "{{ 1 }}": false, "Hola {{ contact.name }}": false} {
		tmpl, errs := engine.ParseTemplate(src)
		require.Empty(t, errs)
		lit, ok := tmpl.Literal()
		require.Equal(t, want, ok, "%q", src)
		if ok {
			require.Equal(t, src, lit)
		}
	}
}

func TestTemplateErrors(t *testing.T) {
	t.Parallel()
	type at struct {
		offset int // in runes
		msg    string
	}
	tests := []struct {
		src  string
		want []at
	}{
		{"Hola {{ contact.name", []at{{5, "this {{ is never closed; end the expression with }}"}}},
		{"¡Hola {{ contact.name", []at{{6, "this {{ is never closed"}}},
		{"{{ }}", []at{{0, "empty {{ }}; put an expression inside, such as {{ contact.name }}"}}},
		{"a {{}} b", []at{{2, "empty {{ }}"}}},
		{"Hola {{ contact.nmae }}", []at{{16, "type engine.Contact has no field nmae"}}},
		{"¿Qué? {{ contact.nmae }}", []at{{17, "has no field nmae"}}},
		{"{{ 1 + }}", []at{{6, "unexpected token EOF"}}},
		{`{{ "}}" + contact.nmae }}`, []at{{18, "has no field nmae"}}},
		{"{{ contact.name }} {{ }} {{ contcat }} {{ x", []at{
			{19, "empty {{ }}"},
			{28, "unknown name contcat"},
			{39, "never closed"},
		}},
		{`{{ "unclosed string }}`, []at{{0, "never closed"}}},
	}
	for _, tt := range tests {
		tmpl, errs := engine.ParseTemplate(tt.src)
		require.Nil(t, tmpl, "%q", tt.src)
		var got []at
		for _, e := range errs {
			got = append(got, at{e.Offset, e.Message})
		}
		require.Len(t, got, len(tt.want), "%q: %v", tt.src, got)
		for i := range tt.want {
			require.Equal(t, tt.want[i].offset, got[i].offset, "%q: error %d: %s", tt.src, i, got[i].msg)
			require.Contains(t, got[i].msg, tt.want[i].msg, "%q", tt.src)
		}
	}
}

func TestTemplateVars(t *testing.T) {
	t.Parallel()
	tmpl, errs := engine.ParseTemplate("¿{{ vars.a }} y {{ vars.b + vars.a }}? {{ contact.name }}")
	require.Empty(t, errs)
	require.Equal(t, []engine.VarRef{{Name: "a", Offset: 4}, {Name: "b", Offset: 19}, {Name: "a", Offset: 28}}, tmpl.Vars(),
		"offsets count runes from the start of the template")
	plain, _ := engine.ParseTemplate("no vars")
	require.Empty(t, plain.Vars())
}

func TestTemplateRenderError(t *testing.T) {
	t.Parallel()
	tmpl, errs := engine.ParseTemplate(`Son las {{ clock(now, "Nowhere/Zone") }}`)
	require.Empty(t, errs)
	_, err := tmpl.Render(nil, testEnv())
	require.ErrorContains(t, err, `unknown time zone "Nowhere/Zone"`)
}

func TestAppendText(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		v    any
		want string
	}{
		{nil, ""}, {"s", "s"}, {42, "42"}, {int64(-7), "-7"}, {3.0, "3"}, {0.1, "0.1"}, {true, "true"},
		{time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC), "2026-01-02T03:04:05Z"}, {90 * time.Minute, "1h30m0s"},
		{[]any{"a", 1}, `["a",1]`}, {map[string]any{"k": nil}, `{"k":null}`}, {fmt.Errorf("oops"), "{}"},
	} {
		require.Equal(t, "x:"+tt.want, string(engine.AppendText([]byte("x:"), tt.v)), "%#v", tt.v)
	}
}

func TestTemplateIsSafeForConcurrentUse(t *testing.T) {
	t.Parallel()
	tmpl, errs := engine.ParseTemplate("{{ contact.name }}-{{ vars.n }}")
	require.Empty(t, errs)
	var wg sync.WaitGroup
	got := make([]string, 16)
	for i := range got {
		wg.Go(func() {
			env := testEnv()
			env.Vars = map[string]any{"n": i}
			for range 100 {
				s, err := tmpl.Render(nil, env)
				if err != nil {
					s = err.Error()
				}
				if s != fmt.Sprintf("Ana-%d", i) || got[i] == "" {
					got[i] = s
				}
			}
		})
	}
	wg.Wait()
	for i, s := range got {
		require.Equal(t, fmt.Sprintf("Ana-%d", i), s)
	}
}
