package blocks_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/sim"
)

// keywordsFlow loads a flow whose block b is a filter.keywords with these parameters (YAML
// lines), saving the keyword and the exit.
func keywordsFlow(t testing.TB, params ...string) *engine.Flow {
	t.Helper()
	params = append(params, "save_keyword: keyword", "save_exit: topic")
	return around(t, "facebook", "b:\n  type: filter.keywords\n  params:\n    "+strings.Join(params, "\n    ")+"\n")
}

func TestKeywords(t *testing.T) {
	t.Parallel()
	const (
		billing    = "rules: [{exit: billing, any: [factura, invoice, cobro]}]"
		firstThen  = "rules: [{exit: billing, any: [factura]}, {exit: cancel, any: [cancelar]}]"
		sameStart  = "rules: [{exit: short, any: [cobro]}, {exit: long, any: [cobro doble]}]"
		longFirst  = "rules: [{exit: long, any: [cobro doble]}, {exit: short, any: [cobro]}]"
		twoTopics  = "rules: [{exit: billing, any: [cobro]}, {exit: payment, any: [pago]}]"
		substring  = "match: substring"
		leftmost   = "pick: leftmost"
		allWords   = "rules: [{exit: broken, all: [no, funciona]}]"
		anyAndAll  = "rules: [{exit: broken, any: [app, web], all: [no funciona]}]"
		noneVeto   = `rules: [{exit: cancel, any: [cancelar, "dar de baja"], none: [no quiero cancelar, gracias]}]`
		multilang  = "rules: [{exit: refund, any: [REEMBOLSÓ, ação, café, perché, Refund]}]"
		nameInput  = `input: 'interaction.author.name + " " + interaction.text'`
		nameRule   = "rules: [{exit: vip, any: [ana]}]"
		phraseRule = `rules: [{exit: cancel, any: ["dar de baja"]}]`
		spacedRule = `rules: [{exit: cancel, any: ["dar  de\tbaja"]}]`
		symbolRule = `rules: [{exit: unplug, any: ["📴", "+1", "❤️"]}]`
		emojiRule  = `rules: [{exit: woman, any: ["👩"]}]`
		apostrophe = `rules: [{exit: order, any: [ordine, don]}]`
		italian    = `rules: [{exit: order, any: ["l'ordine"]}]`
		english    = `rules: [{exit: order, any: ["don't"]}]`
	)
	tests := []struct {
		name    string
		params  []string
		text    string
		exit    string
		keyword string // "" when nothing matched
	}{
		{"any of the words", []string{billing}, "necesito la factura de octubre", "billing", "factura"},
		{"the first of several any-words in the text", []string{billing}, "invoice o factura?", "billing", "invoice"},
		{"none of the any-words", []string{billing}, "hola, buen día", "nomatch", ""},
		{"empty text", []string{billing}, "", "nomatch", ""},

		{"all of the all-words", []string{allWords}, "la app no funciona", "broken", "no"},
		{"all-words in any order", []string{allWords}, "funciona mal, no sé", "broken", "funciona"},
		{"one all-word missing", []string{allWords}, "la app funciona", "nomatch", ""},
		{"any-words and all-words together", []string{anyAndAll}, "la web no funciona", "broken", "web"},
		{"all-words without an any-word", []string{anyAndAll}, "no funciona", "nomatch", ""},
		{"an any-word without the all-words", []string{anyAndAll}, "la app anda", "nomatch", ""},

		{"none-words absent", []string{noneVeto}, "quiero cancelar el plan", "cancel", "cancelar"},
		{"a none-phrase vetoes", []string{noneVeto}, "No quiero cancelar, solo preguntaba", "nomatch", ""},
		{"a none-word vetoes", []string{noneVeto}, "quiero cancelar, gracias", "nomatch", ""},
		{"a none-word inside another word does not veto", []string{noneVeto}, "quiero cancelar, agraciasdo", "cancel", "cancelar"},

		{"whole word", []string{billing}, "hubo un cobro doble", "billing", "cobro"},
		{"whole word before punctuation", []string{billing}, "¿Cobro?", "billing", "cobro"},
		{"not inside a longer word", []string{billing}, "revisé los cobros", "nomatch", ""},
		{"not before a digit", []string{billing}, "cobro2026", "nomatch", ""},
		{"not after a letter", []string{billing}, "autocobro", "nomatch", ""},
		{"a later whole word after a partial one", []string{billing}, "cobros... y otro cobro", "billing", "cobro"},
		{"substring inside a longer word", []string{billing, substring}, "revisé los cobros", "billing", "cobro"},
		{"substring after a letter", []string{billing, substring}, "autocobro", "billing", "cobro"},

		{"upper case text", []string{billing}, "LA FACTURA NO LLEGÓ", "billing", "factura"},
		{"Spanish accent in the keyword", []string{multilang}, "quiero mi reembolso", "refund", "reembolsó"},
		{"Spanish accent in the text", []string{"rules: [{exit: refund, any: [reembolso]}]"}, "QUIERO MI REEMBOLSÓ YA", "refund", "reembolso"},
		{"decomposed accent in the text", []string{"rules: [{exit: refund, any: [reembolso]}]"}, "reembolso\u0301 por favor", "refund", "reembolso"},
		{"Portuguese cedilla and tilde", []string{multilang}, "uma AÇÃO judicial", "refund", "ação"},
		{"Portuguese without accents", []string{multilang}, "uma acao judicial", "refund", "ação"},
		{"French accent", []string{multilang}, "le CAFÉ est froid", "refund", "café"},
		{"French without accent", []string{multilang}, "le cafe est froid", "refund", "café"},
		{"Italian accent", []string{multilang}, "Perche non funziona?", "refund", "perché"},
		{"English case", []string{multilang}, "I want a REFUND", "refund", "refund"},
		{"an accent does not join words", []string{multilang}, "cafés", "nomatch", ""},

		{"a phrase", []string{phraseRule}, "Quiero DAR DE BAJA el servicio", "cancel", "dar de baja"},
		{"a phrase with accents around it", []string{phraseRule}, "¿cómo doy de baja? quiero dar de baja", "cancel", "dar de baja"},
		{"a phrase cut short", []string{phraseRule}, "quiero dar de bajada", "nomatch", ""},
		{"a phrase's words apart", []string{phraseRule}, "dar la baja", "nomatch", ""},
		{"a phrase across two spaces", []string{phraseRule}, "quiero dar  de baja", "cancel", "dar de baja"},
		{"a phrase across a line break", []string{phraseRule}, "quiero dar\nde baja", "cancel", "dar de baja"},
		{"a phrase across a tab and a CRLF", []string{phraseRule}, "quiero dar\tde\r\nbaja", "cancel", "dar de baja"},
		{"a phrase across no-break spaces", []string{phraseRule}, "quiero dar\u00a0de\u202fbaja", "cancel", "dar de baja"},
		{"a keyword written with two spaces and a tab", []string{spacedRule}, "quiero dar de baja", "cancel", "dar de baja"},
		{"a keyword written with two spaces, a cut phrase", []string{spacedRule}, "quiero dar de bajada", "nomatch", ""},

		{"an emoji touching a word", []string{symbolRule}, "you📴", "unplug", "📴"},
		{"an emoji before a word", []string{symbolRule}, "📴bye", "unplug", "📴"},
		{"a symbol keyword after a letter", []string{symbolRule}, "me too+1", "unplug", "+1"},
		{"a symbol keyword that ends in a digit stays whole", []string{symbolRule}, "+10 for this", "nomatch", ""},
		{"an emoji without its variation selector", []string{symbolRule}, "I ❤ it", "unplug", "❤️"},
		{"an emoji that is part of a joined emoji", []string{emojiRule}, "👩\u200d💻 here", "nomatch", ""},
		{"an emoji before a joined emoji", []string{emojiRule}, "👩 👩\u200d💻", "woman", "👩"},

		{"an apostrophe splits words: Italian", []string{apostrophe}, "dov'è l'ordine?", "order", "ordine"},
		{"a keyword with an apostrophe", []string{italian}, "dov'è l'ordine?", "order", "l'ordine"},
		{"a typographic apostrophe", []string{italian}, "dov’è l’ordine?", "order", "l'ordine"},
		{"an apostrophe splits words: English", []string{apostrophe}, "I don't know", "order", "don"},
		{"an English keyword with a typographic apostrophe in the text", []string{english}, "I DON’T know", "order", "don't"},
		{"a keyword with an apostrophe is no other word", []string{english}, "I do not know", "nomatch", ""},

		{"first rule in order", []string{firstThen}, "quiero cancelar, no me llegó la factura", "billing", "factura"},
		{"leftmost match", []string{firstThen, leftmost}, "quiero cancelar, no me llegó la factura", "cancel", "cancelar"},
		{"leftmost with one rule matching", []string{firstThen, leftmost}, "no me llegó la factura", "billing", "factura"},
		{"leftmost tie goes to the earlier rule", []string{sameStart, leftmost}, "un cobro doble", "short", "cobro"},
		{"leftmost tie, other order", []string{longFirst, leftmost}, "un cobro doble", "long", "cobro doble"},
		{"leftmost counts whole words only", []string{twoTopics, leftmost}, "cobros, pago y cobro", "payment", "pago"},
		{"first ignores position", []string{twoTopics}, "cobros, pago y cobro", "billing", "cobro"},

		{"an input expression", []string{nameRule, nameInput}, "hola", "vip", "ana"},
	}
	for _, tt := range tests {
		// A few keywords and many take different paths through the block: each case runs again
		// with a last rule of 40 keywords that never appear.
		for _, padded := range []bool{false, true} {
			name := tt.name
			params := tt.params
			if padded {
				name += " among many keywords"
				params = padRules(params)
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				f := keywordsFlow(t, params...)
				o := play(t, f, sim.Scenario{Interaction: comment(tt.text)})
				require.Nil(t, o.Error)
				require.Equal(t, tt.exit, exitOf(t, o, "b"), "text %q", tt.text)
				if tt.keyword == "" {
					require.NotContains(t, o.Vars, "keyword", "nothing matched, so no keyword is saved")
					require.NotContains(t, o.Vars, "topic")
					return
				}
				require.Equal(t, tt.keyword, o.Vars["keyword"])
				require.Equal(t, tt.exit, o.Vars["topic"])
			})
		}
	}
}

// padRules adds a last rule of 40 keywords that appear in no test text to the rules parameter.
func padRules(params []string) []string {
	words := make([]string, 40)
	for i := range words {
		words[i] = fmt.Sprintf("relleno%02d", i)
	}
	out := make([]string, len(params))
	for i, p := range params {
		if strings.HasPrefix(p, "rules: [") {
			p = strings.TrimSuffix(p, "]") + ", {exit: padding, any: [" + strings.Join(words, ", ") + "]}]"
		}
		out[i] = p
	}
	return out
}

func TestKeywordsWithoutSaving(t *testing.T) {
	t.Parallel()
	f := around(t, "facebook", `b:
  type: filter.keywords
  params:
    rules: [{exit: billing, any: [factura]}]
  next: {billing: done, nomatch: done}
done: {type: end}
`)
	o := play(t, f, sim.Scenario{Interaction: comment("la factura")})
	require.Equal(t, []string{"in", "b", "done"}, o.Path)
	require.Equal(t, "billing", exitOf(t, o, "b"))
	require.Empty(t, o.Vars, "without save_keyword and save_exit the block sets no variable")
}

func TestKeywordsBuildErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		rules   string
		path    string
		line    int
		message string
	}{
		{"a rule with only none-words", "      - {exit: a, any: [x]}\n      - {exit: b, none: [y]}\n",
			"blocks.b.params.rules[1]", 13, "a rule needs any or all words to match on"},
		{"a rule with no words", "      - {exit: a}\n",
			"blocks.b.params.rules[0]", 12, "a rule needs any or all words to match on"},
		{"a rule named nomatch", "      - {exit: a, any: [x]}\n      - {exit: nomatch, any: [y]}\n",
			"blocks.b.params.rules[1].exit", 13, "nomatch is the exit taken when no rule matches"},
		{"an empty keyword", "      - {exit: a, any: [x, \" \"]}\n",
			"blocks.b.params.rules[0].any[1]", 12, "an empty keyword matches nothing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			errs := loadErrors(t, flowDoc("test", "facebook", "b:\n  type: filter.keywords\n  params:\n    rules:\n"+tt.rules))
			require.Len(t, errs, 1, diagText(errs))
			require.Equal(t, tt.path, errs[0].Path)
			require.Equal(t, tt.line, errs[0].Line, "the error is on the rule's line")
			require.Contains(t, errs[0].Message, tt.message)
		})
	}
}

// manyKeywords returns 300 keywords, one rule per 10 of them: words that are prefixes of each
// other ("clave1", "clave10", "clave100"), accented words and phrases ("opción 7").
func manyKeywords() (rules string, keyword func(n int) string, exit func(n int) string) {
	keyword = func(n int) string {
		if n%2 == 0 {
			return fmt.Sprintf("clave%d", n)
		}
		return fmt.Sprintf("opción %d", n)
	}
	exit = func(n int) string { return fmt.Sprintf("r%d", n%30) }
	var sb strings.Builder
	for r := range 30 {
		fmt.Fprintf(&sb, "      - exit: r%d\n        any:\n", r)
		for n := 1; n <= 300; n++ {
			if n%30 == r {
				fmt.Fprintf(&sb, "          - %q\n", keyword(n))
			}
		}
	}
	return sb.String(), keyword, exit
}

func manyKeywordsFlow(t testing.TB, params string) *engine.Flow {
	rules, _, _ := manyKeywords()
	return around(t, "facebook", "b:\n  type: filter.keywords\n  params:\n"+params+"    save_keyword: keyword\n    rules:\n"+rules)
}

func TestKeywordsHundredsOfKeywords(t *testing.T) {
	t.Parallel()
	_, keyword, exit := manyKeywords()
	for _, pick := range []string{"first", "leftmost"} {
		t.Run(pick, func(t *testing.T) {
			t.Parallel()
			f := manyKeywordsFlow(t, "    pick: "+pick+"\n")
			for n := 1; n <= 300; n++ {
				text := "Hola, les escribo por " + strings.ToUpper(keyword(n)) + ", gracias."
				o := play(t, f, sim.Scenario{Interaction: comment(text)})
				require.Equal(t, exit(n), exitOf(t, o, "b"), "text %q", text)
				require.Equal(t, keyword(n), o.Vars["keyword"], "text %q", text)
			}
			for _, text := range []string{"clave301", "clave", "opción", "opción 301", "clave1000", "opción 71x", "nada que ver"} {
				o := play(t, f, sim.Scenario{Interaction: comment(text)})
				require.Equal(t, "nomatch", exitOf(t, o, "b"), "text %q", text)
			}
		})
	}
	t.Run("leftmost of two", func(t *testing.T) {
		t.Parallel()
		f := manyKeywordsFlow(t, "    pick: leftmost\n")
		o := play(t, f, sim.Scenario{Interaction: comment("opción 299 y después clave2")})
		require.Equal(t, exit(299), exitOf(t, o, "b"), "opción 299 starts first, though its rule comes later")
		f = manyKeywordsFlow(t, "    pick: first\n")
		o = play(t, f, sim.Scenario{Interaction: comment("opción 299 y después clave2")})
		require.Equal(t, exit(2), exitOf(t, o, "b"), "the rule of clave2 comes first")
	})
	t.Run("substring", func(t *testing.T) {
		t.Parallel()
		f := manyKeywordsFlow(t, "    match: substring\n    pick: leftmost\n")
		// clave100 holds clave10 at the same start: the tie goes to the earlier rule, r10.
		o := play(t, f, sim.Scenario{Interaction: comment("xclave100x")})
		require.Equal(t, exit(10), exitOf(t, o, "b"))
		require.Equal(t, "clave10", o.Vars["keyword"])
	})
}

// BenchmarkKeywords300 runs one interaction through a trigger and a keyword filter of 300
// keywords in 30 rules.
func BenchmarkKeywords300(b *testing.B) {
	f := manyKeywordsFlow(b, "    pick: leftmost\n")
	rt := &engine.Runtime{}
	in := engine.Interaction{Channel: "facebook", Kind: "comment", Public: true, Author: engine.Author{ID: "u1"},
		Text: "Buenas tardes, les escribo porque desde la semana pasada no puedo entrar a mi cuenta y " +
			"el soporte no me responde; además me llegó un cobro que no reconozco. Por la OPCIÓN 151, gracias."}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		s, _ := rt.Start(ctx, f, in, engine.StartOptions{})
		if s.Vars.Get("keyword") != "opción 151" {
			b.Fatalf("keyword %v, want opción 151 (%s)", s.Vars.Get("keyword"), s.Error)
		}
	}
}
