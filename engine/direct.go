package engine

import (
	"reflect"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm/runtime"
)

// direct evaluates the commonest shapes of expression without expr's machine, as typed Go
// functions built once when the expression compiles: paths, string, number, bool and nil
// literals, == and !=, !, && and ||, in over a literal list of strings, + on strings and the
// ?: conditional. Strings and booleans pass between them unboxed, so such an expression
// allocates nothing but the strings + builds.
//
// Each function reports ok false when it meets what it does not decide the way the machine
// would, such as an operand that is not a boolean where one is needed, or a budget that
// refuses a string. The caller then undoes what the attempt counted against the run's budget
// and runs the expression on the machine, whose result or error stands: a direct evaluation
// gives the machine's result, or none.
type direct struct {
	value func(*Env) (any, bool)
	text  func(*Env) (string, bool) // string nodes
	truth func(*Env) (bool, bool)   // bool nodes
	// appendText appends a string node's text to b, with the budget counted as the machine
	// counts it, without building an intermediate string; string nodes only.
	appendText func(b []byte, env *Env) ([]byte, bool)
	// literal is the value of a string, integer or boolean literal, or of what expr's optimiser
	// folds into one ("a" + "b", 1 == 1, true || x); nil otherwise. The machine never
	// evaluates, nor counts, what folding leaves out, so neither does a direct evaluation.
	literal any
}

// literalBool returns the value of a boolean literal.
func (d *direct) literalBool() (v, ok bool) {
	v, ok = d.literal.(bool)
	return v, ok
}

// directOf builds the direct evaluation of a checked syntax tree (before expr's optimiser and
// the budget's calls change it), or returns nil when the tree has a node it does not know.
func directOf(n ast.Node) *direct {
	switch x := n.(type) {
	case *ast.StringNode:
		return stringConstant(x.Value)
	case *ast.BoolNode:
		return boolConstant(x.Value)
	case *ast.NilNode:
		return &direct{value: func(*Env) (any, bool) { return nil, true }}
	case *ast.IntegerNode:
		v := any(x.Value)
		return &direct{value: func(*Env) (any, bool) { return v, true }, literal: v}
	case *ast.FloatNode:
		v := any(x.Value)
		return &direct{value: func(*Env) (any, bool) { return v, true }}
	case *ast.IdentifierNode, *ast.MemberNode:
		f := fastPathOf(n)
		if f == nil {
			return nil
		}
		if f.text != nil {
			text := f.text
			return &direct{
				value:      func(e *Env) (any, bool) { return f.value(e), true },
				text:       func(e *Env) (string, bool) { return text(e), true },
				appendText: func(b []byte, e *Env) ([]byte, bool) { return append(b, text(e)...), true },
			}
		}
		return &direct{value: func(e *Env) (any, bool) { return f.value(e), true }}
	case *ast.UnaryNode:
		if x.Operator != "!" && x.Operator != "not" {
			return nil
		}
		d := directOf(x.Node)
		if d == nil {
			return nil
		}
		if v, ok := d.literalBool(); ok {
			return boolConstant(!v)
		}
		t := d.boolean()
		return truthDirect(func(e *Env) (bool, bool) {
			v, ok := t(e)
			return !v, ok
		})
	case *ast.ConditionalNode:
		return conditionalDirect(x)
	case *ast.BinaryNode:
		return binaryDirect(x)
	}
	return nil
}

func textDirect(text func(*Env) (string, bool), constant any) *direct {
	d := &direct{text: text, appendText: func(b []byte, e *Env) ([]byte, bool) {
		s, ok := text(e)
		return append(b, s...), ok
	}}
	if constant != nil {
		d.value = func(*Env) (any, bool) { return constant, true }
	} else {
		d.value = func(e *Env) (any, bool) {
			s, ok := text(e)
			if !ok {
				return nil, false
			}
			return s, true
		}
	}
	return d
}

func boolConstant(v bool) *direct {
	d := truthDirect(func(*Env) (bool, bool) { return v, true })
	d.literal = v
	return d
}

func stringConstant(s string) *direct {
	d := textDirect(func(*Env) (string, bool) { return s, true }, s)
	d.literal = s
	return d
}

func truthDirect(truth func(*Env) (bool, bool)) *direct {
	return &direct{truth: truth, value: func(e *Env) (any, bool) {
		v, ok := truth(e)
		return v, ok
	}}
}

// boolean reads a node as the machine reads a condition: a boolean, or no decision.
func (d *direct) boolean() func(*Env) (bool, bool) {
	if d.truth != nil {
		return d.truth
	}
	value := d.value
	return func(e *Env) (bool, bool) {
		v, ok := value(e)
		b, isBool := v.(bool)
		return b, ok && isBool
	}
}

func conditionalDirect(x *ast.ConditionalNode) *direct {
	cond, yes, no := directOf(x.Cond), directOf(x.Exp1), directOf(x.Exp2)
	if cond == nil || yes == nil || no == nil {
		return nil
	}
	test := cond.boolean()
	if yes.text != nil && no.text != nil {
		d := textDirect(func(e *Env) (string, bool) {
			c, ok := test(e)
			switch {
			case !ok:
				return "", false
			case c:
				return yes.text(e)
			}
			return no.text(e)
		}, nil)
		d.appendText = func(b []byte, e *Env) ([]byte, bool) {
			c, ok := test(e)
			switch {
			case !ok:
				return b, false
			case c:
				return yes.appendText(b, e)
			}
			return no.appendText(b, e)
		}
		return d
	}
	return &direct{value: func(e *Env) (any, bool) {
		c, ok := test(e)
		switch {
		case !ok:
			return nil, false
		case c:
			return yes.value(e)
		}
		return no.value(e)
	}}
}

func binaryDirect(x *ast.BinaryNode) *direct {
	left, right := directOf(x.Left), directOf(x.Right)
	if left == nil {
		return nil
	}
	switch x.Operator {
	case "in":
		return inDirect(left, x.Right)
	}
	if right == nil {
		return nil
	}
	switch x.Operator {
	case "||", "or", "&&", "and":
		or := x.Operator == "||" || x.Operator == "or"
		// expr's optimiser folds true || x and x || true to true, false || x and x || false to
		// x, and && alike.
		a, isA := left.literalBool()
		b, isB := right.literalBool()
		switch {
		case isA && a == or, isB && b == or:
			return boolConstant(or)
		case isA:
			return right
		case isB:
			return left
		}
		l, r := left.boolean(), right.boolean()
		return truthDirect(func(e *Env) (bool, bool) {
			a, ok := l(e)
			if !ok {
				return false, false
			}
			if a == or { // true || …, false && …: the right side is not evaluated
				return a, true
			}
			return r(e)
		})
	case "==", "!=":
		if x.Operator == "==" && left.literal != nil && right.literal != nil &&
			reflect.TypeOf(left.literal) == reflect.TypeOf(right.literal) {
			return boolConstant(left.literal == right.literal) // folded by the optimiser
		}
		equal := equalDirect(left, right)
		if x.Operator == "==" {
			return truthDirect(equal)
		}
		return truthDirect(func(e *Env) (bool, bool) {
			v, ok := equal(e)
			return !v, ok
		})
	case "+":
		if left.text == nil || right.text == nil || !isString(x.Left) || !isString(x.Right) {
			return nil
		}
		a, isA := left.literal.(string)
		b, isB := right.literal.(string)
		if isA && isB {
			return stringConstant(a + b) // folded by the optimiser
		}
		return concatDirect(left, right)
	}
	return nil
}

func isString(n ast.Node) bool {
	t := n.Type()
	return t != nil && t.Kind() == reflect.String
}

// equalDirect compares as the machine's == does: strings directly, other values by expr's own
// equality.
func equalDirect(left, right *direct) func(*Env) (bool, bool) {
	if left.text != nil && right.text != nil {
		return func(e *Env) (bool, bool) {
			a, ok := left.text(e)
			if !ok {
				return false, false
			}
			b, ok := right.text(e)
			return a == b, ok
		}
	}
	return func(e *Env) (bool, bool) {
		a, ok := left.value(e)
		if !ok {
			return false, false
		}
		b, ok := right.value(e)
		if !ok {
			return false, false
		}
		return runtime.Equal(a, b), true
	}
}

// inDirect is `x in ["a", "b"]`: the optimiser makes the list a set of strings, which a string
// is looked up in and nil counts as "" (any other value is left to the machine).
func inDirect(left *direct, list ast.Node) *direct {
	array, ok := list.(*ast.ArrayNode)
	if !ok || len(array.Nodes) == 0 {
		return nil
	}
	set := make([]string, len(array.Nodes))
	for i, n := range array.Nodes {
		s, ok := n.(*ast.StringNode)
		if !ok {
			return nil
		}
		set[i] = s.Value
	}
	member := func(s string) bool {
		for _, x := range set {
			if x == s {
				return true
			}
		}
		return false
	}
	if left.text != nil {
		return truthDirect(func(e *Env) (bool, bool) {
			s, ok := left.text(e)
			return member(s), ok
		})
	}
	return truthDirect(func(e *Env) (bool, bool) {
		v, ok := left.value(e)
		if !ok {
			return false, false
		}
		switch s := v.(type) {
		case string:
			return member(s), true
		case nil:
			return member(""), true
		}
		return false, false
	})
}

// concatDirect joins two strings, counting the work and the bytes against the run's budget as
// the machine's + does; a budget that refuses them is left to the machine, which says so.
func concatDirect(left, right *direct) *direct {
	count := func(e *Env, n int) bool {
		return e.budget.work(1+int64(n)/scanBytes) == nil && e.budget.alloc(int64(n), "a string") == nil
	}
	d := textDirect(func(e *Env) (string, bool) {
		a, ok := left.text(e)
		if !ok {
			return "", false
		}
		b, ok := right.text(e)
		if !ok || !count(e, len(a)+len(b)) {
			return "", false
		}
		return a + b, true
	}, nil)
	d.appendText = func(b []byte, e *Env) ([]byte, bool) {
		a, ok := left.text(e)
		if !ok {
			return b, false
		}
		c, ok := right.text(e)
		if !ok || !count(e, len(a)+len(c)) {
			return b, false
		}
		return append(append(b, a...), c...), true
	}
	return d
}

// budgetMark is what a run's budget had counted before a direct evaluation, to undo it when
// the evaluation gives up.
type budgetMark struct{ memory, ops int64 }

func (b *budget) mark() budgetMark {
	if b == nil {
		return budgetMark{}
	}
	return budgetMark{b.memory, b.ops}
}

func (b *budget) undo(m budgetMark) {
	if b != nil {
		b.memory, b.ops = m.memory, m.ops
	}
}
