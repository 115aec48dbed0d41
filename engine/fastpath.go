package engine

import (
	"time"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm"
)

// fastPath reads a plain path of the environment (interaction.text, vars.skill, now) without the
// expression machine: most expressions in flows are such paths, and the hot path reads them
// for every interaction. Typed readers avoid boxing strings and times.
type fastPath struct {
	value func(*Env) any
	text  func(*Env) string    // set for string fields
	time  func(*Env) time.Time // set for time fields
}

// fastPaths are the environment's fields by path.
var fastPaths = map[string]*fastPath{
	"now":                       timePath(func(e *Env) time.Time { return e.Now }),
	"interaction.id":            textPath(func(e *Env) string { return e.Interaction.ID }),
	"interaction.channel":       textPath(func(e *Env) string { return e.Interaction.Channel }),
	"interaction.channel_id":    textPath(func(e *Env) string { return e.Interaction.ChannelID }),
	"interaction.kind":          textPath(func(e *Env) string { return e.Interaction.Kind }),
	"interaction.text":          textPath(func(e *Env) string { return e.Interaction.Text }),
	"interaction.thread":        textPath(func(e *Env) string { return e.Interaction.Thread }),
	"interaction.parent":        textPath(func(e *Env) string { return e.Interaction.Parent }),
	"interaction.time":          timePath(func(e *Env) time.Time { return e.Interaction.Time }),
	"interaction.public":        {value: func(e *Env) any { return e.Interaction.Public }},
	"interaction.author.id":     textPath(func(e *Env) string { return e.Interaction.Author.ID }),
	"interaction.author.name":   textPath(func(e *Env) string { return e.Interaction.Author.Name }),
	"interaction.author.handle": textPath(func(e *Env) string { return e.Interaction.Author.Handle }),
	"contact.id":                textPath(func(e *Env) string { return e.Contact.ID }),
	"contact.name":              textPath(func(e *Env) string { return e.Contact.Name }),
	"contact.first_name":        textPath(func(e *Env) string { return e.Contact.FirstName }),
	"contact.handle":            textPath(func(e *Env) string { return e.Contact.Handle }),
	"contact.last_agent":        textPath(func(e *Env) string { return e.Contact.LastAgent }),
	"contact.vip":               {value: func(e *Env) any { return e.Contact.VIP }},
	"contact.known":             {value: func(e *Env) any { return e.Contact.Known }},
	"flow.id":                   textPath(func(e *Env) string { return e.Flow.ID }),
	"flow.name":                 textPath(func(e *Env) string { return e.Flow.Name }),
}

func textPath(f func(*Env) string) *fastPath {
	return &fastPath{value: func(e *Env) any { return f(e) }, text: f}
}

func timePath(f func(*Env) time.Time) *fastPath {
	return &fastPath{value: func(e *Env) any { return f(e) }, time: f}
}

// fastPathOf returns the accessor of an expression that is only a path, or nil.
func fastPathOf(n ast.Node) *fastPath {
	switch x := n.(type) {
	case *ast.IdentifierNode:
		return fastPaths[x.Value]
	case *ast.MemberNode:
		if x.Optional || x.Method {
			return nil
		}
		prop, ok := x.Property.(*ast.StringNode)
		if !ok {
			return nil
		}
		if id, ok := x.Node.(*ast.IdentifierNode); ok && id.Value == "vars" {
			name := prop.Value
			return &fastPath{value: func(e *Env) any { return e.variable(name) }}
		}
		if path := pathOf(x.Node); path != "" {
			return fastPaths[path+"."+prop.Value]
		}
	}
	return nil
}

// onVars tells whether a path reads a variable, whose type only the running session knows.
func onVars(n ast.Node) bool {
	m, ok := n.(*ast.MemberNode)
	if !ok {
		return false
	}
	id, ok := m.Node.(*ast.IdentifierNode)
	return ok && id.Value == "vars"
}

func pathOf(n ast.Node) string {
	switch x := n.(type) {
	case *ast.IdentifierNode:
		return x.Value
	case *ast.MemberNode:
		prop, ok := x.Property.(*ast.StringNode)
		if !ok || x.Optional {
			return ""
		}
		if p := pathOf(x.Node); p != "" {
			return p + "." + prop.Value
		}
	}
	return ""
}

// appendValue appends the text of the expression's value in env: what a template hole shows.
// The text counts against the run's memory budget before it is appended.
func (e *Expression) appendValue(b []byte, m *vm.VM, env *Env) ([]byte, error) {
	if e.fast != nil && e.fast.text != nil {
		s := e.fast.text(env)
		if err := env.budget.alloc(int64(len(s)), "a text"); err != nil {
			return b, err
		}
		return append(b, s...), nil
	}
	if e.direct != nil && e.direct.appendText != nil {
		mark, from := env.budget.mark(), len(b)
		if out, ok := e.direct.appendText(b, env); ok {
			// counted after it is appended, as what + already counted
			return out, env.budget.alloc(int64(len(out)-from), "a text")
		}
		env.budget.undo(mark)
		b = b[:from]
	}
	v, err := e.Eval(m, env)
	if err != nil {
		return b, err
	}
	limit := int64(DefaultMemoryBudget)
	if env.budget != nil {
		limit = env.budget.memoryLimit - env.budget.memory
	}
	if err := env.budget.alloc(TextSize(v, limit), "a text"); err != nil {
		return b, err
	}
	return AppendText(b, v), nil
}

// Text evaluates an expression to text: strings as they are, other values as AppendText shows them.
func (e *Expression) Text(m *vm.VM, env *Env) (string, error) {
	if e.fast != nil && e.fast.text != nil {
		return e.fast.text(env), nil
	}
	if e.direct != nil && e.direct.text != nil {
		mark := env.budget.mark()
		if s, ok := e.direct.text(env); ok {
			return s, nil
		}
		env.budget.undo(mark)
	}
	v, err := e.Eval(m, env)
	if err != nil {
		return "", err
	}
	if s, ok := v.(string); ok {
		return s, nil
	}
	return string(AppendText(nil, v)), nil
}

// Time evaluates an expression to a time; a value that is not a time gives ok false.
func (e *Expression) Time(m *vm.VM, env *Env) (t time.Time, ok bool, err error) {
	if e.fast != nil && e.fast.time != nil {
		return e.fast.time(env), true, nil
	}
	v, err := e.Eval(m, env)
	if err != nil {
		return time.Time{}, false, err
	}
	t, ok = v.(time.Time)
	return t, ok, nil
}
