package blocks_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/sim"
)

// subflows returns a flow loader holding these flows.
func subflows(fs ...*engine.Flow) *engine.MemoryFlows {
	m := &engine.MemoryFlows{}
	for _, f := range fs {
		m.Add(f)
	}
	return m
}

func TestSubflowPassesVarsAndReturnsThem(t *testing.T) {
	t.Parallel()
	child := load(t, registry, `switchboard: 1
id: child
name: child
vars: {level: 1}
blocks:
  in:
    type: webchat.trigger
    next: {message: b}
  b:
    type: set
    params:
      vars:
        greeting: '"Hola " + vars.name + " (" + vars.topic + ")"'
        outer: vars.brand
`)
	parent := load(t, registry, `switchboard: 1
id: parent
name: parent
vars: {brand: Acme}
blocks:
  in:
    type: webchat.trigger
    next: {message: b}
  b:
    type: subflow
    params:
      flow: child
      vars: {topic: '"billing"', name: contact.name}
      save_as: result
    next: {done: after, failed: oops}
  after:
    type: set
    params:
      vars: {greeting: vars.result.greeting}
  oops: {type: end}
`)
	o := playWith(t, parent, sim.Scenario{Interaction: message("hola")}, subflows(child))
	require.Nil(t, o.Error)
	require.Equal(t, engine.StatusEnded, o.Status)
	require.Equal(t, []string{"in", "b", "in", "b", "b", "after"}, o.Path)
	require.Equal(t, []string{"", "", "child", "child", "", ""}, flowsOf(o), "the trace names the subflow of its steps")
	require.Equal(t, "done", exitOf(t, o, "b"))
	require.Equal(t, map[string]any{
		"brand": "Acme",
		"result": map[string]any{
			"level":    1,
			"topic":    "billing",
			"name":     "Ana",
			"greeting": "Hola Ana (billing)",
			"outer":    nil, // the subflow does not see its caller's variables
		},
		"greeting": "Hola Ana (billing)",
	}, o.Vars, "the caller's variables are back, with the subflow's in save_as")
	require.Equal(t, "parent", o.Session.FlowID)
	require.Empty(t, o.Session.Stack)
}

func flowsOf(o *sim.Outcome) []string {
	out := make([]string, len(o.Steps))
	for i, s := range o.Steps {
		out[i] = s.Flow
	}
	return out
}

func TestSubflowWithoutSaveAs(t *testing.T) {
	t.Parallel()
	child := load(t, registry, flowDoc("child", "webchat", "b: {type: set, params: {vars: {x: 1}}}\n"))
	parent := around(t, "webchat", "b: {type: subflow, params: {flow: child}}\n")
	o := playWith(t, parent, sim.Scenario{Interaction: message("hola")}, subflows(child))
	require.Equal(t, "done", exitOf(t, o, "b"))
	require.Empty(t, o.Vars, "without save_as the subflow's variables stay in the subflow")
}

func TestSubflowVersion(t *testing.T) {
	t.Parallel()
	v1 := load(t, registry, flowDoc("child", "webchat", "b: {type: set, params: {vars: {v: 1}}}\n"))
	v1.Info.Version = 1
	v2 := load(t, registry, flowDoc("child", "webchat", "b: {type: set, params: {vars: {v: 2}}}\n"))
	v2.Info.Version = 2
	for _, tt := range []struct{ version, want int }{{0, 2}, {1, 1}, {2, 2}} {
		parent := around(t, "webchat", fmt.Sprintf("b: {type: subflow, params: {flow: child, version: %d, save_as: r}}\n", tt.version))
		o := playWith(t, parent, sim.Scenario{Interaction: message("hola")}, subflows(v1, v2))
		require.Equal(t, tt.want, o.Vars["r"].(map[string]any)["v"], "version %d", tt.version)
	}
}

func TestSubflowFailures(t *testing.T) {
	t.Parallel()
	failing := load(t, registry, flowDoc("failing", "webchat", "b: {type: condition, params: {when: 'int(interaction.text) > 0'}}\n"))
	twitterOnly := load(t, registry, flowDoc("twitter-only", "twitter", "b: {type: end}\n"))
	tests := []struct {
		name   string
		flow   string
		loader engine.FlowLoader
		err    string
	}{
		{"the subflow fails", "failing", subflows(failing),
			`flow failing: block b (condition): expression "int(interaction.text) > 0": `},
		{"no such flow", "nope", subflows(failing), "flow nope: "},
		{"no trigger for the channel", "twitter-only", subflows(twitterOnly), "flow twitter-only has no trigger for the webchat channel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			parent := around(t, "webchat", "b:\n  type: subflow\n  params: {flow: "+tt.flow+", save_as: r}\n  next: {done: ok, failed: oops}\nok: {type: end}\noops: {type: end}\n")
			o := playWith(t, parent, sim.Scenario{Interaction: message("hola")}, tt.loader)
			require.Nil(t, o.Error, "the caller's failed exit takes the failure")
			require.Equal(t, engine.StatusEnded, o.Status)
			require.Equal(t, "failed", exitOf(t, o, "b"))
			require.Equal(t, "oops", o.Path[len(o.Path)-1])
			require.Contains(t, stepOf(t, o, "b").Error, tt.err)
			require.NotContains(t, o.Vars, "r")
			require.Empty(t, o.Session.Stack)
			require.Equal(t, "test", o.Session.FlowID)
		})
	}
}

func TestSubflowFailureByAnUnwiredFailedExit(t *testing.T) {
	t.Parallel()
	failing := load(t, registry, flowDoc("failing", "webchat", "b: {type: condition, params: {when: 'int(interaction.text) > 0'}}\n"))
	parent := around(t, "webchat", "b: {type: subflow, params: {flow: failing}, next: {done: ok}}\nok: {type: end}\n")
	o := playWith(t, parent, sim.Scenario{Interaction: message("hola")}, subflows(failing))
	require.Equal(t, engine.StatusFailed, o.Status, "a failure whose exit is not wired fails the session")
	require.NotNil(t, o.Error)
	require.Contains(t, *o.Error, "flow failing: block b (condition): ", "the session says why")
	require.Contains(t, stepOf(t, o, "b").Error, "flow failing: block b (condition): ", "the trace keeps the reason")
}

func TestSubflowWaitsAndReturns(t *testing.T) {
	t.Parallel()
	child := load(t, registry, flowDoc("ask", "webchat", `b:
  type: wait.reply
  params: {timeout: 1h, save_as: answer}
  next: {replied: thanks, timeout: thanks}
thanks:
  type: reply
  params: {text: "Gracias por tu respuesta: {{ vars.answer }}"}
`))
	parent := around(t, "webchat", `b:
  type: subflow
  params: {flow: ask, save_as: asked}
  next: {done: after, failed: oops}
after:
  type: set
  params:
    vars: {answer: vars.asked.answer, text: interaction.text}
oops: {type: end}
`)
	o := playWith(t, parent, sim.Scenario{Interaction: message("hola"),
		Events: []sim.Event{{Reply: &engine.Interaction{Text: "el martes"}}}}, subflows(child))
	require.Nil(t, o.Error, errorOf(o))
	require.Equal(t, engine.StatusEnded, o.Status)
	require.Equal(t, []string{"in", "b", "in", "b", "b", "thanks", "b", "after"}, o.Path)
	require.Equal(t, []string{"message", "", "message", "", "replied", "sent", "done", "next"}, o.Exits)
	require.Equal(t, "el martes", o.Vars["answer"])
	require.Equal(t, "el martes", o.Vars["text"], "the reply is the caller's interaction too")
	require.Equal(t, "Gracias por tu respuesta: el martes", actionsOf(o, engine.ActionReply)[0].Text)
	require.Equal(t, "test", o.Session.FlowID)
}

func TestSubflowNestingLimit(t *testing.T) {
	t.Parallel()
	deep := load(t, registry, flowDoc("deep", "webchat", "b:\n  type: subflow\n  params: {flow: deep}\n  next: {done: ok, failed: oops}\nok: {type: end}\noops: {type: end}\n"))
	o := playWith(t, deep, sim.Scenario{Interaction: message("hola")}, subflows(deep))
	require.Equal(t, engine.StatusFailed, o.Status)
	require.Equal(t, fmt.Sprintf("block b (subflow): subflows nested more than %d deep", engine.DefaultMaxDepth), errorOf(o))
	require.Len(t, o.Session.Stack, engine.DefaultMaxDepth-1, "the flows running: the first and its nested subflows")

	rt := &engine.Runtime{Flows: subflows(deep), MaxDepth: 3}
	s, _ := rt.Start(t.Context(), deep, webchat("hola"), engine.StartOptions{})
	require.Equal(t, engine.StatusFailed, s.Status)
	require.Equal(t, "block b (subflow): subflows nested more than 3 deep", s.Error)
	require.Len(t, s.Stack, 2)
}

func TestSubflowWithoutALoader(t *testing.T) {
	t.Parallel()
	parent := around(t, "webchat", "b:\n  type: subflow\n  params: {flow: child}\n  next: {done: ok, failed: oops}\nok: {type: end}\noops: {type: end}\n")
	s, trace := (&engine.Runtime{}).Start(t.Context(), parent, webchat("hola"), engine.StartOptions{})
	require.Equal(t, engine.StatusEnded, s.Status)
	require.Equal(t, "failed", trace[1].Exit)
	require.Equal(t, "no flow loader is configured", trace[1].Error)
}
