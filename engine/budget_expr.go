package engine

import (
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/builtin"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/vm/runtime"
)

// An expression's budget is kept by calls the compiler weaves into its syntax tree after type
// checking: every operation that builds a string, a list or a map, or walks one, first asks
// the run's budget for what it is about to take, and fails before building anything that
// does not fit. The calls have names no expression can spell, so no flow can call them.
const (
	budgetAdd   = "budget:add"   // a + b
	budgetRange = "budget:range" // a..b
	budgetEach  = "budget:each"  // a list a built-in walks or copies, returned as it is
	budgetScan  = "budget:scan"  // a text a function or operator reads through, returned as it is
	budgetBuild = "budget:build" // a built-in or helper that builds its result from its arguments
)

// scanBytes is how many bytes of text scanned count as one operation.
const scanBytes = 256

// loopBuiltins walk their list; copyBuiltins build a list as long as theirs.
var (
	loopBuiltins = map[string]bool{
		"all": true, "none": true, "any": true, "one": true, "find": true, "findIndex": true,
		"findLast": true, "findLastIndex": true, "count": true, "sum": true, "reduce": true,
		"mean": true, "max": true, "min": true,
	}
	copyBuiltins = map[string]bool{"map": true, "filter": true, "groupBy": true, "sortBy": true, "median": true}
	scanHelpers  = map[string]bool{"has_word": true, "has_any": true}
	scanBuiltins = map[string]bool{"indexOf": true, "lastIndexOf": true}
)

// builder estimates, from its arguments, what a built-in or helper is about to build.
type builder struct {
	what string
	size func(args []any, limit int64) int64
	call func(args ...any) (any, error)
}

// builders are the built-ins and helpers that build strings or lists out of their arguments.
var builders = map[string]*builder{}

func init() {
	text := func(factor int64) func([]any, int64) int64 {
		return func(a []any, _ int64) int64 { return mul(int64(len(str(a, 0))), factor) }
	}
	list := func(a []any, _ int64) int64 {
		var n int64
		for _, x := range a {
			n = add(n, mul(int64(lenOf(x)), entrySize))
		}
		return n
	}
	sizes := map[string]struct {
		what string
		size func([]any, int64) int64
	}{
		"repeat": {"a string", func(a []any, _ int64) int64 {
			return mul(int64(len(str(a, 0))), count(a[1]))
		}},
		"join":    {"a string", joinSize},
		"replace": {"a string", replaceSize},
		"upper":   {"a string", text(2)},
		"lower":   {"a string", text(2)},
		"split": {"a list", func(a []any, _ int64) int64 {
			return mul(pieces(str(a, 0), str(a, 1)), entrySize)
		}},
		"splitAfter": {"a list", func(a []any, _ int64) int64 {
			return mul(pieces(str(a, 0), str(a, 1)), entrySize)
		}},
		"toJSON": {"JSON", func(a []any, limit int64) int64 { return JSONSize(a[0], true, limit) }},
		"string": {"a string", func(a []any, limit int64) int64 {
			if _, ok := a[0].(string); ok {
				return 0 // the same string
			}
			return TextSize(a[0], limit)
		}},
		"toBase64":   {"a string", func(a []any, _ int64) int64 { return int64(len(str(a, 0)))*4/3 + 4 }},
		"fromBase64": {"a string", text(1)},
		"fromJSON":   {"a value", text(4)},
		"concat":     {"a list", list},
		"flatten":    {"a list", func(a []any, limit int64) int64 { return JSONSize(a[0], false, limit) }},
		"sort":       {"a list", list},
		"reverse":    {"a list", list},
		"uniq":       {"a list", list},
		"keys":       {"a list", list},
		"values":     {"a list", list},
		"toPairs":    {"a list", func(a []any, l int64) int64 { return mul(list(a, l), 4) }},
		"fromPairs":  {"a map", func(a []any, l int64) int64 { return mul(list(a, l), 4) }},
		"fold":       {"a string", text(2)},
		"url_escape": {"a string", text(3)},
	}
	helpers := conf.CreateNew()
	for _, op := range helperFunctions {
		op(helpers)
	}
	for name, s := range sizes {
		b := &builder{what: s.what, size: s.size}
		if f, ok := helpers.Functions[name]; ok {
			b.call = f.Func
		} else {
			b.call = callBuiltin(builtin.Builtins[builtin.Index[name]])
		}
		builders[name] = b
	}
}

// callBuiltin calls one of expr's built-ins as its compiled code would, dereferencing
// pointers first.
func callBuiltin(f *builtin.Function) func(args ...any) (any, error) {
	return func(args ...any) (any, error) {
		for i, a := range args {
			if a == nil {
				continue
			}
			if t := reflect.TypeOf(a); f.Deref == nil || f.Deref(i, t) {
				args[i] = deref(a)
			}
		}
		switch {
		case f.Fast != nil:
			return f.Fast(args[0]), nil
		case f.Safe != nil:
			v, _, err := f.Safe(args...)
			return v, err
		}
		return f.Func(args...)
	}
}

func deref(a any) any {
	v := reflect.ValueOf(a)
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	return v.Interface()
}

// budgetFunctions are the calls the budget weaves in, for the compiler.
var budgetFunctions = map[string]*builtin.Function{
	budgetAdd: {Name: budgetAdd, Func: func(p ...any) (any, error) {
		b := budgetOf(p[0])
		x, y := p[1], p[2]
		switch a := x.(type) {
		case string:
			if c, ok := y.(string); ok {
				n := int64(len(a)) + int64(len(c))
				if err := b.work(1 + n/scanBytes); err != nil {
					return nil, err
				}
				if err := b.alloc(n, "a string"); err != nil {
					return nil, err
				}
				return a + c, nil
			}
		case []any:
			if err := b.alloc(mul(add(int64(len(a)), int64(lenOf(y))), entrySize), "a list"); err != nil {
				return nil, err
			}
		}
		return runtime.Add(x, y), nil
	}},
	budgetRange: {Name: budgetRange, Func: func(p ...any) (any, error) {
		b := budgetOf(p[0])
		lo, hi := runtime.ToInt(p[1]), runtime.ToInt(p[2])
		if hi >= lo {
			n := int64(hi) - int64(lo) + 1
			if err := b.work(n); err != nil {
				return nil, err
			}
			if err := b.alloc(mul(n, 8), "a range"); err != nil {
				return nil, err
			}
		}
		return runtime.MakeRange(lo, hi), nil
	}},
	budgetEach: {Name: budgetEach, Func: func(p ...any) (any, error) {
		b := budgetOf(p[0])
		n := int64(lenOf(p[1]))
		if err := b.work(n); err != nil {
			return nil, err
		}
		if per, _ := p[2].(int); per > 0 {
			if err := b.alloc(mul(n, int64(per)), "a list"); err != nil {
				return nil, err
			}
		}
		return p[1], nil
	}},
	budgetScan: {Name: budgetScan, Func: func(p ...any) (any, error) {
		if s, ok := p[1].(string); ok && len(s) >= scanBytes {
			if err := budgetOf(p[0]).work(int64(len(s) / scanBytes)); err != nil {
				return nil, err
			}
		}
		return p[1], nil
	}},
	budgetBuild: {Name: budgetBuild, Func: func(p ...any) (any, error) {
		b := budgetOf(p[0])
		f := builders[p[1].(string)]
		args := p[2:]
		limit := int64(DefaultMemoryBudget)
		if b != nil {
			limit = b.memoryLimit - b.memory
		}
		size := f.size(args, limit)
		if err := b.work(1 + (int64(len(str(args, 0)))+min(size, limit+1))/scanBytes); err != nil {
			return nil, err
		}
		if err := b.alloc(size, f.what); err != nil {
			return nil, err
		}
		return f.call(args...)
	}},
}

func budgetOf(env any) *budget {
	if e, ok := env.(*Env); ok {
		return e.budget
	}
	return nil
}

// str returns the i-th argument as a string, or "".
func str(a []any, i int) string {
	if i < len(a) {
		if s, ok := a[i].(string); ok {
			return s
		}
		if p, ok := a[i].(*string); ok && p != nil {
			return *p
		}
	}
	return ""
}

// count reads a repetition count; anything but a number counts as 0 (the built-in refuses it).
func count(v any) int64 {
	switch n := v.(type) {
	case int:
		return int64(n)
	case int64:
		return n
	case int32:
		return int64(n)
	case float64:
		return int64(n)
	}
	return 0
}

// lenOf is the length of a list or map, 0 for anything else.
func lenOf(v any) int {
	switch x := v.(type) {
	case []any:
		return len(x)
	case []int:
		return len(x)
	case []string:
		return len(x)
	case nil, string, int, float64, bool:
		return 0
	}
	r := reflect.ValueOf(v)
	for r.Kind() == reflect.Pointer && !r.IsNil() {
		r = r.Elem()
	}
	switch r.Kind() {
	case reflect.Slice, reflect.Array, reflect.Map:
		return r.Len()
	}
	return 0
}

func joinSize(a []any, _ int64) int64 {
	sep := int64(len(str(a, 1)))
	var n int64
	switch l := a[0].(type) {
	case []string:
		for _, s := range l {
			n = add(n, int64(len(s))+sep)
		}
	case []any:
		for _, s := range l {
			x, _ := s.(string)
			n = add(n, int64(len(x))+sep)
		}
	}
	return n
}

func replaceSize(a []any, _ int64) int64 {
	s, old, repl := str(a, 0), str(a, 1), str(a, 2)
	var k int64
	if old == "" {
		k = int64(utf8.RuneCountInString(s)) + 1
	} else {
		k = int64(strings.Count(s, old))
	}
	if grow := int64(len(repl)) - int64(len(old)); grow > 0 {
		return add(int64(len(s)), mul(k, grow))
	}
	return int64(len(s))
}

// pieces is how many strings splitting s at sep gives.
func pieces(s, sep string) int64 {
	if sep == "" {
		return int64(utf8.RuneCountInString(s))
	}
	return int64(strings.Count(s, sep)) + 1
}

// budgetPatch weaves the budget's calls into a checked syntax tree.
type budgetPatch struct{}

func (budgetPatch) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.BinaryNode:
		switch n.Operator {
		case "+":
			if builds(n.Left) || builds(n.Right) {
				ast.Patch(node, budgetCall(budgetAdd, n, n.Left, n.Right))
			}
		case "..":
			ast.Patch(node, budgetCall(budgetRange, n, n.Left, n.Right))
		case "contains", "matches":
			n.Left = budgetCall(budgetScan, n.Left, n.Left)
		case "in":
			if walks(n.Right) {
				n.Right = budgetCall(budgetEach, n.Right, n.Right, intNode(0))
			}
		}
	case *ast.BuiltinNode:
		switch {
		case len(n.Arguments) == 0:
		case loopBuiltins[n.Name] || copyBuiltins[n.Name]:
			per := 0
			if copyBuiltins[n.Name] {
				per = entrySize
			}
			if walks(n.Arguments[0]) {
				n.Arguments[0] = budgetCall(budgetEach, n.Arguments[0], n.Arguments[0], intNode(per))
			}
		case scanBuiltins[n.Name]:
			n.Arguments[0] = budgetCall(budgetScan, n.Arguments[0], n.Arguments[0])
		case builders[n.Name] != nil:
			ast.Patch(node, budgetCall(budgetBuild, n, append([]ast.Node{stringNode(n.Name)}, n.Arguments...)...))
		}
	case *ast.CallNode:
		id, ok := n.Callee.(*ast.IdentifierNode)
		if !ok || len(n.Arguments) == 0 {
			return
		}
		switch {
		case scanHelpers[id.Value]:
			n.Arguments[0] = budgetCall(budgetScan, n.Arguments[0], n.Arguments[0])
		case builders[id.Value] != nil:
			ast.Patch(node, budgetCall(budgetBuild, n, append([]ast.Node{stringNode(id.Value)}, n.Arguments...)...))
		}
	}
}

// builds tells whether + on this operand may build a string or a list.
func builds(n ast.Node) bool {
	switch n.Type().Kind() {
	case reflect.String, reflect.Interface, reflect.Slice, reflect.Array:
		return true
	}
	return false
}

// walks tells whether a built-in may walk this operand as a list.
func walks(n ast.Node) bool {
	switch n.Type().Kind() {
	case reflect.Interface, reflect.Slice, reflect.Array:
		return true
	}
	return false
}

// budgetCall is a call of a budget function with the run's environment first, typed and placed
// as the node it stands for.
func budgetCall(name string, like ast.Node, args ...ast.Node) *ast.CallNode {
	env := &ast.IdentifierNode{Value: "$env"}
	env.SetLocation(like.Location())
	call := &ast.CallNode{Callee: &ast.IdentifierNode{Value: name}, Arguments: append([]ast.Node{env}, args...)}
	call.SetNature(*like.Nature())
	call.SetLocation(like.Location())
	return call
}

// compileConfig is c with the budget's functions added, for the compiler only: the parser and
// the checker never see them.
func compileConfig(c *conf.Config) *conf.Config {
	cc := *c
	cc.Functions = make(conf.FunctionsTable, len(c.Functions)+len(budgetFunctions))
	for k, v := range c.Functions {
		cc.Functions[k] = v
	}
	for k, v := range budgetFunctions {
		cc.Functions[k] = v
	}
	return &cc
}

func intNode(v int) ast.Node {
	n := &ast.IntegerNode{Value: v}
	n.SetType(reflect.TypeFor[int]())
	return n
}

func stringNode(v string) ast.Node {
	n := &ast.StringNode{Value: v}
	n.SetType(reflect.TypeFor[string]())
	return n
}
