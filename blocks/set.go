package blocks

import "github.com/switchboardhq/switchboard/engine"

var setSpec = engine.Spec{
	Type:     "set",
	Title:    "Set variables",
	Category: "logic",
	Description: "Sets session variables from expressions, in the order written; a later expression sees the variables set before it. " +
		"With language it sets the contact's language (contact.language), which picks the flow's translation of the texts after it.",
	Params: []engine.Param{
		{Name: "vars", Kind: engine.KindMap, KeyFormat: "identifier",
			Description: "variable names and the expressions that give their values",
			Example:     map[string]any{"priority": `contact.vip ? "high" : "normal"`},
			Elem:        &engine.Param{Kind: engine.KindExpression, Description: "the value"}},
		{Name: "language", Kind: engine.KindExpression, Type: "string",
			Description: "an expression that gives the contact's language, such as \"it\" or a locale such as it_IT; set after the vars",
			Example:     `vars.choice == "2" ? "it" : "es"`},
	},
	Exits: []string{"next"},
	SetsVars: func(p *engine.Params) []string {
		var names []string
		for _, e := range p.Entries("vars") {
			names = append(names, e.Key)
		}
		return names
	},
	Examples: []engine.Example{{Title: "Priority and greeting", YAML: `type: set
params:
  vars:
    priority: 'contact.vip ? "high" : "normal"'
    greeting: '"Hola " + contact.name'
next: {next: route}
`}},
	Build: func(p *engine.Params) (engine.Block, error) {
		s := &set{language: p.Expression("language")}
		s.names, s.values = entries[*engine.Expression](p, "vars")
		if len(s.names) == 0 && s.language == nil {
			return nil, engine.ParamErrorf("", "set needs vars to set, a language, or both")
		}
		return s, nil
	},
}

type set struct {
	names    []string
	values   []*engine.Expression
	language *engine.Expression
}

var _ engine.Block = (*set)(nil)

func (b *set) Run(c *engine.Context) engine.Result {
	for i, e := range b.values {
		v, err := c.Eval(e)
		if err != nil {
			return engine.Fail(err)
		}
		c.SetVar(b.names[i], v)
	}
	if b.language != nil {
		lang, err := c.EvalText(b.language)
		if err != nil {
			return engine.Fail(err)
		}
		if err := c.SetLanguage(lang); err != nil {
			return engine.Fail(err)
		}
	}
	return engine.Next("next")
}
