package blocks

import (
	"cmp"
	"errors"

	"github.com/switchboardhq/switchboard/engine"
)

var contactLookupSpec = engine.Spec{
	Type:     "contact.lookup",
	Title:    "Contact look-up",
	Category: "contact",
	Description: "Finds the contact (the customer record) by the author's id on the interaction's channel, " +
		"creating it (with the given attributes) when there is none, and makes it available to later blocks as contact: its name, " +
		"VIP mark, attributes, last agent and history counts.",
	Params: []engine.Param{
		{Name: "attributes", Kind: engine.KindMap, KeyFormat: "identifier",
			Description: "attributes to give a contact that is created here, as expressions",
			Example:     map[string]any{"source": "interaction.channel"},
			Elem:        &engine.Param{Kind: engine.KindExpression, Description: "the attribute's value"}},
	},
	Exits: []string{"found", "created"},
	Examples: []engine.Example{{Title: "Greet known customers by name", YAML: `type: contact.lookup
params:
  attributes: {first_channel: interaction.channel}
next: {found: vip-check, created: welcome}
`}},
	Build: func(p *engine.Params) (engine.Block, error) {
		b := &contactLookup{}
		b.attrNames, b.attrValues = entries[*engine.Expression](p, "attributes")
		return b, nil
	},
}

type contactLookup struct {
	attrNames  []string
	attrValues []*engine.Expression
}

var _ engine.Block = (*contactLookup)(nil)

var errNoContacts = errors.New("no contact store is configured")

func (b *contactLookup) Run(c *engine.Context) engine.Result {
	store := c.Runtime().Contacts
	if store == nil {
		return engine.Fail(errNoContacts)
	}
	var attrs map[string]any
	if len(b.attrNames) > 0 {
		attrs = make(map[string]any, len(b.attrNames))
		for i, e := range b.attrValues {
			v, err := c.Eval(e)
			if err != nil {
				return engine.Fail(err)
			}
			attrs[b.attrNames[i]] = v
		}
	}
	in := c.Interaction()
	ct, found, err := store.Lookup(c.Context(), in.Channel, in.Author, attrs)
	if err != nil {
		return engine.Fail(err)
	}
	ct.Known = true
	// the name the session knows already (the network profile's) stays when the record has none,
	// and so does its first name when the names agree
	if before := c.Contact(); ct.Name == "" || ct.Name == before.Name {
		ct.Name, ct.FirstName = cmp.Or(ct.Name, before.Name), cmp.Or(ct.FirstName, before.FirstName)
	}
	c.SetContact(ct)
	if found {
		return engine.Next("found")
	}
	return engine.Next("created")
}
