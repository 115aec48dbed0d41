package engine

import (
	"encoding/json"
	"fmt"
	"time"
)

// Params are a block's validated parameters, decoded by kind: string, int64, float64, bool,
// time.Duration, []any, *Params (objects), []Entry (maps, in written order), *Expression and
// *Template. Missing parameters hold their defaults.
type Params struct {
	values map[string]any
}

// Entry is one key and value of a map parameter.
type Entry struct {
	Key   string
	Value any
}

// NewParams wraps decoded values.
func NewParams(values map[string]any) *Params {
	if values == nil {
		values = map[string]any{}
	}
	return &Params{values: values}
}

// Has tells whether the parameter is set (written, or defaulted).
func (p *Params) Has(name string) bool {
	_, ok := p.values[name]
	return ok
}

// Value returns the decoded value of a parameter, or nil.
func (p *Params) Value(name string) any { return p.values[name] }

// String returns a string or enum parameter, or "".
func (p *Params) String(name string) string {
	s, _ := p.values[name].(string)
	return s
}

// Int returns an int parameter, or 0.
func (p *Params) Int(name string) int64 {
	n, _ := p.values[name].(int64)
	return n
}

// Number returns a number parameter, or 0.
func (p *Params) Number(name string) float64 {
	switch n := p.values[name].(type) {
	case float64:
		return n
	case int64:
		return float64(n)
	}
	return 0
}

// Bool returns a bool parameter, or false.
func (p *Params) Bool(name string) bool {
	b, _ := p.values[name].(bool)
	return b
}

// Duration returns a duration parameter, or 0.
func (p *Params) Duration(name string) time.Duration {
	d, _ := p.values[name].(time.Duration)
	return d
}

// Expression returns an expression parameter, or nil.
func (p *Params) Expression(name string) *Expression {
	e, _ := p.values[name].(*Expression)
	return e
}

// Template returns a template parameter, or nil.
func (p *Params) Template(name string) *Template {
	t, _ := p.values[name].(*Template)
	return t
}

// List returns a list parameter, or nil.
func (p *Params) List(name string) []any {
	l, _ := p.values[name].([]any)
	return l
}

// Strings returns a list of strings or enums.
func (p *Params) Strings(name string) []string {
	var out []string
	for _, v := range p.List(name) {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// Templates returns a list of templates.
func (p *Params) Templates(name string) []*Template {
	var out []*Template
	for _, v := range p.List(name) {
		if t, ok := v.(*Template); ok {
			out = append(out, t)
		}
	}
	return out
}

// Object returns an object parameter, or nil.
func (p *Params) Object(name string) *Params {
	o, _ := p.values[name].(*Params)
	return o
}

// Objects returns a list of objects.
func (p *Params) Objects(name string) []*Params {
	var out []*Params
	for _, v := range p.List(name) {
		if o, ok := v.(*Params); ok {
			out = append(out, o)
		}
	}
	return out
}

// Entries returns a map parameter in written order, or nil.
func (p *Params) Entries(name string) []Entry {
	e, _ := p.values[name].([]Entry)
	return e
}

// MarshalJSON writes the parameters as they would be written in a flow file.
func (p *Params) MarshalJSON() ([]byte, error) {
	out := make(map[string]any, len(p.values))
	for k, v := range p.values {
		out[k] = plain(v)
	}
	return json.Marshal(out)
}

// plain turns a decoded value back into its written form.
func plain(v any) any {
	switch x := v.(type) {
	case *Expression:
		if x.constant {
			return x.value
		}
		return x.Source
	case *Template:
		return x.Source
	case time.Duration:
		return x.String()
	case *Params:
		return x
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plain(e)
		}
		return out
	case []Entry:
		out := make(map[string]any, len(x))
		for _, e := range x {
			out[e.Key] = plain(e.Value)
		}
		return out
	}
	return v
}

// ParamError places a Build error on one parameter. Path is relative to the block's params:
// "rules[2].exit", "open.mon-fri[0]".
type ParamError struct {
	Path    string
	Message string
}

func (e *ParamError) Error() string { return e.Path + ": " + e.Message }

// ParamErrorf returns a *ParamError for the parameter at path.
func ParamErrorf(path, format string, args ...any) error {
	return &ParamError{Path: path, Message: fmt.Sprintf(format, args...)}
}
