package flows_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/blocks"
	"github.com/switchboardhq/switchboard/flows"
)

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	src := flows.Schema(blocks.NewRegistry())
	require.True(t, json.Valid(src))
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(src))
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	require.NoError(t, c.AddResource(flows.SchemaID, doc))
	s, err := c.Compile(flows.SchemaID)
	require.NoError(t, err, "the schema must compile as draft 2020-12")
	return s
}

// instance reads a YAML or JSON flow as a JSON Schema instance.
func instance(t *testing.T, path string, src []byte) any {
	t.Helper()
	if !flows.IsJSON(path) {
		src = yamlToJSON(t, src)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(src))
	require.NoError(t, err)
	return v
}

func TestSchemaIsDeterministic(t *testing.T) {
	t.Parallel()
	reg := blocks.NewRegistry()
	require.Equal(t, string(flows.Schema(reg)), string(flows.Schema(reg)))
	require.Equal(t, string(flows.Schema(reg)), string(flows.Schema(reg.Clone())))
}

func TestSchemaAcceptsValidFlows(t *testing.T) {
	t.Parallel()
	schema := compileSchema(t)
	inputs := exampleFlows(t)
	inputs["anchors.yaml"] = []byte(anchoredFlow)
	inputs["vars.yaml"] = []byte(varsFlow)
	inputs["schema.yaml"] = []byte(schemaBase)
	for _, tt := range formatCases {
		inputs[tt.file] = []byte(tt.in)
	}
	reg := blocks.NewRegistry()
	for path, src := range sorted(inputs) {
		if flows.Validate(path, src, reg).HasErrors() {
			continue // a hand-written format case with an unknown key
		}
		require.NoError(t, schema.Validate(instance(t, path, src)), "%s is valid, so the schema must accept it", path)
	}
}

// schemaBase is a valid flow the rejected cases change one thing of.
const schemaBase = `switchboard: 1
id: schema
blocks:
  fb:
    type: facebook.trigger
    params: {events: [comment]}
    next: {comment: hi}
  hi:
    type: reply
    params: {visibility: private, text: Hola}
    next: {sent: to-billing, failed: done}
  to-billing:
    type: route.skill
    params: {skill: billing, timeout: 15m}
    next: {done: mood, timeout: done, overflow: done, no_agents: done}
  mood:
    type: sentiment
    params: {positive: 0.5}
    next: {positive: hours, neutral: done, negative: done}
  hours:
    type: calendar.hours
    params:
      timezone: Europe/Madrid
      open: {mon-fri: ["09:00-18:00"]}
    next: {open: days, closed: done}
  days:
    type: calendar.special_days
    params: {timezone: UTC, dates: ["12-24..12-31"], save_as: holiday}
    next: {special: done, regular: done}
  done:
    type: end
`

func TestSchemaRejects(t *testing.T) {
	t.Parallel()
	schema := compileSchema(t)
	reg := blocks.NewRegistry()
	tests := []struct {
		name, old, new string
		code           string // what validate says of the same change
	}{
		{"a duration written as a number", "timeout: 15m", "timeout: 5", flows.CodeBadValue},
		{"text where a list goes", "events: [comment]", "events: comment", flows.CodeBadValue},
		{"a value not in the enum", "visibility: private", "visibility: secret", flows.CodeBadValue},
		{"a number above the maximum", "positive: 0.5", "positive: 2", flows.CodeBadValue},
		{"a boolean where text goes", "text: Hola", "text: true", flows.CodeBadValue},
		{"an unknown parameter", "skill: billing,", "skill: billing, colour: red,", flows.CodeUnknownField},
		{"params on a block that takes none", "type: end", "type: end\n    params: {reason: done}", flows.CodeUnknownField},
		{"an unknown block key", "type: sentiment", "type: sentiment\n    colour: red", flows.CodeUnknownField},
		{"an unknown top-level key", "id: schema", "id: schema\nowner: me", flows.CodeUnknownField},
		{"an unknown block type", "type: sentiment", "type: mood.meter", flows.CodeUnknownBlockType},
		{"an unknown exit of a fixed-exit block", "failed: done", "fialed: done", flows.CodeUnknownExit},
		{"an exit on a block that ends", "type: end", "type: end\n    next: {next: fb}", flows.CodeUnknownExit},
		{"a missing required parameter", "params: {visibility: private, text: Hola}", "params: {visibility: private}", flows.CodeMissingField},
		{"a missing type", "    type: end\n", "    ui: {x: 1}\n", flows.CodeMissingField},
		{"a missing id", "id: schema\n", "", flows.CodeMissingField},
		{"another format version", "switchboard: 1", "switchboard: 3", flows.CodeBadValue},
		{"a key of format 2 in a format 1 file", "id: schema", "id: schema\nlanguage: es", flows.CodeUnknownField},
		{"a flow id that is not one", "id: schema", "id: Schema Flow", flows.CodeBadID},
		{"a block id that is not one", "  done:\n", "  Done!:\n", flows.CodeBadID},
		{"a next that leads to no id", "{comment: hi}", "{comment: 42}", flows.CodeBadValue},
		{"a time range past the end of the day", `"09:00-18:00"`, `"25:00-26:00"`, flows.CodeBadValue},
		{"a time range without minutes", `"09:00-18:00"`, `"9-18"`, flows.CodeBadValue},
		{"days of the week that are none", "mon-fri:", "weekdays:", flows.CodeBadValue},
		{"a date that is none", `"12-24..12-31"`, `"12-32"`, flows.CodeBadValue},
		{"a range of a yearly and a dated day", `"12-24..12-31"`, `"12-24..2026-12-31"`, flows.CodeBadValue},
		{"a time zone that is none", "timezone: Europe/Madrid", "timezone: Europe Madrid", flows.CodeBadValue},
		{"a variable name too long for validate", "save_as: holiday", "save_as: " + strings.Repeat("h", 65), flows.CodeBadValue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, 1, strings.Count(schemaBase, tt.old), "the change must apply once")
			src := []byte(strings.Replace(schemaBase, tt.old, tt.new, 1))
			ds := flows.Validate("schema.yaml", src, reg)
			require.True(t, ds.HasErrors(), "validate must reject it too")
			require.Contains(t, codes(ds), tt.code)
			err := schema.Validate(instance(t, "schema.yaml", src))
			require.Error(t, err, "the schema accepts:\n%s", src)
		})
	}
}

func codes(ds flows.Diagnostics) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Code
	}
	return out
}
