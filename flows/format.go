package flows

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/switchboardhq/switchboard/engine"
)

// Format rewrites a flow file in canonical form: top-level keys, block keys, parameters and
// exits in the order the format and the specs give them; blocks in the order written; two-space
// indentation; comments kept. A JSON file stays JSON. A file that cannot be parsed comes back
// with its diagnostics and no output.
func Format(file string, src []byte, reg *engine.Registry) ([]byte, Diagnostics) {
	to := "yaml"
	if IsJSON(file) {
		to = "json"
	}
	return Convert(file, src, to, reg)
}

// Convert writes a flow file as "yaml" or "json", in canonical form. JSON has no comments, so
// a YAML file's comments do not survive the way to JSON.
// The file keeps its format version: Upgrade writes the newest.
func Convert(file string, src []byte, to string, reg *engine.Registry) ([]byte, Diagnostics) {
	doc, diags := parseFile(file, src, false)
	if doc == nil {
		return nil, diags
	}
	return write(doc, to, reg)
}

// write writes a parsed document as "yaml" or "json", in canonical form.
func write(doc *Document, to string, reg *engine.Registry) ([]byte, Diagnostics) {
	canonicalize(doc, reg)
	if to == "json" {
		var b bytes.Buffer
		newJSONWriter(&b, false).write(doc.root, "")
		b.WriteByte('\n')
		return b.Bytes(), nil
	}
	if doc.JSON {
		yamlStyle(doc.root)
	}
	plainMergeKeys(doc.docNode)
	spellNulls(doc.docNode, false)
	quoteLossyBlocks(doc.docNode)
	quoteYAML11(doc.docNode)
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

// yamlStyle turns JSON's braces and quotes into YAML's usual style: block mappings and lists,
// with small ones of plain values kept on one line, and quotes only where YAML needs them.
func yamlStyle(n *yaml.Node) {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 && !strings.ContainsAny(n.Value, "\n\t") {
			n.Style = 0 // the encoder quotes the values that need it, such as "true" or "10"
		}
		return
	case yaml.MappingNode, yaml.SequenceNode:
		small := len(n.Content) <= 8
		for _, c := range n.Content {
			yamlStyle(c)
			if c.Kind != yaml.ScalarNode || len(c.Value) > 40 {
				small = false
			}
		}
		if small && len(n.Content) > 0 {
			n.Style = yaml.FlowStyle
		} else {
			n.Style = 0
		}
	}
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
	// the comment below the last key ends the file: it becomes the document's, after a blank
	// line, where yaml.v3 reads it back the same way whatever the last value is
	if n := len(doc.root.Content); n >= 2 && doc.root.Content[n-2].FootComment != "" {
		last := doc.root.Content[n-2]
		doc.docNode.FootComment = strings.TrimSpace(last.FootComment + "\n" + doc.docNode.FootComment)
		last.FootComment = ""
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
// written. Merge keys stay first, and a pair that defines an anchor stays before the pairs
// that use it. A comment below the last pair stays below the mapping.
func sortKeys(m *yaml.Node, order []string) {
	if m.Kind != yaml.MappingNode || len(m.Content) < 2 {
		return
	}
	pairs := make([]kv, 0, len(m.Content)/2)
	for i := 0; i+1 < len(m.Content); i += 2 {
		pairs = append(pairs, kv{m.Content[i], m.Content[i+1]})
	}
	foot := pairs[len(pairs)-1].k.FootComment
	pairs[len(pairs)-1].k.FootComment = ""
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
	pairs = anchorsFirst(pairs)
	if foot != "" {
		last := pairs[len(pairs)-1].k
		last.FootComment = strings.TrimSpace(last.FootComment + "\n" + foot)
	}
	m.Content = m.Content[:0]
	for _, p := range pairs {
		m.Content = append(m.Content, p.k, p.v)
	}
}

type kv struct{ k, v *yaml.Node }

// anchorsFirst moves pairs that define anchors before the pairs that use them, changing the
// sorted order as little as possible: YAML reads an alias only after its anchor.
func anchorsFirst(pairs []kv) []kv {
	defines := make([][]string, len(pairs))
	uses := make([][]string, len(pairs))
	aliased := false
	for i, p := range pairs {
		anchorsAndAliases(p.k, &defines[i], &uses[i])
		anchorsAndAliases(p.v, &defines[i], &uses[i])
		aliased = aliased || len(uses[i]) > 0
	}
	if !aliased {
		return pairs
	}
	placed := make([]bool, len(pairs))
	ready := func(i int) bool {
		for j := range pairs {
			if j != i && !placed[j] && slices.ContainsFunc(uses[i], func(a string) bool { return slices.Contains(defines[j], a) }) {
				return false
			}
		}
		return true
	}
	out := make([]kv, 0, len(pairs))
	for len(out) < len(pairs) {
		next := -1
		for i := range pairs {
			if !placed[i] && ready(i) {
				next = i
				break
			}
		}
		if next < 0 { // a cycle, which a file that parsed cannot have: keep the sorted order
			next = slices.Index(placed, false)
		}
		out = append(out, pairs[next])
		placed[next] = true
	}
	return out
}

// anchorsAndAliases collects the anchors a tree defines and the aliases it uses.
func anchorsAndAliases(n *yaml.Node, defines, uses *[]string) {
	if n.Anchor != "" {
		*defines = append(*defines, n.Anchor)
	}
	if n.Kind == yaml.AliasNode {
		*uses = append(*uses, n.Value)
		return
	}
	for _, c := range n.Content {
		anchorsAndAliases(c, defines, uses)
	}
}

// spellNulls writes an empty null value inside a flow collection ({a: }) as null: the encoder
// would write it quoted and empty, which reads back as the empty string.
func spellNulls(n *yaml.Node, flow bool) {
	flow = flow || n.Style&yaml.FlowStyle != 0
	switch n.Kind {
	case yaml.MappingNode:
		for i := 1; i < len(n.Content); i += 2 {
			spellNull(n.Content[i], flow)
			spellNulls(n.Content[i], flow)
		}
	case yaml.SequenceNode, yaml.DocumentNode:
		for _, c := range n.Content {
			spellNull(c, flow)
			spellNulls(c, flow)
		}
	}
}

func spellNull(n *yaml.Node, flow bool) {
	if flow && n.Kind == yaml.ScalarNode && n.Value == "" && n.ShortTag() == "!!null" {
		n.Value = "null"
	}
}

// quoteLossyBlocks writes double-quoted the block scalars (| and >) that the YAML writer would
// not write back as they are (it adds blank lines before the more-indented lines of a folded
// block), and those that start with a line break, which it would write with an indentation
// indicator (|2) that fmt has always written double-quoted.
func quoteLossyBlocks(n *yaml.Node) {
	if n.Kind == yaml.ScalarNode && n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 &&
		(strings.HasPrefix(n.Value, "\n") || !blockRoundTrips(n)) {
		n.Style = yaml.DoubleQuotedStyle
	}
	if n.Kind != yaml.AliasNode {
		for _, c := range n.Content {
			quoteLossyBlocks(c)
		}
	}
}

func blockRoundTrips(n *yaml.Node) bool {
	value := &yaml.Node{Kind: yaml.ScalarNode, Style: n.Style, Tag: n.Tag, Value: n.Value}
	out, err := yaml.Marshal(&yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: "k"}, value}})
	var back yaml.Node
	if err != nil || yaml.Unmarshal(out, &back) != nil || len(back.Content) != 1 || len(back.Content[0].Content) != 2 {
		return false
	}
	return back.Content[0].Content[1].Value == n.Value
}

// plainMergeKeys drops the !!merge tag of << keys, which yaml.v3 would otherwise write out.
func plainMergeKeys(n *yaml.Node) {
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := n.Content[i]; k.Tag == "!!merge" {
				k.Tag = ""
			}
		}
	}
	if n.Kind != yaml.AliasNode {
		for _, c := range n.Content {
			plainMergeKeys(c)
		}
	}
}

// jsonPairs returns a mapping's pairs as written, a repeated key too (so that formatting does
// not hide the mistake), then the pairs merged in by << that no written key overrides.
func jsonPairs(m *yaml.Node) []pair {
	var out []pair
	merges := false
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].ShortTag() == "!!merge" {
			merges = true
			continue
		}
		out = append(out, pair{m.Content[i], m.Content[i+1]})
	}
	if merges {
		for _, p := range pairs(m) {
			if !hasKey(out, p.key.Value) {
				out = append(out, p)
			}
		}
	}
	return out
}

// jsonWriter writes a node tree as JSON, keeping numbers as written: indented by two spaces a
// level, or compact.
type jsonWriter struct {
	b       *bytes.Buffer
	enc     *json.Encoder // writes strings into b
	compact bool
}

func newJSONWriter(b *bytes.Buffer, compact bool) *jsonWriter {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	return &jsonWriter{b: b, enc: enc, compact: compact}
}

func (w *jsonWriter) write(n *yaml.Node, indent string) {
	n = resolve(n)
	switch n.Kind {
	case yaml.MappingNode:
		ps := jsonPairs(n)
		w.list(len(ps), '{', '}', indent, func(i int, inner string) {
			w.str(ps[i].key.Value)
			if w.compact {
				w.b.WriteByte(':')
			} else {
				w.b.WriteString(": ")
			}
			w.write(ps[i].value, inner)
		})
	case yaml.SequenceNode:
		w.list(len(n.Content), '[', ']', indent, func(i int, inner string) { w.write(n.Content[i], inner) })
	default:
		switch n.ShortTag() {
		case "!!int", "!!float":
			if json.Valid([]byte(n.Value)) {
				w.b.WriteString(n.Value)
			} else {
				w.str(n.Value)
			}
		case "!!bool":
			w.b.WriteString(strings.ToLower(n.Value))
		case "!!null":
			w.b.WriteString("null")
		default:
			w.str(n.Value)
		}
	}
}

// list writes count items between open and close, one a line when indented.
func (w *jsonWriter) list(count int, open, close byte, indent string, item func(i int, inner string)) {
	w.b.WriteByte(open)
	if count == 0 {
		w.b.WriteByte(close)
		return
	}
	inner := indent + "  "
	for i := range count {
		if i > 0 {
			w.b.WriteByte(',')
		}
		if !w.compact {
			w.b.WriteString("\n" + inner)
		}
		item(i, inner)
	}
	if !w.compact {
		w.b.WriteString("\n" + indent)
	}
	w.b.WriteByte(close)
}

// str writes a JSON string.
func (w *jsonWriter) str(s string) {
	_ = w.enc.Encode(s)         // a string always encodes
	w.b.Truncate(w.b.Len() - 1) // Encode adds a newline
}

// ContentJSON writes a flow file's content as compact JSON, as it is written: keys in their
// order (the keys a mapping merges in with << after its own), numbers as written, no checks
// and no canonical order. It is nil when the file cannot be read. The editor draws a large flow
// from it while it reads the file itself.
func ContentJSON(file string, src []byte) []byte {
	if len(src) > MaxFileSize {
		return nil
	}
	d := &diagnoser{src: newSource(file, src, IsJSON(file)), keepVersion: true}
	if d.src.json && !d.checkJSON() {
		return nil
	}
	docNode, ok := d.decodeYAML()
	if !ok {
		return nil
	}
	root := docNode.Content[0]
	if countNodes(root, MaxNodes+1, true) > MaxNodes {
		return nil
	}
	var b bytes.Buffer
	b.Grow(len(src) + len(src)/2)
	newJSONWriter(&b, true).write(root, "")
	return b.Bytes()
}
