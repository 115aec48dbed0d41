package flows_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/blocks"
	"github.com/switchboardhq/switchboard/flows"
)

func TestPORoundTrip(t *testing.T) {
	t.Parallel()
	reg := blocks.NewRegistry()
	const file = "../examples/flows/multilingual.yaml"
	src, err := os.ReadFile(file)
	require.NoError(t, err)
	po, err := flows.ExportPO(file, src, reg, "it")
	require.NoError(t, err)
	require.Contains(t, string(po), "\"Language: it\\n\"\n")
	require.Contains(t, string(po), "#: ../examples/flows/multilingual.yaml:52\nmsgctxt \"bye.message\"\nmsgid \"Ahora no podemos atenderte. ¡Escribinos más tarde!\"\nmsgstr \"Ora non possiamo risponderti. Scrivici più tardi!\"\n")
	out, lang, err := flows.ImportPO(file, src, po, reg)
	require.NoError(t, err)
	require.Equal(t, "it", lang)
	require.Equal(t, string(src), string(out), "importing what was exported changes nothing")
}

func TestPOImportNewLanguage(t *testing.T) {
	t.Parallel()
	reg := blocks.NewRegistry()
	po, err := flows.ExportPO("translated.yaml", []byte(translatedFlow), reg, "fr")
	require.NoError(t, err)
	require.Equal(t, 3, strings.Count(string(po), "msgstr \"\"\n")-1, "the header and three texts without French:\n%s", po)
	// a translator fills two of the three: the second variant stays out
	filled := strings.Replace(string(po), "msgid \"Hola\"\nmsgstr \"\"", "msgid \"Hola\"\nmsgstr \"Bonjour\"", 1)
	filled = strings.Replace(filled, "msgid \"Chau\"\nmsgstr \"\"", "msgid \"Chau\"\nmsgstr \"\"\n\"Au \"\n\"revoir \\\"!\\\"\"", 1)
	out, lang, err := flows.ImportPO("translated.yaml", []byte(translatedFlow), []byte(filled), reg)
	require.NoError(t, err)
	require.Equal(t, "fr", lang)
	require.Contains(t, string(out), "  fr:\n    hi:\n      text: [Bonjour]\n    bye:\n      message: Au revoir \"!\"\n")
	f, ds := flows.Load("translated.yaml", out, reg)
	require.Empty(t, ds)
	require.Equal(t, []string{"it", "fr"}, f.Translations)
}

func TestPOErrors(t *testing.T) {
	t.Parallel()
	reg := blocks.NewRegistry()
	src := []byte(translatedFlow)
	header := "msgid \"\"\nmsgstr \"\"\n\"Language: fr\\n\"\n\n"
	tests := []struct{ name, po, message string }{
		{"no language", "msgid \"\"\nmsgstr \"\"\n\nmsgctxt \"hi.text[0]\"\nmsgid \"Hola\"\nmsgstr \"Salut\"\n", "the PO file has no Language"},
		{"a text the flow lacks", header + "msgctxt \"gone.text\"\nmsgid \"x\"\nmsgstr \"y\"\n", `line 7: the flow has no text "gone.text"`},
		{"not PO", header + "text = hola\n", `line 5: "text = hola" is not PO`},
		{"a broken string", header + "msgid \"open\n", "line 5: \"open is not a quoted string"},
		{"the flow's own language", "msgid \"\"\nmsgstr \"Language: es\\n\"\n", "the PO file is for es, the flow's own language"},
	}
	for _, tt := range tests {
		_, _, err := flows.ImportPO("translated.yaml", src, []byte(tt.po), reg)
		require.ErrorContains(t, err, tt.message, tt.name)
	}
	_, err := flows.ExportPO("translated.yaml", src, reg, "es")
	require.ErrorContains(t, err, `"es" is not a language to translate translated.yaml into (its texts are in es)`)
	_, err = flows.ExportPO("old.yaml", []byte("switchboard: 1\nid: old\nblocks:\n  chat: {type: webchat.trigger}\n"), reg, "it")
	require.ErrorContains(t, err, "does not say which language its texts are in")
}
