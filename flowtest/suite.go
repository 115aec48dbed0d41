package flowtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/sim"
)

// Suite is one test file.
type Suite struct {
	// File is the test file's path.
	File string
	// Flow is the path of the flow under test.
	Flow  string
	Cases []Case
}

// Case is one scenario and what it must do.
type Case struct {
	Name     string
	Line     int
	Scenario sim.Scenario
	Expect   Expect
}

// Expect is what a case checks; what it leaves out is not checked.
type Expect struct {
	Status  engine.Status
	Path    []string
	Exits   map[string]string
	Actions []map[string]any
	Vars    map[string]any
	// Waiting is the kind of wait ("reply", "agent"...), or "none".
	Waiting string
	// Error is text the session's error must contain.
	Error string
	set   map[string]bool
}

// The YAML shape of a test file; times, durations and the engine's JSON types are converted
// after decoding so that the file reads as the CLI's JSON inputs do.
type fileYAML struct {
	Flow     string     `yaml:"flow"`
	Defaults *caseYAML  `yaml:"defaults"`
	Cases    []caseYAML `yaml:"cases"`
}

type caseYAML struct {
	Name         string          `yaml:"name"`
	At           string          `yaml:"at"`
	Interaction  yaml.Node       `yaml:"interaction"`
	Contact      yaml.Node       `yaml:"contact"`
	Agents       yaml.Node       `yaml:"agents"`
	Emergency    map[string]bool `yaml:"emergency"`
	Calendars    yaml.Node       `yaml:"calendars"`
	QueueLimit   int             `yaml:"queue_limit"`
	DefaultSkill string          `yaml:"default_skill"`
	Vars         map[string]any  `yaml:"vars"`
	Fail         []string        `yaml:"fail"`
	Seed         *uint64         `yaml:"seed"`
	Events       []eventYAML     `yaml:"events"`
	Expect       yaml.Node       `yaml:"expect"`
	line         int
}

type eventYAML struct {
	Advance string     `yaml:"advance"`
	Reply   yaml.Node  `yaml:"reply"`
	Assign  string     `yaml:"assign"`
	Close   *sim.Close `yaml:"close"`
}

type expectYAML struct {
	Status  string            `yaml:"status"`
	Path    []string          `yaml:"path"`
	Exits   map[string]string `yaml:"exits"`
	Actions []map[string]any  `yaml:"actions"`
	Vars    map[string]any    `yaml:"vars"`
	Waiting string            `yaml:"waiting"`
	Error   string            `yaml:"error"`
}

// LoadSuite reads a test file.
func LoadSuite(path string) (*Suite, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	var f fileYAML
	if err := yaml.Unmarshal(src, &root); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: %s", path, plainYAMLError(err))
	}
	if f.Flow == "" {
		return nil, fmt.Errorf("%s: name the flow under test with flow: FILE", path)
	}
	if len(f.Cases) == 0 {
		return nil, fmt.Errorf("%s: there are no cases", path)
	}
	if d := f.Defaults; d != nil {
		for _, k := range []struct {
			key string
			set bool
		}{{"name", d.Name != ""}, {"events", d.Events != nil}, {"expect", d.Expect.Kind != 0}} {
			if k.set {
				return nil, fmt.Errorf("%s: defaults: %s belongs in each case; defaults hold what a case meets, not what it does or expects", path, k.key)
			}
		}
	}
	caseLines(&root, f.Cases)
	s := &Suite{File: path, Flow: filepath.Join(filepath.Dir(path), f.Flow)}
	for i, cy := range f.Cases {
		if f.Defaults != nil {
			cy = withDefaults(cy, *f.Defaults)
		}
		c, err := cy.toCase()
		if err != nil {
			name := cy.Name
			if name == "" {
				name = fmt.Sprintf("#%d", i+1)
			}
			return nil, fmt.Errorf("%s:%d: case %s: %w", path, cy.line, name, err)
		}
		if c.Name == "" {
			c.Name = fmt.Sprintf("case %d", i+1)
		}
		s.Cases = append(s.Cases, c)
	}
	return s, nil
}

// caseLines records the line each case starts on, for messages.
func caseLines(root *yaml.Node, cases []caseYAML) {
	if len(root.Content) == 0 {
		return
	}
	m := root.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value != "cases" {
			continue
		}
		for j, c := range m.Content[i+1].Content {
			if j < len(cases) {
				cases[j].line = c.Line
			}
		}
	}
}

// withDefaults fills what a case leaves out from the file's defaults.
func withDefaults(c, d caseYAML) caseYAML {
	if c.At == "" {
		c.At = d.At
	}
	for _, pair := range []struct{ dst, src *yaml.Node }{
		{&c.Interaction, &d.Interaction}, {&c.Contact, &d.Contact}, {&c.Agents, &d.Agents}, {&c.Calendars, &d.Calendars},
	} {
		if pair.dst.Kind == 0 {
			*pair.dst = *pair.src
		}
	}
	if c.Emergency == nil {
		c.Emergency = d.Emergency
	}
	if c.QueueLimit == 0 {
		c.QueueLimit = d.QueueLimit
	}
	if c.DefaultSkill == "" {
		c.DefaultSkill = d.DefaultSkill
	}
	if c.Vars == nil {
		c.Vars = d.Vars
	}
	if c.Seed == nil {
		c.Seed = d.Seed
	}
	if c.Fail == nil {
		c.Fail = d.Fail
	}
	return c
}

func (cy caseYAML) toCase() (Case, error) {
	c := Case{Name: cy.Name, Line: cy.line}
	sc := &c.Scenario
	sc.Seed = 1
	if cy.Seed != nil {
		sc.Seed = *cy.Seed
	}
	if cy.At != "" {
		t, err := time.Parse(time.RFC3339, cy.At)
		if err != nil {
			return c, fmt.Errorf("at %q: write a time such as 2026-11-17T10:00:00-03:00", cy.At)
		}
		sc.At = t
	}
	if cy.Interaction.Kind != 0 {
		data, err := nodeJSON(&cy.Interaction)
		if err != nil {
			return c, fmt.Errorf("interaction: %w", err)
		}
		if sc.Interaction, err = sim.DecodeInteraction(data); err != nil {
			return c, err
		}
	}
	if sc.At.IsZero() && sc.Interaction.Time.IsZero() {
		return c, errors.New("give the time with at: (a flow test never reads the real clock)")
	}
	if err := decodeNode(&cy.Contact, &sc.Contact, "contact"); err != nil {
		return c, err
	}
	if err := decodeNode(&cy.Agents, &sc.Agents, "agents"); err != nil {
		return c, err
	}
	if err := decodeNode(&cy.Calendars, &sc.Calendars, "calendars"); err != nil {
		return c, err
	}
	sc.Emergency, sc.QueueLimit = cy.Emergency, cy.QueueLimit
	sc.DefaultSkill, sc.Vars = cy.DefaultSkill, cy.Vars
	for _, f := range cy.Fail {
		typ, nth, isNth := strings.Cut(f, "#")
		if !isNth {
			sc.Failures = append(sc.Failures, engine.ActionType(f))
			continue
		}
		n, err := strconv.Atoi(nth)
		if err != nil || n < 1 {
			return c, fmt.Errorf("fail %q: write a type such as reply, or reply#2 for the second reply only", f)
		}
		sc.FailNth = append(sc.FailNth, sim.Nth{Type: engine.ActionType(typ), N: n})
	}
	for i, ey := range cy.Events {
		ev, err := ey.toEvent()
		if err != nil {
			return c, fmt.Errorf("events[%d]: %w", i, err)
		}
		sc.Events = append(sc.Events, ev)
	}
	if cy.Expect.Kind == 0 {
		return c, errors.New("say what to expect with expect:")
	}
	var ex expectYAML
	if err := cy.Expect.Decode(&ex); err != nil {
		return c, fmt.Errorf("expect: %w", err)
	}
	set := map[string]bool{}
	for i := 0; i+1 < len(cy.Expect.Content); i += 2 {
		key := cy.Expect.Content[i].Value
		switch key {
		case "status", "path", "exits", "actions", "vars", "waiting", "error":
			set[key] = true
		default:
			return c, fmt.Errorf("expect has no %q; it checks status, path, exits, actions, vars, waiting and error", key)
		}
	}
	c.Expect = Expect{Status: engine.Status(ex.Status), Path: ex.Path, Exits: ex.Exits, Actions: ex.Actions,
		Vars: ex.Vars, Waiting: ex.Waiting, Error: ex.Error, set: set}
	for i, a := range c.Expect.Actions {
		for k := range a {
			if !actionFields[k] {
				return c, fmt.Errorf("expect.actions[%d]: an action has no %q", i, k)
			}
		}
	}
	return c, nil
}

func (ey eventYAML) toEvent() (sim.Event, error) {
	var ev sim.Event
	n := 0
	if ey.Advance != "" {
		d, err := engine.ParseDuration(ey.Advance)
		if err != nil {
			return ev, err
		}
		ev.Advance, n = d, n+1
	}
	if ey.Reply.Kind != 0 {
		data, err := nodeJSON(&ey.Reply)
		if err != nil {
			return ev, fmt.Errorf("reply: %w", err)
		}
		in, err := sim.DecodeInteraction(data)
		if err != nil {
			return ev, fmt.Errorf("reply: %w", err)
		}
		ev.Reply, n = &in, n+1
	}
	if ey.Assign != "" {
		ev.Assign, n = ey.Assign, n+1
	}
	if ey.Close != nil {
		ev.Close, n = ey.Close, n+1
	}
	if n != 1 {
		return ev, errors.New("an event is one of advance: DURATION, reply: {text: …}, assign: AGENT or close: {agent, disposition}")
	}
	return ev, nil
}

// decodeNode reads a YAML value the way the CLI reads the same JSON input.
func decodeNode(n *yaml.Node, v any, what string) error {
	if n.Kind == 0 {
		return nil
	}
	data, err := nodeJSON(n)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

func nodeJSON(n *yaml.Node) ([]byte, error) {
	var v any
	if err := n.Decode(&v); err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

var yamlTypeNames = regexp.MustCompile(`field (\w+) not found in type flowtest\.(\w+)`)

// plainYAMLError speaks of a test file's keys, not of the Go types they are read into.
func plainYAMLError(err error) string {
	return yamlTypeNames.ReplaceAllStringFunc(err.Error(), func(m string) string {
		parts := yamlTypeNames.FindStringSubmatch(m)
		where := map[string]string{"fileYAML": "a test file", "caseYAML": "a case", "eventYAML": "an event",
			"expectYAML": "expect"}[parts[2]]
		if where == "" {
			where = "this part of a test file"
		}
		return fmt.Sprintf("%s has no key %q", where, parts[1])
	})
}
