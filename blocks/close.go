package blocks

import (
	"errors"

	"github.com/switchboardhq/switchboard/engine"
)

var closeSpec = engine.Spec{
	Type:     "close",
	Title:    "Close conversation",
	Category: "actions",
	Description: "Closes the conversation with a disposition code, after an optional closing message, and " +
		"ends the session (and any flow that called this one as a subflow).",
	Params: []engine.Param{
		{Name: "disposition", Kind: engine.KindTemplate, Description: "the outcome code recorded on the conversation", Example: "auto_closed"},
		{Name: "message", Kind: engine.KindTemplate, Text: true, Description: "a last message to the customer", Example: "We close this chat for now. Write again any time!"},
		{Name: "visibility", Kind: engine.KindEnum, Values: []string{"same", "public", "private"}, Default: "same",
			Description: "how the closing message is sent"},
	},
	Ends: true,
	Examples: []engine.Example{{Title: "Close after silence", YAML: `type: close
params: {disposition: no_answer, message: "We close this chat for now. Write again any time!"}
`}},
	Build: func(p *engine.Params) (engine.Block, error) {
		return &closeBlock{disposition: p.Template("disposition"), message: p.Template("message"), visibility: p.String("visibility")}, nil
	},
}

type closeBlock struct {
	disposition, message *engine.Template
	visibility           string
}

var _ engine.Block = (*closeBlock)(nil)

func (b *closeBlock) Run(c *engine.Context) engine.Result {
	// The conversation closes whatever happens to the goodbye; a problem with it is kept in
	// the trace.
	var problem error
	if b.message != nil {
		if text, err := c.Render(b.message); err != nil {
			problem = err
		} else if a, err := replyAction(c.NewAction(), c.Interaction(), b.visibility, text); err != nil {
			problem = err
		} else {
			c.Emit(a)
		}
	}
	a := &engine.Action{Type: engine.ActionClose}
	if b.disposition != nil {
		d, err := c.Render(b.disposition)
		if err != nil {
			problem = errors.Join(problem, err)
		}
		a.Disposition = d
	}
	if res := c.Emit(a); res.Err != nil {
		return engine.Fail(res.Err)
	}
	return engine.Result{Close: true, Err: problem}
}
