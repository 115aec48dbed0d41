package blocks

import (
	"errors"
	"fmt"

	"github.com/switchboardhq/switchboard/engine"
)

var emergencySpec = engine.Spec{
	Type:     "emergency",
	Title:    "Emergency switch",
	Category: "calendar",
	Description: "Reads a named emergency switch that an admin turns on and off (a storm, an outage, a " +
		"strike) and leaves by on or off. A switch nobody has created yet is off.",
	Params: []engine.Param{
		{Name: "switch", Kind: engine.KindString, Refers: "switch", Format: "switch-name", Required: true,
			Description: "the switch's name", Example: "outage"},
	},
	Exits: []string{"on", "off"},
	Examples: []engine.Example{{Title: "Announce an outage", YAML: `type: emergency
params: {switch: outage}
next: {"on": outage-reply, "off": hours}
`}},
	Build: func(p *engine.Params) (engine.Block, error) {
		return &emergency{name: p.String("switch")}, nil
	},
}

type emergency struct{ name string }

var _ engine.Block = (*emergency)(nil)

func (b *emergency) Run(c *engine.Context) engine.Result {
	switches := c.Runtime().Switches
	if switches == nil {
		return engine.Next("off")
	}
	on, err := switches.Switch(c.Context(), b.name)
	if errors.Is(err, engine.ErrNotFound) {
		return engine.Next("off")
	}
	if err != nil {
		return engine.Fail(fmt.Errorf("switch %s: %w", b.name, err))
	}
	if on {
		return engine.Next("on")
	}
	return engine.Next("off")
}
