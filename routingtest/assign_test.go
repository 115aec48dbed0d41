package routingtest

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/routing"
	"github.com/switchboardhq/switchboard/store"
)

// support sets up the skill billing, the flow support (contact look-up, then route.skill with
// a 15-minute timeout and a 2-minute hold for the preferred agent) and a web chat channel that
// runs it with settings.
func (c *centre) support(t *testing.T, channel string, settings map[string]any) {
	t.Helper()
	c.skill(t, "billing", map[string]any{"dispositions": []string{"solved", "escalated"}})
	flow := c.publishFlow(t, flowSource("support-"+channel, true, "timeout: 15m, preferred_timeout: 2m"))
	c.channel(t, channel, flow, "billing", settings)
}

func TestMostProficientFreeAgent(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		c.support(t, "web", nil)
		c.skill(t, "sales", nil)
		ana := c.agent(t, "ana", map[string]any{"name": "Ana", "skills": map[string]int{"billing": 5}})
		bo := c.agent(t, "bo", map[string]any{"name": "Bo", "skills": map[string]int{"billing": 15}})
		cy := c.agent(t, "cy", map[string]any{"name": "Cy", "skills": map[string]int{"billing": 20}})
		dan := c.agent(t, "dan", map[string]any{"name": "Dan", "skills": map[string]int{"sales": 20}})
		eve := c.agent(t, "eve", map[string]any{"name": "Eve", "skills": map[string]int{"billing": 20}, "blending": false})
		c.login(t, ana)
		c.login(t, bo)
		c.login(t, dan)
		c.call(t, eve, "PUT", "/api/v1/agent/state", map[string]any{"state": "busy", "reason": "email"}).expect(t, 200)
		c.call(t, cy, "PUT", "/api/v1/agent/state", map[string]any{"state": "break", "reason": "lunch"}).expect(t, 200)

		conv := c.waitsForAgent(t, "web", "carla")
		require.Equal(t, store.QueueQueued, c.queue(t)[conv].Status, "queued until the ACD decides")
		c.step(t)
		require.Equal(t, []string{conv}, c.serving(t, bo), "bo is the most proficient free agent (cy is on a break, dan lacks the skill, eve is busy without blending)")
		require.Empty(t, c.serving(t, ana))
		require.Empty(t, c.serving(t, cy))
		require.Empty(t, c.serving(t, eve))
		got := c.conversation(t, conv)
		require.Equal(t, "bo", got.Agent)
		require.Equal(t, "billing", got.Skill)
		e := c.queue(t)[conv]
		require.Equal(t, store.QueueAssigned, e.Status)
		require.Equal(t, at("08:00:00"), e.AssignedAt.UTC())

		// bo's one place is taken: the next goes to ana.
		second := c.waitsForAgent(t, "web", "dora")
		c.step(t)
		require.Equal(t, []string{second}, c.serving(t, ana))
		// The customer's next message goes to the agent, not to a new session.
		o := c.write(t, "web", "carla", "are you there?")
		require.Equal(t, "agent", o.Delivered)
		require.Equal(t, conv, o.ConversationID)
	})
}

func TestQueuedUntilAnAgentIsFree(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		c.support(t, "web", nil)
		ana := c.agent(t, "ana", map[string]any{"skills": map[string]int{"billing": 5}})
		bo := c.agent(t, "bo", map[string]any{"skills": map[string]int{"billing": 15}})
		c.login(t, bo)

		first := c.waitsForAgent(t, "web", "carla")
		c.step(t)
		require.Equal(t, []string{first}, c.serving(t, bo))

		c.clock.Advance(time.Minute)
		second := c.waitsForAgent(t, "web", "dora")
		c.clock.Advance(time.Minute)
		third := c.waitsForAgent(t, "web", "ema")
		c.step(t)
		q := c.queue(t)
		require.Equal(t, store.QueueQueued, q[second].Status, "nobody is free: it waits")
		require.Equal(t, store.QueueQueued, q[third].Status)

		// bo closes a conversation: the oldest waiting one is his.
		c.clock.Advance(time.Minute)
		c.close(t, bo, first, "solved").expect(t, 204)
		c.step(t)
		require.Equal(t, []string{second}, c.serving(t, bo))
		require.Equal(t, store.QueueQueued, c.queue(t)[third].Status)

		// ana logs in: the next one is hers.
		c.clock.Advance(time.Minute)
		c.login(t, ana)
		c.step(t)
		require.Equal(t, []string{third}, c.serving(t, ana))
		e := c.queue(t)[third]
		require.Equal(t, at("08:04:00"), e.AssignedAt.UTC())
		require.Equal(t, at("08:02:00"), e.EnqueuedAt.UTC(), "it entered the queue when the customer wrote")
	})
}

func TestCapacity(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		c.support(t, "web", nil)
		ana := c.agent(t, "ana", map[string]any{"skills": map[string]int{"billing": 20}, "capacity": 2})
		bo := c.agent(t, "bo", map[string]any{"skills": map[string]int{"billing": 10}, "capacity": 5, "channel_capacity": map[string]int{"webchat": 1}})
		c.login(t, ana)
		c.login(t, bo)

		var convs []string
		for _, customer := range []string{"c1", "c2", "c3", "c4"} {
			convs = append(convs, c.waitsForAgent(t, "web", customer))
			c.clock.Advance(time.Second)
		}
		c.step(t)
		require.ElementsMatch(t, convs[:2], c.serving(t, ana), "ana takes two at once")
		require.Equal(t, []string{convs[2]}, c.serving(t, bo), "bo takes one web chat at once, whatever his capacity")
		require.Equal(t, store.QueueQueued, c.queue(t)[convs[3]].Status)
		c.step(t)
		require.Equal(t, store.QueueQueued, c.queue(t)[convs[3]].Status, "still nobody has room")

		c.close(t, bo, convs[2], "solved").expect(t, 204)
		c.step(t)
		require.Equal(t, []string{convs[3]}, c.serving(t, bo))
	})
}

func TestOfferRingsOutToAnotherAgent(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		c.support(t, "web", map[string]any{"offer_mode": "ring", "ring_timeout": 30, "pause_on_missed_offer": true})
		ana := c.agent(t, "ana", map[string]any{"skills": map[string]int{"billing": 5}})
		bo := c.agent(t, "bo", map[string]any{"skills": map[string]int{"billing": 15}})
		c.login(t, ana)
		c.login(t, bo)
		events := c.stream(t, bo, "/api/v1/agent/events")
		events.next(t, "the hello event", func(e sseEvent) bool { return e.Type == "hello" })

		conv := c.waitsForAgent(t, "web", "carla")
		c.step(t)
		offer, ok := c.ringing(t, bo)[conv]
		require.True(t, ok, "it rings for bo, the most proficient")
		require.Equal(t, at("08:00:30"), offer.OfferExpiresAt.UTC(), "for the channel's ring_timeout")
		require.Empty(t, c.serving(t, bo), "not his until he accepts")
		require.Empty(t, c.ringing(t, ana))
		require.Empty(t, c.conversation(t, conv).Agent)

		c.advance(29 * time.Second)
		c.step(t)
		require.Contains(t, c.ringing(t, bo), conv, "it still rings a second before its time")

		c.advance(time.Second)
		c.step(t)
		require.Empty(t, c.ringing(t, bo), "it rang out")
		st := c.agentState(t, "bo")
		require.Equal(t, routing.StateBreak, st.State, "bo missed it: paused")
		require.Equal(t, "missed offer", st.Reason)
		// bo's desk is told he missed it, and was paused: not that it was withdrawn
		var missed routing.AgentEvent
		ended := events.next(t, "the end of bo's offer", func(e sseEvent) bool {
			var ev routing.AgentEvent
			return e.Type != "offer" && json.Unmarshal([]byte(e.Data), &ev) == nil && ev.Conversation == conv
		})
		require.Equal(t, "offer_missed", ended.Type)
		require.NoError(t, json.Unmarshal([]byte(ended.Data), &missed))
		require.Equal(t, routing.AgentEvent{Type: "offer_missed", Agent: "bo", Ref: offer.Ref, Conversation: conv, Reason: "timed out",
			State: routing.StateBreak}, missed)
		offer, ok = c.ringing(t, ana)[conv]
		require.True(t, ok, "it rings for ana now")
		require.Equal(t, []string{"bo"}, offer.Excluded)
		require.Equal(t, 2, offer.Offers)

		c.answer(t, bo, offer.Ref, "accept").refused(t, 409, "not_yours")
		c.answer(t, ana, offer.Ref, "accept").expect(t, 204)
		require.Equal(t, []string{conv}, c.serving(t, ana))
		require.Equal(t, "ana", c.conversation(t, conv).Agent)
		c.answer(t, ana, offer.Ref, "accept").refused(t, 409, "not_yours")

		// bo comes back from his break; the conversation he missed is never his again.
		c.login(t, bo)
		c.close(t, ana, conv, "solved").expect(t, 204)
		c.step(t)
		require.Empty(t, c.ringing(t, bo))
	})
}

func TestOfferAcceptedTooLate(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		c.support(t, "web", map[string]any{"offer_mode": "ring", "ring_timeout": 10})
		bo := c.agent(t, "bo", map[string]any{"skills": map[string]int{"billing": 15}})
		c.login(t, bo)
		conv := c.waitsForAgent(t, "web", "carla")
		c.step(t)
		offer := c.ringing(t, bo)[conv]
		c.advance(10 * time.Second)
		c.answer(t, bo, offer.Ref, "accept").refused(t, 409, "not_yours")
		c.step(t)
		require.Equal(t, routing.StateAvailable, c.agentState(t, "bo").State, "the channel does not pause who misses an offer")
		require.Equal(t, store.QueueQueued, c.queue(t)[conv].Status, "back in the queue, for someone else")
	})
}

func TestRejectedOfferGoesToAnotherAgent(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		// The skill wants an answer: its offers ring though the channel assigns directly.
		c.support(t, "web", nil)
		c.skill(t, "billing", map[string]any{"require_accept": true})
		ana := c.agent(t, "ana", map[string]any{"skills": map[string]int{"billing": 5}})
		bo := c.agent(t, "bo", map[string]any{"skills": map[string]int{"billing": 15}, "capacity": 2})
		c.login(t, bo)

		first := c.waitsForAgent(t, "web", "carla")
		c.step(t)
		offer := c.ringing(t, bo)[first]
		require.Equal(t, store.QueueOffered, offer.Status)
		c.answer(t, ana, offer.Ref, "reject").refused(t, 409, "not_yours")
		c.answer(t, bo, offer.Ref, "reject").expect(t, 204)
		require.Empty(t, c.ringing(t, bo))
		e := c.queue(t)[first]
		require.Equal(t, store.QueueQueued, e.Status, "back in the queue")
		require.Equal(t, []string{"bo"}, e.Excluded)
		require.Equal(t, routing.StateAvailable, c.agentState(t, "bo").State, "a rejection pauses nobody")

		c.step(t)
		require.Empty(t, c.ringing(t, bo), "never offered again to who turned it down")

		// A later conversation is not held up behind the one bo turned down.
		c.clock.Advance(30 * time.Second)
		second := c.waitsForAgent(t, "web", "dora")
		c.step(t)
		require.Contains(t, c.ringing(t, bo), second, "bo is free for the next one")
		require.Equal(t, store.QueueQueued, c.queue(t)[first].Status)

		c.login(t, ana)
		c.step(t)
		offer, ok := c.ringing(t, ana)[first]
		require.True(t, ok, "the one bo turned down rings for ana")
		c.answer(t, ana, offer.Ref, "accept").expect(t, 204)
		require.Equal(t, []string{first}, c.serving(t, ana))
	})
}

func TestEveryoneRejectedStartsANewRound(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		c.support(t, "web", map[string]any{"offer_mode": "ring"})
		ana := c.agent(t, "ana", map[string]any{"skills": map[string]int{"billing": 5}})
		bo := c.agent(t, "bo", map[string]any{"skills": map[string]int{"billing": 15}})
		c.agent(t, "cy", map[string]any{"skills": map[string]int{"billing": 10}}) // never logs in
		c.login(t, ana)
		c.login(t, bo)

		conv := c.waitsForAgent(t, "web", "carla")
		c.step(t)
		c.answer(t, bo, c.ringing(t, bo)[conv].Ref, "reject").expect(t, 204)
		c.step(t)
		c.advance(20 * time.Second)
		c.answer(t, ana, c.ringing(t, ana)[conv].Ref, "reject").expect(t, 204)
		require.ElementsMatch(t, []string{"bo", "ana"}, c.queue(t)[conv].Excluded)

		c.advance(routing.ReofferAfter - time.Second)
		c.step(t)
		require.Empty(t, c.ringing(t, bo), "every working agent turned it down: it waits a while")
		require.Empty(t, c.ringing(t, ana))

		c.advance(time.Second)
		c.step(t)
		offer, ok := c.ringing(t, bo)[conv]
		require.True(t, ok, "a new round starts with the most proficient")
		c.answer(t, bo, offer.Ref, "accept").expect(t, 204)
		require.Equal(t, "bo", c.conversation(t, conv).Agent)
	})
}

func TestPreferredAgent(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		c.support(t, "web", nil)
		ana := c.agent(t, "ana", map[string]any{"skills": map[string]int{"billing": 5}})
		bo := c.agent(t, "bo", map[string]any{"skills": map[string]int{"billing": 15}})
		c.login(t, ana)

		// carla's first conversation is ana's; closing it makes ana carla's last agent.
		first := c.waitsForAgent(t, "web", "carla")
		c.step(t)
		require.Equal(t, []string{first}, c.serving(t, ana))
		c.close(t, ana, first, "solved").expect(t, 204)
		contact := c.conversation(t, first).ContactID
		require.NotEmpty(t, contact, "the flow looked the contact up")
		var ct store.Contact
		c.adminCall(t, "GET", "/api/v1/contacts/"+contact, nil).expect(t, 200).decode(t, &ct)
		require.Equal(t, "ana", ct.LastAgent)

		// Free, ana gets carla's next conversation, though bo is more proficient.
		c.login(t, bo)
		c.clock.Advance(time.Hour)
		second := c.waitsForAgent(t, "web", "carla")
		require.NotEqual(t, first, second)
		e := c.queue(t)[second]
		require.Equal(t, "ana", e.PreferredAgent)
		require.Equal(t, c.clock.Now().Add(2*time.Minute), e.PreferredUntil.UTC(), "held for the block's preferred_timeout")
		c.step(t)
		require.Equal(t, []string{second}, c.serving(t, ana))
		require.Empty(t, c.serving(t, bo))

		// Busy with dora, ana still holds carla's third conversation for two minutes; then bo takes it.
		c.close(t, ana, second, "solved").expect(t, 204)
		c.clock.Advance(time.Hour)
		dora := c.waitsForAgent(t, "web", "dora")
		c.call(t, bo, "PUT", "/api/v1/agent/state", map[string]any{"state": "break", "reason": "coffee"}).expect(t, 200)
		c.step(t)
		require.Equal(t, []string{dora}, c.serving(t, ana))
		c.call(t, bo, "PUT", "/api/v1/agent/state", map[string]any{"state": "available"}).expect(t, 200)

		third := c.waitsForAgent(t, "web", "carla")
		c.step(t)
		require.Empty(t, c.serving(t, bo), "held for ana, though bo is free")
		require.Equal(t, store.QueueQueued, c.queue(t)[third].Status)
		c.advance(time.Minute + 59*time.Second)
		c.step(t)
		require.Empty(t, c.serving(t, bo), "still held a second before its time")
		c.advance(time.Second)
		c.step(t)
		require.Equal(t, []string{third}, c.serving(t, bo), "released to anyone after the preferred timeout")
	})
}

func TestOverflowAndNoAgents(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		c.support(t, "web", map[string]any{"queue_limit": 1})
		ana := c.agent(t, "ana", map[string]any{"skills": map[string]int{"billing": 5}})
		bo := c.agent(t, "bo", map[string]any{"skills": map[string]int{"billing": 5}})

		o := c.write(t, "web", "carla", "hello")
		require.Equal(t, "ended", o.Status)
		require.Equal(t, "no_agents", o.Exits[slices.Index(o.Path, "route")], "nobody with the skill is logged in")
		require.Equal(t, []string{"Nobody is here."}, c.conversation(t, o.ConversationID).said())
		require.Empty(t, c.queue(t))

		// On a break counts as logged in, though not as working: the queue holds nothing.
		c.call(t, bo, "PUT", "/api/v1/agent/state", map[string]any{"state": "break"}).expect(t, 200)
		o = c.write(t, "web", "dora", "hello")
		require.Equal(t, "overflow", o.Exits[slices.Index(o.Path, "route")], "a queue limit of one per working agent, and none working")

		c.login(t, ana)
		first := c.waitsForAgent(t, "web", "ema")
		c.step(t)
		require.Equal(t, []string{first}, c.serving(t, ana))
		c.clock.Advance(time.Second)
		second := c.waitsForAgent(t, "web", "flor")
		c.clock.Advance(time.Second)
		o = c.write(t, "web", "gus", "hello")
		require.Equal(t, "overflow", o.Exits[slices.Index(o.Path, "route")], "one waits for ana already")
		require.Equal(t, []string{"The queue is full."}, c.conversation(t, o.ConversationID).said())
		routed := slices.IndexFunc(o.Actions, func(a action) bool { return a.Type == "route" })
		require.GreaterOrEqual(t, routed, 0, "route.skill says what it asked: %+v", o.Actions)
		require.Equal(t, "overflow", o.Actions[routed].Outcome)
		require.Equal(t, "billing", o.Actions[routed].Skill, "the channel's default skill")

		c.login(t, bo)
		c.clock.Advance(time.Second)
		third := c.waitsForAgent(t, "web", "hal")
		require.Equal(t, store.QueueQueued, c.queue(t)[second].Status)
		require.Equal(t, store.QueueQueued, c.queue(t)[third].Status, "two working agents: room for two")
		c.step(t)
		require.Equal(t, []string{second}, c.serving(t, bo))
	})
}

func TestPreferredAgentWhoRejects(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		c.support(t, "web", map[string]any{"offer_mode": "ring"})
		ana := c.agent(t, "ana", map[string]any{"skills": map[string]int{"billing": 5}})
		bo := c.agent(t, "bo", map[string]any{"skills": map[string]int{"billing": 15}})
		c.login(t, ana)
		first := c.waitsForAgent(t, "web", "carla")
		c.step(t)
		c.answer(t, ana, c.ringing(t, ana)[first].Ref, "accept").expect(t, 204)
		c.close(t, ana, first, "solved").expect(t, 204)

		c.login(t, bo)
		c.clock.Advance(time.Hour)
		second := c.waitsForAgent(t, "web", "carla")
		c.step(t)
		offer, ok := c.ringing(t, ana)[second]
		require.True(t, ok, "it rings for carla's last agent first")
		require.Empty(t, c.ringing(t, bo))
		c.answer(t, ana, offer.Ref, "reject").expect(t, 204)
		c.clock.Advance(time.Second)
		c.step(t)
		require.Contains(t, c.ringing(t, bo), second, "turned down by the preferred agent, it is anyone's at once, not after the hold")
	})
}

func TestOfferTakenAwayWhileAccepted(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		c.support(t, "web", map[string]any{"offer_mode": "ring", "ring_timeout": 30})
		bo := c.agent(t, "bo", map[string]any{"skills": map[string]int{"billing": 15}})
		c.login(t, bo)
		conv := c.waitsForAgent(t, "web", "carla")
		c.step(t)
		offer := c.ringing(t, bo)[conv]

		// While bo's accept is on its way, the leader (another node, its clock a little ahead)
		// finds the offer rang out and puts it back in the queue.
		c.meanwhile(func() {
			require.NoError(t, c.st.InTx(c.ctx, func(tx store.Tx) error {
				e, err := tx.QueueGet(c.ctx, offer.Ref)
				if err != nil {
					return err
				}
				e.Status, e.Agent, e.OfferExpiresAt, e.Excluded = store.QueueQueued, "", nil, []string{"bo"}
				return tx.QueueUpdate(c.ctx, e, store.QueueOffered)
			}))
		})
		c.answer(t, bo, offer.Ref, "accept").refused(t, 409, "not_yours")
		require.Empty(t, c.serving(t, bo), "the accept did not take it")
		require.Equal(t, store.QueueQueued, c.queue(t)[conv].Status)
		require.Empty(t, c.conversation(t, conv).Agent)
	})
}
