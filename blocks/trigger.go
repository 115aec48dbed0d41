package blocks

import (
	"fmt"
	"slices"

	"github.com/switchboardhq/switchboard/engine"
)

// triggerSpec makes the spec of a channel's trigger: the entry an interaction of that channel
// comes in by, leaving by the exit named after its kind.
func triggerSpec(channel, typ, title, description string, kinds []string, example string) engine.Spec {
	return engine.Spec{
		Type:        typ,
		Title:       title,
		Category:    "triggers",
		Description: description,
		Trigger:     channel,
		Params: []engine.Param{{
			Name:        "events",
			Kind:        engine.KindList,
			Description: fmt.Sprintf("the kinds of interaction that enter here; each is an exit (%s)", joinOr(kinds)),
			Default:     kinds,
			Example:     kinds[:1],
			Elem:        &engine.Param{Kind: engine.KindEnum, Values: kinds, Description: "a kind of interaction"},
			Min:         engine.Bound(1),
		}},
		ExitsFrom: &engine.DerivedExits{Param: "events"},
		Examples:  []engine.Example{{Title: "The entry for " + title, YAML: example}},
		Build: func(p *engine.Params) (engine.Block, error) {
			return &trigger{events: p.Strings("events")}, nil
		},
	}
}

// trigger leaves by the exit named after the interaction's kind; a kind it does not list ends
// the session at once.
type trigger struct{ events []string }

var _ engine.Block = (*trigger)(nil)

func (t *trigger) Run(c *engine.Context) engine.Result {
	kind := c.Interaction().Kind
	if slices.Contains(t.events, kind) {
		return engine.Next(kind)
	}
	return engine.Result{}
}

func joinOr(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	out := ""
	for i, w := range words {
		switch {
		case i == 0:
			out = w
		case i == len(words)-1:
			out += " or " + w
		default:
			out += ", " + w
		}
	}
	return out
}
