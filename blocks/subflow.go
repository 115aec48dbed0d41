package blocks

import (
	"errors"
	"fmt"
	"maps"

	"github.com/switchboardhq/switchboard/engine"
)

var subflowSpec = engine.Spec{
	Type:     "subflow",
	Title:    "Subflow",
	Category: "flow",
	Description: "Runs another flow and comes back: the subflow enters by its trigger for the interaction, " +
		"with the given variables, and when it ends the block leaves by done (with the subflow's variables " +
		"in save_as), or by failed when it failed. A close block in the subflow ends everything.",
	Params: []engine.Param{
		{Name: "flow", Kind: engine.KindString, Refers: "flow", Format: "flow-id", Required: true,
			Description: "the id of the flow to run", Example: "vip-care"},
		{Name: "version", Kind: engine.KindInt, Default: 0, Min: engine.Bound(0),
			Description: "the published version to run; 0 runs the latest"},
		{Name: "vars", Kind: engine.KindMap, KeyFormat: "identifier",
			Description: "variables to start the subflow with, as expressions", Example: map[string]any{"topic": "vars.topic"},
			Elem: &engine.Param{Kind: engine.KindExpression, Description: "the value"}},
		{Name: "save_as", Kind: engine.KindString, Format: "identifier",
			Description: "a variable that receives the subflow's variables when it ends", Example: "vip"},
	},
	Exits:    []string{"done", "failed"},
	SetsVars: func(p *engine.Params) []string { return nonEmpty(p.String("save_as")) },
	Examples: []engine.Example{{Title: "Shared VIP handling", YAML: `type: subflow
params: {flow: vip-care, vars: {topic: vars.topic}}
next: {done: end, failed: to-general}
`}},
	Build: func(p *engine.Params) (engine.Block, error) {
		b := &subflow{flow: p.String("flow"), version: int(p.Int("version")), saveAs: p.String("save_as")}
		b.varNames, b.varValues = entries[*engine.Expression](p, "vars")
		return b, nil
	},
}

type subflow struct {
	flow      string
	version   int
	varNames  []string
	varValues []*engine.Expression
	saveAs    string
}

var (
	_ engine.Block    = (*subflow)(nil)
	_ engine.Returner = (*subflow)(nil)
)

var errNoFlows = errors.New("no flow loader is configured")

func (b *subflow) Run(c *engine.Context) engine.Result {
	loader := c.Runtime().Flows
	if loader == nil {
		return engine.Fail(errNoFlows)
	}
	f, err := loader.LoadFlow(c.Context(), b.flow, b.version)
	if err != nil {
		return engine.Fail(fmt.Errorf("flow %s: %w", b.flow, err))
	}
	vars := make(map[string]any, len(b.varNames))
	for i, e := range b.varValues {
		v, err := c.Eval(e)
		if err != nil {
			return engine.Fail(err)
		}
		vars[b.varNames[i]] = v
	}
	return engine.Result{Call: &engine.Call{Flow: f, Vars: vars}}
}

func (b *subflow) Return(c *engine.Context, vars map[string]any, failure error) engine.Result {
	if failure != nil {
		return engine.Fail(failure)
	}
	if b.saveAs != "" {
		c.SetVar(b.saveAs, maps.Clone(vars))
	}
	return engine.Next("done")
}
