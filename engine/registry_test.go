package engine_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
)

type nopBlock struct{}

func (nopBlock) Run(*engine.Context) engine.Result { return engine.Next("next") }

func build(*engine.Params) (engine.Block, error) { return nopBlock{}, nil }

// goodSpec is a well-formed spec the malformed ones change one thing of.
func goodSpec(typ, category string) engine.Spec {
	return engine.Spec{
		Type: typ, Title: "Test block", Category: category, Description: "Does nothing, for tests.",
		Params: []engine.Param{
			{Name: "text", Kind: engine.KindTemplate, Description: "a text"},
			{Name: "rules", Kind: engine.KindList, Description: "the rules", Elem: &engine.Param{Kind: engine.KindObject, Description: "a rule",
				Fields: []engine.Param{{Name: "exit", Kind: engine.KindString, Format: "exit", Required: true, Description: "the exit"}}}},
			{Name: "events", Kind: engine.KindList, Description: "the events", Elem: &engine.Param{Kind: engine.KindEnum, Values: []string{"a", "b"}, Description: "an event"}},
			{Name: "counts", Kind: engine.KindList, Description: "numbers", Elem: &engine.Param{Kind: engine.KindInt, Description: "a number"}},
			{Name: "headers", Kind: engine.KindMap, KeyFormat: "header-name", Description: "headers", Elem: &engine.Param{Kind: engine.KindString, Description: "a value"}},
			{Name: "when", Kind: engine.KindExpression, Type: "bool", Description: "a test"},
		},
		Exits: []string{"next"},
		Build: build,
	}
}

func TestRegisterPanicsOnMalformedSpecs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(s *engine.Spec)
		panic  string
	}{
		{"type in upper case", func(s *engine.Spec) { s.Type = "Reply" }, `block type "Reply": want dotted lower case like "calendar.hours"`},
		{"type with a dash", func(s *engine.Spec) { s.Type = "my-block" }, `block type "my-block"`},
		{"type empty", func(s *engine.Spec) { s.Type = "" }, `block type ""`},
		{"no title", func(s *engine.Spec) { s.Title = "" }, "block type test.block: title, category and description are required"},
		{"no description", func(s *engine.Spec) { s.Description = "" }, "title, category and description are required"},
		{"no build", func(s *engine.Spec) { s.Build = nil }, "block type test.block: Build is required"},
		{"ends with exits", func(s *engine.Spec) { s.Ends = true }, "a block that ends has no exits"},
		{"no exits", func(s *engine.Spec) { s.Exits = nil }, "give Exits or ExitsFrom, or set Ends"},
		{"both exits", func(s *engine.Spec) { s.ExitsFrom = &engine.DerivedExits{Param: "events"} }, "give Exits or ExitsFrom, not both"},
		{"exits from no parameter", func(s *engine.Spec) { s.Exits, s.ExitsFrom = nil, &engine.DerivedExits{Param: "missing"} }, `exits come from "missing", which is not a list parameter`},
		{"exits from a template", func(s *engine.Spec) { s.Exits, s.ExitsFrom = nil, &engine.DerivedExits{Param: "text"} }, `exits come from "text", which is not a list parameter`},
		{"exits from a list of ints", func(s *engine.Spec) { s.Exits, s.ExitsFrom = nil, &engine.DerivedExits{Param: "counts"} }, "exits come from counts, a list of int; name the field"},
		{"exits from a missing field", func(s *engine.Spec) { s.Exits, s.ExitsFrom = nil, &engine.DerivedExits{Param: "rules", Field: "name"} }, "exits come from rules[].name, which is not a field"},
		{"exits from a field of enums", func(s *engine.Spec) { s.Exits, s.ExitsFrom = nil, &engine.DerivedExits{Param: "events", Field: "x"} }, "exits come from events[].x, which is not a field"},
		{"exit in upper case", func(s *engine.Spec) { s.Exits = []string{"Next"} }, `exit "Next": want lower case like "no_agents"`},
		{"exit with a dash", func(s *engine.Spec) { s.Exits = []string{"no-agents"} }, `exit "no-agents"`},
		{"exit twice", func(s *engine.Spec) { s.Exits = []string{"a", "b", "a"} }, `exit "a" listed twice`},
		{"parameter in camel case", func(s *engine.Spec) { s.Params[0].Name = "saveAs" }, `parameter "saveAs": want lower case like "save_as"`},
		{"parameter twice", func(s *engine.Spec) { s.Params[1].Name = "text" }, "parameter text declared twice"},
		{"parameter without description", func(s *engine.Spec) { s.Params[0].Description = "" }, "parameter text: a description is required"},
		{"unknown kind", func(s *engine.Spec) { s.Params[0].Kind = "text" }, `parameter text: unknown kind "text"`},
		{"required with a default", func(s *engine.Spec) { s.Params[0].Required, s.Params[0].Default = true, "x" }, "a required parameter has no default"},
		{"enum without values", func(s *engine.Spec) { s.Params[2].Elem.Values = nil }, "parameter events: element: an enum needs Values"},
		{"list without element", func(s *engine.Spec) { s.Params[3].Elem = nil }, "parameter counts: a list needs Elem"},
		{"map without element", func(s *engine.Spec) { s.Params[4].Elem = nil }, "parameter headers: a map needs Elem"},
		{"named element", func(s *engine.Spec) { s.Params[3].Elem.Name = "n" }, "an element has no name"},
		{"object without fields", func(s *engine.Spec) { s.Params[1].Elem.Fields = nil }, "parameter rules: element: an object needs Fields"},
		{"bad object field", func(s *engine.Spec) { s.Params[1].Elem.Fields[0].Name = "Exit" }, `parameter rules: element: parameter "Exit"`},
		{"expression type", func(s *engine.Spec) { s.Params[5].Type = "boolean" }, `expression type "boolean": want bool, int, number, string or empty`},
		{"values on a string", func(s *engine.Spec) { s.Params[0].Kind, s.Params[0].Values = engine.KindString, []string{"a"} }, "only an enum has Values"},
		{"single on a string", func(s *engine.Spec) { s.Params[0].OrSingle = true }, "only a list can be written as its single element"},
		{"unknown format", func(s *engine.Spec) { s.Params[0].Format = "email" }, `unknown format "email"`},
		{"unknown key format", func(s *engine.Spec) { s.Params[4].KeyFormat = "email" }, `unknown format "email"`},
		{"key format on a list", func(s *engine.Spec) { s.Params[3].KeyFormat = "identifier" }, "only a map has KeyFormat"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := goodSpec("test.block", "logic")
			tt.change(&s)
			require.PanicsWithValue(t, "switchboard: register: "+panicText(t, s), func() { engine.NewRegistry().Register(s) })
			require.Contains(t, panicText(t, s), tt.panic)
		})
	}
	require.NotPanics(t, func() { engine.NewRegistry().Register(goodSpec("test.block", "logic")) }, "the unchanged spec is good")
}

// panicText returns what registering s panics with, without the prefix.
func panicText(t *testing.T, s engine.Spec) (msg string) {
	t.Helper()
	defer func() {
		r := recover()
		require.NotNil(t, r, "registering the spec must panic")
		msg = fmt.Sprint(r)[len("switchboard: register: "):]
	}()
	engine.NewRegistry().Register(s)
	return ""
}

func TestRegisterPanicsOnDuplicates(t *testing.T) {
	t.Parallel()
	r := engine.NewRegistry()
	r.Register(goodSpec("test.block", "logic"))
	require.PanicsWithValue(t, "switchboard: register: block type test.block registered twice", func() {
		r.Register(goodSpec("test.block", "logic"))
	})
	require.Panics(t, func() { r.With(goodSpec("test.block", "logic")) }, "With refuses a type the registry has")
}

func TestRegistryCopies(t *testing.T) {
	t.Parallel()
	r := engine.NewRegistry()
	r.Register(goodSpec("a", "logic"))
	r.Register(goodSpec("b", "logic"))

	clone := r.Clone()
	clone.Register(goodSpec("c", "logic"))
	with := r.With(goodSpec("d", "logic"), goodSpec("e", "logic"))
	without := r.Without("a", "unknown")

	require.Equal(t, []string{"a", "b"}, r.Types(), "the original is unchanged")
	require.Equal(t, []string{"a", "b", "c"}, clone.Types())
	require.Equal(t, []string{"a", "b", "d", "e"}, with.Types())
	require.Equal(t, []string{"b"}, without.Types())

	sa, ok := r.Lookup("a")
	require.True(t, ok)
	sc, ok := clone.Lookup("a")
	require.True(t, ok)
	require.Same(t, sa, sc, "copies share the immutable specs")
	_, ok = without.Lookup("a")
	require.False(t, ok)
	_, ok = r.Lookup("c")
	require.False(t, ok)
}

func TestRegistrySpecsOrder(t *testing.T) {
	t.Parallel()
	r := engine.NewRegistry()
	for _, s := range []struct{ typ, cat string }{
		{"z.custom", "zebra"}, {"end", "flow"}, {"reply", "actions"}, {"a.custom", "alpha"},
		{"webchat.trigger", "triggers"}, {"facebook.trigger", "triggers"}, {"switch", "logic"}, {"condition", "logic"},
	} {
		r.Register(goodSpec(s.typ, s.cat))
	}
	var got []string
	for _, s := range r.Specs() {
		got = append(got, s.Category+"/"+s.Type)
	}
	require.Equal(t, []string{
		"triggers/facebook.trigger", "triggers/webchat.trigger",
		"logic/condition", "logic/switch",
		"actions/reply", "flow/end",
		"alpha/a.custom", "zebra/z.custom", // categories outside engine.Categories come last, by name
	}, got)
	require.Equal(t, []string{"a.custom", "condition", "end", "facebook.trigger", "reply", "switch", "webchat.trigger", "z.custom"}, r.Types())
}

func TestRegisteredSpecIsACopy(t *testing.T) {
	t.Parallel()
	r := engine.NewRegistry()
	s := goodSpec("a", "logic")
	r.Register(s)
	s.Title = "changed"
	got, _ := r.Lookup("a")
	require.Equal(t, "Test block", got.Title, "changing the spec after registering it changes nothing")
}
