package engine_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
)

// expressionSeeds are expressions from the example flows and a few that have been tricky.
var expressionSeeds = []string{
	"contact.vip ? 10 : 1",
	"contact.vip ? 20 : vars.priority",
	`interaction.kind == "dm" || vars.keyword in ["urgente", "reclamo"]`,
	`interaction.channel == "twitter"`,
	"interaction.public",
	"interaction.text",
	`contact.vip ? "high" : "normal"`,
	`{"handle": interaction.author.handle, "text": interaction.text}`,
	`has_any(interaction.text, "factura", "reembolso")`,
	`clock(now, "America/Argentina/Buenos_Aires") >= "09:00"`,
	`weekday(now, "UTC") in ["sat", "sun"]`,
	`url_escape(interaction.author.handle)`,
	`fold("¿Qué PASÓ?")`,
	"now()",
	"now",
	`vars["x"] + vars?.y`,
	"let x = vars.a; x * 2",
	"map(1..3, # * vars.k)",
	"1..1000000",
	`"¿qué?" + contact.nmae`,
	"((((((((((1))))))))))",
	"interaction.text ==",
	"contact.attributes.tier ?? 'none'",
	`interaction.text matches "^[0-9]+$"`,
	"1 / 0",
	"",
	"}}",
	"\x00",
}

var expressionTypes = []string{"", "bool", "int", "number", "string"}

func FuzzCompileExpression(f *testing.F) {
	for i, s := range expressionSeeds {
		f.Add(s, uint8(i))
	}
	f.Fuzz(func(t *testing.T, src string, typ uint8) {
		kind := expressionTypes[int(typ)%len(expressionTypes)]
		e, err := engine.CompileExpression(src, kind)
		runes := utf8.RuneCountInString(src)
		if err != nil {
			var ee *engine.ExprError
			require.ErrorAs(t, err, &ee)
			require.GreaterOrEqual(t, ee.Offset, 0)
			require.LessOrEqual(t, ee.Offset, max(runes, 1), "the offset of %q is past its end", ee.Message)
			require.NotEmpty(t, ee.Message)
			return
		}
		for _, v := range e.Vars {
			require.LessOrEqual(t, v.Offset+4, runes)
			require.Equal(t, "vars", string([]rune(src)[v.Offset:v.Offset+4]), "a var read of %s placed at %d", v.Name, v.Offset)
		}
		_, _ = e.Eval(nil, testEnv()) // may fail, must not panic
	})
}

func FuzzParseTemplate(f *testing.F) {
	for _, s := range expressionSeeds {
		f.Add("{{ " + s + " }}")
		f.Add("Hola " + s)
	}
	for _, s := range []string{
		"Hola {{ contact.name }}, ¿cómo estás?",
		"{{ vars.brand }} tiene un inconveniente técnico",
		"{{", "}}", "{{}}", "{{ }}", "{{{{}}}}", "{{ '}}' }}", `{{ "\"}}" }}`, "{{ `}}` }}",
		"a {{ x", "{{ vars.a }}{{ vars.b", "¡{{ 1 }}!{{ 2 }}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		tmpl, errs := engine.ParseTemplate(src)
		runes := utf8.RuneCountInString(src)
		if len(errs) > 0 {
			require.Nil(t, tmpl)
			for _, e := range errs {
				require.GreaterOrEqual(t, e.Offset, 0)
				require.LessOrEqual(t, e.Offset, runes, "the offset of %q is past the end", e.Message)
				require.NotEmpty(t, e.Message)
			}
			return
		}
		require.NotNil(t, tmpl)
		if !strings.Contains(src, "{{") {
			lit, ok := tmpl.Literal()
			require.True(t, ok)
			require.Equal(t, src, lit)
		}
		for _, v := range tmpl.Vars() {
			require.LessOrEqual(t, v.Offset+4, runes)
			require.Equal(t, "vars", string([]rune(src)[v.Offset:v.Offset+4]), "a var read of %s placed at %d", v.Name, v.Offset)
		}
		_, _ = tmpl.Render(nil, testEnv()) // may fail, must not panic
	})
}
