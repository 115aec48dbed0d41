package routingtest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/routing"
)

// escalationFlow routes to billing in three steps: proficiency 15 or more at first, anyone
// with billing after 60 s, and general's agents too after 120 s; its reply says the step, the
// position and the expected wait.
const escalationFlow = `switchboard: 1
id: escalating
name: escalating
blocks:
  chat:
    type: webchat.trigger
    next: {message: route}
  route:
    type: route.skill
    params:
      skill: billing
      timeout: 15m
      escalation:
        - {after: 0s, min_proficiency: 15}
        - {after: 60s, min_proficiency: 1}
        - {after: 120s, skills: [general]}
    next: {done: thanks, timeout: end}
  thanks:
    type: reply
    params: {text: "{{ vars.agent }} at step {{ vars.escalation_step }}, place {{ vars.queue_position }}, wait {{ vars.expected_wait }}"}
    next: {sent: end, failed: end}
  end:
    type: end
`

// A three-step escalation: each step lets more agents take the conversation, the step that
// served it is recorded in the queue, the flow's variables and the statistics; the expected
// wait counts the places each step adds from its start.
func TestThreeStepEscalation(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		c.skill(t, "billing", nil)
		c.skill(t, "general", nil)
		c.channel(t, "web", c.publishFlow(t, escalationFlow), "billing", nil)
		hi := c.agent(t, "hi", map[string]any{"skills": map[string]int{"billing": 18}})
		lo := c.agent(t, "lo", map[string]any{"skills": map[string]int{"billing": 5}})
		gen := c.agent(t, "gen", map[string]any{"skills": map[string]int{"general": 10}})
		for _, tok := range []string{hi, lo, gen} {
			c.login(t, tok)
		}

		first := c.waitsForAgent(t, "web", "carla")
		c.step(t)
		require.Equal(t, []string{first}, c.serving(t, hi), "step 1: proficiency 15 or more")
		require.Equal(t, 1, c.queue(t)[first].Step)

		second := c.waitsForAgent(t, "web", "dora")
		c.step(t)
		require.Empty(t, c.serving(t, lo), "lo is below 15 at step 1")
		c.advance(30 * time.Second)
		third := c.waitsForAgent(t, "web", "ema")
		c.step(t)
		require.Empty(t, c.serving(t, gen), "general is not asked yet")

		c.advance(30 * time.Second) // dora has waited 60 s
		c.step(t)
		require.Equal(t, []string{second}, c.serving(t, lo), "step 2: any proficiency")
		require.Equal(t, 2, c.queue(t)[second].Step)
		require.Empty(t, c.serving(t, gen), "ema has waited 30 s only")

		c.advance(90 * time.Second) // ema has waited 120 s
		c.step(t)
		require.Equal(t, []string{third}, c.serving(t, gen), "step 3: general's agents too")
		require.Equal(t, 3, c.queue(t)[third].Step)

		for tok, conv := range map[string]string{hi: first, lo: second, gen: third} {
			c.close(t, tok, conv, "solved").expect(t, 204)
		}
		c.d.RunDue(c.ctx)
		require.Equal(t, []string{"hi at step 1, place 1, wait 0"}, c.conversation(t, first).said())
		require.Equal(t, []string{"lo at step 2, place 1, wait 60"}, c.conversation(t, second).said(),
			"hi is busy and lo's free place counts from step 2, at 60 s")
		require.Equal(t, []string{"gen at step 3, place 2, wait 120"}, c.conversation(t, third).said(),
			"second in line: lo's place from 60 s takes the first, gen's from 120 s this one, before any handle time ends")

		var stats routing.Stats
		c.adminCall(t, "GET", "/api/v1/stats", nil).expect(t, 200).decode(t, &stats)
		for _, s := range stats.Skills {
			if s.Name == "billing" {
				require.Equal(t, map[string]int{"1": 1, "2": 1, "3": 1}, s.AnsweredByStep)
			}
		}
	})
}
