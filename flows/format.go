package flows

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/switchboardhq/switchboard/engine"
)

// Format rewrites a flow file in canonical form: top-level keys, block keys, parameters and
// exits in the order the format and the specs give them; blocks in the order written; two-space
// indentation; comments kept. A JSON file stays JSON. A file that cannot be parsed comes back
// with its diagnostics and no output.
func Format(file string, src []byte, reg *engine.Registry) ([]byte, Diagnostics) {
	doc, diags := Parse(file, src)
	if doc == nil {
		return nil, diags
	}
	canonicalize(doc, reg)
	if doc.JSON {
		var b bytes.Buffer
		writeJSON(&b, doc.root, "")
		b.WriteByte('\n')
		return b.Bytes(), nil
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(doc.docNode); err != nil {
		d := &diagnoser{src: doc.src}
		d.errorf(nil, "", CodeSyntax, "the file cannot be written back as YAML: %v", err)
		return nil, d.diags
	}
	return unescapeAstral(b.Bytes(), doc.root), nil
}

// unescapeAstral writes back as themselves the characters beyond U+FFFF (emoji) that the YAML
// encoder escapes as \UXXXXXXXX, keeping the escaped text if that would change any value.
func unescapeAstral(out []byte, root *yaml.Node) []byte {
	if !bytes.Contains(out, []byte(`\U`)) {
		return out
	}
	var b bytes.Buffer
	for i := 0; i < len(out); i++ {
		c := out[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		run := 1
		for i+run < len(out) && out[i+run] == '\\' {
			run++
		}
		b.Write(out[i : i+run-1])
		i += run - 1
		if run%2 == 1 && i+10 <= len(out)-1 && out[i+1] == 'U' {
			if r, err := strconv.ParseUint(string(out[i+2:i+10]), 16, 32); err == nil && r > 0xFFFF && utf8.ValidRune(rune(r)) {
				b.WriteRune(rune(r))
				i += 9
				continue
			}
		}
		b.WriteByte('\\')
	}
	var check yaml.Node
	if yaml.Unmarshal(b.Bytes(), &check) != nil || len(check.Content) == 0 ||
		!reflect.DeepEqual(plainValue(check.Content[0]), plainValue(root)) {
		return out
	}
	return b.Bytes()
}

// canonicalize reorders keys in place.
func canonicalize(doc *Document, reg *engine.Registry) {
	// the comment above the first key heads the file, whichever key comes first afterwards
	var header string
	if len(doc.root.Content) > 0 {
		header, doc.root.Content[0].HeadComment = doc.root.Content[0].HeadComment, ""
	}
	sortKeys(doc.root, topFields)
	if header != "" && len(doc.root.Content) > 0 {
		first := doc.root.Content[0]
		first.HeadComment = strings.TrimSpace(header + "\n" + first.HeadComment)
	}
	for _, b := range doc.Blocks {
		if b.node == nil || b.node.Kind != yaml.MappingNode {
			continue
		}
		sortKeys(b.node, blockFields)
		spec, ok := reg.Lookup(b.Type)
		if !ok {
			continue
		}
		if b.params != nil {
			sortParams(b.params, spec.Params)
		}
		if b.next != nil && b.next.Kind == yaml.MappingNode {
			sortKeys(b.next, exitsForFormat(b, spec))
		}
	}
}

// exitsForFormat returns a block's exits, decoding its parameters quietly when they are derived.
func exitsForFormat(b *Block, spec *engine.Spec) []string {
	if spec.ExitsFrom == nil {
		return spec.Exits
	}
	pd := &paramDecoder{diagnoser: &diagnoser{src: newSource("", nil, false)}}
	values := pd.fields(b.params, spec.Params, "params", b.paramsKey)
	if pd.errorCount() > 0 {
		return nil
	}
	return spec.ExitsOf(engine.NewParams(values))
}

// sortParams orders parameters as their spec does, recursing into objects.
func sortParams(n *yaml.Node, params []engine.Param) {
	if n.Kind != yaml.MappingNode {
		return
	}
	order := make([]string, len(params))
	for i, p := range params {
		order[i] = p.Name
	}
	sortKeys(n, order)
	for i := 0; i+1 < len(n.Content); i += 2 {
		p := fieldSpec(params, n.Content[i].Value)
		if p == nil {
			continue
		}
		v := n.Content[i+1]
		switch {
		case p.Kind == engine.KindObject:
			sortParams(v, p.Fields)
		case p.Kind == engine.KindList && p.Elem.Kind == engine.KindObject && v.Kind == yaml.SequenceNode:
			for _, item := range v.Content {
				sortParams(item, p.Elem.Fields)
			}
		}
	}
}

// sortKeys orders a mapping's pairs: the listed keys first in list order, then the others as
// written. Merge keys stay first.
func sortKeys(m *yaml.Node, order []string) {
	if m.Kind != yaml.MappingNode {
		return
	}
	type kv struct{ k, v *yaml.Node }
	pairs := make([]kv, 0, len(m.Content)/2)
	for i := 0; i+1 < len(m.Content); i += 2 {
		pairs = append(pairs, kv{m.Content[i], m.Content[i+1]})
	}
	rank := func(p kv) int {
		if p.k.ShortTag() == "!!merge" {
			return -1
		}
		if i := slices.Index(order, p.k.Value); i >= 0 {
			return i
		}
		return len(order)
	}
	slices.SortStableFunc(pairs, func(a, b kv) int { return rank(a) - rank(b) })
	m.Content = m.Content[:0]
	for _, p := range pairs {
		m.Content = append(m.Content, p.k, p.v)
	}
}

// writeJSON writes a node tree as indented JSON, keeping numbers as written.
func writeJSON(b *bytes.Buffer, n *yaml.Node, indent string) {
	n = resolve(n)
	inner := indent + "  "
	switch n.Kind {
	case yaml.MappingNode:
		ps := pairs(n)
		if len(ps) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteString("{\n")
		for i, p := range ps {
			b.WriteString(inner)
			writeJSONString(b, p.key.Value)
			b.WriteString(": ")
			writeJSON(b, p.value, inner)
			if i < len(ps)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "}")
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString("[\n")
		for i, c := range n.Content {
			b.WriteString(inner)
			writeJSON(b, c, inner)
			if i < len(n.Content)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "]")
	default:
		switch n.ShortTag() {
		case "!!int", "!!float":
			if json.Valid([]byte(n.Value)) {
				b.WriteString(n.Value)
			} else {
				writeJSONString(b, n.Value)
			}
		case "!!bool":
			b.WriteString(strings.ToLower(n.Value))
		case "!!null":
			b.WriteString("null")
		default:
			writeJSONString(b, n.Value)
		}
	}
}

func writeJSONString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)       // a string always encodes
	b.Truncate(b.Len() - 1) // Encode adds a newline
}
