package blocks

import (
	"fmt"

	"github.com/switchboardhq/switchboard/engine"
)

var socialSpec = engine.Spec{
	Type:     "social.like",
	Title:    "Like, retweet or hide",
	Category: "actions",
	Description: "Acts on the customer's public post or comment: likes it, retweets it (X only), or hides " +
		"it from the public (Facebook and Instagram comments). Leaves by done once the network accepted it, " +
		"or by failed.",
	Params: []engine.Param{
		{Name: "action", Kind: engine.KindEnum, Values: []string{"like", "retweet", "hide"}, Default: "like",
			Description: "what to do with the post or comment"},
	},
	Exits: []string{"done", "failed"},
	Examples: []engine.Example{{Title: "Like the happy mentions", YAML: `type: social.like
next: {done: thanks, failed: end}
`}},
	Build: func(p *engine.Params) (engine.Block, error) {
		return &social{action: engine.ActionType(p.String("action"))}, nil
	},
}

type social struct{ action engine.ActionType }

var (
	_ engine.Block   = (*social)(nil)
	_ engine.Resumer = (*social)(nil)
)

func (b *social) Run(c *engine.Context) engine.Result {
	in := c.Interaction()
	switch {
	case !in.Public:
		return engine.Fail(fmt.Errorf("cannot %s a private %s", b.action, in.Kind))
	case b.action == engine.ActionRetweet && in.Channel != "twitter":
		return engine.Fail(fmt.Errorf("only X has retweets, not %s", in.Channel))
	case b.action == engine.ActionHide && in.Channel != "facebook" && in.Channel != "instagram":
		return engine.Fail(fmt.Errorf("only Facebook and Instagram comments can be hidden, not %s", in.Channel))
	}
	return sendResult(c, &engine.Action{Type: b.action, Target: in.ID})
}

func (b *social) Resume(c *engine.Context, ev engine.Event) engine.Result {
	return resumeSend(ev, "done")
}
