package flows

import (
	"github.com/switchboardhq/switchboard/engine"
)

// BlockInfo describes one block type for the editor's palette and inspector, and for
// `switchboard blocks --json`. It is what the spec says, as plain data.
type BlockInfo struct {
	Type        string               `json:"type"`
	Title       string               `json:"title"`
	Category    string               `json:"category"`
	Description string               `json:"description"`
	Params      []ParamInfo          `json:"params"`
	Exits       []string             `json:"exits"`
	ExitsFrom   *engine.DerivedExits `json:"exits_from,omitempty"`
	Trigger     string               `json:"trigger,omitempty"`
	Waits       bool                 `json:"waits,omitempty"`
	Ends        bool                 `json:"ends,omitempty"`
	Examples    []engine.Example     `json:"examples,omitempty"`
}

// ParamInfo describes one parameter, list element or object field.
type ParamInfo struct {
	Name        string      `json:"name,omitempty"`
	Kind        engine.Kind `json:"kind"`
	Description string      `json:"description,omitempty"`
	Required    bool        `json:"required,omitempty"`
	Default     any         `json:"default,omitempty"`
	Values      []string    `json:"values,omitempty"`
	Example     any         `json:"example,omitempty"`
	Fields      []ParamInfo `json:"fields,omitempty"`
	Elem        *ParamInfo  `json:"elem,omitempty"`
	KeyFormat   string      `json:"key_format,omitempty"`
	Format      string      `json:"format,omitempty"`
	Type        string      `json:"type,omitempty"`
	Min         *float64    `json:"min,omitempty"`
	Max         *float64    `json:"max,omitempty"`
	OrSingle    bool        `json:"or_single,omitempty"`
	// Text is set on the texts the customer reads, which flows may translate.
	Text bool `json:"text,omitempty"`
}

// Catalogue describes every block type of a registry, in palette order.
func Catalogue(reg *engine.Registry) []BlockInfo {
	specs := reg.Specs()
	out := make([]BlockInfo, len(specs))
	for i, s := range specs {
		out[i] = BlockInfo{
			Type: s.Type, Title: s.Title, Category: s.Category, Description: s.Description,
			Params: paramInfos(s.Params), Exits: s.Exits, ExitsFrom: s.ExitsFrom,
			Trigger: s.Trigger, Waits: s.Waits, Ends: s.Ends, Examples: s.Examples,
		}
		if out[i].Exits == nil {
			out[i].Exits = []string{}
		}
	}
	return out
}

func paramInfos(ps []engine.Param) []ParamInfo {
	out := make([]ParamInfo, len(ps))
	for i := range ps {
		out[i] = paramInfo(&ps[i])
	}
	return out
}

func paramInfo(p *engine.Param) ParamInfo {
	info := ParamInfo{
		Name: p.Name, Kind: p.Kind, Description: p.Description, Required: p.Required, Default: p.Default,
		Values: p.Values, Example: p.Example, KeyFormat: p.KeyFormat, Format: p.Format, Type: p.Type,
		Min: p.Min, Max: p.Max, OrSingle: p.OrSingle, Text: p.Text,
	}
	if len(p.Fields) > 0 {
		info.Fields = paramInfos(p.Fields)
	}
	if p.Elem != nil {
		e := paramInfo(p.Elem)
		info.Elem = &e
	}
	return info
}

// DescribeParam describes one parameter as plain data, as the catalogue does.
func DescribeParam(p *engine.Param) ParamInfo { return paramInfo(p) }
