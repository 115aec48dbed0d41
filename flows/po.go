package flows

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/switchboardhq/switchboard/engine"
)

// Translations travel to translators as gettext PO files: one entry per text, its context
// (msgctxt) the block and parameter ("greet.text", or "greet.text[1]" for the second variant of
// a reply), its msgid the text in the flow's language and its msgstr the translation, empty
// when there is none yet. The header's Language says which language the file is for.

// poEntry is one text of a flow: where it is, the text as written, its translation.
type poEntry struct {
	context, source, translation string
	line                         int
}

// textEntries lists every text of a document that translations may give, with the one into
// lang when it has it.
func textEntries(doc *Document, reg *engine.Registry, lang string) []poEntry {
	var out []poEntry
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
			var translated *yaml.Node
			for _, t := range doc.Translations {
				if t.Language == lang && t.Block == b.ID && t.Param == q.Name {
					translated = resolve(t.value)
				}
			}
			ctx := b.ID + "." + q.Name
			v := resolve(p.value)
			if v.Kind == yaml.SequenceNode {
				for i, item := range v.Content {
					e := poEntry{context: fmt.Sprintf("%s[%d]", ctx, i), source: resolve(item).Value, line: item.Line}
					if translated != nil && translated.Kind == yaml.SequenceNode && i < len(translated.Content) {
						e.translation = resolve(translated.Content[i]).Value
					} else if translated != nil && translated.Kind == yaml.ScalarNode && i == 0 {
						e.translation = translated.Value
					}
					out = append(out, e)
				}
				continue
			}
			e := poEntry{context: ctx, source: v.Value, line: v.Line}
			if translated != nil && translated.Kind == yaml.ScalarNode {
				e.translation = translated.Value
			}
			out = append(out, e)
		}
	}
	return out
}

// ExportPO writes a flow file's texts as a PO file for translating them into lang, with the
// translations the file already has.
func ExportPO(file string, src []byte, reg *engine.Registry, lang string) ([]byte, error) {
	doc, diags := Parse(file, src)
	if doc == nil || diags.HasErrors() {
		return nil, fmt.Errorf("%s has errors; run switchboard validate on it", file)
	}
	if doc.Language == "" {
		return nil, fmt.Errorf("%s does not say which language its texts are in: add language: es (or its language)", file)
	}
	if !LanguagePattern.MatchString(lang) || lang == doc.Language {
		return nil, fmt.Errorf("%q is not a language to translate %s into (its texts are in %s)", lang, file, doc.Language)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# The texts of flow %s, in %s, to translate into %s.\n", doc.ID, doc.Language, lang)
	b.WriteString("msgid \"\"\nmsgstr \"\"\n")
	fmt.Fprintf(&b, "\"Language: %s\\n\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n\"X-Switchboard-Flow: %s\\n\"\n", lang, poEscape(doc.ID))
	for _, e := range textEntries(doc, reg, lang) {
		fmt.Fprintf(&b, "\n#: %s:%d\nmsgctxt \"%s\"\nmsgid \"%s\"\nmsgstr \"%s\"\n", doc.File, e.line, poEscape(e.context), poEscape(e.source), poEscape(e.translation))
	}
	return b.Bytes(), nil
}

func poEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\t", `\t`, "\r", `\r`).Replace(s)
}

// poFile is a parsed PO file.
type poFile struct {
	language string
	entries  []poEntry // context, source (msgid) and translation (msgstr)
}

// parsePO reads the PO files ExportPO writes and translators' tools write back: comments,
// msgctxt, msgid and msgstr with strings continued on the lines after them.
func parsePO(data []byte) (*poFile, error) {
	f := &poFile{}
	var cur poEntry
	var field *string
	seen := false
	flush := func() {
		if !seen {
			return
		}
		if cur.context == "" && cur.source == "" {
			for _, line := range strings.Split(cur.translation, "\n") {
				if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(strings.TrimSpace(k), "Language") {
					f.language = strings.TrimSpace(v)
				}
			}
		} else {
			f.entries = append(f.entries, cur)
		}
		cur, field, seen = poEntry{}, nil, false
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), MaxFileSize)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		keyword, rest, _ := strings.Cut(line, " ")
		switch keyword {
		case "msgctxt":
			flush()
			field = &cur.context
		case "msgid":
			if cur.source != "" || (seen && field != &cur.context) {
				flush()
			}
			field = &cur.source
		case "msgstr":
			field = &cur.translation
		default:
			if !strings.HasPrefix(line, `"`) || field == nil {
				return nil, fmt.Errorf("line %d: %q is not PO: want msgctxt, msgid, msgstr or a quoted string", n, line)
			}
			rest = line
		}
		s, err := strconv.Unquote(strings.TrimSpace(rest))
		if err != nil {
			return nil, fmt.Errorf("line %d: %s is not a quoted string", n, strings.TrimSpace(rest))
		}
		*field += s
		seen = true
		cur.line = n
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	flush()
	return f, nil
}

// ImportPO writes the translations of a PO file into a flow file, under translations of the
// PO file's language, keeping the file's comments and writing it in the newest format. An
// entry without a translation leaves the text untranslated; an entry the flow does not have
// is an error, so that a PO file of another flow or an older one does not go in silently.
func ImportPO(file string, src, po []byte, reg *engine.Registry) ([]byte, string, error) {
	p, err := parsePO(po)
	if err != nil {
		return nil, "", err
	}
	lang := engine.LanguageOf(p.language)
	if lang == "" {
		return nil, "", fmt.Errorf("the PO file has no Language in its header (\"Language: it\\n\")")
	}
	doc, diags := Parse(file, src)
	if doc == nil || diags.HasErrors() {
		return nil, "", fmt.Errorf("%s has errors; run switchboard validate on it", file)
	}
	if doc.Language == "" {
		return nil, "", fmt.Errorf("%s does not say which language its texts are in: add language: es (or its language)", file)
	}
	if lang == doc.Language {
		return nil, "", fmt.Errorf("the PO file is for %s, the flow's own language", lang)
	}
	known := map[string]bool{}
	for _, e := range textEntries(doc, reg, lang) {
		known[e.context] = true
	}
	type key struct{ block, param string }
	texts := map[key]map[int]string{}
	var order []key
	lists := map[key]bool{}
	for _, e := range p.entries {
		if !known[e.context] {
			return nil, "", fmt.Errorf("line %d: the flow has no text %q; export the PO file again", e.line, e.context)
		}
		if e.translation == "" {
			continue
		}
		ctx, index := e.context, 0
		if i := strings.IndexByte(ctx, '['); i >= 0 {
			index, _ = strconv.Atoi(strings.TrimSuffix(ctx[i+1:], "]"))
			ctx = ctx[:i]
		}
		block, param, _ := strings.Cut(ctx, ".")
		k := key{block, param}
		if texts[k] == nil {
			texts[k] = map[int]string{}
			order = append(order, k)
		}
		if strings.Contains(e.context, "[") {
			lists[k] = true
		}
		texts[k][index] = e.translation
	}
	for _, k := range order {
		var value *yaml.Node
		if lists[k] {
			value = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
			for i := 0; len(value.Content) < len(texts[k]); i++ {
				if s, ok := texts[k][i]; ok {
					value.Content = append(value.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s})
				}
			}
		} else {
			value = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: texts[k][0]}
		}
		setTranslation(doc.root, lang, k.block, k.param, value)
	}
	to := "yaml"
	if doc.JSON {
		to = "json"
	}
	out, ds := write(doc, to, reg)
	if out == nil {
		return nil, "", fmt.Errorf("%s cannot be written back: %s", file, ds[0].Message)
	}
	return out, lang, nil
}

// setTranslation sets translations.LANG.BLOCK.PARAM in a root mapping, making the mappings on
// the way.
func setTranslation(root *yaml.Node, path ...any) {
	m := root
	keys, value := path[:len(path)-1], path[len(path)-1].(*yaml.Node)
	keys = append([]any{"translations"}, keys...)
	for i, k := range keys {
		name := k.(string)
		var next *yaml.Node
		for j := 0; j+1 < len(m.Content); j += 2 {
			if m.Content[j].Value == name {
				next = m.Content[j+1]
				if i == len(keys)-1 {
					m.Content[j+1] = value
					return
				}
				if next.Kind != yaml.MappingNode { // null or empty: made a mapping
					next.Kind, next.Tag, next.Value, next.Content = yaml.MappingNode, "!!map", "", nil
				}
			}
		}
		if next == nil {
			keyNode := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: name}
			if i == len(keys)-1 {
				m.Content = append(m.Content, keyNode, value)
				return
			}
			next = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			m.Content = append(m.Content, keyNode, next)
		}
		m = next
	}
}
