package crm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/switchboardhq/switchboard/engine"
)

// Spec describes crm.lookup. This one value is all the validator, the JSON Schema, the block
// reference and the editor's palette know of the block.
var Spec = engine.Spec{
	Type:     "crm.lookup",
	Title:    "CRM look-up",
	Category: "integration",
	Description: "Asks the company CRM about the customer: GET url, which answers 200 with " +
		"{name, tier, vip} or 404. The answer goes into vars.crm, and a VIP answer marks the contact VIP.",
	Params: []engine.Param{
		{Name: "url", Kind: engine.KindTemplate, Required: true, Description: "the customer's URL in the CRM",
			Example: "https://crm.example.com/customers/{{ url_escape(interaction.author.id) }}"},
		{Name: "token", Kind: engine.KindTemplate, Description: "a bearer token for the CRM", Example: "{{ vars.crm_token }}"},
		{Name: "timeout", Kind: engine.KindDuration, Default: "3s", Max: engine.Bound(30), Description: "how long to wait for the CRM"},
	},
	Exits:    []string{"found", "missing", "error"},
	SetsVars: func(*engine.Params) []string { return []string{"crm"} },
	Examples: []engine.Example{{Title: "Know the customer before routing", YAML: `type: crm.lookup
params: {url: "{{ vars.crm_url }}/customers/{{ url_escape(interaction.author.id) }}"}
next: {found: route, missing: route, error: route}
`}},
	Build: func(p *engine.Params) (engine.Block, error) {
		return &lookup{url: p.Template("url"), token: p.Template("token"), timeout: p.Duration("timeout")}, nil
	},
}

func init() { engine.Register(Spec) }

// lookup is the block's runtime, built once per flow version and shared by every session.
type lookup struct {
	url, token *engine.Template
	timeout    time.Duration
}

var _ engine.Block = (*lookup)(nil)

// customer is what the CRM answers.
type customer struct {
	Name string `json:"name"`
	Tier string `json:"tier"`
	VIP  bool   `json:"vip"`
}

func (b *lookup) Run(c *engine.Context) engine.Result {
	url, err := c.Render(b.url)
	if err != nil {
		return engine.Fail(err)
	}
	ctx, cancel := context.WithTimeout(c.Context(), b.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return engine.Fail(err)
	}
	if b.token != nil {
		token, err := c.Render(b.token)
		if err != nil {
			return engine.Fail(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
	}
	var client engine.HTTPDoer = http.DefaultClient
	if c.Runtime().HTTP != nil {
		client = c.Runtime().HTTP
	}
	resp, err := client.Do(req)
	if err != nil {
		return engine.Fail(fmt.Errorf("crm: %w", err)) // leaves by the error exit
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusNotFound:
		return engine.Next("missing")
	default:
		return engine.Fail(fmt.Errorf("crm: %s", resp.Status))
	}
	var cu customer
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&cu); err != nil {
		return engine.Fail(errors.New("crm: the answer is not the JSON expected"))
	}
	c.SetVar("crm", map[string]any{"name": cu.Name, "tier": cu.Tier, "vip": cu.VIP})
	if cu.VIP {
		ct := *c.Contact()
		ct.VIP = true
		c.SetContact(ct)
	}
	return engine.Next("found")
}
