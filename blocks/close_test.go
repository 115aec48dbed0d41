package blocks_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/sim"
)

func TestClose(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		params      string
		in          engine.Interaction
		disposition string
		message     string // the closing message's text; "" for none
		visibility  string
	}{
		{"a disposition only", "{disposition: auto_closed}", message("hola"), "auto_closed", "", ""},
		{"nothing at all", "{}", message("hola"), "", "", ""},
		{"a template disposition", `{disposition: "closed_{{ interaction.kind }}"}`, message("hola"), "closed_message", "", ""},
		{"a closing message in private", `{disposition: no_answer, message: "Chau {{ contact.name }}"}`, message("hola"), "no_answer", "Chau Ana", "private"},
		{"a closing message on a comment", `{message: "Gracias"}`, comment("hola"), "", "Gracias", "public"},
		{"a private closing message on a comment", `{message: "Gracias", visibility: private}`, comment("hola"), "", "Gracias", "private"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := around(t, "facebook", "b:\n  type: close\n  params: "+tt.params+"\n")
			o := play(t, f, sim.Scenario{Interaction: tt.in})
			require.Nil(t, o.Error)
			require.Equal(t, engine.StatusEnded, o.Status)
			require.Equal(t, []string{"in", "b"}, o.Path)
			var types []engine.ActionType
			for _, a := range o.Actions {
				types = append(types, a.Type)
			}
			if tt.message == "" {
				require.Equal(t, []engine.ActionType{engine.ActionClose}, types)
			} else {
				require.Equal(t, []engine.ActionType{engine.ActionReply, engine.ActionClose}, types, "the goodbye goes before the close")
				require.Equal(t, tt.message, o.Actions[0].Text)
				require.Equal(t, tt.visibility, o.Actions[0].Visibility)
			}
			require.Equal(t, tt.disposition, actionsOf(o, engine.ActionClose)[0].Disposition)
		})
	}
}

func TestCloseEvenWhenTheGoodbyeFails(t *testing.T) {
	t.Parallel()
	f := around(t, "facebook", "b:\n  type: close\n  params: {disposition: done, message: Chau}\n")
	o := play(t, f, sim.Scenario{Interaction: message("hola"), Failures: []engine.ActionType{engine.ActionReply}})
	require.Nil(t, o.Error)
	require.Equal(t, engine.StatusEnded, o.Status)
	require.Len(t, actionsOf(o, engine.ActionClose), 1, "the conversation closes whether or not the goodbye arrives")

	o = play(t, f, sim.Scenario{Interaction: message("hola"), Failures: []engine.ActionType{engine.ActionClose}})
	require.Equal(t, engine.StatusFailed, o.Status, "a close that cannot be sent fails the session: close has no exits")
	require.Equal(t, "block b (close): the network refused the close (simulated)", errorOf(o))
}

func TestCloseEndsTheCallingFlows(t *testing.T) {
	t.Parallel()
	child := load(t, registry, flowDoc("goodbye", "webchat", "b:\n  type: close\n  params: {disposition: closed_in_subflow}\n"))
	parent := around(t, "webchat", `b:
  type: subflow
  params: {flow: goodbye}
  next: {done: after, failed: after}
after:
  type: reply
  params: {text: never sent}
`)
	flows := &engine.MemoryFlows{}
	flows.Add(child)
	o := playWith(t, parent, sim.Scenario{Interaction: message("hola")}, flows)
	require.Nil(t, o.Error)
	require.Equal(t, engine.StatusEnded, o.Status)
	require.Equal(t, []string{"in", "b", "in", "b"}, o.Path, "the parent does not go on after the subflow closed")
	require.Equal(t, "goodbye", o.Steps[3].Flow)
	require.Empty(t, actionsOf(o, engine.ActionReply))
	require.Equal(t, "closed_in_subflow", actionsOf(o, engine.ActionClose)[0].Disposition)
	require.Empty(t, o.Session.Stack, "no caller is left waiting")
	require.Equal(t, "goodbye", o.Session.FlowID)
}
