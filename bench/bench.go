package bench

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"time"

	"github.com/switchboardhq/switchboard/engine"
)

var (
	//go:embed data/corpus.jsonl
	corpusJSONL []byte
	//go:embed data/expected.jsonl
	expectedJSONL []byte
)

// Message is one inbound message of the corpus.
type Message struct {
	Channel string `json:"channel"`
	Kind    string `json:"kind"`
	Text    string `json:"text"`
	From    struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"from"`
	TS string `json:"ts"`
}

// Outcome is what a correct flow does with a message: the outcome's name (ignored,
// after_hours, queue or queue_priority), the skill and the reply text.
type Outcome struct {
	Exit  string `json:"exit"`
	Skill string `json:"skill"`
	Reply string `json:"reply"`
}

// Corpus returns the 1000 messages.
func Corpus() []Message { return mustLines[Message](corpusJSONL) }

// Expected returns the outcome of each message, line for line.
func Expected() []Outcome { return mustLines[Outcome](expectedJSONL) }

func mustLines[T any](data []byte) []T {
	var out []T
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			panic(fmt.Sprintf("bench: line %d: %v", len(out)+1, err)) // embedded data, checked by tests
		}
		out = append(out, v)
	}
	return out
}

// Interaction turns a message into the interaction a webchat channel receives: its kind kept,
// the author's id and name, and its time (zero when ts cannot be read, which no calendar opens).
func (m Message) Interaction(id string) engine.Interaction {
	t, _ := time.Parse(time.RFC3339, m.TS)
	return engine.Interaction{
		ID: id, Channel: "webchat", Kind: m.Kind, Text: m.Text, Time: t, Thread: id,
		Author: engine.Author{ID: m.From.ID, Name: m.From.Name},
	}
}

// Outcomes are the names of the blocks a session of bench-routing.yaml reaches for each outcome.
var Outcomes = []string{"ignored", "after_hours", "queue_priority", "queue"}

// OutcomeOf reads a session's outcome from its path, variables and actions: the last outcome
// block on the path, vars.skill, and the text of the reply.
func OutcomeOf(path []string, vars map[string]any, actions []*engine.Action) Outcome {
	var o Outcome
	for _, b := range path {
		for _, name := range Outcomes {
			if b == name {
				o.Exit = name
			}
		}
	}
	o.Skill, _ = vars["skill"].(string)
	for _, a := range actions {
		if a.Type == engine.ActionReply {
			o.Reply = a.Text
		}
	}
	return o
}
