package blocks

import (
	"github.com/switchboardhq/switchboard/engine"
)

var tagSpec = engine.Spec{
	Type:        "tag",
	Title:       "Tag",
	Category:    "actions",
	Description: "Adds tags to the conversation, and can mark it important so that agents and supervisors see it first.",
	Params: []engine.Param{
		{Name: "tags", Kind: engine.KindList, Description: "the tags to add; templates allowed",
			Example: []string{"complaint", "{{ vars.topic }}"},
			Elem:    &engine.Param{Kind: engine.KindTemplate, Description: "a tag"}},
		{Name: "important", Kind: engine.KindBool, Default: false, Description: "mark the conversation important"},
	},
	Exits: []string{"next"},
	Examples: []engine.Example{{Title: "Mark legal threats", YAML: `type: tag
params: {tags: [legal], important: true}
next: {next: to-supervisor}
`}},
	Build: func(p *engine.Params) (engine.Block, error) {
		b := &tag{tags: p.Templates("tags"), important: p.Bool("important")}
		if len(b.tags) == 0 && !b.important {
			return nil, engine.ParamErrorf("", "give tags, or important: true, or both")
		}
		return b, nil
	},
}

type tag struct {
	tags      []*engine.Template
	important bool
}

var _ engine.Block = (*tag)(nil)

func (b *tag) Run(c *engine.Context) engine.Result {
	a := &engine.Action{Type: engine.ActionTag, Important: b.important}
	for _, t := range b.tags {
		s, err := c.Render(t)
		if err != nil {
			return engine.Fail(err)
		}
		if s != "" {
			a.Tags = append(a.Tags, s)
		}
	}
	if res := c.Emit(a); res.Err != nil {
		return engine.Fail(res.Err)
	}
	return engine.Next("next")
}
