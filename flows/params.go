package flows

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/switchboardhq/switchboard/engine"
)

// varRead is one read of vars.name in an expression, placed in the file.
type varRead struct {
	name      string
	line, col int
	path      string
}

// paramDecoder decodes one block's parameters against its spec, reporting every problem.
type paramDecoder struct {
	*diagnoser
	reads []varRead
}

// errorCount counts the diagnostics so far; decoding a value failed when it grew.
func (pd *paramDecoder) errorCount() int { return len(pd.diags) }

// fields decodes a mapping of named parameters (a block's params, or an object's fields).
// parent is the node missing fields are reported at.
func (pd *paramDecoder) fields(n *yaml.Node, fields []engine.Param, path string, parent *yaml.Node) map[string]any {
	values := make(map[string]any, len(fields))
	var ps []pair
	if n != nil && n.ShortTag() != "!!null" {
		if n.Kind != yaml.MappingNode {
			pd.errorf(n, path, CodeBadValue, "%s is a mapping of parameters, not %s", lastKey(path), describe(n))
			return values
		}
		ps = pairs(n)
	}
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name
	}
	for _, p := range ps {
		spec := fieldSpec(fields, p.key.Value)
		if spec == nil {
			msg := fmt.Sprintf("there is no parameter %q here", p.key.Value)
			if s := suggest(p.key.Value, names); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			} else if len(names) > 0 {
				msg += "; the parameters are " + strings.Join(names, ", ")
			} else {
				msg += "; this block takes no parameters"
			}
			pd.errorf(p.key, join(path, p.key.Value), CodeUnknownField, "%s", msg)
			continue
		}
		if v, ok := pd.value(p.value, spec, join(path, p.key.Value)); ok {
			values[spec.Name] = v
		}
	}
	for i := range fields {
		f := &fields[i]
		if hasKey(ps, f.Name) {
			continue
		}
		switch {
		case f.Required:
			pd.errorf(parent, path, CodeMissingField, "the required parameter %s is missing: %s", f.Name, hint(f))
		case f.Default != nil:
			values[f.Name] = defaultValue(f)
		}
	}
	return values
}

func fieldSpec(fields []engine.Param, name string) *engine.Param {
	for i := range fields {
		if fields[i].Name == name {
			return &fields[i]
		}
	}
	return nil
}

// hint describes what to write for a parameter, for messages.
func hint(p *engine.Param) string {
	s := p.Description
	if p.Example != nil {
		s += fmt.Sprintf(" (for example %s)", exampleText(p.Example))
	}
	return s
}

func exampleText(v any) string {
	var n yaml.Node
	if err := n.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	setFlow(&n)
	b, err := yaml.Marshal(&n)
	if err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSpace(string(b))
}

func setFlow(n *yaml.Node) {
	n.Style |= yaml.FlowStyle
	for _, c := range n.Content {
		setFlow(c)
	}
}

// defaults caches decoded defaults: they are the same for every block and immutable.
var defaults sync.Map // *engine.Param → any

func defaultValue(p *engine.Param) any {
	if v, ok := defaults.Load(p); ok {
		return v
	}
	var n yaml.Node
	if err := n.Encode(p.Default); err != nil {
		panic(fmt.Sprintf("switchboard: parameter %s: default %v: %v", p.Name, p.Default, err))
	}
	d := &paramDecoder{diagnoser: &diagnoser{src: newSource("default", nil, false)}}
	v, ok := d.value(&n, p, p.Name)
	if !ok {
		panic(fmt.Sprintf("switchboard: parameter %s: bad default %v: %v", p.Name, p.Default, d.diags))
	}
	defaults.Store(p, v)
	return v
}

// value decodes one value of a parameter's kind.
func (pd *paramDecoder) value(n *yaml.Node, p *engine.Param, path string) (any, bool) {
	n = resolve(n)
	if n == nil {
		pd.errorf(nil, path, CodeBadValue, "%s has no value", lastKey(path))
		return nil, false
	}
	if n.ShortTag() == "!!null" && n.Kind == yaml.ScalarNode {
		pd.errorf(n, path, CodeBadValue, "%s has no value; write %s, or leave the key out", lastKey(path), kindText(p))
		return nil, false
	}
	switch p.Kind {
	case engine.KindList:
		return pd.list(n, p, path)
	case engine.KindObject:
		if n.Kind != yaml.MappingNode {
			return pd.wrongKind(n, p, path)
		}
		before := pd.errorCount()
		fields := pd.fields(n, p.Fields, path, n)
		return engine.NewParams(fields), pd.errorCount() == before
	case engine.KindMap:
		return pd.mapping(n, p, path)
	}
	if n.Kind != yaml.ScalarNode {
		return pd.wrongKind(n, p, path)
	}
	tag := n.ShortTag()
	switch p.Kind {
	case engine.KindString:
		if tag != "!!str" {
			return pd.wrongKind(n, p, path)
		}
		return n.Value, pd.format(n, p.Format, n.Value, path)
	case engine.KindEnum:
		if tag != "!!str" && tag != "!!bool" && tag != "!!int" {
			return pd.wrongKind(n, p, path)
		}
		if !slices.Contains(p.Values, n.Value) {
			msg := fmt.Sprintf("%q is not one of %s", n.Value, strings.Join(p.Values, ", "))
			if s := suggest(n.Value, p.Values); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			}
			pd.errorf(n, path, CodeBadValue, "%s", msg)
			return nil, false
		}
		return n.Value, true
	case engine.KindInt:
		var i int64
		if tag != "!!int" || n.Decode(&i) != nil {
			return pd.wrongKind(n, p, path)
		}
		return i, pd.bounds(n, p, float64(i), path, fmt.Sprint)
	case engine.KindNumber:
		var f float64
		if (tag != "!!int" && tag != "!!float") || n.Decode(&f) != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return pd.wrongKind(n, p, path)
		}
		return f, pd.bounds(n, p, f, path, fmt.Sprint)
	case engine.KindBool:
		var b bool
		if tag != "!!bool" || n.Decode(&b) != nil {
			return pd.wrongKind(n, p, path)
		}
		return b, true
	case engine.KindDuration:
		if tag != "!!str" {
			return pd.wrongKind(n, p, path)
		}
		d, err := engine.ParseDuration(n.Value)
		if err != nil {
			pd.errorf(n, path, CodeBadValue, "%v", err)
			return nil, false
		}
		return d, pd.bounds(n, p, d.Seconds(), path, func(a ...any) string {
			return (time.Duration(a[0].(float64)) * time.Second).String()
		})
	case engine.KindExpression:
		return pd.expression(n, p, path)
	case engine.KindTemplate:
		if tag != "!!str" {
			return pd.wrongKind(n, p, path)
		}
		t, errs := engine.ParseTemplate(n.Value)
		for _, e := range errs {
			pd.exprError(n, path, e)
		}
		if t == nil {
			return nil, false
		}
		pd.recordReads(n, path, t.Vars())
		if lit, ok := t.Literal(); ok && p.Format != "" {
			return t, pd.format(n, p.Format, lit, path)
		}
		return t, true
	}
	return nil, false
}

func (pd *paramDecoder) expression(n *yaml.Node, p *engine.Param, path string) (any, bool) {
	tag := n.ShortTag()
	constant := func(v any, want ...string) (any, bool) {
		if p.Type != "" && !slices.Contains(want, p.Type) {
			return pd.wrongKind(n, p, path)
		}
		return engine.ConstantExpression(n.Value, v), true
	}
	switch tag {
	case "!!str":
	case "!!int":
		var i int
		if n.Decode(&i) == nil {
			if p.Type == "number" {
				return constant(float64(i), "number")
			}
			return constant(i, "int", "number")
		}
		return pd.wrongKind(n, p, path)
	case "!!float":
		var f float64
		if n.Decode(&f) == nil {
			return constant(f, "number")
		}
		return pd.wrongKind(n, p, path)
	case "!!bool":
		var b bool
		if n.Decode(&b) == nil {
			return constant(b, "bool")
		}
		return pd.wrongKind(n, p, path)
	default:
		return pd.wrongKind(n, p, path)
	}
	e, err := engine.CompileExpression(n.Value, p.Type)
	if err != nil {
		pd.exprError(n, path, err.(*engine.ExprError))
		return nil, false
	}
	pd.recordReads(n, path, e.Vars)
	return e, true
}

func (pd *paramDecoder) exprError(n *yaml.Node, path string, e *engine.ExprError) {
	line, col := pd.src.valuePosition(n, e.Offset)
	pd.addAt(Error, line, col, path, CodeBadExpression, "%s", exprMessage(e.Message))
}

// exprMessage keeps expr's first line, which names the problem (the caret snippet is redundant
// once the diagnostic has a line and column), and speaks of the flow's names, not Go's.
func exprMessage(msg string) string {
	msg, _, _ = strings.Cut(msg, "\n")
	msg = strings.TrimSpace(msg) // expr ends some messages with a space
	switch msg {
	case "unexpected token EOF":
		return "the expression ends too early; something is missing at its end"
	case "time.Time is not callable": // now(), expr's built-in, is turned off: now is the injected clock
		return "a time is not a function; write now, not now()"
	}
	if m := noField.FindStringSubmatch(msg); m != nil {
		prefix := envPrefixes[m[1]]
		if prefix == "" {
			return msg
		}
		msg = fmt.Sprintf("%s has no field %s", prefix, m[2])
		var fields []string
		for _, f := range engine.EnvFields {
			if rest, ok := strings.CutPrefix(f.Path, prefix+"."); ok && !strings.Contains(rest, ".") {
				fields = append(fields, rest)
			}
		}
		if s := suggest(m[2], fields); s != "" {
			return msg + fmt.Sprintf("; did you mean %s.%s?", prefix, s)
		}
		return msg + "; its fields are " + strings.Join(fields, ", ")
	}
	if m := unknownName.FindStringSubmatch(msg); m != nil {
		names := []string{"interaction", "contact", "vars", "now", "flow"}
		for _, h := range engine.Helpers {
			name, _, _ := strings.Cut(h.Path, "(")
			names = append(names, name)
		}
		if s := suggest(m[1], names); s != "" {
			return msg + fmt.Sprintf("; did you mean %s?", s)
		}
		return msg + " (the environment has interaction, contact, vars, now and flow)"
	}
	return msg
}

var (
	noField     = regexp.MustCompile(`^type engine\.(\w+) has no field (\w+)`)
	unknownName = regexp.MustCompile(`^unknown name (\w+)`)
	// envPrefixes name the environment's Go types as expressions reach them.
	envPrefixes = map[string]string{"Interaction": "interaction", "Contact": "contact", "Author": "interaction.author", "FlowInfo": "flow"}
)

func (pd *paramDecoder) recordReads(n *yaml.Node, path string, refs []engine.VarRef) {
	for _, r := range refs {
		line, col := pd.src.valuePosition(n, r.Offset)
		pd.reads = append(pd.reads, varRead{name: r.Name, line: line, col: col, path: path})
	}
}

func (pd *paramDecoder) list(n *yaml.Node, p *engine.Param, path string) (any, bool) {
	items := []*yaml.Node{n}
	switch {
	case n.Kind == yaml.SequenceNode:
		items = n.Content
	case !p.OrSingle:
		return pd.wrongKind(n, p, path)
	}
	out := make([]any, 0, len(items))
	ok := true
	for i, item := range items {
		itemPath := fmt.Sprintf("%s[%d]", path, i)
		if n.Kind != yaml.SequenceNode {
			itemPath = path
		}
		if v, good := pd.value(item, p.Elem, itemPath); good {
			out = append(out, v)
		} else {
			ok = false
		}
	}
	if ok && !pd.bounds(n, p, float64(len(out)), path, func(a ...any) string { return fmt.Sprintf("%v items", a[0]) }) {
		return nil, false
	}
	return out, ok
}

func (pd *paramDecoder) mapping(n *yaml.Node, p *engine.Param, path string) (any, bool) {
	if n.Kind != yaml.MappingNode {
		return pd.wrongKind(n, p, path)
	}
	ps := pairs(n)
	out := make([]engine.Entry, 0, len(ps))
	ok := true
	for _, e := range ps {
		itemPath := join(path, e.key.Value)
		if p.KeyFormat != "" && !pd.format(e.key, p.KeyFormat, e.key.Value, itemPath) {
			ok = false
			continue
		}
		if v, good := pd.value(e.value, p.Elem, itemPath); good {
			out = append(out, engine.Entry{Key: e.key.Value, Value: v})
		} else {
			ok = false
		}
	}
	return out, ok
}

func (pd *paramDecoder) format(n *yaml.Node, format, s, path string) bool {
	if format == "" {
		return true
	}
	if err := engine.Formats[format].Check(s); err != nil {
		pd.errorf(n, path, CodeBadValue, "%v", err)
		return false
	}
	return true
}

func (pd *paramDecoder) bounds(n *yaml.Node, p *engine.Param, v float64, path string, show func(...any) string) bool {
	switch {
	case p.Min != nil && v < *p.Min:
		pd.errorf(n, path, CodeBadValue, "%s is %s; the least allowed is %s", lastKey(path), show(v), show(*p.Min))
		return false
	case p.Max != nil && v > *p.Max:
		pd.errorf(n, path, CodeBadValue, "%s is %s; the most allowed is %s", lastKey(path), show(v), show(*p.Max))
		return false
	}
	return true
}

func (pd *paramDecoder) wrongKind(n *yaml.Node, p *engine.Param, path string) (any, bool) {
	pd.errorf(n, path, CodeBadValue, "%s takes %s, not %s", lastKey(path), kindText(p), describe(n))
	return nil, false
}

// kindText says what a parameter takes, for messages.
func kindText(p *engine.Param) string {
	switch p.Kind {
	case engine.KindString:
		if p.Format != "" {
			return engine.Formats[p.Format].Description
		}
		return "text"
	case engine.KindInt:
		return "a whole number"
	case engine.KindNumber:
		return "a number"
	case engine.KindBool:
		return "true or false"
	case engine.KindDuration:
		return "a duration such as 90s, 15m or 1h30m"
	case engine.KindEnum:
		return "one of " + strings.Join(p.Values, ", ")
	case engine.KindList:
		if p.OrSingle {
			return "a list of " + kindText(p.Elem) + ", or just one"
		}
		return "a list of " + kindText(p.Elem)
	case engine.KindObject:
		names := make([]string, len(p.Fields))
		for i, f := range p.Fields {
			names[i] = f.Name
		}
		return "a mapping with " + strings.Join(names, ", ")
	case engine.KindMap:
		return "a mapping of names to " + kindText(p.Elem)
	case engine.KindExpression:
		switch p.Type {
		case "bool":
			return "an expression that gives true or false, such as interaction.public"
		case "int":
			return "a whole number or an expression that gives one, such as contact.vip ? 10 : 1"
		case "number":
			return "a number or an expression that gives one"
		case "string":
			return "an expression that gives text"
		}
		return "an expression"
	case engine.KindTemplate:
		return "text, with {{ expression }} holes"
	}
	return string(p.Kind)
}
