package flows

import (
	"regexp"

	"go.yaml.in/yaml/v3"
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
