package flows

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/switchboardhq/switchboard/engine"
)

// LanguagePattern is what a language code looks like: an ISO 639 code in lower case (es, it,
// fr, pt...), without a region.
var LanguagePattern = regexp.MustCompile(`^[a-z]{2,3}$`)

// Translation is one parameter of one block in another language, as written under
// translations: {LANGUAGE: {BLOCK: {PARAM: value}}}.
type Translation struct {
	Language, Block, Param string

	langKey, blockKey, key, value *yaml.Node
}

// language reads the flow's base language.
func (d *diagnoser) language(doc *Document, v *yaml.Node) {
	s, ok := d.text(v, "language")
	if !ok {
		return
	}
	if !LanguagePattern.MatchString(s) {
		d.errorf(v, "language", CodeBadValue, "language %q is not a language code; write one in lower case such as es, it or fr", s)
		return
	}
	doc.Language = s
}

// translations reads the translations mapping: languages, then block ids, then parameters.
func (d *diagnoser) translations(doc *Document, v *yaml.Node) {
	if v.ShortTag() == "!!null" {
		return
	}
	if v.Kind != yaml.MappingNode {
		d.errorf(v, "translations", CodeBadValue, "translations is a mapping of languages to the blocks' texts in them, not %s", describe(v))
		return
	}
	for _, lang := range pairs(v) {
		path := "translations." + lang.key.Value
		if !LanguagePattern.MatchString(lang.key.Value) {
			d.errorf(lang.key, path, CodeBadValue, "%q is not a language code; write one in lower case such as es, it or fr", lang.key.Value)
			continue
		}
		if lang.value.ShortTag() == "!!null" {
			continue
		}
		if lang.value.Kind != yaml.MappingNode {
			d.errorf(lang.value, path, CodeBadValue, "the translations into %s are a mapping of block ids to their parameters, not %s", lang.key.Value, describe(lang.value))
			continue
		}
		for _, block := range pairs(lang.value) {
			bpath := path + "." + block.key.Value
			if block.value.Kind != yaml.MappingNode {
				d.errorf(block.value, bpath, CodeBadValue, "the translations of block %s are a mapping of its parameters to their text, not %s", block.key.Value, describe(block.value))
				continue
			}
			for _, param := range pairs(block.value) {
				doc.Translations = append(doc.Translations, Translation{
					Language: lang.key.Value, Block: block.key.Value, Param: param.key.Value,
					langKey: lang.key, blockKey: block.key, key: param.key, value: param.value,
				})
			}
		}
	}
}

// Translatable tells whether a parameter is a text the customer reads, which translations may
// give in other languages: a template, or a list of templates, that its spec marks as Text.
func Translatable(p *engine.Param) bool {
	return p.Text && (p.Kind == engine.KindTemplate || (p.Kind == engine.KindList && p.Elem != nil && p.Elem.Kind == engine.KindTemplate))
}

// translate builds each translated block: the block's parameters with the translated ones in
// their place, checked as the block's own.
func (pd *paramDecoder) translate(doc *Document, byID map[string]*compiled) {
	if len(doc.Translations) == 0 {
		return
	}
	if doc.Language == "" {
		t := doc.Translations[0]
		pd.errorf(t.langKey, "translations", CodeMissingField, "translations need the language the flow's texts are written in: add language: es (or the flow's language) at the top")
		return
	}
	type group struct{ lang, block string }
	groups := map[group][]Translation{}
	var order []group
	for _, t := range doc.Translations {
		g := group{t.Language, t.Block}
		if _, ok := groups[g]; !ok {
			order = append(order, g)
		}
		groups[g] = append(groups[g], t)
	}
	reported := map[*yaml.Node]bool{}
	for _, g := range order {
		ts := groups[g]
		first := ts[0]
		if g.lang == doc.Language {
			if !reported[first.langKey] {
				reported[first.langKey] = true
				pd.errorf(first.langKey, "translations."+g.lang, CodeBadValue, "%s is the flow's own language; its texts are the blocks' parameters", g.lang)
			}
			continue
		}
		path := "translations." + g.lang + "." + g.block
		c := byID[g.block]
		if c == nil {
			msg := fmt.Sprintf("there is no block %q to translate", g.block)
			if s := suggest(g.block, blockIDs(doc)); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			}
			pd.errorf(first.blockKey, path, CodeDanglingNext, "%s", msg)
			continue
		}
		if !c.ok {
			continue
		}
		mapping := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: first.key.Line, Column: first.key.Column}
		var fields []engine.Param
		for _, t := range ts {
			p := fieldSpec(c.spec.Params, t.Param)
			switch {
			case p == nil:
				var names []string
				for _, q := range c.spec.Params {
					if Translatable(&q) {
						names = append(names, q.Name)
					}
				}
				pd.errorf(t.key, path+"."+t.Param, CodeUnknownField, "block %s (%s) has no parameter %q; its texts are %s", g.block, c.spec.Type, t.Param, listOrNone(names))
			case !Translatable(p):
				pd.errorf(t.key, path+"."+t.Param, CodeBadValue, "%s is not a text the customer reads; only those are translated", t.Param)
			default:
				q := *p
				q.Required = false
				fields = append(fields, q)
				mapping.Content = append(mapping.Content, t.key, t.value)
			}
		}
		if len(fields) == 0 {
			continue
		}
		before := pd.errorCount()
		values := pd.fields(mapping, fields, path, first.blockKey)
		if pd.errorCount() != before {
			continue
		}
		merged := make(map[string]any, len(c.values)+len(values))
		maps.Copy(merged, c.values)
		maps.Copy(merged, values)
		block, err := buildSafely(c.spec, engine.NewParams(merged))
		if err != nil {
			pd.errorf(first.blockKey, path, CodeBadValue, "%v", err)
			continue
		}
		if c.translated == nil {
			c.translated = map[string]engine.Block{}
		}
		c.translated[g.lang] = block
	}
}

func blockIDs(doc *Document) []string {
	ids := make([]string, len(doc.Blocks))
	for i, b := range doc.Blocks {
		ids[i] = b.ID
	}
	return ids
}

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// translationLanguages returns the languages a document has translations into, in written order.
func translationLanguages(doc *Document) []string {
	var out []string
	for _, t := range doc.Translations {
		if !slices.Contains(out, t.Language) {
			out = append(out, t.Language)
		}
	}
	return out
}

// CodeMissingTranslation is a text without a translation into a language validate was asked
// to check (validate --languages).
const CodeMissingTranslation = "missing-translation"

// MissingTranslations reports every text of a flow file that has no translation into one of
// languages, at the text's position. The flow's own language needs none.
func MissingTranslations(file string, src []byte, reg *engine.Registry, languages []string) Diagnostics {
	doc, _ := Parse(file, src)
	if doc == nil || doc.root == nil {
		return nil
	}
	d := &diagnoser{src: doc.src}
	if doc.Language == "" {
		d.errorf(doc.root, "language", CodeMissingTranslation, "the flow does not say which language its texts are in, so their translations cannot be checked: add language: es (or its language)")
		return d.diags
	}
	have := map[[3]string]bool{}
	for _, t := range doc.Translations {
		have[[3]string{t.Language, t.Block, t.Param}] = true
	}
	for _, b := range doc.Blocks {
		spec, ok := reg.Lookup(b.Type)
		if !ok {
			continue
		}
		for _, p := range pairs(b.params) {
			q := fieldSpec(spec.Params, p.key.Value)
			if q == nil || !Translatable(q) {
				continue
			}
			for _, lang := range languages {
				if lang == doc.Language || have[[3]string{lang, b.ID, q.Name}] {
					continue
				}
				d.errorf(p.value, "blocks."+b.ID+".params."+q.Name, CodeMissingTranslation,
					"%s of block %s has no %s translation; add it under translations.%s.%s.%s", q.Name, b.ID, lang, lang, b.ID, q.Name)
			}
		}
	}
	d.diags.Sort()
	return d.diags
}
