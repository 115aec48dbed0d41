package blocks

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
)

// TestKeywordsSearchesAgree checks the two ways filter.keywords looks for its keywords against
// each other: each keyword in turn (scan, for a few) and one automaton pass (for many). On
// random rules and texts over a small alphabet, so that keywords overlap, repeat and touch
// other words, both must pick the same rule by the same keyword, in every mode.
func TestKeywordsSearchesAgree(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 17))
	alphabet := []string{"a", "b", "c", "á", "B", " ", "  ", "-", "'"}
	word := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		return b.String()
	}
	keyword := func() string {
		for {
			if w := word(1 + rng.IntN(4)); engine.FoldWords(w) != "" {
				return w
			}
		}
	}
	words := func(n int) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = keyword()
		}
		return out
	}
	for round := range 400 {
		var rules []any
		for i := range 1 + rng.IntN(4) {
			rule := map[string]any{"exit": "r" + string(rune('a'+i)), "any": words(1 + rng.IntN(3))}
			if round%3 == 1 {
				rule["all"] = words(rng.IntN(2))
				rule["none"] = words(rng.IntN(2))
			}
			rules = append(rules, engine.NewParams(rule))
		}
		for _, match := range []string{"word", "substring"} {
			for _, pick := range []string{"first", "leftmost"} {
				params := engine.NewParams(map[string]any{"rules": rules, "match": match, "pick": pick})
				built, err := buildKeywords(params)
				require.NoError(t, err)
				k := built.(*keywords)
				require.Nil(t, k.automaton, "a few keywords are looked for in turn")
				other, err := buildKeywords(params)
				require.NoError(t, err)
				many := other.(*keywords)
				var folded []string
				for _, p := range many.patterns {
					folded = append(folded, string(p))
				}
				many.automaton = newAutomaton(folded)
				for range 20 {
					text := word(rng.IntN(24))
					a := &keywordScratch{text: engine.AppendFoldWords(nil, text), first: make([]int, len(k.words))}
					b := &keywordScratch{text: a.text, first: make([]int, len(k.words))}
					k.find(a)
					many.find(b)
					ruleA, wordA := k.decide(a.first)
					ruleB, wordB := many.decide(b.first)
					require.Equal(t, ruleB != nil, ruleA != nil, "%s/%s %v in %q", match, pick, rules, text)
					if ruleA != nil {
						require.Equal(t, ruleB.exit, ruleA.exit, "%s/%s in %q", match, pick, text)
						require.Equal(t, k.words[wordB], k.words[wordA], "%s/%s in %q", match, pick, text)
					}
				}
			}
		}
	}
}

// BenchmarkKeywordsFind looks for the routing benchmark's ten keywords (bench-routing.yaml) in
// folded customer messages; one op is one message.
func BenchmarkKeywordsFind(b *testing.B) {
	rule := func(exit string, words ...any) any {
		return engine.NewParams(map[string]any{"exit": exit, "any": words})
	}
	built, err := buildKeywords(engine.NewParams(map[string]any{"match": "substring", "pick": "leftmost", "rules": []any{
		rule("billing", "reembolso", "factura", "cobro"), rule("retention", "cancelar"), rule("tech_support", "roto", "error"),
		rule("sales", "precio", "descuento"), rule("priority_care", "urgente"), rule("complaints", "reclamo"),
	}}))
	require.NoError(b, err)
	k := built.(*keywords)
	texts := []string{
		"Es por un factura de la semana pasada. no encuentro la opción en la app. alguien me puede ayudar?",
		"Me pasaron este número. no encuentro la opción en la app. hola, quería consultar por mi pedido",
		"Gracias por la atención. hace tres días que espero respuesta",
		"Buenas, quiero cancelar el servicio porque el precio subió otra vez y nadie me responde el reclamo",
	}
	s := &keywordScratch{first: make([]int, len(k.words))}
	for i := 0; b.Loop(); i++ {
		s.text = engine.AppendFoldWords(s.text[:0], texts[i%len(texts)])
		k.find(s)
		k.decide(s.first)
	}
}
