package engine_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
)

func TestLanguageOf(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"it": "it", "it_IT": "it", "es-AR": "es", "FR": "fr", " pt_BR ": "pt", "fil": "fil",
		"": "", "i": "", "italiano": "", "1t": "", "es_": "es",
	} {
		require.Equal(t, want, engine.LanguageOf(in), "LanguageOf(%q)", in)
	}
}

func TestDetectLanguage(t *testing.T) {
	t.Parallel()
	all := []string{"es", "it", "fr", "en", "pt"}
	tests := []struct {
		text       string
		candidates []string
		want       string
	}{
		{"Hola, quiero la factura de mi cuenta", all, "es"},
		{"Ciao, ho un problema con il mio ordine", all, "it"},
		{"Bonjour, je veux annuler ma commande", all, "fr"},
		{"Hi, I want my invoice for this account", all, "en"},
		{"Olá, não consigo acessar minha conta", all, "pt"},
		{"HOLA QUIERO AYUDA CON MI CUENTA", all, "es"}, // case and accents do not matter
		{"hola", all, ""}, // one word is not enough
		{"ok 👍", all, ""}, // nothing to go by
		{"Ciao, ho un problema con il mio ordine", []string{"es", "fr"}, ""}, // only the flow's languages
		{"hola gracias merci bonjour", all, ""},                              // mixed: not sure
		{"Hola, quiero la factura de mi cuenta", nil, ""},
		{"Hola, quiero la factura de mi cuenta", []string{"xx", "es"}, "es"}, // a language without words is never chosen
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, engine.DetectLanguage(tt.text, tt.candidates), "DetectLanguage(%q, %v)", tt.text, tt.candidates)
	}
}
