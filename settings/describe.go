package settings

import (
	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/flows"
)

// Info describes one setting as plain data, for the editor's admin pages.
type Info struct {
	flows.ParamInfo
	// Channels are the channel types the setting applies to; empty means all.
	Channels []string `json:"channels,omitempty"`
	// Refers is what the value names: "calendar".
	Refers string `json:"refers,omitempty"`
	// Seconds is true when a duration may also be written as a number of seconds.
	Seconds bool `json:"seconds,omitempty"`
	// Exclusive are groups of list values that contradict each other.
	Exclusive [][]string `json:"exclusive,omitempty"`
}

// Catalogue is the spec of every setting, as GET /api/v1/settings/schema serves it.
type Catalogue struct {
	Channel []Info `json:"channel"`
	Skill   []Info `json:"skill"`
	// Workspace are the settings of the whole workspace.
	Workspace []Info `json:"workspace"`
	// Formats describe the formats settings name.
	Formats map[string]FormatInfo `json:"formats"`
}

// FormatInfo describes a format: what a value looks like and a pattern for it.
type FormatInfo struct {
	Description string `json:"description"`
	Pattern     string `json:"pattern,omitempty"`
}

// Describe returns the spec of channel, skill and workspace settings as plain data.
func Describe() Catalogue {
	out := Catalogue{Channel: infos(Channel), Skill: infos(Skill), Workspace: infos(Workspace), Formats: map[string]FormatInfo{}}
	for _, spec := range [][]Setting{Channel, Skill, Workspace} {
		for i := range spec {
			for _, p := range []*engine.Param{&spec[i].Param, spec[i].Elem} {
				if p != nil && p.Format != "" {
					f := format(p.Format)
					out.Formats[p.Format] = FormatInfo{Description: f.Description, Pattern: f.Pattern}
				}
			}
		}
	}
	return out
}

func infos(spec []Setting) []Info {
	out := make([]Info, len(spec))
	for i := range spec {
		s := &spec[i]
		out[i] = Info{ParamInfo: flows.DescribeParam(&s.Param), Channels: s.Channels, Refers: s.Refers, Seconds: s.Seconds,
			Exclusive: s.Exclusive}
	}
	return out
}

// Schema returns the JSON Schema of a spec's settings as an object, for the OpenAPI document:
// the object's properties, none other allowed.
func Schema(spec []Setting) map[string]any {
	props := map[string]any{}
	for i := range spec {
		s := &spec[i]
		ps := flows.ParamSchema(&s.Param)
		if f := formats[s.Format]; f != nil && s.Kind == engine.KindString {
			ps["pattern"] = f.Pattern
		}
		if s.Seconds {
			seconds := map[string]any{"type": "integer"}
			if s.Min != nil {
				seconds["minimum"] = *s.Min
			}
			if s.Max != nil {
				seconds["maximum"] = *s.Max
			}
			text := map[string]any{"type": "string", "pattern": ps["pattern"]}
			delete(ps, "type")
			delete(ps, "pattern")
			ps["oneOf"] = []any{seconds, text}
		}
		if len(s.Channels) > 0 {
			ps["description"] = ps["description"].(string) + " (" + orList(s.Channels) + " channels)"
		}
		props[s.Name] = ps
	}
	return map[string]any{"type": "object", "additionalProperties": false, "properties": props}
}
