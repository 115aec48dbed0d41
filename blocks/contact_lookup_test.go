package blocks_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/sim"
)

const contactLookupFlow = `b:
  type: set
  params:
    vars: {known_before: contact.known}
  next: {next: lookup}
lookup:
  type: contact.lookup
  params:
    attributes: {source: interaction.channel, first_words: interaction.text}
  next: {found: after, created: after}
after:
  type: set
  params:
    vars:
      id: contact.id
      name: contact.name
      known: contact.known
      vip: contact.vip
      last_agent: contact.last_agent
      source: contact.attributes.source
      tier: contact.attributes.tier
`

func TestContactLookupCreates(t *testing.T) {
	t.Parallel()
	f := around(t, "instagram", contactLookupFlow)
	in := engine.Interaction{Channel: "instagram", Kind: "message", Text: "hola",
		Author: engine.Author{ID: "ig-42", Name: "Ana", Handle: "@ana"}}
	o := play(t, f, sim.Scenario{Interaction: in})
	require.Nil(t, o.Error)
	require.Equal(t, "created", exitOf(t, o, "lookup"))
	require.Equal(t, map[string]any{
		"known_before": false,
		"id":           "contact-1",
		"name":         "Ana",
		"known":        true,
		"vip":          false,
		"last_agent":   "",
		"source":       "instagram",
		"tier":         nil,
	}, o.Vars, "a new contact gets the author's name and the attributes, evaluated")
	require.Equal(t, map[string]any{"source": "instagram", "first_words": "hola"}, o.Session.Contact.Attributes)
	require.Equal(t, "@ana", o.Session.Contact.Handle)
}

func TestContactLookupFinds(t *testing.T) {
	t.Parallel()
	f := around(t, "instagram", contactLookupFlow)
	in := engine.Interaction{Channel: "instagram", Kind: "message", Text: "hola",
		Author: engine.Author{ID: "ig-42", Name: "ana_g"}}
	known := &engine.Contact{Name: "Ana García", VIP: true, LastAgent: "a1",
		Attributes: map[string]any{"tier": "gold"}}
	o := play(t, f, sim.Scenario{Interaction: in, Contact: known})
	require.Nil(t, o.Error)
	require.Equal(t, "found", exitOf(t, o, "lookup"))
	require.Equal(t, map[string]any{
		"known_before": false,
		"id":           "contact-1",
		"name":         "Ana García",
		"known":        true,
		"vip":          true,
		"last_agent":   "a1",
		"source":       nil,
		"tier":         "gold",
	}, o.Vars, "a found contact keeps its own fields; the creation attributes are not applied")
}

func TestContactLookupIsPerChannelAndAuthor(t *testing.T) {
	t.Parallel()
	// The scenario's contact is registered for the interaction's channel and author only.
	contacts := &engine.MemoryContacts{}
	contacts.Add("facebook", "u1", engine.Contact{Name: "Ana"})
	f := around(t, "twitter", contactLookupFlow)
	rt := &engine.Runtime{Contacts: contacts}
	in := engine.Interaction{Channel: "twitter", Kind: "dm", Author: engine.Author{ID: "u1", Name: "ana"}}
	s, trace := rt.Start(t.Context(), f, in, engine.StartOptions{})
	require.Equal(t, engine.StatusEnded, s.Status, s.Error)
	require.Equal(t, "created", trace[2].Exit)
	require.Equal(t, "contact-2", s.Vars.Get("id"), "the same author id on another channel is another contact")
	require.Equal(t, "ana", s.Vars.Get("name"))

	s, trace = rt.Start(t.Context(), f, in, engine.StartOptions{})
	require.Equal(t, "lookup", trace[2].Block)
	require.Equal(t, "found", trace[2].Exit, "the contact created by the first session is found by the second")
	require.Equal(t, "contact-2", s.Vars.Get("id"))
}

func TestContactLookupWithoutAStoreFails(t *testing.T) {
	t.Parallel()
	f := around(t, "webchat", "b: {type: contact.lookup}\n")
	s, _ := (&engine.Runtime{}).Start(t.Context(), f, webchat("hola"), engine.StartOptions{})
	require.Equal(t, engine.StatusFailed, s.Status)
	require.Equal(t, "block b (contact.lookup): no contact store is configured", s.Error)
}

// contact.first_name is the profile's first name the session started with, or the first word
// of the contact's name; a contact recorded without a name takes the one the session knows.
func TestContactLookupFirstName(t *testing.T) {
	t.Parallel()
	const flow = `b:
  type: set
  params:
    vars: {first_before: contact.first_name}
  next: {next: lookup}
lookup:
  type: contact.lookup
  next: {found: after, created: after}
after:
  type: set
  params:
    vars: {name: contact.name, first: contact.first_name}
`
	contacts := &engine.MemoryContacts{}
	contacts.Add("facebook", "known", engine.Contact{Name: "Beto Sosa"})
	contacts.Add("facebook", "nameless", engine.Contact{})
	f := around(t, "facebook", flow)
	rt := &engine.Runtime{Contacts: contacts}
	for _, tt := range []struct {
		name                       string
		author                     string
		start                      *engine.Contact
		firstBefore, wName, wFirst string
	}{
		{name: "from the author's name", author: "new-1", start: nil, firstBefore: "María", wName: "María José García", wFirst: "María"},
		{name: "from the profile", author: "new-2", start: &engine.Contact{Name: "María José García", FirstName: "María José"},
			firstBefore: "María José", wName: "María José García", wFirst: "María José"},
		{name: "the record's own name wins", author: "known", start: &engine.Contact{Name: "María José García", FirstName: "María José"},
			firstBefore: "María José", wName: "Beto Sosa", wFirst: "Beto"},
		{name: "a record without a name takes the session's", author: "nameless",
			start: &engine.Contact{Name: "María José García", FirstName: "María José"}, firstBefore: "María José",
			wName: "María José García", wFirst: "María José"},
		{name: "nobody", author: "new-3", start: &engine.Contact{}, firstBefore: "", wName: "", wFirst: ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := engine.Interaction{Channel: "facebook", Kind: "message", Author: engine.Author{ID: tt.author, Name: "María José García"}}
			if tt.author == "new-3" {
				in.Author.Name = ""
			}
			s, _ := rt.Start(t.Context(), f, in, engine.StartOptions{Contact: tt.start})
			require.Equal(t, engine.StatusEnded, s.Status, s.Error)
			require.Equal(t, map[string]any{"first_before": tt.firstBefore, "name": tt.wName, "first": tt.wFirst}, s.Vars.Map())
		})
	}
}
