package blocks

import "github.com/switchboardhq/switchboard/engine"

var conditionSpec = engine.Spec{
	Type:        "condition",
	Title:       "Condition",
	Category:    "logic",
	Description: "Tests a boolean expression and leaves by true or false.",
	Params: []engine.Param{
		{Name: "when", Kind: engine.KindExpression, Type: "bool", Required: true,
			Description: "the expression to test", Example: `interaction.kind == "dm" || contact.vip`},
	},
	Exits: []string{"true", "false"},
	Examples: []engine.Example{{Title: "Private messages and VIPs first", YAML: `type: condition
params: {when: 'interaction.kind == "dm" || contact.vip'}
next: {"true": priority, "false": normal}
`}},
	Build: func(p *engine.Params) (engine.Block, error) {
		return &condition{when: p.Expression("when")}, nil
	},
}

type condition struct{ when *engine.Expression }

var _ engine.Block = (*condition)(nil)

func (b *condition) Run(c *engine.Context) engine.Result {
	ok, err := c.EvalBool(b.when)
	if err != nil {
		return engine.Fail(err)
	}
	if ok {
		return engine.Next("true")
	}
	return engine.Next("false")
}
