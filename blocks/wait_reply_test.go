package blocks_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/sim"
)

const waitFlow = `b:
  type: wait.reply
  params: {timeout: 1h, save_as: answer}
  next: {replied: after, timeout: late}
after:
  type: set
  params:
    vars: {text: interaction.text, id: interaction.id, kind: interaction.kind}
late: {type: end}
`

func TestWaitReplyReplied(t *testing.T) {
	t.Parallel()
	f := around(t, "facebook", waitFlow)
	o := play(t, f, sim.Scenario{
		Interaction: message("quiero hablar con alguien"),
		Events:      []sim.Event{{Advance: 59 * time.Minute}, {Reply: &engine.Interaction{Text: "Sí, por favor"}}},
	})
	require.Nil(t, o.Error)
	require.Equal(t, engine.StatusEnded, o.Status)
	require.Equal(t, []string{"in", "b", "b", "after"}, o.Path)
	require.Equal(t, []string{"message", "", "replied", "next"}, o.Exits)
	require.Equal(t, engine.EventReply, o.Steps[2].Event)
	require.Equal(t, "Sí, por favor", o.Vars["answer"])
	require.Equal(t, "Sí, por favor", o.Vars["text"], "the reply is the interaction now")
	require.Equal(t, "interaction-1-reply", o.Vars["id"])
	require.Equal(t, "message", o.Vars["kind"])
}

func TestWaitReplyDefaultSaveAs(t *testing.T) {
	t.Parallel()
	f := around(t, "webchat", "b: {type: wait.reply, params: {timeout: 10m}}\n")
	o := play(t, f, sim.Scenario{Interaction: message("hola"), Events: []sim.Event{{Reply: &engine.Interaction{Text: "chau"}}}})
	require.Equal(t, "chau", o.Vars["reply"])
}

func TestWaitReplyTimeout(t *testing.T) {
	t.Parallel()
	f := around(t, "facebook", waitFlow)
	sc := sim.Scenario{Interaction: message("hola"), Events: []sim.Event{{Advance: 59 * time.Minute}}}
	o := play(t, f, sc)
	require.Equal(t, engine.StatusWaiting, o.Status)
	require.Equal(t, engine.WaitReply, o.Waiting.Kind)
	require.Equal(t, monday.Add(time.Hour), o.Waiting.Deadline)

	sc.Events = append(sc.Events, sim.Event{Advance: time.Minute})
	o = play(t, f, sc)
	require.Equal(t, engine.StatusEnded, o.Status)
	require.Equal(t, []string{"in", "b", "b", "late"}, o.Path)
	require.Equal(t, "timeout", exitOf(t, o, "b"))
	require.NotContains(t, o.Vars, "answer")
}

func TestWaitReplyInALoop(t *testing.T) {
	t.Parallel()
	f := around(t, "webchat", `b:
  type: wait.reply
  params: {timeout: 1h}
  next: {replied: topic, timeout: bye}
topic:
  type: filter.keywords
  params:
    input: vars.reply
    rules: [{exit: human, any: [agente, humano]}]
  next: {human: bye, nomatch: b}
bye: {type: end}
`)
	o := play(t, f, sim.Scenario{Interaction: message("hola"), Events: []sim.Event{
		{Reply: &engine.Interaction{Text: "no entiendo"}},
		{Advance: 30 * time.Minute},
		{Reply: &engine.Interaction{Text: "quiero un HUMANO"}},
	}})
	require.Nil(t, o.Error)
	require.Equal(t, []string{"in", "b", "b", "topic", "b", "b", "topic", "bye"}, o.Path)
	require.Equal(t, "quiero un HUMANO", o.Vars["reply"])
}

func TestWaitReplyRefusedWhenNotWaiting(t *testing.T) {
	t.Parallel()
	f := around(t, "facebook", waitFlow)
	_, err := sim.Run(context.Background(), f, sim.Scenario{Interaction: message("hola"), At: monday, Events: []sim.Event{
		{Reply: &engine.Interaction{Text: "uno"}},
		{Reply: &engine.Interaction{Text: "dos"}},
	}}, nil)
	require.EqualError(t, err, "event 2: the customer replied, but the session does not wait for a reply (it is ended)")

	routed := around(t, "webchat", "b: {type: route.skill, params: {skill: billing}}\n")
	_, err = sim.Run(context.Background(), routed, sim.Scenario{Interaction: message("hola"), At: monday,
		Agents: []*engine.MemoryAgent{agent("a1", "billing", 1)},
		Events: []sim.Event{{Reply: &engine.Interaction{Text: "hola?"}}}}, nil)
	require.EqualError(t, err, "event 1: the customer replied, but the session does not wait for a reply (it is waiting for agent)")
}

func TestWaitReplyRefusesAStaleReply(t *testing.T) {
	t.Parallel()
	f := around(t, "webchat", "b: {type: wait.reply, params: {timeout: 1h}, next: {replied: b, timeout: b}}\n")
	rt := &engine.Runtime{Clock: engine.NewManualClock(monday)}
	s, _ := rt.Start(t.Context(), f, webchat("hola"), engine.StartOptions{})
	first := s.Seq
	reply := webchat("uno")
	_, err := rt.Resume(t.Context(), f, s, engine.Event{Kind: engine.EventReply, Seq: first, Interaction: &reply})
	require.NoError(t, err)
	require.Equal(t, engine.StatusWaiting, s.Status, "waiting again")
	require.Equal(t, "uno", s.Vars.Get("reply"))

	again := webchat("dos")
	_, err = rt.Resume(t.Context(), f, s, engine.Event{Kind: engine.EventReply, Seq: first, Interaction: &again})
	require.ErrorIs(t, err, engine.ErrStaleEvent)
	require.Equal(t, "uno", s.Vars.Get("reply"), "a refused reply changes nothing")
	require.Equal(t, "uno", s.Interaction.Text)
}
