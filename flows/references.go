package flows

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/switchboardhq/switchboard/engine"
)

// References tells what exists where flows run: the names of the skills, calendars, emergency
// switches and flows a flow's blocks may name (engine.Param.Refers). The server answers from
// its store; `switchboard validate --server` asks a server over HTTP. This package knows
// nothing of either.
type References interface {
	// Names returns every name of a kind: "skill", "calendar", "switch" or "flow".
	Names(kind string) ([]string, error)
}

// The diagnostic codes of references to things that do not exist. Their severity is chosen by
// the caller: a warning on a draft, an error on publish.
const (
	CodeUnknownSkill    = "unknown-skill"
	CodeUnknownCalendar = "unknown-calendar"
	CodeUnknownSwitch   = "unknown-switch"
	CodeUnknownFlow     = "unknown-flow"
)

// ReferenceCodes lists the codes CheckReferences reports, with what they mean, for the docs.
var ReferenceCodes = []struct {
	Code    string
	Kind    string
	Meaning string
}{
	{CodeUnknownSkill, "skill", "a skill the server does not have"},
	{CodeUnknownCalendar, "calendar", "a calendar the server does not have"},
	{CodeUnknownSwitch, "switch", "an emergency switch the server does not have"},
	{CodeUnknownFlow, "flow", "a subflow the server does not have"},
}

// CheckReferences reports the names of skills, calendars, switches and flows that a flow's
// blocks give and that refs does not know, each at its value with severity sev and a "did you
// mean". Values computed at run time (template holes) are not checked. Problems of the file
// itself are Validate's; a file that cannot be read has no references to check.
func CheckReferences(file string, src []byte, reg *engine.Registry, refs References, sev Severity) (Diagnostics, error) {
	doc, _ := Parse(file, src)
	if doc == nil {
		return nil, nil
	}
	known := map[string][]string{}
	d := &diagnoser{src: doc.src}
	for _, b := range doc.Blocks {
		spec, ok := reg.Lookup(b.Type)
		if !ok || b.params == nil {
			continue
		}
		for _, p := range pairs(b.params) {
			param := spec.Param(p.key.Value)
			if param == nil || param.Refers == "" || p.value == nil || p.value.Kind != yaml.ScalarNode || p.value.ShortTag() != "!!str" {
				continue
			}
			name := p.value.Value
			if name == "" || strings.Contains(name, "{{") {
				continue
			}
			names, seen := known[param.Refers]
			if !seen {
				var err error
				if names, err = refs.Names(param.Refers); err != nil {
					return nil, fmt.Errorf("list the %ss: %w", param.Refers, err)
				}
				known[param.Refers] = names
			}
			if slices.Contains(names, name) {
				continue
			}
			msg := fmt.Sprintf("there is no %s %q on the server", refKindName(param.Refers), name)
			if s := suggest(name, names); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			} else if param.Refers != "flow" {
				msg += "; create it before publishing"
			}
			path := "blocks." + b.ID + ".params." + p.key.Value
			d.add(sev, p.value, path, "unknown-"+param.Refers, "%s", msg)
		}
	}
	d.diags.Sort()
	return d.diags, nil
}

func refKindName(kind string) string {
	if kind == "switch" {
		return "emergency switch"
	}
	return kind
}
