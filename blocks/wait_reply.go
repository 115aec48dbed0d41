package blocks

import (
	"fmt"
	"time"

	"github.com/switchboardhq/switchboard/engine"
)

var waitReplySpec = engine.Spec{
	Type:     "wait.reply",
	Title:    "Wait for reply",
	Category: "flow",
	Description: "Waits for the customer's next message, up to a timeout; the message's text goes into a " +
		"variable and the interaction becomes the new one. Leaves by replied or timeout.",
	Params: []engine.Param{
		{Name: "timeout", Kind: engine.KindDuration, Required: true, Min: engine.Bound(1),
			Description: "how long to wait", Example: "24h"},
		{Name: "save_as", Kind: engine.KindString, Format: "identifier", Default: "reply",
			Description: "the variable that receives the reply's text"},
	},
	Exits:    []string{"replied", "timeout"},
	Waits:    true,
	SetsVars: func(p *engine.Params) []string { return nonEmpty(p.String("save_as")) },
	Examples: []engine.Example{{Title: "Close after a day of silence", YAML: `type: wait.reply
params: {timeout: 24h}
next: {replied: topic, timeout: auto-close}
`}},
	Build: func(p *engine.Params) (engine.Block, error) {
		return &waitReply{timeout: p.Duration("timeout"), saveAs: p.String("save_as")}, nil
	},
}

type waitReply struct {
	timeout time.Duration
	saveAs  string
}

var (
	_ engine.Block   = (*waitReply)(nil)
	_ engine.Resumer = (*waitReply)(nil)
)

func (b *waitReply) Run(c *engine.Context) engine.Result {
	return engine.WaitFor(&engine.Wait{Kind: engine.WaitReply, Deadline: c.Now().Add(b.timeout)})
}

func (b *waitReply) Resume(c *engine.Context, ev engine.Event) engine.Result {
	switch ev.Kind {
	case engine.EventReply:
		c.SetVar(b.saveAs, c.Interaction().Text)
		return engine.Next("replied")
	case engine.EventTimeout:
		return engine.Next("timeout")
	}
	return engine.Fail(fmt.Errorf("unexpected event %s", ev.Kind))
}
