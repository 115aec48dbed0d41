package engine_test

import (
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
)

func TestFold(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"Reembolsó ÁGIL", "reembolso agil"}, // Spanish
		{"¿Dónde está mi pedido? ¡Ñandú!", "¿donde esta mi pedido? ¡nandu!"},
		{"Ação, informação, pão, VOCÊ", "acao, informacao, pao, voce"}, // Portuguese
		{"Français, garçon, Noël, œuvre, à bientôt", "francais, garcon, noel, œuvre, a bientot"},
		{"Perché così? Università", "perche cosi? universita"}, // Italian
		{"Straße, STRASSE", "strasse, strasse"},                // ß folds to ss
		{"e\u0301 vs é", "e vs e"},                             // decomposed accents lose their mark too
		{"İstanbul", "istanbul"},
		{"ΣΊΣΥΦΟΣ", "σισυφοσ"},
		{"ﬁne", "fine"},
		{"plain ascii 123 _-!", "plain ascii 123 _-!"},
		{"emoji 🙂 stays", "emoji 🙂 stays"},
		{"", ""},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, engine.Fold(tt.in), "Fold(%q)", tt.in)
		require.Equal(t, "prefix:"+tt.want, string(engine.AppendFold([]byte("prefix:"), tt.in)), "AppendFold appends")
	}
}

func TestHasWord(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text, word string
		want       bool
	}{
		{"Necesito la factura de octubre", "factura", true},
		{"¿Me das la factura?", "factura", true},
		{"¡Reembolso!", "reembolso", true},
		{"REEMBOLSÓ ya", "reembolso", true},
		{"reembolso", "Reembolsó", true}, // accents and case ignored on both sides
		{"quiero dar de baja el servicio", "dar de baja", true},
		{"quiero dar  de baja", "dar de baja", true}, // white space is one space on both sides
		{"quiero dar\nde\u00a0baja", "dar de baja", true},
		{"quiero dar de baja", "dar \t de baja", true},
		{"quiero dar de bajada", "dar  de baja", false},
		{"you📴", "📴", true}, // a symbol is a word of its own
		{"📴please", "📴", true},
		{"a+1", "+1", true},
		{"+10", "+1", false},
		{"👩\u200d💻", "👩", false}, // joined into another emoji
		{"l’ordine", "l'ordine", true},
		{"l'ordine", "ordine", true}, // an apostrophe splits words
		{"don't", "don", true},
		{"Mis facturas", "factura", false}, // whole words only
		{"prefactura", "factura", false},
		{"factura2", "factura", false},
		{"x_factura", "factura", false}, // _ is part of a word
		{"no-funciona", "funciona", true},
		{"(factura)", "factura", true},
		{"«factura»", "factura", true},
		{"factura.", "factura", true},
		{"facturas y factura", "factura", true}, // the second occurrence is a whole word
		{"éfactura", "factura", false},          // a non-ASCII letter is part of a word
		{"日factura", "factura", false},
		{"l'été dernier", "ete", true},
		{"Perché no?", "perche", true},
		{"Die Straße", "strasse", true},
		{"Olá, tudo bem?", "ola", true},
		{"garçon", "garcon", true},
		{"factura", "", false},
		{"factura", "   ", false},
		{"", "factura", false},
		{"  factura  ", " factura ", true}, // the word is trimmed
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, engine.HasWord(tt.text, tt.word), "HasWord(%q, %q)", tt.text, tt.word)
	}
}

func TestFoldWords(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"Dar  DE\tbaja", "dar de baja"},
		{" \r\n dar\u00a0\u2003de\u3000baja \n", "dar de baja"},
		{"L’ordine DON\u02bcT", "l'ordine don't"},
		{"a \u0301 b", "a b"}, // a stray combining mark does not split a run of spaces
		{"❤️", "❤"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, engine.FoldWords(tt.in), "FoldWords(%q)", tt.in)
	}
}

func TestWordBoundaries(t *testing.T) {
	t.Parallel()
	s := []byte("¿ab_1 é!")
	// ¿ is 2 bytes: a=2 b=3 _=4 1=5 space=6 é=7..8 !=9
	for i, want := range map[int]bool{-1: false, 0: false, 2: true, 4: true, 5: true, 6: false, 7: true, 9: false, 10: false} {
		require.Equal(t, want, engine.WordAt(s, i), "WordAt(%d)", i)
	}
	for i, want := range map[int]bool{0: false, 2: false, 3: true, 6: true, 7: false, 9: true, 10: false, 11: false} {
		require.Equal(t, want, engine.WordBefore(s, i), "WordBefore(%d)", i)
	}
}

// FuzzAppendFoldWords checks the byte-at-a-time writer against the definition taken rune by
// rune: white space as one space, typographic apostrophes as ', combining marks dropped and
// every other rune folded; appended after what dst holds.
func FuzzAppendFoldWords(f *testing.F) {
	for _, s := range []string{"", "Dar  DE\tbaja", " \r\n dar\u00a0\u2003de\u3000baja \n", "L’ordine DON\u02bcT", "a \u0301 b",
		"Straße ẞ ﬁ İstanbul", "\xff\xfeé", "ǅ ǈ ǋ \u0345", strings.Repeat("ß", 40),
		"Hola QUIERO  un REEMBOLSO\tya", "abcdefg  hijklmnop", "abcdefgh  ijklmnop", "AB\tCD  EF\n\nGHIJKLMNOP",
		"@[`{AZaz@[`{AZaz!", "12345678 \x0b\x0c\x0d\x0e12345678", "ZZZZZZZZ        zzzzzzzz\x7f\x00"} {
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, s string, room int) {
		dst := make([]byte, 2, 2+max(room, 0)%64)
		copy(dst, "<<")
		got := string(engine.AppendFoldWords(dst, s))
		var want strings.Builder
		want.WriteString("<<")
		space := false
		for _, r := range s {
			switch {
			case unicode.IsSpace(r):
				if !space {
					want.WriteByte(' ')
				}
				space = true
			case r == '\u2019' || r == '\u02bc':
				want.WriteByte('\'')
				space = false
			case unicode.Is(unicode.Mn, r):
			default:
				want.WriteString(engine.Fold(string(r)))
				space = false
			}
		}
		require.Equal(t, want.String(), got, "AppendFoldWords(%q)", s)
	})
}
