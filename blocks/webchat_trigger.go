package blocks

import "github.com/switchboardhq/switchboard/engine"

var webchatTrigger = engine.Spec{
	Type:     "webchat.trigger",
	Title:    "Web chat",
	Category: "triggers",
	Description: "Entry for a web chat, or any system that posts interactions as JSON to a webchat channel. " +
		"Every interaction leaves by message, whatever its kind; interaction.kind keeps the kind it was posted with.",
	Trigger:  "webchat",
	Exits:    []string{"message"},
	Examples: []engine.Example{{Title: "Enter a web chat", YAML: "type: webchat.trigger\nnext: {message: topic}\n"}},
	Build: func(*engine.Params) (engine.Block, error) {
		return webchatEntry{}, nil
	},
}

// webchatEntry lets every interaction in by message.
type webchatEntry struct{}

var _ engine.Block = webchatEntry{}

func (webchatEntry) Run(*engine.Context) engine.Result { return engine.Next("message") }
