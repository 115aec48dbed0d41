package blocks

import (
	"errors"
	"fmt"

	"github.com/switchboardhq/switchboard/engine"
)

var replySpec = engine.Spec{
	Type:     "reply",
	Title:    "Reply",
	Category: "actions",
	Description: "Answers the customer, publicly (a comment under theirs, a reply tweet) or privately (a " +
		"Messenger, Direct or DM message, or a private reply to their comment), or the same way they wrote. " +
		"The text is a template; give several variants and one is picked at random. Leaves by sent once the " +
		"network accepted it, or by failed.",
	Params: []engine.Param{
		{Name: "visibility", Kind: engine.KindEnum, Values: []string{"same", "public", "private"}, Default: "same",
			Description: "public, private, or the same as the customer's interaction"},
		{Name: "text", Kind: engine.KindList, OrSingle: true, Text: true, Required: true, Min: engine.Bound(1),
			Description: "the text, or several variants of it, with {{ expression }} holes",
			Example:     "Hola {{ contact.name }}, ya te ayudamos.",
			Elem:        &engine.Param{Kind: engine.KindTemplate, Description: "a variant"}},
		{Name: "attachments", Kind: engine.KindList,
			Description: "files to attach (private messages only)",
			Example:     []map[string]any{{"type": "image", "url": "https://example.com/hours.png"}},
			Elem: &engine.Param{Kind: engine.KindObject, Description: "an attachment", Fields: []engine.Param{
				{Name: "type", Kind: engine.KindEnum, Values: []string{"image", "video", "audio", "file"}, Required: true, Description: "what the file is"},
				{Name: "url", Kind: engine.KindTemplate, Required: true, Description: "where the file is", Example: "https://example.com/hours.png"},
			}}},
	},
	Exits: []string{"sent", "failed"},
	Examples: []engine.Example{{Title: "Out of hours, in private, two variants", YAML: `type: reply
params:
  visibility: private
  text:
    - "Hola {{ contact.name }}, we answer Mon–Fri 9–18."
    - "Thanks {{ contact.name }}! We are back at 9."
next: {sent: end, failed: end}
`}},
	Build: func(p *engine.Params) (engine.Block, error) {
		b := &reply{variants: p.Templates("text"), visibility: p.String("visibility")}
		for _, a := range p.Objects("attachments") {
			b.attachments = append(b.attachments, replyAttachment{kind: a.String("type"), url: a.Template("url")})
		}
		if len(b.attachments) > 0 && b.visibility == "public" {
			return nil, engine.ParamErrorf("attachments", "public replies carry text only; send attachments privately")
		}
		return b, nil
	},
}

type reply struct {
	variants    []*engine.Template
	visibility  string
	attachments []replyAttachment
}

type replyAttachment struct {
	kind string
	url  *engine.Template
}

var (
	_ engine.Block   = (*reply)(nil)
	_ engine.Resumer = (*reply)(nil)
)

func (b *reply) Run(c *engine.Context) engine.Result {
	t := b.variants[0]
	if len(b.variants) > 1 {
		t = b.variants[c.Rand().IntN(len(b.variants))]
	}
	text, err := c.Render(t)
	if err != nil {
		return engine.Fail(err)
	}
	a, err := replyAction(c.NewAction(), c.Interaction(), b.visibility, text)
	if err != nil {
		return engine.Fail(err)
	}
	for _, at := range b.attachments {
		url, err := c.Render(at.url)
		if err != nil {
			return engine.Fail(err)
		}
		a.Attachments = append(a.Attachments, engine.Attachment{Type: at.kind, URL: url})
	}
	return sendResult(c, a)
}

func (b *reply) Resume(c *engine.Context, ev engine.Event) engine.Result {
	return resumeSend(ev, "sent")
}

// replyAction fills a (empty) as the reply action for an interaction, resolving "same"
// visibility and refusing what the networks cannot do.
func replyAction(a *engine.Action, in *engine.Interaction, visibility, text string) (*engine.Action, error) {
	if visibility == "same" || visibility == "" {
		visibility = "private"
		if in.Public {
			visibility = "public"
		}
	}
	if visibility == "public" && !in.Public {
		return nil, fmt.Errorf("cannot answer a private %s publicly; reply with visibility private or same", in.Kind)
	}
	if visibility == "public" && in.Channel == "webchat" {
		return nil, errors.New("web chat has no public replies")
	}
	// Set field by field: a is empty, and copying a whole action over it costs more.
	a.Type, a.Visibility, a.Text, a.Target, a.Recipient = engine.ActionReply, visibility, text, in.ID, in.Author.ID
	return a, nil
}

// sendResult hands an action to the outbox and leaves by sent, by failed, or waits for a
// durable outbox to tell.
func sendResult(c *engine.Context, a *engine.Action) engine.Result {
	res := c.Emit(a)
	switch {
	case res.Err != nil:
		return engine.Fail(res.Err)
	case res.Pending:
		return engine.WaitFor(&engine.Wait{Kind: engine.WaitSend, Ref: a.ID})
	}
	return engine.Next(successExit(c))
}

// successExit is the exit a sending block leaves by when the send worked: sent, or done.
func successExit(c *engine.Context) string {
	if c.Node().HasExit("sent") {
		return "sent"
	}
	return "done"
}

// resumeSend turns the outbox's answer into the block's exit.
func resumeSend(ev engine.Event, ok string) engine.Result {
	switch ev.Kind {
	case engine.EventSent:
		return engine.Next(ok)
	case engine.EventSendFailed:
		return engine.Fail(errors.New(ev.Error))
	case engine.EventTimeout:
		return engine.Fail(errors.New("the network did not answer in time"))
	}
	return engine.Fail(fmt.Errorf("unexpected event %s", ev.Kind))
}
