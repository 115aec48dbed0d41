package engine

import (
	"strings"
	"time"
)

// Interaction is one normalised inbound event: a wall post, a comment, a private message, a
// mention. Expressions read it as `interaction`.
type Interaction struct {
	// ID is the network's own id of the event (a comment id, a message mid, a tweet id).
	ID string `expr:"id" json:"id"`
	// Channel is the channel type: facebook, instagram, twitter or webchat.
	Channel string `expr:"channel" json:"channel"`
	// ChannelID is the point of contact the event arrived on.
	ChannelID string `expr:"channel_id" json:"channel_id,omitempty"`
	// Kind is post, comment, message, mention or dm.
	Kind string `expr:"kind" json:"kind"`
	// Public tells a public post or comment from a private message.
	Public bool `expr:"public" json:"public"`
	// Text is what the customer wrote.
	Text string `expr:"text" json:"text"`
	// Author is who wrote it.
	Author Author `expr:"author" json:"author"`
	// Thread is the conversation thread: the post a comment belongs to, or the message thread.
	Thread string `expr:"thread" json:"thread,omitempty"`
	// Parent is the comment or post this one answers, when there is one.
	Parent string `expr:"parent" json:"parent,omitempty"`
	// Time is when the customer wrote it.
	Time time.Time `expr:"time" json:"time"`
	// Attachments are the files, images and shares that came with it.
	Attachments []Attachment `expr:"attachments" json:"attachments,omitempty"`
	// Locale is the author's locale as the network tells it (it_IT, es-AR), where it does.
	Locale string `expr:"locale" json:"locale,omitempty"`
}

// Author is the customer who wrote an interaction, as the network names them.
type Author struct {
	ID     string `expr:"id" json:"id"`
	Name   string `expr:"name" json:"name,omitempty"`
	Handle string `expr:"handle" json:"handle,omitempty"`
}

// Attachment is a file, image, sticker or share attached to an interaction or a reply.
type Attachment struct {
	Type string `expr:"type" json:"type"`
	URL  string `expr:"url" json:"url"`
}

// Contact is the customer record, found or created by social handle. Expressions read it as
// `contact`; before a contact.lookup block it holds what the interaction's author tells.
type Contact struct {
	ID   string `expr:"id" json:"id,omitempty"`
	Name string `expr:"name" json:"name,omitempty"`
	// FirstName is the name the contact is greeted by: the network profile's first name, or
	// the first word of Name.
	FirstName  string         `expr:"first_name" json:"first_name,omitempty"`
	Handle     string         `expr:"handle" json:"handle,omitempty"`
	VIP        bool           `expr:"vip" json:"vip,omitempty"`
	Attributes map[string]any `expr:"attributes" json:"attributes,omitempty"`
	// LastAgent is the agent who last served the contact: the preferred agent when routing.
	LastAgent string `expr:"last_agent" json:"last_agent,omitempty"`
	// Interactions counts the contact's earlier interactions.
	Interactions int `expr:"interactions" json:"interactions,omitempty"`
	// Conversations counts the contact's earlier conversations.
	Conversations int      `expr:"conversations" json:"conversations,omitempty"`
	Tags          []string `expr:"tags" json:"tags,omitempty"`
	// Known is false for a contact made up from the author before any look-up.
	Known bool `expr:"known" json:"known,omitempty"`
	// Language is the language the contact is answered in, such as es or it: the flow's
	// translation into it is used when there is one.
	Language string `expr:"language" json:"language,omitempty"`
}

// FirstNameOf is the first word of a full name: what a contact is greeted by when the network
// tells only the full name.
func FirstNameOf(name string) string {
	name = strings.TrimSpace(name)
	if i := strings.IndexByte(name, ' '); i >= 0 {
		return strings.TrimSpace(name[:i])
	}
	return name
}

// withFirstName returns c with its first name taken from its name when it has none.
func withFirstName(c Contact) Contact {
	if c.FirstName == "" {
		c.FirstName = FirstNameOf(c.Name)
	}
	return c
}

// FlowInfo is what expressions see of the running flow, as `flow`.
type FlowInfo struct {
	ID      string `expr:"id" json:"id"`
	Name    string `expr:"name" json:"name"`
	Version int    `expr:"version" json:"version"`
}

// Env is the environment expressions and templates are compiled against and run in.
type Env struct {
	Interaction *Interaction   `expr:"interaction"`
	Contact     *Contact       `expr:"contact"`
	Vars        map[string]any `expr:"vars"`
	Now         time.Time      `expr:"now"`
	Flow        *FlowInfo      `expr:"flow"`

	budget *budget // what the run has left; nil outside a run
	vars   *Vars   // the session's variables, in a run: Vars is their map once an expression needs it
}

// variable returns a variable's value: from the session's variables in a run, else from Vars.
func (e *Env) variable(name string) any {
	if e.vars != nil {
		return e.vars.Get(name)
	}
	return e.Vars[name]
}

// EnvFields documents the expression environment, for the reference and editor completion.
var EnvFields = []EnvField{
	{"interaction.id", "string", "the network's id of the event"},
	{"interaction.channel", "string", "facebook, instagram, twitter or webchat"},
	{"interaction.channel_id", "string", "the point of contact the event arrived on"},
	{"interaction.kind", "string", "post, comment, message, mention or dm"},
	{"interaction.public", "bool", "true for posts, comments and mentions"},
	{"interaction.text", "string", "what the customer wrote"},
	{"interaction.author.id", "string", "the author's id on the network"},
	{"interaction.author.name", "string", "the author's display name"},
	{"interaction.author.handle", "string", "the author's handle (@name), when the network has one"},
	{"interaction.thread", "string", "the post or message thread"},
	{"interaction.parent", "string", "the comment or post this one answers"},
	{"interaction.time", "time", "when the customer wrote it"},
	{"interaction.attachments", "list", "attachments: {type, url}"},
	{"interaction.locale", "string", "the author's locale as the network tells it (it_IT), where it does"},
	{"contact.id", "string", "the contact's id (empty before contact.lookup)"},
	{"contact.name", "string", "the contact's name, or the author's (from the network's profile on Messenger and Instagram Direct); empty when unknown"},
	{"contact.first_name", "string", "the contact's first name, to greet them by; empty when unknown"},
	{"contact.handle", "string", "the contact's social handle"},
	{"contact.vip", "bool", "marked as VIP"},
	{"contact.attributes", "map", "custom attributes"},
	{"contact.last_agent", "string", "the agent who last served the contact"},
	{"contact.interactions", "int", "earlier interactions"},
	{"contact.conversations", "int", "earlier conversations"},
	{"contact.tags", "list", "the contact's tags"},
	{"contact.known", "bool", "true once contact.lookup found or created the contact"},
	{"contact.language", "string", "the language the contact is answered in, such as es or it (docs/flow-format.md, Translations)"},
	{"vars", "map", "the session's variables: flow vars, and what blocks set"},
	{"now", "time", "the current time (the injected clock)"},
	{"flow.id", "string", "the flow's id"},
	{"flow.name", "string", "the flow's name"},
	{"flow.version", "int", "the running version"},
}

// EnvField is one name in the expression environment.
type EnvField struct {
	Path        string `json:"path"`
	Type        string `json:"type"`
	Description string `json:"description"`
}

// Function documents a helper function of expressions: how it is called, what it gives, what
// it means, and examples that a test runs (docs/functions.md shows them).
type Function struct {
	Path        string            `json:"path"`
	Type        string            `json:"type"`
	Description string            `json:"description"`
	Examples    []FunctionExample `json:"examples"`
}

// FunctionExample is an expression that calls a helper function, and its value written as an
// expression literal ("reembolso agil" in quotes, true, 22).
type FunctionExample struct {
	Expression string `json:"expression"`
	Result     string `json:"result"`
}
