package flows_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/blocks"
	"github.com/switchboardhq/switchboard/flows"
)

// translatedFlow is a Spanish flow with an Italian translation; the cases change one thing of it.
const translatedFlow = `switchboard: 2
id: translated
language: es
blocks:
  chat:
    type: webchat.trigger
    next: {message: hi}
  hi:
    type: reply
    params: {text: ["Hola", "Buenas"], visibility: private}
    next: {sent: bye, failed: bye}
  bye:
    type: close
    params: {message: Chau}
translations:
  it:
    hi: {text: ["Ciao", "Salve"]}
    bye: {message: Ciao ciao}
`

func TestTranslationsLoad(t *testing.T) {
	t.Parallel()
	f, ds := flows.Load("translated.yaml", []byte(translatedFlow), blocks.NewRegistry())
	require.Empty(t, ds)
	require.Equal(t, "es", f.Language)
	require.Equal(t, []string{"it"}, f.Translations)
	require.Equal(t, []string{"es", "it"}, f.Languages())
	hi := f.Node("hi")
	require.NotNil(t, hi.Translated["it"], "the Italian reply is built")
	require.Same(t, hi.Block, hi.BlockFor("fr"), "a language without a translation runs the block as written")
	require.NotSame(t, hi.Block, hi.BlockFor("it"))
}

func TestTranslationErrors(t *testing.T) {
	t.Parallel()
	reg := blocks.NewRegistry()
	tests := []struct {
		name, old, new string
		line, col      int
		code, message  string
	}{
		{"a block that is not there", "    bye: {message: Ciao ciao}", "    byee: {message: Ciao ciao}", 18, 5,
			flows.CodeDanglingNext, `there is no block "byee" to translate; did you mean "bye"?`},
		{"a parameter that is not a text", "    hi: {text: [\"Ciao\", \"Salve\"]}", "    hi: {visibility: public}", 17, 10,
			flows.CodeBadValue, "visibility is not a text the customer reads; only those are translated"},
		{"a parameter the block lacks", "    bye: {message: Ciao ciao}", "    bye: {messaggio: Ciao ciao}", 18, 11,
			flows.CodeUnknownField, `block bye (close) has no parameter "messaggio"; its texts are message`},
		{"a text of the wrong kind", "    bye: {message: Ciao ciao}", "    bye: {message: [Ciao]}", 18, 20,
			flows.CodeBadValue, "message takes"},
		{"a template that does not compile", "    bye: {message: Ciao ciao}", "    bye: {message: 'Ciao {{ contact.nome }}'}", 18, 37,
			flows.CodeBadExpression, "contact has no field nome"},
		{"a translation into the flow's own language", "  it:\n", "  es:\n", 16, 3,
			flows.CodeBadValue, "es is the flow's own language"},
		{"a language that is not one", "  it:\n", "  Italian:\n", 16, 3,
			flows.CodeBadValue, `"Italian" is not a language code`},
		{"translations without a language", "language: es\n", "", 15, 3,
			flows.CodeMissingField, "translations need the language the flow's texts are written in"},
		{"a base language that is not one", "language: es", "language: español", 3, 11,
			flows.CodeBadValue, `language "español" is not a language code`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, 1, strings.Count(translatedFlow, tt.old), "the change must apply once")
			src := strings.Replace(translatedFlow, tt.old, tt.new, 1)
			ds := flows.Validate("translated.yaml", []byte(src), reg)
			require.NotEmpty(t, ds, "the change must be reported:\n%s", src)
			d := ds[0]
			require.Equal(t, tt.code, d.Code, "%v", ds)
			require.Contains(t, d.Message, tt.message)
			require.Equal(t, tt.line, d.Line, "%v", ds)
			require.Equal(t, tt.col, d.Column, "%v", ds)
		})
	}
}
