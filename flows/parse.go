package flows

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Limits on flow files; each one exceeded is a diagnostic, never a crash or a hang.
const (
	// MaxFileSize is the largest flow file read, in bytes.
	MaxFileSize = 4 << 20
	// MaxBlocks is the most blocks one flow may have.
	MaxBlocks = 5000
	// MaxNodes is the most YAML nodes (values, keys included) a file may expand to, aliases
	// followed.
	MaxNodes = 500_000
)

// FormatVersion is the newest flow format, the one this package writes (see migrate.go).
const FormatVersion = 2

// IDPattern is what flow and block ids look like.
var IDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// Document is a parsed flow file: its fields, and the YAML nodes they came from.
type Document struct {
	File string
	JSON bool
	// Version is the format the file is written in; Parse reads it as FormatVersion.
	Version     int
	ID          string
	Name        string
	Description string
	// Language is the language the flow's texts are written in (format 2); "" when unsaid.
	Language     string
	Vars         []Var
	Blocks       []*Block
	Translations []Translation

	src       *source
	docNode   *yaml.Node // the YAML document, which holds the comments before the root
	root      *yaml.Node
	blocksKey *yaml.Node
	tooMany   bool // the blocks were over the limit and not read
	broken    bool // Parse found errors: the document cannot be loaded
}

// Var is a variable declared in the flow's vars, with its initial value.
type Var struct {
	Name  string
	Value any
	key   *yaml.Node
}

// Block is one block as written.
type Block struct {
	ID    string
	Type  string
	Wires []Wire

	key, node, typeNode *yaml.Node
	paramsKey, params   *yaml.Node
	nextKey, next       *yaml.Node
}

// Wire is one entry of a block's next: an exit and the block it leads to.
type Wire struct {
	Exit, Target string
	key, value   *yaml.Node
}

// IsJSON tells whether a file name is read as JSON (by its extension).
func IsJSON(file string) bool { return strings.EqualFold(filepath.Ext(file), ".json") }

// diagnoser collects the diagnostics of one file.
type diagnoser struct {
	src         *source
	diags       Diagnostics
	keepVersion bool // read an older format without migrating it (Format)
	version     int  // the format the file is written in
}

func (d *diagnoser) add(sev Severity, n *yaml.Node, path, code, format string, args ...any) {
	line, col := 1, 1
	if n != nil && n.Line > 0 {
		line, col = n.Line, n.Column
	}
	d.addAt(sev, line, col, path, code, format, args...)
}

func (d *diagnoser) addAt(sev Severity, line, col int, path, code, format string, args ...any) {
	d.diags = append(d.diags, Diagnostic{File: d.src.file, Line: line, Column: col, Severity: sev,
		Code: code, Path: path, Message: fmt.Sprintf(format, args...)})
}

func (d *diagnoser) errorf(n *yaml.Node, path, code, format string, args ...any) {
	d.add(Error, n, path, code, format, args...)
}

func (d *diagnoser) warnf(n *yaml.Node, path, code, format string, args ...any) {
	d.add(Warning, n, path, code, format, args...)
}

// Parse reads a flow file into a Document. It reports every structural problem it finds
// (syntax, limits, duplicate keys, unknown and missing fields, bad ids); block types and
// parameters are checked by Compile. The Document is nil when the file cannot be walked at all.
func Parse(file string, src []byte) (*Document, Diagnostics) {
	return parseFile(file, src, true)
}

// parseFile parses a file, bringing an older format up to FormatVersion when upgrade is set;
// without it the document keeps the version it has, for Format.
func parseFile(file string, src []byte, upgrade bool) (*Document, Diagnostics) {
	d := &diagnoser{src: newSource(file, src, IsJSON(file)), keepVersion: !upgrade}
	doc := d.parse()
	d.diags.Sort()
	if doc != nil {
		doc.broken = d.diags.HasErrors()
	}
	return doc, d.diags
}

func (d *diagnoser) parse() *Document {
	src := d.src.src
	if len(src) > MaxFileSize {
		d.errorf(nil, "", CodeTooLarge, "the file is %d bytes; flow files may be at most %d bytes: split the flow into subflows", len(src), MaxFileSize)
		return nil
	}
	if d.src.json && !d.checkJSON() {
		return nil
	}
	docNode, ok := d.decodeYAML()
	if !ok {
		return nil
	}
	root := docNode.Content[0]
	if n := countNodes(root, MaxNodes+1, true); n > MaxNodes {
		d.tooManyNodes(root)
		return nil
	}
	d.duplicates(root, "")
	if root.Kind == yaml.MappingNode {
		if d.keepVersion {
			d.version = d.writtenVersion(root)
		} else {
			d.version = d.migrate(root)
		}
	}
	doc := &Document{File: d.src.file, JSON: d.src.json, src: d.src, docNode: docNode, root: root}
	if root.Kind != yaml.MappingNode {
		d.errorf(root, "", CodeSyntax, "a flow file is a mapping with switchboard, id, name and blocks; this file holds %s", describe(root))
		return nil
	}
	d.topLevel(doc, root)
	return doc
}

// checkJSON reports a JSON syntax error at its exact position; YAML would accept some invalid
// JSON (trailing commas, comments) that a JSON file must not have.
func (d *diagnoser) checkJSON() bool {
	var v any
	dec := json.NewDecoder(bytes.NewReader(d.src.src))
	err := dec.Decode(&v)
	if err == nil {
		end := int(dec.InputOffset())
		if _, extra := dec.Token(); extra != io.EOF {
			rest := d.src.src[end:]
			line, col := d.src.position(end + len(rest) - len(bytes.TrimLeft(rest, " \t\r\n")))
			d.addAt(Error, line, col, "", CodeSyntax, "unexpected text after the JSON object; a flow file holds one object")
			return false
		}
		return true
	}
	var se *json.SyntaxError
	off := 0
	if errors.As(err, &se) {
		off = int(se.Offset)
		if off > 0 {
			off-- // the offset counts the byte that failed
		}
	} else if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		off = len(d.src.src)
	}
	line, col := d.src.position(off)
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if errors.Is(err, io.EOF) {
		msg = "the file is empty"
	} else if errors.Is(err, io.ErrUnexpectedEOF) {
		msg = "the JSON ends too early; a brace or bracket is not closed"
	}
	d.addAt(Error, line, col, "", CodeSyntax, "%s", msg)
	return false
}

var (
	yamlLine      = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	unknownAnchor = regexp.MustCompile(`^yaml: unknown anchor '(.*)' referenced$`)
)

// yamlParserProblems are the problems yaml.v3's parser (not its scanner) reports; it numbers
// their lines from 0.
var yamlParserProblems = []string{
	"did not find expected <stream-start>",
	"did not find expected <document start>",
	"found undefined tag handle",
	"did not find expected node content",
	"did not find expected '-' indicator",
	"did not find expected key",
	"did not find expected ',' or ']'",
	"did not find expected ',' or '}'",
	"found duplicate %YAML directive",
	"found incompatible YAML document",
	"found duplicate %TAG directive",
}

func (d *diagnoser) decodeYAML() (docNode *yaml.Node, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			d.errorf(nil, "", CodeSyntax, "the file cannot be read as YAML: %v", r)
			docNode, ok = nil, false
		}
	}()
	src := d.src.src
	if d.src.json {
		// YAML does not take tabs where JSON allows them; a tab and a space are both one column.
		src = bytes.ReplaceAll(src, []byte("\t"), []byte(" "))
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			d.errorf(nil, "", CodeSyntax, "the file is empty; a flow starts with switchboard: 1")
			return nil, false
		}
		d.yamlError(err)
		return nil, false
	}
	var second yaml.Node
	if err := dec.Decode(&second); err == nil {
		d.errorf(&second, "", CodeSyntax, "a flow file holds one YAML document; move the second one into a file of its own")
		return nil, false
	} else if !errors.Is(err, io.EOF) {
		d.yamlError(err)
		return nil, false
	}
	if len(doc.Content) == 0 {
		d.errorf(nil, "", CodeSyntax, "the file is empty; a flow starts with switchboard: 1")
		return nil, false
	}
	return &doc, true
}

func (d *diagnoser) yamlError(err error) {
	msg := err.Error()
	line, col := 1, 1
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
		if slices.Contains(yamlParserProblems, msg) {
			line++
		}
	} else if m := unknownAnchor.FindStringSubmatch(msg); m != nil {
		// yaml.v3 gives no position: place the error on the first use of the alias
		if i := bytes.Index(d.src.src, []byte("*"+m[1])); i >= 0 {
			line, col = d.src.position(i)
		}
	} else if i := unreadable(d.src.src); i >= 0 && slices.Contains(yamlReaderProblems, strings.TrimPrefix(msg, "yaml: ")) {
		// a reader error (bad UTF-8, a control character) comes without a position either
		line, col = d.src.position(i)
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	if line < 1 || line > len(d.src.lineStarts) {
		line, col = min(max(line, 1), len(d.src.lineStarts)), 1
	}
	if slices.Contains(tabProblems, msg) {
		start := d.src.src[d.src.lineStarts[line-1]:]
		indent := start[:len(start)-len(bytes.TrimLeft(start, " \t"))]
		if i := bytes.IndexByte(indent, '\t'); i >= 0 {
			col = i + 1
			msg += "; indent with spaces, not tabs"
		}
	}
	d.addAt(Error, line, col, "", CodeSyntax, "%s", msg)
}

// tabProblems are what yaml.v3 says of a tab in the indentation.
var tabProblems = []string{
	"found character that cannot start any token",
	"found a tab character that violates indentation",
	"found a tab character where an indentation space is expected",
}

// yamlReaderProblems are the problems yaml.v3 reports, without a position, for UTF-8 text it
// cannot read.
var yamlReaderProblems = []string{
	"invalid leading UTF-8 octet",
	"incomplete UTF-8 octet sequence",
	"invalid trailing UTF-8 octet",
	"invalid length of a UTF-8 sequence",
	"invalid Unicode character",
	"control characters are not allowed",
}

// unreadable returns the offset of the first rune YAML does not read: invalid UTF-8, or a
// character outside YAML's printable set. It returns -1 when there is none.
func unreadable(src []byte) int {
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		printable := r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r <= 0x7e) || r == 0x85 ||
			(r >= 0xa0 && r <= 0xd7ff) || (r >= 0xe000 && r <= 0xfffd) || r >= 0x10000
		if (r == utf8.RuneError && size == 1) || !printable {
			return i
		}
		i += size
	}
	return -1
}

// tooManyNodes says which limit a file past MaxNodes exceeds: aliases that expand past it (an
// alias bomb), more blocks than MaxBlocks, or more values than any flow needs.
func (d *diagnoser) tooManyNodes(root *yaml.Node) {
	if countNodes(root, MaxNodes+1, false) <= MaxNodes {
		d.errorf(nil, "", CodeTooManyAliases, "the file expands to more than %d YAML nodes once its aliases are followed; write the values out instead of nesting aliases", MaxNodes)
		return
	}
	if root.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(root.Content); i += 2 {
			key, v := root.Content[i], resolve(root.Content[i+1])
			if key.Value == "blocks" && v.Kind == yaml.MappingNode && len(v.Content)/2 > MaxBlocks {
				d.errorf(key, "blocks", CodeTooManyBlocks, "the flow has %d blocks; the limit is %d: split it into subflows", len(v.Content)/2, MaxBlocks)
				return
			}
		}
	}
	d.errorf(nil, "", CodeTooLarge, "the file holds more than %d values, keys included; split the flow into subflows", MaxNodes)
}

// countNodes counts the nodes of a tree, with aliases followed or not, stopping at limit.
func countNodes(n *yaml.Node, limit int, aliases bool) int {
	count := 0
	var walk func(*yaml.Node, int)
	walk = func(n *yaml.Node, depth int) {
		if count >= limit || n == nil {
			return
		}
		count++
		if depth > 200 { // a deeper tree is no flow; counting it as the limit stops the walk
			count = limit
			return
		}
		if n.Kind == yaml.AliasNode {
			if aliases {
				walk(n.Alias, depth+1)
			}
			return
		}
		for _, c := range n.Content {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return count
}

// resolve follows aliases.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

type pair struct{ key, value *yaml.Node }

// pairs returns a mapping's keys and values with aliases followed and << merges applied
// (explicit keys win over merged ones).
func pairs(m *yaml.Node) []pair {
	m = resolve(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	var out, merged []pair
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], resolve(m.Content[i+1])
		if k.ShortTag() == "!!merge" {
			if v != nil && v.Kind == yaml.SequenceNode {
				for _, e := range v.Content {
					merged = append(merged, pairs(e)...)
				}
			} else {
				merged = append(merged, pairs(v)...)
			}
			continue
		}
		if !hasKey(out, k.Value) { // a repeated key is reported once, by duplicates, and then ignored
			out = append(out, pair{k, v})
		}
	}
	for _, p := range merged {
		if !hasKey(out, p.key.Value) {
			out = append(out, p)
		}
	}
	return out
}

func hasKey(ps []pair, key string) bool {
	for _, p := range ps {
		if p.key.Value == key {
			return true
		}
	}
	return false
}

// duplicates reports keys written twice in one mapping, anywhere in the file.
func (d *diagnoser) duplicates(n *yaml.Node, path string) {
	switch n.Kind {
	case yaml.MappingNode:
		seen := map[string]*yaml.Node{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.ShortTag() == "!!merge" {
				continue
			}
			if first, dup := seen[k.Value]; dup {
				d.errorf(k, join(path, k.Value), CodeDuplicateKey, "%q is written twice in this mapping (first at line %d); keep one", k.Value, first.Line)
			} else {
				seen[k.Value] = k
			}
			d.duplicates(n.Content[i+1], join(path, k.Value))
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			d.duplicates(c, fmt.Sprintf("%s[%d]", path, i))
		}
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

var topFields = []string{"switchboard", "id", "name", "description", "language", "vars", "blocks", "translations", "ui"}

func (d *diagnoser) topLevel(doc *Document, root *yaml.Node) {
	ps := pairs(root)
	for _, p := range ps {
		k, v := p.key, p.value
		switch k.Value {
		case "switchboard":
			if d.version == 0 {
				if n, err := strconv.Atoi(v.Value); err == nil && v.ShortTag() == "!!int" && n > FormatVersion {
					d.errorf(v, "switchboard", CodeBadValue, "flow format %d is newer than this switchboard reads (formats %d to %d); upgrade switchboard", n, MinFormatVersion, FormatVersion)
					continue
				}
				d.errorf(v, "switchboard", CodeBadValue, "the flow format is a version number from %d to %d; write switchboard: %d, not %s", MinFormatVersion, FormatVersion, FormatVersion, describe(v))
				continue
			}
			doc.Version = d.version
		case "id":
			if s, ok := d.text(v, "id"); ok {
				doc.ID = s
				if !IDPattern.MatchString(s) {
					d.errorf(v, "id", CodeBadID, "flow id %q must be lower case letters, digits, - and _ (up to 64, starting with a letter or digit), like facebook-care", s)
				}
			}
		case "name":
			doc.Name, _ = d.text(v, "name")
		case "description":
			doc.Description, _ = d.text(v, "description")
		case "language":
			d.language(doc, v)
		case "translations":
			d.translations(doc, v)
		case "vars":
			d.vars(doc, v)
		case "blocks":
			doc.blocksKey = k
			d.blocks(doc, v)
		case "ui":
			if v.Kind != yaml.MappingNode && v.ShortTag() != "!!null" {
				d.errorf(v, "ui", CodeBadValue, "ui holds editor layout as a mapping, not %s", describe(v))
			}
		default:
			d.unknownField(k, k.Value, "", topFields, "flow")
		}
	}
	for _, f := range []string{"switchboard", "id", "blocks"} {
		if !hasKey(ps, f) {
			d.errorf(root, "", CodeMissingField, "the flow has no %s; %s", f, map[string]string{
				"switchboard": "start the file with switchboard: 1",
				"id":          "give it an id such as id: facebook-care",
				"blocks":      "add a blocks mapping with at least a trigger",
			}[f])
		}
	}
}

// text reads a string scalar, reporting anything else.
func (d *diagnoser) text(v *yaml.Node, path string) (string, bool) {
	if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!str" {
		d.errorf(v, path, CodeBadValue, "%s takes text, not %s", lastKey(path), describe(v))
		return "", false
	}
	return v.Value, true
}

func lastKey(path string) string {
	if i := strings.LastIndexAny(path, "."); i >= 0 {
		return path[i+1:]
	}
	return path
}

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

func (d *diagnoser) vars(doc *Document, v *yaml.Node) {
	if v.ShortTag() == "!!null" {
		return
	}
	if v.Kind != yaml.MappingNode {
		d.errorf(v, "vars", CodeBadValue, "vars is a mapping of variable names to initial values, not %s", describe(v))
		return
	}
	for _, p := range pairs(v) {
		path := "vars." + p.key.Value
		if !identifier.MatchString(p.key.Value) {
			d.errorf(p.key, path, CodeBadID, "variable name %q must start with a letter or _ and hold only letters, digits and _, so that expressions can read it as vars.%s", p.key.Value, p.key.Value)
			continue
		}
		doc.Vars = append(doc.Vars, Var{Name: p.key.Value, Value: plainValue(p.value), key: p.key})
	}
}

// plainValue turns a node into the Go value expressions see: string, int, float64, bool,
// nil, []any or map[string]any.
func plainValue(n *yaml.Node) any {
	n = resolve(n)
	if n == nil {
		return nil
	}
	switch n.Kind {
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!int":
			var i int
			if n.Decode(&i) == nil {
				return i
			}
		case "!!float":
			var f float64
			if n.Decode(&f) == nil {
				return f
			}
		case "!!bool":
			var b bool
			if n.Decode(&b) == nil {
				return b
			}
		case "!!null":
			return nil
		}
		return n.Value
	case yaml.SequenceNode:
		out := make([]any, len(n.Content))
		for i, c := range n.Content {
			out[i] = plainValue(c)
		}
		return out
	case yaml.MappingNode:
		ps := pairs(n)
		out := make(map[string]any, len(ps))
		for _, p := range ps {
			out[p.key.Value] = plainValue(p.value)
		}
		return out
	}
	return nil
}

var blockFields = []string{"type", "params", "next", "ui"}

func (d *diagnoser) blocks(doc *Document, v *yaml.Node) {
	if v.Kind != yaml.MappingNode {
		if v.ShortTag() != "!!null" {
			d.errorf(v, "blocks", CodeBadValue, "blocks is a mapping of block ids to blocks, not %s", describe(v))
		}
		return
	}
	ps := pairs(v)
	if len(ps) > MaxBlocks {
		d.errorf(doc.blocksKey, "blocks", CodeTooManyBlocks, "the flow has %d blocks; the limit is %d: split it into subflows", len(ps), MaxBlocks)
		doc.tooMany = true
		return
	}
	for _, p := range ps {
		id := p.key.Value
		path := "blocks." + id
		b := &Block{ID: id, key: p.key, node: p.value}
		if !IDPattern.MatchString(id) {
			d.errorf(p.key, path, CodeBadID, "block id %q must be lower case letters, digits, - and _ (up to 64, starting with a letter or digit), like to-billing", id)
		}
		if p.value.Kind != yaml.MappingNode {
			d.errorf(p.value, path, CodeBadValue, "block %s is a mapping with type, params and next, not %s", id, describe(p.value))
			continue
		}
		for _, f := range pairs(p.value) {
			switch f.key.Value {
			case "type":
				b.typeNode = f.value
				b.Type, _ = d.text(f.value, path+".type")
			case "params":
				b.paramsKey, b.params = f.key, f.value
			case "next":
				b.nextKey, b.next = f.key, f.value
				d.wires(b, path+".next")
			case "ui":
				if f.value.Kind != yaml.MappingNode && f.value.ShortTag() != "!!null" {
					d.errorf(f.value, path+".ui", CodeBadValue, "ui holds the block's editor layout as a mapping such as {x: 40, y: 80}, not %s", describe(f.value))
				}
			default:
				d.unknownField(f.key, f.key.Value, path, blockFields, "block")
			}
		}
		if b.typeNode == nil {
			d.errorf(p.key, path, CodeMissingField, "block %s has no type; add one such as type: reply (switchboard blocks lists them)", id)
		}
		doc.Blocks = append(doc.Blocks, b)
	}
}

func (d *diagnoser) wires(b *Block, path string) {
	n := b.next
	if n.ShortTag() == "!!null" {
		return
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, path, CodeBadValue, "next maps exits to block ids, such as {open: reply, closed: after-hours}; not %s", describe(n))
		return
	}
	for _, p := range pairs(n) {
		target, ok := "", false
		if p.value.Kind == yaml.ScalarNode && p.value.ShortTag() == "!!str" {
			target, ok = p.value.Value, true
		}
		if !ok {
			d.errorf(p.value, path+"."+p.key.Value, CodeBadValue, "exit %s leads to a block id, not %s; leave the exit out to end the session there", p.key.Value, describe(p.value))
			continue
		}
		b.Wires = append(b.Wires, Wire{Exit: p.key.Value, Target: target, key: p.key, value: p.value})
	}
}

func (d *diagnoser) unknownField(k *yaml.Node, name, parent string, known []string, what string) {
	msg := fmt.Sprintf("a %s has no field %q", what, name)
	if s := suggest(name, known); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	} else {
		msg += "; its fields are " + strings.Join(known, ", ")
	}
	d.errorf(k, join(parent, name), CodeUnknownField, "%s", msg)
}
