package engine

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Spec describes one block type: what it is called, what it takes, where it can go next and how
// its runtime is built. One Spec drives validation, the JSON Schema, the docs and the palette.
type Spec struct {
	// Type is the block's type name, dotted lower case: "reply", "calendar.hours".
	Type string
	// Title is the short human name shown in the palette.
	Title string `json:"title"`
	// Category groups blocks in the palette and the reference ("triggers", "logic", ...).
	Category string
	// Description says what the block does, in a paragraph of plain text.
	Description string
	// Params are the block's parameters, in the order the docs and the formatter use.
	Params []Param
	// Exits is the fixed list of exits. Blocks whose exits depend on their parameters leave it
	// empty and set ExitsFrom instead; blocks that end the session have neither.
	Exits []string
	// ExitsFrom derives the exits from a list parameter (one per keyword rule, per case).
	ExitsFrom *DerivedExits
	// Trigger names the channel type ("facebook", "twitter", ...) this block is the entry for.
	Trigger string
	// Waits is true for blocks that can pause the session until a customer, an agent or a timer
	// answers; a loop through such a block cannot spin.
	Waits bool
	// Ends is true for blocks that end the session (they have no exits).
	Ends bool
	// SetsVars lists the variables a block writes, given its parameters.
	SetsVars func(p *Params) []string
	// Examples are YAML snippets of the block, shown in the reference and checked by tests.
	Examples []Example
	// Build makes the block's runtime from validated parameters. An error is reported as a
	// diagnostic; return a *ParamError to place it on one parameter.
	Build func(p *Params) (Block, error)
}

// DerivedExits says how a block's exits come from a list parameter: the list's values (or one
// field of its objects) in order, without repeats, then the exits in After. It is declarative so
// that the editor computes the same exits live, with no Go.
type DerivedExits struct {
	// Param is the list parameter.
	Param string `json:"param"`
	// Field, for a list of objects, is the field that names the exit.
	Field string `json:"field,omitempty"`
	// After are exits that always follow.
	After []string `json:"after,omitempty"`
}

// Describe says in words how the exits are named.
func (d *DerivedExits) Describe() string {
	s := "one per value of " + d.Param
	if d.Field != "" {
		s = "one per " + d.Param + "[]." + d.Field
	}
	s += ", in order"
	if len(d.After) > 0 {
		s += ", then " + strings.Join(d.After, ", ")
	}
	return s
}

// Example is a titled YAML snippet of one block (the value under its id: type, params, next).
type Example struct {
	Title string `json:"title"`
	YAML  string `json:"yaml"`
}

// Kind is the kind of value a parameter takes.
type Kind string

// The parameter kinds.
const (
	KindString     Kind = "string"
	KindInt        Kind = "int"
	KindNumber     Kind = "number"
	KindBool       Kind = "bool"
	KindDuration   Kind = "duration"
	KindEnum       Kind = "enum"
	KindList       Kind = "list"
	KindObject     Kind = "object"
	KindMap        Kind = "map"
	KindExpression Kind = "expression"
	KindTemplate   Kind = "template"
)

// Kinds lists every parameter kind.
var Kinds = []Kind{KindString, KindInt, KindNumber, KindBool, KindDuration, KindEnum, KindList,
	KindObject, KindMap, KindExpression, KindTemplate}

// Param describes one parameter, or the element of a list or map, or a field of an object.
type Param struct {
	// Name is the parameter's key; empty for list and map elements.
	Name string
	// Kind is what the parameter holds.
	Kind Kind
	// Description says what the parameter means.
	Description string
	// Required parameters must be present; others take Default when missing.
	Required bool
	// Default is the value used when the parameter is missing, written as in a flow file
	// ("15m" for a duration, []string{...} for a list).
	Default any
	// Values are the allowed values of an enum.
	Values []string
	// Example is a value shown in the docs and the editor.
	Example any
	// Fields are the fields of an object.
	Fields []Param
	// Elem describes the elements of a list or the values of a map.
	Elem *Param
	// KeyFormat checks the keys of a map.
	KeyFormat string
	// Format names a check on string values (see Formats): "timezone", "identifier", ...
	Format string
	// Type is the type an expression must yield: "bool", "int", "number", "string" or "" (any).
	Type string
	// Min and Max bound ints, numbers, durations and the length of lists, when set.
	Min, Max *float64
	// OrSingle lets a list be written as its single element ("text: hi" for "text: [hi]").
	OrSingle bool
	// Text marks a template (or a list of them) that the customer reads, such as a reply:
	// flows may translate it into other languages.
	Text bool
	// Refers names what a string value is the name of, which must exist where the flow runs:
	// "skill", "calendar", "switch" or "flow". Validation against a server checks it.
	Refers string
}

// RefKinds are the kinds of things outside a flow that a parameter may name (Param.Refers).
var RefKinds = []string{"skill", "calendar", "switch", "flow"}

// Bound returns a pointer to v, for Param.Min and Param.Max.
func Bound(v float64) *float64 { return &v }

var (
	typeNamePattern  = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$`)
	paramNamePattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	// ExitPattern is what an exit name looks like.
	ExitPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)
)

// check reports a malformed spec; registration turns it into a panic.
func (s *Spec) check() error {
	if !typeNamePattern.MatchString(s.Type) || len(s.Type) > 64 {
		return fmt.Errorf("block type %q: want dotted lower case like %q", s.Type, "calendar.hours")
	}
	if s.Title == "" || s.Category == "" || s.Description == "" {
		return fmt.Errorf("block type %s: title, category and description are required", s.Type)
	}
	if s.Build == nil {
		return fmt.Errorf("block type %s: Build is required", s.Type)
	}
	switch {
	case s.Ends && (len(s.Exits) > 0 || s.ExitsFrom != nil):
		return fmt.Errorf("block type %s: a block that ends has no exits", s.Type)
	case !s.Ends && len(s.Exits) == 0 && s.ExitsFrom == nil:
		return fmt.Errorf("block type %s: give Exits or ExitsFrom, or set Ends", s.Type)
	case len(s.Exits) > 0 && s.ExitsFrom != nil:
		return fmt.Errorf("block type %s: give Exits or ExitsFrom, not both", s.Type)
	}
	if d := s.ExitsFrom; d != nil {
		p := s.Param(d.Param)
		switch {
		case p == nil || p.Kind != KindList:
			return fmt.Errorf("block type %s: exits come from %q, which is not a list parameter", s.Type, d.Param)
		case d.Field == "" && p.Elem.Kind != KindEnum && p.Elem.Kind != KindString:
			return fmt.Errorf("block type %s: exits come from %s, a list of %s; name the field", s.Type, d.Param, p.Elem.Kind)
		case d.Field != "" && (p.Elem.Kind != KindObject || p.Elem.Field(d.Field) == nil):
			return fmt.Errorf("block type %s: exits come from %s[].%s, which is not a field", s.Type, d.Param, d.Field)
		}
	}
	for i, e := range s.Exits {
		if !ExitPattern.MatchString(e) {
			return fmt.Errorf("block type %s: exit %q: want lower case like %q", s.Type, e, "no_agents")
		}
		if slices.Contains(s.Exits[:i], e) {
			return fmt.Errorf("block type %s: exit %q listed twice", s.Type, e)
		}
	}
	if err := checkFields(s.Params); err != nil {
		return fmt.Errorf("block type %s: %w", s.Type, err)
	}
	return nil
}

func checkFields(params []Param) error {
	seen := map[string]bool{}
	for i := range params {
		p := &params[i]
		if !paramNamePattern.MatchString(p.Name) {
			return fmt.Errorf("parameter %q: want lower case like %q", p.Name, "save_as")
		}
		if seen[p.Name] {
			return fmt.Errorf("parameter %s declared twice", p.Name)
		}
		seen[p.Name] = true
		if p.Description == "" {
			return fmt.Errorf("parameter %s: a description is required", p.Name)
		}
		if err := p.check(); err != nil {
			return fmt.Errorf("parameter %s: %w", p.Name, err)
		}
	}
	return nil
}

func (p *Param) check() error {
	if p.Text && p.Kind != KindTemplate && (p.Kind != KindList || p.Elem == nil || p.Elem.Kind != KindTemplate) {
		return fmt.Errorf("only a template or a list of templates is a text (Text)")
	}
	if !slices.Contains(Kinds, p.Kind) {
		return fmt.Errorf("unknown kind %q", p.Kind)
	}
	if p.Required && p.Default != nil {
		return fmt.Errorf("a required parameter has no default")
	}
	switch p.Kind {
	case KindEnum:
		if len(p.Values) == 0 {
			return fmt.Errorf("an enum needs Values")
		}
	case KindList, KindMap:
		if p.Elem == nil {
			return fmt.Errorf("a %s needs Elem", p.Kind)
		}
		if p.Elem.Name != "" {
			return fmt.Errorf("an element has no name")
		}
		if err := p.Elem.check(); err != nil {
			return fmt.Errorf("element: %w", err)
		}
	case KindObject:
		if len(p.Fields) == 0 {
			return fmt.Errorf("an object needs Fields")
		}
		if err := checkFields(p.Fields); err != nil {
			return err
		}
	case KindExpression:
		if !slices.Contains([]string{"", "bool", "int", "number", "string"}, p.Type) {
			return fmt.Errorf("expression type %q: want bool, int, number, string or empty", p.Type)
		}
	}
	if p.Kind != KindEnum && len(p.Values) > 0 {
		return fmt.Errorf("only an enum has Values")
	}
	if p.OrSingle && p.Kind != KindList {
		return fmt.Errorf("only a list can be written as its single element")
	}
	for _, f := range []string{p.Format, p.KeyFormat} {
		if f != "" && Formats[f] == nil {
			return fmt.Errorf("unknown format %q", f)
		}
	}
	if p.Refers != "" && !slices.Contains(RefKinds, p.Refers) {
		return fmt.Errorf("refers to %q: want one of %s", p.Refers, strings.Join(RefKinds, ", "))
	}
	if p.Refers != "" && p.Kind != KindString && p.Kind != KindTemplate {
		return fmt.Errorf("only text names what it refers to")
	}
	if p.KeyFormat != "" && p.Kind != KindMap {
		return fmt.Errorf("only a map has KeyFormat")
	}
	return nil
}

// ExitsOf returns the exits of a block with these parameters.
func (s *Spec) ExitsOf(p *Params) []string {
	d := s.ExitsFrom
	if d == nil {
		return s.Exits
	}
	var exits []string
	add := func(e string) {
		if e != "" && !slices.Contains(exits, e) {
			exits = append(exits, e)
		}
	}
	for _, v := range p.List(d.Param) {
		switch x := v.(type) {
		case string:
			add(x)
		case *Params:
			add(x.String(d.Field))
		}
	}
	for _, e := range d.After {
		add(e)
	}
	return exits
}

// Param returns the parameter called name, or nil.
func (s *Spec) Param(name string) *Param {
	for i := range s.Params {
		if s.Params[i].Name == name {
			return &s.Params[i]
		}
	}
	return nil
}

// Field returns the object field called name, or nil.
func (p *Param) Field(name string) *Param {
	for i := range p.Fields {
		if p.Fields[i].Name == name {
			return &p.Fields[i]
		}
	}
	return nil
}
