package engine

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/checker"
	"github.com/expr-lang/expr/compiler"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/optimizer"
	"github.com/expr-lang/expr/vm"
)

// Limits on expressions: a flow file cannot make the compiler or an evaluation run away.
const (
	// MaxExpressionNodes bounds the size of one expression's syntax tree.
	MaxExpressionNodes = 2000
	// MaxExpressionLength bounds the length of one expression's source.
	MaxExpressionLength = 4096
	// ExpressionMemoryBudget bounds the list and map entries one evaluation may allocate, in
	// expr's units; the bytes every evaluation of a run builds count against the run's budget.
	ExpressionMemoryBudget = 100_000
)

// Expression is a compiled expression: compiled once when a flow loads, run many times.
// It is safe for concurrent use.
type Expression struct {
	// Source is the expression as written.
	Source string
	// Vars are the variables the expression reads through `vars.name`, in order.
	Vars []VarRef
	// Type is what the expression yields: "bool", "int", "number", "string" or "" (any).
	Type string

	program  *vm.Program
	constant bool
	value    any
	vars     bool      // whether it reads vars at all
	fast     *fastPath // a direct accessor when the expression is a plain path such as interaction.text
	direct   *direct   // evaluation without the machine, for the shapes direct knows
}

// VarRef is one read of `vars.name`; Offset counts runes from the start of the source.
type VarRef struct {
	Name   string
	Offset int
}

// ExprError is a compile error at a rune offset of the expression or template source.
type ExprError struct {
	Offset  int
	Message string
}

func (e *ExprError) Error() string { return e.Message }

var envType = Env{}

// helperFunctions are the functions expressions may call besides expr's built-ins.
var helperFunctions = []expr.Option{
	expr.Function("fold", func(p ...any) (any, error) { return Fold(p[0].(string)), nil },
		new(func(string) string)),
	expr.Function("has_word", func(p ...any) (any, error) {
		return HasWord(p[0].(string), p[1].(string)), nil
	}, new(func(string, string) bool)),
	expr.Function("has_any", func(p ...any) (any, error) {
		text := p[0].(string)
		for _, w := range p[1:] {
			if HasWord(text, w.(string)) {
				return true, nil
			}
		}
		return false, nil
	}, new(func(string, ...string) bool)),
	expr.Function("url_escape", func(p ...any) (any, error) { return url.QueryEscape(p[0].(string)), nil },
		new(func(string) string)),
	expr.Function("local", func(p ...any) (any, error) {
		loc, err := LoadLocation(p[1].(string))
		if err != nil {
			return nil, err
		}
		return p[0].(time.Time).In(loc), nil
	}, new(func(time.Time, string) time.Time)),
	expr.Function("clock", func(p ...any) (any, error) {
		loc, err := LoadLocation(p[1].(string))
		if err != nil {
			return nil, err
		}
		return p[0].(time.Time).In(loc).Format("15:04"), nil
	}, new(func(time.Time, string) string)),
	expr.Function("weekday", func(p ...any) (any, error) {
		loc, err := LoadLocation(p[1].(string))
		if err != nil {
			return nil, err
		}
		return weekdayNames[p[0].(time.Time).In(loc).Weekday()], nil
	}, new(func(time.Time, string) string)),
}

// Helpers documents the helper functions, for the reference and the editor.
var Helpers = []Function{
	{"fold(text)", "string", "text in lower case without accents", []FunctionExample{
		{`fold("Reembolsó ÁGIL")`, `"reembolso agil"`},
		{`fold("Die Straße")`, `"die strasse"`},
	}},
	{"has_word(text, word)", "bool", "text contains the word or phrase as whole words, ignoring case, accents and how much white space separates the words, as filter.keywords matches", []FunctionExample{
		{`has_word("¿Me das la FACTURA?", "factura")`, `true`},
		{`has_word("mis facturas", "factura")`, `false`},
		{`has_word("quiero dar  de\nbaja", "dar de baja")`, `true`},
		{`has_word("you📴", "📴")`, `true`},
	}},
	{"has_any(text, words...)", "bool", "text contains any of the words or phrases", []FunctionExample{
		{`has_any("Quiero un REEMBOLSO", "refund", "reembolso")`, `true`},
		{`has_any("hola", "factura", "cobro")`, `false`},
	}},
	{"url_escape(text)", "string", "text escaped for a URL's query or path", []FunctionExample{
		{`url_escape("Ana Ruiz & co/?")`, `"Ana+Ruiz+%26+co%2F%3F"`},
	}},
	{"local(t, zone)", "time", "t in an IANA time zone", []FunctionExample{
		{`local(date("2026-11-17T13:00:00Z"), "Asia/Tokyo").Hour()`, `22`},
	}},
	{"clock(t, zone)", "string", "the time of day of t in a zone, as HH:MM", []FunctionExample{
		{`clock(date("2026-11-17T13:00:00Z"), "America/Argentina/Buenos_Aires")`, `"10:00"`},
		{`clock(date("2026-11-17T13:00:00Z"), "Europe/Madrid") >= "09:00"`, `true`},
	}},
	{"weekday(t, zone)", "string", "the day of the week of t in a zone: mon ... sun", []FunctionExample{
		{`weekday(date("2026-11-17T13:00:00Z"), "UTC")`, `"tue"`},
		{`weekday(date("2026-11-17T13:00:00Z"), "Pacific/Kiritimati")`, `"wed"`},
	}},
}

// HasWord tells whether text contains word (a word or a phrase) as whole words, ignoring case
// and accents.
func HasWord(text, word string) bool {
	t, w := AppendFoldWords(nil, text), []byte(FoldWords(word))
	if len(w) == 0 {
		return false
	}
	for from := 0; from <= len(t)-len(w); {
		i := bytes.Index(t[from:], w)
		if i < 0 {
			return false
		}
		i += from
		if WholeMatch(t, i, i+len(w)) {
			return true
		}
		from = i + 1
	}
	return false
}

// CompileExpression compiles an expression against the flow environment. typ is what it must
// yield: "bool", "int", "number", "string" or "" for any value.
func CompileExpression(src, typ string) (*Expression, error) {
	if len(src) > MaxExpressionLength {
		return nil, &ExprError{Message: fmt.Sprintf("the expression is %d bytes long; the limit is %d", len(src), MaxExpressionLength)}
	}
	if strings.TrimSpace(src) == "" {
		return nil, &ExprError{Message: "the expression is empty"}
	}
	program, refs, vars, root, d, err := compileSafely(src, typ)
	if err != nil {
		var fe *file.Error
		if errors.As(err, &fe) {
			return nil, &ExprError{Offset: fe.From, Message: fe.Message}
		}
		return nil, &ExprError{Message: err.Error()}
	}
	e := &Expression{Source: src, Type: typ, program: program, Vars: refs, vars: vars}
	// A plain path gets a direct accessor; on vars, only when the value needs no conversion.
	if f := fastPathOf(root); f != nil && (typ == "" || !onVars(root)) {
		e.fast = f
	}
	// A direct evaluation stands for the whole expression when it yields what typ asks for
	// without expr's conversions.
	switch {
	case d == nil || e.fast != nil:
	case typ == "", typ == "bool" && d.truth != nil, typ == "string" && d.text != nil:
		e.direct = d
	}
	return e, nil
}

// options are expr's options for an expression that must yield typ.
func options(typ string) []expr.Option {
	opts := make([]expr.Option, 0, len(helperFunctions)+4)
	opts = append(opts, expr.Env(envType), expr.DisableBuiltin("now"), expr.MaxNodes(MaxExpressionNodes))
	opts = append(opts, helperFunctions...)
	switch typ {
	case "bool":
		opts = append(opts, expr.AsBool())
	case "int":
		opts = append(opts, expr.AsInt())
	case "number":
		opts = append(opts, expr.AsFloat64())
	case "string":
		opts = append(opts, expr.AsKind(reflect.String))
	}
	return opts
}

// configs keep expr's configurations by expected type, for reuse: building one copies expr's
// table of built-in functions, which costs more than compiling most expressions. A
// configuration is used by one compilation at a time.
var configs = func() map[string]*sync.Pool {
	m := map[string]*sync.Pool{}
	for _, typ := range []string{"", "bool", "int", "number", "string"} {
		m[typ] = &sync.Pool{New: func() any {
			c := conf.CreateNew()
			for _, op := range options(typ) {
				op(c)
			}
			for name := range c.Disabled {
				delete(c.Builtins, name)
			}
			c.Check()
			return &config{check: c, compile: compileConfig(c)}
		}}
	}
	return m
}()

// config is expr's configuration for checking an expression, and the one for compiling it,
// which knows the budget's functions besides.
type config struct{ check, compile *conf.Config }

// compileSafely compiles an expression as expr.Compile does, with a reused configuration, and
// returns the variables it reads, whether it reads vars at all, its syntax tree's root as
// written (before optimisation) and its direct evaluation when it has one. A panic inside the
// compiler becomes an error: no flow file may crash the process.
func compileSafely(src, typ string) (p *vm.Program, refs []VarRef, vars bool, root ast.Node, d *direct, err error) {
	pool := configs[typ]
	cs := pool.Get().(*config)
	defer pool.Put(cs)
	c := cs.check
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the expression cannot be compiled: %v", r)
		}
	}()
	tree, err := checker.ParseCheck(src, c)
	if err != nil {
		return nil, nil, false, nil, nil, err
	}
	collect := &varCollector{}
	ast.Walk(&tree.Node, collect)
	root = tree.Node
	d = directOf(root) // before the optimiser and the budget change the tree
	if c.Optimize {
		if err := optimizer.Optimize(&tree.Node, c); err != nil {
			var fe *file.Error
			if errors.As(err, &fe) {
				return nil, nil, false, nil, nil, fe.Bind(tree.Source)
			}
			return nil, nil, false, nil, nil, err
		}
	}
	ast.Walk(&tree.Node, budgetPatch{})
	p, err = compiler.Compile(tree, cs.compile)
	return p, collect.refs, collect.vars, root, d, err
}

// ConstantExpression is an expression that always yields v: a number or a boolean written
// where an expression may stand.
func ConstantExpression(src string, v any) *Expression {
	return &Expression{Source: src, constant: true, value: v}
}

// Eval runs the expression in env with a reusable machine (nil allocates one).
func (e *Expression) Eval(m *vm.VM, env *Env) (any, error) {
	if e.constant {
		return e.value, nil
	}
	if e.fast != nil {
		return e.fast.value(env), nil
	}
	if e.direct != nil {
		mark := env.budget.mark()
		if v, ok := e.direct.value(env); ok {
			return v, nil
		}
		env.budget.undo(mark) // the machine decides, and counts, from the start
	}
	if m == nil {
		m = &vm.VM{}
	}
	if e.vars && env.vars != nil {
		env.Vars = env.vars.Map() // the machine reads variables from a map
	}
	m.MemoryBudget = ExpressionMemoryBudget
	v, err := m.Run(e.program, env)
	if err != nil {
		return nil, fmt.Errorf("expression %q: %w", e.Source, unwrapExprError(err))
	}
	return v, nil
}

// unwrapExprError keeps expr's message without the snippet it adds for compile errors; a run
// stopped by its budget stays a *BudgetError.
func unwrapExprError(err error) error {
	var be *BudgetError
	if errors.As(err, &be) {
		return be
	}
	var fe *file.Error
	if errors.As(err, &fe) {
		return errors.New(fe.Message)
	}
	return err
}

// varCollector records reads of vars.name while the expression compiles, and whether it
// reads vars in any way.
type varCollector struct {
	refs []VarRef
	vars bool
}

func (c *varCollector) Visit(node *ast.Node) {
	if id, ok := (*node).(*ast.IdentifierNode); ok && id.Value == "vars" {
		c.vars = true
	}
	m, ok := (*node).(*ast.MemberNode)
	if !ok {
		return
	}
	id, ok := m.Node.(*ast.IdentifierNode)
	if !ok || id.Value != "vars" {
		return
	}
	prop, ok := m.Property.(*ast.StringNode)
	if !ok {
		return
	}
	for _, r := range c.refs {
		if r.Name == prop.Value && r.Offset == id.Location().From {
			return
		}
	}
	c.refs = append(c.refs, VarRef{Name: prop.Value, Offset: id.Location().From})
}
