package flows_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/switchboardhq/switchboard/blocks"
	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/flows"
)

// A custom block is a Spec: registering it in a registry lets flows use it, with its
// parameters checked when the flow loads.
func ExampleLoad() {
	shout := engine.Spec{
		Type:        "acme.shout",
		Title:       "Shout",
		Category:    "actions",
		Description: "Sets a variable to a text in upper case.",
		Params: []engine.Param{
			{Name: "text", Kind: engine.KindTemplate, Required: true, Description: "what to shout"},
			{Name: "save_as", Kind: engine.KindString, Format: "identifier", Default: "shout", Description: "the variable"},
		},
		Exits:    []string{"next"},
		SetsVars: func(p *engine.Params) []string { return []string{p.String("save_as")} },
		Build: func(p *engine.Params) (engine.Block, error) {
			return nil, nil // a real block returns its runtime here
		},
	}
	reg := blocks.NewRegistry().With(shout)

	src := `switchboard: 1
id: shouting
blocks:
  chat:
    type: webchat.trigger
    next: {message: shout}
  shout:
    type: acme.shout
    params: {text: "hola {{ contact.nmae }}", volume: 11}
    next: {next: done}
  done:
    type: end
`
	_, diags := flows.Load("shouting.yaml", []byte(src), reg)
	diags.WriteText(os.Stdout)

	fixed := strings.NewReplacer("nmae", "name", ", volume: 11", "").Replace(src)
	flow, diags := flows.Load("shouting.yaml", []byte(fixed), reg)
	fmt.Println(len(diags), flow.Node("shout").Exits, flow.Node("shout").Params.String("save_as"))
	// Output:
	// shouting.yaml:9:37: error: contact has no field nmae; did you mean contact.name? [bad-expression]
	// shouting.yaml:9:47: error: there is no parameter "volume" here; the parameters are text, save_as [unknown-field]
	// 0 [next] shout
}
