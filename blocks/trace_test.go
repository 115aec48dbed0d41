package blocks_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
)

// TestTraceKeepsEveryStep runs a flow through a subflow, a failing block, a reply and a wait,
// then resumes it, and checks what the compact traces of StartTrace and ResumeTrace give: each
// step's block, type, exit, flow, error, variables, actions, wait, event, time and duration; a
// summary and actions that agree with the Steps; the Steps' JSON, read back. Only the steps that
// reach outside the engine (the subflow's load, the reply's send) are timed.
func TestTraceKeepsEveryStep(t *testing.T) {
	t.Parallel()
	child := load(t, registry, `switchboard: 1
id: child
name: child
blocks:
  in:
    type: webchat.trigger
    next: {message: b}
  b:
    type: set
    params:
      vars: {greeting: '"Hola " + contact.name'}
`)
	parent := load(t, registry, `switchboard: 1
id: parent
name: parent
blocks:
  in:
    type: webchat.trigger
    next: {message: sub}
  sub:
    type: subflow
    params: {flow: child, save_as: result}
    next: {done: broken, failed: end}
  broken:
    type: reply
    params: {text: '{{ int("x") }}'}
    next: {sent: ask, failed: ask}
  ask:
    type: reply
    params: {text: '{{ vars.result.greeting }}, ¿en qué te ayudamos?'}
    next: {sent: wait, failed: end}
  wait:
    type: wait.reply
    params: {timeout: 1h, save_as: answer}
    next: {replied: end, timeout: end}
  end: {type: end}
`)
	var ticks time.Duration
	rt := &engine.Runtime{
		Clock: engine.NewManualClock(monday), Outbox: &engine.MemoryOutbox{}, Flows: subflows(child),
		Stopwatch: func() time.Time { ticks += time.Millisecond; return monday.Add(ticks) },
	}
	ctx := context.Background()
	s, firstTrace := rt.StartTrace(ctx, parent, webchat("hola"), engine.StartOptions{SessionID: "s1"})
	require.Equal(t, engine.StatusWaiting, s.Status, s.Error)
	reply := webchat("gracias")
	secondTrace, err := rt.ResumeTrace(ctx, parent, s, engine.Event{Kind: engine.EventReply, Seq: s.Seq, Interaction: &reply})
	require.NoError(t, err)
	require.Equal(t, engine.StatusEnded, s.Status, s.Error)
	first, second := firstTrace.Steps(), secondTrace.Steps()
	require.Equal(t, []string{"webchat.trigger", "subflow", "webchat.trigger", "set", "subflow", "reply", "reply", "wait.reply"},
		[]string{first[0].Type, first[1].Type, first[2].Type, first[3].Type, first[4].Type, first[5].Type, first[6].Type, first[7].Type})

	path, exits, actions := engine.Summarise(first)
	require.Equal(t, []string{"in", "sub", "in", "b", "sub", "broken", "ask", "wait"}, path)
	require.Equal(t, []string{"message", "", "message", "next", "done", "failed", "sent", ""}, exits)
	gotPath, gotExits, gotActions := firstTrace.Summary()
	require.Equal(t, path, gotPath)
	require.Equal(t, exits, gotExits)
	require.Equal(t, actions, gotActions)
	require.Equal(t, actions, firstTrace.Actions())
	require.Len(t, actions, 1)
	for i := range firstTrace.Len() {
		require.Equal(t, first[i].Block, firstTrace.Block(i))
	}

	require.Equal(t, []string{"", "", "child", "child", "", "", "", ""}, []string{first[0].Flow, first[1].Flow, first[2].Flow, first[3].Flow, first[4].Flow, first[5].Flow, first[6].Flow, first[7].Flow}, "the subflow's steps name it")
	require.Contains(t, first[5].Error, "invalid operation", "the failing step keeps its error")
	require.Equal(t, "greeting", first[3].Vars[0].Name)
	require.Equal(t, "Hola Ana, ¿en qué te ayudamos?", first[6].Actions[0].Text)
	require.NotNil(t, first[7].Wait, "the last step keeps what it waits on")
	require.Equal(t, engine.EventReply, second[0].Event, "a resumed run's first step keeps the event")
	require.Equal(t, "answer", second[0].Vars[0].Name)
	for i, st := range first {
		require.Equal(t, monday, st.At, "step %d runs at the clock's time", i)
		timed := st.Block == "sub" && i == 1 || st.Block == "ask"
		require.Equal(t, timed, st.Duration > 0, "step %d (%s): only steps that reach outside the engine are timed", i, st.Block)
	}

	for _, tt := range []struct {
		trace engine.Trace
		steps []engine.Step
	}{{firstTrace, first}, {secondTrace, second}} {
		want, err := json.Marshal(tt.steps)
		require.NoError(t, err)
		got, err := json.Marshal(tt.trace)
		require.NoError(t, err)
		require.JSONEq(t, string(want), string(got), "a trace is written as its steps")
		var back engine.Trace
		require.NoError(t, json.Unmarshal(got, &back))
		require.Equal(t, tt.trace.Len(), back.Len())
		again, err := json.Marshal(back)
		require.NoError(t, err)
		require.JSONEq(t, string(want), string(again), "and read back")
		backPath, backExits, _ := back.Summary()
		wantPath, wantExits, _ := tt.trace.Summary()
		require.Equal(t, wantPath, backPath)
		require.Equal(t, wantExits, backExits)
	}
	require.True(t, engine.Trace{}.IsZero())
	require.Empty(t, engine.Trace{}.Steps())
}
