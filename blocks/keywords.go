package blocks

import (
	"bytes"
	"fmt"
	"strings"
	"sync"

	ahocorasick "github.com/petar-dambovaliev/aho-corasick"

	"github.com/switchboardhq/switchboard/engine"
)

var keywordsSpec = engine.Spec{
	Type:     "filter.keywords",
	Title:    "Keyword filter",
	Category: "logic",
	Description: "Sorts an interaction by the words in its text. Rules are tried in order (or by the match " +
		"that starts leftmost); a rule matches when the text has any of its any-words, all of its all-words " +
		"and none of its none-words. Matching ignores case and accents (Spanish, Portuguese, French, Italian " +
		"and English), by whole words and phrases or by substring, and stays fast with hundreds of keywords. " +
		"White space is one space on both sides: a phrase matches across two spaces, a line break, a tab or a " +
		"no-break space, and a keyword written with two spaces matches text with one. A symbol or emoji is a " +
		"word of its own (\"📴\" matches \"you📴\"; \"+1\" matches \"a+1\" but not \"+10\"), unless a " +
		"zero-width joiner makes it part of another emoji. An apostrophe, straight or typographic (’), splits " +
		"words: \"ordine\" matches \"l'ordine\" and \"don\" matches \"don't\"; write \"l'ordine\" or " +
		"\"don't\" to match only the whole form, which ’ in the text matches too.",
	Params: []engine.Param{
		{Name: "rules", Kind: engine.KindList, Required: true, Min: engine.Bound(1),
			Description: "the rules, in order; each names the exit taken when it matches",
			Example:     []map[string]any{{"exit": "billing", "any": []string{"factura", "invoice", "refund"}}},
			Elem: &engine.Param{Kind: engine.KindObject, Description: "a rule", Fields: []engine.Param{
				{Name: "exit", Kind: engine.KindString, Format: "exit", Required: true, Description: "the exit taken when the rule matches", Example: "billing"},
				{Name: "any", Kind: engine.KindList, Description: "words or phrases of which at least one must appear", Example: []string{"factura", "invoice"},
					Elem: &engine.Param{Kind: engine.KindString, Description: "a word or phrase"}},
				{Name: "all", Kind: engine.KindList, Description: "words or phrases that must all appear", Example: []string{"no", "funciona"},
					Elem: &engine.Param{Kind: engine.KindString, Description: "a word or phrase"}},
				{Name: "none", Kind: engine.KindList, Description: "words or phrases that must not appear", Example: []string{"gracias"},
					Elem: &engine.Param{Kind: engine.KindString, Description: "a word or phrase"}},
			}},
		},
		{Name: "input", Kind: engine.KindExpression, Type: "string", Default: "interaction.text",
			Description: "the text to look in", Example: "interaction.text"},
		{Name: "match", Kind: engine.KindEnum, Values: []string{"word", "substring"}, Default: "word",
			Description: "word: keywords match whole words and phrases (\"cobro\" not in \"cobros\"); substring: anywhere"},
		{Name: "pick", Kind: engine.KindEnum, Values: []string{"first", "leftmost"}, Default: "first",
			Description: "first: the first rule in order that matches; leftmost: the matching rule whose keyword starts first in the text (ties go to the earlier rule)"},
		{Name: "save_keyword", Kind: engine.KindString, Format: "identifier",
			Description: "a variable to set to the keyword that matched, in lower case", Example: "keyword"},
		{Name: "save_exit", Kind: engine.KindString, Format: "identifier",
			Description: "a variable to set to the exit of the rule that matched", Example: "topic"},
	},
	ExitsFrom: &engine.DerivedExits{Param: "rules", Field: "exit", After: []string{"nomatch"}},
	SetsVars: func(p *engine.Params) []string {
		return nonEmpty(p.String("save_keyword"), p.String("save_exit"))
	},
	Examples: []engine.Example{{Title: "Sort by topic, in Spanish and English", YAML: `type: filter.keywords
params:
  rules:
    - {exit: billing, any: [factura, invoice, refund, reembolso]}
    - {exit: cancel, any: [cancelar, "dar de baja", unsubscribe], none: [no quiero cancelar]}
  save_keyword: keyword
next: {billing: to-billing, cancel: retention, nomatch: to-general}
`}},
	Build: buildKeywords,
}

// keywords matches every keyword of every rule in one pass of an Aho–Corasick automaton over
// the folded text, then decides the rules from where each keyword first appears.
type keywords struct {
	input       *engine.Expression
	rules       []keywordRule
	words       []any                    // per pattern: the keyword as written, in lower case (a string, boxed once)
	patterns    [][]byte                 // per pattern: the folded keyword
	automaton   *ahocorasick.AhoCorasick // for many keywords; nil when few
	prefixes    [1024]uint64             // for few keywords: the pairs of bytes that can begin one
	byFirst     [256][]uint8             // for few keywords: the patterns that begin with each byte
	whole       bool
	leftmost    bool
	anyOnly     bool // no rule has all- or none-words: a rule matches by its first any-word
	saveKeyword string
	saveExit    string
	scratch     sync.Pool // *keywordScratch
}

type keywordRule struct {
	exit           string
	exitValue      any   // exit, boxed once: setting a variable to it allocates nothing
	any, all, none []int // pattern indexes
}

type keywordScratch struct {
	text  []byte
	first []int // per pattern: where it first starts, or -1
}

var _ engine.Block = (*keywords)(nil)

func buildKeywords(p *engine.Params) (engine.Block, error) {
	k := &keywords{
		input:       p.Expression("input"),
		whole:       p.String("match") == "word",
		leftmost:    p.String("pick") == "leftmost",
		saveKeyword: p.String("save_keyword"),
		saveExit:    p.String("save_exit"),
	}
	index := map[string]int{}
	var patterns []string
	pattern := func(path, word string) (int, error) {
		folded := engine.FoldWords(word)
		if folded == "" {
			return 0, engine.ParamErrorf(path, "an empty keyword matches nothing; remove it")
		}
		if i, ok := index[folded]; ok {
			return i, nil
		}
		index[folded] = len(patterns)
		patterns = append(patterns, folded)
		k.words = append(k.words, strings.Join(strings.Fields(strings.ToLower(word)), " "))
		return len(patterns) - 1, nil
	}
	for i, r := range p.Objects("rules") {
		rule := keywordRule{exit: r.String("exit")}
		rule.exitValue = rule.exit
		if rule.exit == "nomatch" {
			return nil, engine.ParamErrorf(fmt.Sprintf("rules[%d].exit", i), "nomatch is the exit taken when no rule matches; name the rule's exit otherwise")
		}
		for _, part := range []struct {
			name string
			into *[]int
		}{{"any", &rule.any}, {"all", &rule.all}, {"none", &rule.none}} {
			for j, w := range r.Strings(part.name) {
				idx, err := pattern(fmt.Sprintf("rules[%d].%s[%d]", i, part.name, j), w)
				if err != nil {
					return nil, err
				}
				*part.into = append(*part.into, idx)
			}
		}
		if len(rule.any) == 0 && len(rule.all) == 0 {
			return nil, engine.ParamErrorf(fmt.Sprintf("rules[%d]", i), "a rule needs any or all words to match on")
		}
		k.rules = append(k.rules, rule)
	}
	k.anyOnly = true
	for _, r := range k.rules {
		k.anyOnly = k.anyOnly && len(r.all) == 0 && len(r.none) == 0
	}
	few := len(patterns) <= directSearchLimit // searched one by one, by their first byte
	for i, p := range patterns {
		k.patterns = append(k.patterns, []byte(p))
		if few {
			k.byFirst[p[0]] = append(k.byFirst[p[0]], uint8(i))
		}
		if len(p) > 1 {
			k.addPair(p[0], p[1])
		} else { // every pair it begins, and the text's last byte, which pairs with 0
			for b := range 256 {
				k.addPair(p[0], byte(b))
			}
		}
	}
	if !few {
		k.automaton = newAutomaton(patterns)
	}
	return k, nil
}

// newAutomaton builds the Aho–Corasick automaton that finds many keywords in one pass.
func newAutomaton(patterns []string) *ahocorasick.AhoCorasick {
	builder := ahocorasick.NewAhoCorasickBuilder(ahocorasick.Opts{MatchKind: ahocorasick.StandardMatch, DFA: true})
	ac := builder.Build(patterns)
	return &ac
}

// addPair records that a keyword begins with the bytes a then b, as scan reads a position.
func (k *keywords) addPair(a, b byte) {
	pair := uint16(a)<<8 | uint16(b)
	k.prefixes[pair>>6] |= 1 << (pair & 63)
}

// directSearchLimit is the number of keywords up to which searching for each one in turn beats
// building and walking an automaton; above it, one Aho–Corasick pass finds them all.
const directSearchLimit = 24

func (k *keywords) Run(c *engine.Context) engine.Result {
	text, err := c.EvalText(k.input)
	if err != nil {
		return engine.Fail(err)
	}
	s, _ := k.scratch.Get().(*keywordScratch)
	if s == nil {
		s = &keywordScratch{first: make([]int, len(k.words))}
	}
	defer k.scratch.Put(s)
	s.text = engine.AppendFoldWords(s.text[:0], text)
	k.find(s)
	rule, word := k.decide(s.first)
	if rule == nil {
		return engine.Next("nomatch")
	}
	if k.saveKeyword != "" {
		c.SetVar(k.saveKeyword, k.words[word])
	}
	if k.saveExit != "" {
		c.SetVar(k.saveExit, rule.exitValue)
	}
	return engine.Next(rule.exit)
}

// find records where each keyword first appears in the folded text.
func (k *keywords) find(s *keywordScratch) {
	for i := range s.first {
		s.first[i] = -1
	}
	if k.automaton == nil {
		k.scan(s.text, s.first)
		return
	}
	it := k.automaton.IterOverlappingByte(s.text)
	for m := it.Next(); m != nil; m = it.Next() {
		p := m.Pattern()
		if s.first[p] >= 0 && s.first[p] <= m.Start() {
			continue
		}
		if k.whole && !engine.WholeMatch(s.text, m.Start(), m.End()) {
			continue
		}
		s.first[p] = m.Start()
	}
}

// scan finds where each of a few keywords first appears in one pass over the text: only the
// positions whose first two bytes begin some keyword are compared with the keywords that begin
// with that byte. When the leftmost rule wins and rules have only any-words, the first
// position where a keyword appears decides, and the scan stops there.
func (k *keywords) scan(text []byte, first []int) {
	left := len(k.patterns)
	prefixes := &k.prefixes
	for i := 0; i < len(text) && left > 0; i++ {
		pair := uint16(text[i]) << 8 // and 0 past the text's end
		if i+1 < len(text) {
			pair |= uint16(text[i+1])
		}
		if prefixes[pair>>6]&(1<<(pair&63)) == 0 {
			continue
		}
		found := false
		for _, p := range k.byFirst[text[i]] {
			pat := k.patterns[p]
			if first[p] >= 0 || !bytes.HasPrefix(text[i:], pat) {
				continue
			}
			if k.whole && !engine.WholeMatch(text, i, i+len(pat)) {
				continue
			}
			first[p], found = i, true
			left--
		}
		if found && k.leftmost && k.anyOnly {
			return
		}
	}
}

// decide returns the rule that wins and the keyword it matched by.
func (k *keywords) decide(first []int) (*keywordRule, int) {
	var best *keywordRule
	bestWord, bestAt := -1, -1
	for i := range k.rules {
		r := &k.rules[i]
		word, at, ok := r.match(first)
		if !ok {
			continue
		}
		if !k.leftmost {
			return r, word
		}
		if best == nil || at < bestAt {
			best, bestWord, bestAt = r, word, at
		}
	}
	return best, bestWord
}

// match tells whether the rule matches, and by which keyword: the any-word (else all-word)
// that starts first.
func (r *keywordRule) match(first []int) (word, at int, ok bool) {
	for _, p := range r.none {
		if first[p] >= 0 {
			return 0, 0, false
		}
	}
	word, at = -1, -1
	for _, p := range r.all {
		if first[p] < 0 {
			return 0, 0, false
		}
		if at < 0 || first[p] < at {
			word, at = p, first[p]
		}
	}
	if len(r.any) == 0 {
		return word, at, true
	}
	word, at = -1, -1
	for _, p := range r.any {
		if first[p] >= 0 && (at < 0 || first[p] < at) {
			word, at = p, first[p]
		}
	}
	return word, at, word >= 0
}

func nonEmpty(names ...string) []string {
	var out []string
	for _, n := range names {
		if n != "" {
			out = append(out, n)
		}
	}
	return out
}
