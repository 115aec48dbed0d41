package flows

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/switchboardhq/switchboard/engine"
)

// SchemaID is the $id of the flow file schema.
const SchemaID = "https://switchboard.dev/schema/flow-1.json"

// durationPattern matches what engine.ParseDuration reads.
const durationPattern = `^([0-9]+d)?([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))*$`

type object = map[string]any

// Schema returns a JSON Schema (draft 2020-12) of flow files with the registry's block types,
// for editors (yaml-language-server) and other tools. Formats that a pattern cannot express
// (time zones, time ranges) are left to `switchboard validate`.
func Schema(reg *engine.Registry) []byte {
	specs := reg.Specs()
	types := make([]string, len(specs))
	defs := object{}
	var branches []any
	for i, s := range specs {
		types[i] = s.Type
		def := "block." + s.Type
		defs[def] = blockSchema(s)
		branches = append(branches, object{
			"if":   object{"properties": object{"type": object{"const": s.Type}}, "required": []string{"type"}},
			"then": object{"$ref": "#/$defs/" + def},
		})
	}
	defs["block"] = object{
		"type":     "object",
		"required": []string{"type"},
		"properties": object{
			"type":   object{"enum": types, "description": "the block type; `switchboard blocks` lists them"},
			"params": object{"type": []string{"object", "null"}, "description": "the block's parameters"},
			"next": object{"type": []string{"object", "null"}, "description": "exits and the block ids they lead to",
				"additionalProperties": object{"type": "string", "pattern": IDPattern.String()}},
			"ui": object{"type": []string{"object", "null"}, "description": "editor layout; never changes behaviour"},
		},
		"additionalProperties": false,
		"allOf":                branches,
	}
	schema := object{
		"$schema":              "https://json-schema.org/draft/2020-12/schema",
		"$id":                  SchemaID,
		"title":                "Switchboard flow",
		"description":          "A Switchboard routing flow (formats 1 to " + strconv.Itoa(FormatVersion) + ").",
		"type":                 "object",
		"required":             []string{"switchboard", "id", "blocks"},
		"additionalProperties": false,
		"properties": object{
			"switchboard": object{"enum": formatVersions(), "description": "the flow format version; " + strconv.Itoa(FormatVersion) + " is the newest, and `switchboard fmt --upgrade` rewrites older files in it"},
			"language": object{"type": "string", "pattern": LanguagePattern.String(),
				"description": "the language the flow's texts are written in, such as es (format 2)"},
			"translations": object{"type": []string{"object", "null"}, "description": "the flow's texts in other languages: language, then block id, then parameter (format 2)",
				"propertyNames": object{"pattern": LanguagePattern.String()},
				"additionalProperties": object{"type": []string{"object", "null"},
					"propertyNames":        object{"pattern": IDPattern.String()},
					"additionalProperties": object{"type": "object", "additionalProperties": object{"type": []string{"string", "array"}, "items": object{"type": "string"}}}}},
			"id":          object{"type": "string", "pattern": IDPattern.String(), "description": "the flow's id"},
			"name":        object{"type": "string", "description": "the flow's name"},
			"description": object{"type": "string"},
			"vars": object{"type": []string{"object", "null"}, "description": "variables and their initial values",
				"propertyNames": object{"pattern": identifier.String()}},
			"blocks": object{"type": "object", "description": "the blocks, by id",
				"propertyNames":        object{"pattern": IDPattern.String()},
				"additionalProperties": object{"$ref": "#/$defs/block"}},
			"ui": object{"type": []string{"object", "null"}, "description": "editor layout and notes; never changes behaviour"},
		},
		"$defs": defs,
		// the keys a format added are not keys of the formats before it
		"if":   object{"properties": object{"switchboard": object{"const": 1}}, "required": []string{"switchboard"}},
		"then": object{"properties": object{"language": false, "translations": false}},
	}
	out, err := json.MarshalIndent(schema, "", "  ")
	if err != nil {
		panic("switchboard: schema: " + err.Error()) // only plain values above
	}
	return append(out, '\n')
}

func formatVersions() []int {
	var out []int
	for v := MinFormatVersion; v <= FormatVersion; v++ {
		out = append(out, v)
	}
	return out
}

func blockSchema(s *engine.Spec) object {
	params := fieldsSchema(s.Params)
	params["type"] = []string{"object", "null"}
	props := object{"params": params}
	def := object{"description": s.Title + ": " + s.Description, "properties": props}
	if required, _ := params["required"].([]string); len(required) > 0 {
		def["required"] = []string{"params"}
	}
	next := object{"type": []string{"object", "null"}}
	switch {
	case s.Ends:
		next["maxProperties"] = 0
		next["description"] = "this block ends the session and has no exits"
	case s.ExitsFrom == nil:
		next["propertyNames"] = object{"enum": s.Exits}
		next["description"] = "exits: " + strings.Join(s.Exits, ", ")
	default:
		next["propertyNames"] = object{"pattern": engine.ExitPattern.String()}
		next["description"] = "exits: " + s.ExitsFrom.Describe()
	}
	props["next"] = next
	return def
}

func fieldsSchema(fields []engine.Param) object {
	props := object{}
	var required []string
	for i := range fields {
		f := &fields[i]
		props[f.Name] = paramSchema(f)
		if f.Required {
			required = append(required, f.Name)
		}
	}
	out := object{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		out["required"] = required
	}
	return out
}

func paramSchema(p *engine.Param) object {
	var s object
	switch p.Kind {
	case engine.KindString:
		s = object{"type": "string"}
		if f := engine.Formats[p.Format]; f != nil && f.Pattern != "" {
			s["pattern"] = f.Pattern
		}
	case engine.KindInt:
		s = object{"type": "integer"}
	case engine.KindNumber:
		s = object{"type": "number"}
	case engine.KindBool:
		s = object{"type": "boolean"}
	case engine.KindDuration:
		s = object{"type": "string", "pattern": durationPattern}
	case engine.KindEnum:
		s = object{"enum": p.Values}
	case engine.KindExpression:
		switch p.Type {
		case "bool":
			s = object{"type": []string{"string", "boolean"}}
		case "int":
			s = object{"type": []string{"string", "integer"}}
		case "number":
			s = object{"type": []string{"string", "number"}}
		case "string":
			s = object{"type": "string"}
		default:
			s = object{"type": []string{"string", "number", "boolean"}}
		}
	case engine.KindTemplate:
		s = object{"type": "string"}
	case engine.KindList:
		s = object{"type": "array", "items": paramSchema(p.Elem)}
		if p.Min != nil {
			s["minItems"] = int(*p.Min)
		}
		if p.Max != nil {
			s["maxItems"] = int(*p.Max)
		}
		if p.OrSingle {
			s = object{"anyOf": []any{s, paramSchema(p.Elem)}}
		}
	case engine.KindObject:
		s = fieldsSchema(p.Fields)
	case engine.KindMap:
		s = object{"type": "object", "additionalProperties": paramSchema(p.Elem)}
		if f := engine.Formats[p.KeyFormat]; f != nil && f.Pattern != "" {
			s["propertyNames"] = object{"pattern": f.Pattern}
		}
	}
	if p.Kind == engine.KindInt || p.Kind == engine.KindNumber {
		if p.Min != nil {
			s["minimum"] = *p.Min
		}
		if p.Max != nil {
			s["maximum"] = *p.Max
		}
	}
	if p.Description != "" {
		s["description"] = p.Description
	}
	if p.Default != nil {
		s["default"] = p.Default
	}
	if p.Example != nil {
		s["examples"] = []any{p.Example}
	}
	return s
}

// ParamSchema returns the JSON Schema of one parameter's values, as the flow schema has it.
func ParamSchema(p *engine.Param) map[string]any { return paramSchema(p) }
