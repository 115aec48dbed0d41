package blocks

import "github.com/switchboardhq/switchboard/engine"

var endSpec = engine.Spec{
	Type:        "end",
	Title:       "End",
	Category:    "flow",
	Description: "Ends the session here; in a subflow, returns to the calling flow. The conversation stays open for agents.",
	Ends:        true,
	Examples:    []engine.Example{{Title: "The end", YAML: "type: end\n"}},
	Build: func(*engine.Params) (engine.Block, error) {
		return endBlock{}, nil
	},
}

type endBlock struct{}

var _ engine.Block = endBlock{}

func (endBlock) Run(*engine.Context) engine.Result { return engine.Result{} }
