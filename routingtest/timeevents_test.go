package routingtest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/routing"
	"github.com/switchboardhq/switchboard/store"
)

// alertsOf returns the alerts of the supervisors' statistics as kind → conversation agent.
func (c *centre) alertsOf(t *testing.T) map[string]string {
	t.Helper()
	var stats routing.Stats
	c.adminCall(t, "GET", "/api/v1/stats", nil).expect(t, 200).decode(t, &stats)
	out := map[string]string{}
	for _, a := range stats.Alerts {
		out[a.Kind] = a.Conversation + "/" + a.Agent
	}
	return out
}

// A conversation's time events: near the service level, waiting too long, unanswered after its
// assignment, requeued for another agent when still unanswered, and idle once answered.
func TestTimeEventsAndAutoRequeue(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		c.skill(t, "billing", nil)
		c.channel(t, "web", c.publishFlow(t, flowSource("timed", false, "timeout: 15m")), "billing", map[string]any{
			"auto_requeue": "2m", "alert_waiting": "1m", "alert_sla": "15s", "alert_no_reply": "1m", "alert_idle": "10m"})
		ana := c.agent(t, "ana", map[string]any{"skills": map[string]int{"billing": 10}})
		bo := c.agent(t, "bo", map[string]any{"skills": map[string]int{"billing": 5}})
		c.login(t, ana)
		c.call(t, ana, "PUT", "/api/v1/agent/state", map[string]any{"state": "break", "reason": "coffee"}).expect(t, 200)

		conv := c.waitsForAgent(t, "web", "carla")
		require.Empty(t, c.alertsOf(t))
		c.advance(50 * time.Second)
		require.Equal(t, map[string]string{routing.AlertSLA: conv + "/"}, c.alertsOf(t), "10 s from the 60 s service level")
		c.advance(15 * time.Second)
		require.Equal(t, map[string]string{routing.AlertWaiting: conv + "/"}, c.alertsOf(t), "over a minute; the service level is breached already")

		c.login(t, ana)
		c.step(t)
		require.Equal(t, []string{conv}, c.serving(t, ana))
		require.Empty(t, c.alertsOf(t))
		c.advance(time.Minute)
		require.Equal(t, map[string]string{routing.AlertNoReply: conv + "/ana"}, c.alertsOf(t))

		c.login(t, bo)
		c.advance(59 * time.Second)
		c.step(t)
		require.Equal(t, []string{conv}, c.serving(t, ana), "a second before auto_requeue")
		c.advance(time.Second)
		c.step(t) // requeued, then assigned again in the same cycle
		require.Empty(t, c.serving(t, ana), "two minutes without a reply: back to the queue")
		require.Equal(t, []string{conv}, c.serving(t, bo), "for another agent")
		e := c.queue(t)[conv]
		require.Equal(t, 1, e.Requeues)
		require.Contains(t, e.Excluded, "ana")

		c.call(t, bo, "POST", "/api/v1/agent/conversations/"+conv+"/reply", map[string]any{"text": "Hello Carla"}).expect(t, 202)
		eventually(t, "bo's reply is sent", func() bool {
			c.d.RunDue(c.ctx)
			return c.conversation(t, conv).LastOutboundAt != nil
		})
		c.advance(3 * time.Minute)
		c.step(t)
		require.Equal(t, []string{conv}, c.serving(t, bo), "answered: it stays")
		require.Equal(t, store.QueueAssigned, c.queue(t)[conv].Status)
		require.Empty(t, c.alertsOf(t))
		c.advance(7 * time.Minute)
		require.Equal(t, map[string]string{routing.AlertIdle: conv + "/bo"}, c.alertsOf(t), "ten minutes without a message")

		var stats routing.Stats
		c.adminCall(t, "GET", "/api/v1/stats", nil).expect(t, 200).decode(t, &stats)
		for _, s := range stats.Skills {
			if s.Name == "billing" {
				require.Equal(t, 1, s.Requeued)
			}
		}
	})
}

// A flow reacts to its conversation's time events: route.skill's waiting_message goes out every
// so often while the conversation stays in the queue, and each of its time_events once: sla
// before the service level, waiting, then, once an agent holds it, no_reply and idle. Requeued
// for want of a reply, the request goes on with the clock of its timeout, from its queueing.
func TestFlowTimeEventsOverHTTP(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		c.skill(t, "billing", nil)
		c.channel(t, "web", c.publishFlow(t, `switchboard: 1
id: patient
name: patient
blocks:
  chat:
    type: webchat.trigger
    next: {message: route}
  route:
    type: route.skill
    params:
      skill: billing
      queue_without_agents: true
      timeout: 6m
      waiting_message: {every: 1m, text: "You have waited {{ vars.waited }} s; you are number {{ vars.queue_position }}."}
      time_events:
        - {event: sla, after: 15s, text: "sla at {{ vars.waited }} s"}
        - {event: waiting, after: 90s, text: "waiting at {{ vars.waited }} s"}
        - {event: no_reply, after: 1m, text: "no_reply at {{ vars.waited }} s"}
        - {event: idle, after: 90s, text: "idle at {{ vars.waited }} s"}
    next: {done: end, timeout: late}
  late:
    type: reply
    params: {text: "Nobody could take it in time."}
    next: {sent: end, failed: end}
  end:
    type: end
`), "billing", map[string]any{"auto_requeue": "2m"})
		ana := c.agent(t, "ana", map[string]any{"skills": map[string]int{"billing": 10}})
		conv := c.waitsForAgent(t, "web", "carla")
		ref := c.queue(t)[conv].Ref
		said := []string{}
		// each message goes out in the run that also sets the next one's timer: wait for the
		// run to be written before the clock moves on
		after := func(d time.Duration, what string, more ...string) {
			t.Helper()
			c.advance(d)
			said = append(said, more...)
			eventually(t, what, func() bool { return len(c.conversation(t, conv).said()) >= len(said) })
			require.Equal(t, said, c.conversation(t, conv).said(), what)
		}
		after(44*time.Second, "nothing yet")
		after(time.Second, "15 s before the 60 s service level", "sla at 45 s")
		after(15*time.Second, "the first waiting message", "You have waited 60 s; you are number 1.")
		after(30*time.Second, "waiting 90 s", "waiting at 90 s")
		after(30*time.Second, "the second waiting message", "You have waited 120 s; you are number 1.")

		c.advance(5 * time.Second)
		c.login(t, ana)
		c.step(t)
		require.Equal(t, []string{conv}, c.serving(t, ana))
		after(59*time.Second, "the agent holds it: no waiting message")
		after(time.Second, "a minute without the agent's reply", "no_reply at 185 s")
		after(30*time.Second, "90 s without a message either way: the flow's own does not count", "idle at 215 s")
		require.Equal(t, []string{conv}, c.serving(t, ana))

		c.advance(30 * time.Second)
		c.step(t)
		require.Empty(t, c.serving(t, ana), "two minutes without the agent's reply: back to the queue")
		e := c.queue(t)[conv]
		require.Equal(t, store.QueueQueued, e.Status)
		require.Equal(t, 1, e.Requeues)
		require.Equal(t, ref, e.Ref, "the same request waits on")
		after(time.Minute, "waiting messages again, once queued", "You have waited 305 s; you are number 1.")
		after(54*time.Second, "a second before the timeout")
		after(time.Second, "the timeout counts from the queueing, not from the requeue", "Nobody could take it in time.")
		require.NotContains(t, c.queue(t), conv, "withdrawn")
	})
}

// A waiting event with an exit takes the conversation out of the queue and on through the flow:
// the customer is told, the request is withdrawn, and the flow's callback offer goes out, before
// the block's timeout.
func TestFlowTimeEventExitOverHTTP(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		c.skill(t, "billing", nil)
		c.channel(t, "web", c.publishFlow(t, `switchboard: 1
id: callback
name: callback
blocks:
  chat:
    type: webchat.trigger
    next: {message: route}
  route:
    type: route.skill
    params:
      skill: billing
      queue_without_agents: true
      timeout: 10m
      time_events:
        - {event: waiting, after: 2m, text: "Sorry for the wait.", exit: long_wait}
    next: {done: end, timeout: late, long_wait: offer}
  offer:
    type: reply
    params: {text: "Leave your number and we call you back."}
    next: {sent: end, failed: end}
  late:
    type: reply
    params: {text: "Nobody could take it in time."}
    next: {sent: end, failed: end}
  end:
    type: end
`), "billing", nil)
		conv := c.waitsForAgent(t, "web", "carla")
		c.advance(2 * time.Minute)
		want := []string{"Sorry for the wait.", "Leave your number and we call you back."}
		eventually(t, "the event's text and the flow's offer", func() bool { return len(c.conversation(t, conv).said()) >= len(want) })
		require.Equal(t, want, c.conversation(t, conv).said())
		require.NotContains(t, c.queue(t), conv, "the request is withdrawn")
	})
}
