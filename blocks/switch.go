package blocks

import (
	"fmt"

	"github.com/switchboardhq/switchboard/engine"
)

var switchSpec = engine.Spec{
	Type:        "switch",
	Title:       "Switch",
	Category:    "logic",
	Description: "Tries its cases in order and leaves by the exit of the first whose expression is true, or by default.",
	Params: []engine.Param{
		{Name: "cases", Kind: engine.KindList, Required: true, Min: engine.Bound(1),
			Description: "the cases, in order",
			Example:     []map[string]any{{"when": `interaction.channel == "twitter"`, "exit": "x"}},
			Elem: &engine.Param{Kind: engine.KindObject, Description: "a case", Fields: []engine.Param{
				{Name: "when", Kind: engine.KindExpression, Type: "bool", Required: true, Description: "the expression to test", Example: "contact.vip"},
				{Name: "exit", Kind: engine.KindString, Format: "exit", Required: true, Description: "the exit taken when it is true", Example: "vip"},
			}}},
	},
	ExitsFrom: &engine.DerivedExits{Param: "cases", Field: "exit", After: []string{"default"}},
	Examples: []engine.Example{{Title: "By channel", YAML: `type: switch
params:
  cases:
    - {when: 'interaction.channel == "twitter"', exit: x}
    - {when: interaction.public, exit: public}
next: {x: x-care, public: wall-care, default: private-care}
`}},
	Build: func(p *engine.Params) (engine.Block, error) {
		s := &switchBlock{}
		for i, c := range p.Objects("cases") {
			if c.String("exit") == "default" {
				return nil, engine.ParamErrorf(fmt.Sprintf("cases[%d].exit", i), "default is the exit taken when no case is true; name this case's exit otherwise")
			}
			s.cases = append(s.cases, switchCase{when: c.Expression("when"), exit: c.String("exit")})
		}
		return s, nil
	},
}

type switchBlock struct{ cases []switchCase }

type switchCase struct {
	when *engine.Expression
	exit string
}

var _ engine.Block = (*switchBlock)(nil)

func (b *switchBlock) Run(c *engine.Context) engine.Result {
	for _, cs := range b.cases {
		ok, err := c.EvalBool(cs.when)
		if err != nil {
			return engine.Fail(err)
		}
		if ok {
			return engine.Next(cs.exit)
		}
	}
	return engine.Next("default")
}
