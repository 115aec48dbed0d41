package crm_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/switchboardhq/switchboard/blocks"
	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/examples/customblock/crm"
	"github.com/switchboardhq/switchboard/flows"
	"github.com/switchboardhq/switchboard/sim"
)

// A custom block is one Spec. Put it in a registry beside the built-in blocks, and flows that
// use it validate, compile and run like any other.
func Example() {
	// A fake CRM that knows one customer.
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/customers/7001" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, `{"name": "Ana Ruiz", "tier": "gold", "vip": true}`)
	}))
	defer server.Close()

	reg := blocks.NewRegistry().With(crm.Spec)
	flow, diags := flows.Load("crm-care.yaml", []byte(`
switchboard: 1
id: crm-care
blocks:
  in:
    type: webchat.trigger
    next: {message: crm}
  crm:
    type: crm.lookup
    params: {url: "{{ vars.crm_url }}/customers/{{ interaction.author.id }}"}
    next: {found: greet, missing: greet, error: greet}
  greet:
    type: reply
    params: {text: "Hola {{ contact.name }}{{ contact.vip ? ', gracias por ser cliente ' + vars.crm.tier : '' }}."}
`), reg)
	if flow == nil {
		fmt.Println(diags)
		return
	}
	for _, author := range []string{"7001", "9999"} {
		out, err := sim.Run(context.Background(), flow, sim.Scenario{
			At:          time.Date(2026, 11, 17, 10, 0, 0, 0, time.UTC),
			Interaction: engine.Interaction{Channel: "webchat", Kind: "message", Author: engine.Author{ID: author, Name: "Ana"}},
			Vars:        map[string]any{"crm_url": server.URL},
		}, nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(out.Exits[1], "→", out.Actions[0].Text)
	}
	// Output:
	// found → Hola Ana, gracias por ser cliente gold.
	// missing → Hola Ana.
}
