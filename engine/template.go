package engine

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/expr-lang/expr/vm"
)

// Template is text with {{ expression }} holes, split and compiled once when a flow loads.
// It is safe for concurrent use.
type Template struct {
	// Source is the template as written.
	Source string
	parts  []templatePart
	size   int // length of the literal parts, a hint for rendering
}

type templatePart struct {
	literal string
	expr    *Expression
}

// ParseTemplate splits a template and compiles its holes. Errors carry rune offsets into src;
// every bad hole is reported, not only the first.
func ParseTemplate(src string) (*Template, []*ExprError) {
	t := &Template{Source: src}
	var errs []*ExprError
	rest, base := src, 0 // base: byte offset of rest in src
	for {
		open := strings.Index(rest, "{{")
		if open < 0 {
			t.addLiteral(rest)
			break
		}
		t.addLiteral(rest[:open])
		inner := rest[open+2:]
		end := closingBraces(inner)
		if end < 0 {
			errs = append(errs, &ExprError{
				Offset:  utf8.RuneCountInString(src[:base+open]),
				Message: "this {{ is never closed; end the expression with }}",
			})
			break
		}
		code := inner[:end]
		codeStart := base + open + 2
		if strings.TrimSpace(code) == "" {
			errs = append(errs, &ExprError{
				Offset:  utf8.RuneCountInString(src[:base+open]),
				Message: "empty {{ }}; put an expression inside, such as {{ contact.name }}",
			})
		} else if e, err := CompileExpression(code, ""); err != nil {
			ee := err.(*ExprError)
			errs = append(errs, &ExprError{
				Offset:  utf8.RuneCountInString(src[:codeStart]) + ee.Offset,
				Message: ee.Message,
			})
		} else {
			startRunes := utf8.RuneCountInString(src[:codeStart])
			for i := range e.Vars {
				e.Vars[i].Offset += startRunes
			}
			t.parts = append(t.parts, templatePart{expr: e})
		}
		consumed := open + 2 + end + 2
		rest, base = rest[consumed:], base+consumed
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return t, nil
}

func (t *Template) addLiteral(s string) {
	if s == "" {
		return
	}
	t.parts = append(t.parts, templatePart{literal: s})
	t.size += len(s)
}

// closingBraces finds the }} that closes a hole, skipping string literals that contain braces.
func closingBraces(s string) int {
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'' || c == '`':
			quote = c
		case c == '}' && i+1 < len(s) && s[i+1] == '}':
			return i
		}
	}
	return -1
}

// Literal returns the text of a template without holes.
func (t *Template) Literal() (string, bool) {
	switch {
	case len(t.parts) == 0:
		return "", true
	case len(t.parts) == 1 && t.parts[0].expr == nil:
		return t.parts[0].literal, true
	}
	return "", false
}

// Vars returns the variables the template's holes read.
func (t *Template) Vars() []VarRef {
	var out []VarRef
	for _, p := range t.parts {
		if p.expr != nil {
			out = append(out, p.expr.Vars...)
		}
	}
	return out
}

// Render evaluates the holes in env and joins the text.
func (t *Template) Render(m *vm.VM, env *Env) (string, error) {
	if s, ok := t.Literal(); ok {
		return s, nil
	}
	b, err := t.appendTo(make([]byte, 0, t.size+32), m, env)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// appendTo appends the rendered text of a template with holes to b.
func (t *Template) appendTo(b []byte, m *vm.VM, env *Env) ([]byte, error) {
	if err := env.budget.alloc(int64(t.size), "a text"); err != nil {
		return b, err
	}
	for _, p := range t.parts {
		if p.expr == nil {
			b = append(b, p.literal...)
			continue
		}
		var err error
		if b, err = p.expr.appendValue(b, m, env); err != nil {
			return b, err
		}
	}
	return b, nil
}

// AppendText appends the text form of an expression's value: strings as they are, nothing for
// nil, whole numbers without decimals, times in RFC 3339.
func AppendText(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return b
	case string:
		return append(b, x...)
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case float64:
		return strconv.AppendFloat(b, x, 'f', -1, 64)
	case bool:
		return strconv.AppendBool(b, x)
	case time.Time:
		return x.AppendFormat(b, time.RFC3339)
	case time.Duration:
		return append(b, x.String()...)
	}
	return append(b, Stringify(v)...)
}
