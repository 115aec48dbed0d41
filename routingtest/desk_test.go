package routingtest

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/channels/fakenet"
	"github.com/switchboardhq/switchboard/routing"
	"github.com/switchboardhq/switchboard/store"
)

func TestCloseResumesTheFlow(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		c.support(t, "web", nil)
		ana := c.agent(t, "ana", map[string]any{"skills": map[string]int{"billing": 5}})
		bo := c.agent(t, "bo", map[string]any{"skills": map[string]int{"billing": 5}})
		c.login(t, ana)
		conv := c.waitsForAgent(t, "web", "carla")
		c.step(t)
		require.Equal(t, []string{conv}, c.serving(t, ana))

		c.close(t, bo, conv, "solved").refused(t, 409, "not_yours")
		msg := c.close(t, ana, conv, "lost").refused(t, 422, "refused")
		require.Contains(t, msg, "solved, escalated", "the refusal names the codes allowed")
		c.close(t, ana, conv, "").refused(t, 422, "refused")
		require.Equal(t, store.ConversationOpen, c.conversation(t, conv).Status, "refused closes change nothing")

		c.clock.Advance(10 * time.Minute)
		c.close(t, ana, conv, "solved").expect(t, 204)
		got := c.conversation(t, conv)
		require.Equal(t, store.ConversationClosed, got.Status)
		require.Equal(t, "solved", got.Disposition)
		require.Equal(t, at("08:10:00"), got.ClosedAt.UTC())
		require.Equal(t, []string{"Closed by ana as solved."}, got.said(), "route.skill left by done with vars.agent and vars.disposition")
		e, err := c.st.QueueGet(c.ctx, c.queueRef(t, conv))
		require.NoError(t, err)
		require.Equal(t, store.QueueClosed, e.Status)
		require.Equal(t, "solved", e.Disposition)
		sess, err := c.st.SessionGet(c.ctx, e.SessionID)
		require.NoError(t, err)
		require.Equal(t, "ended", sess.Status)
		require.Equal(t, "ana", sess.State.Vars.Get("agent"))
		require.Equal(t, "solved", sess.State.Vars.Get("disposition"))

		require.Empty(t, c.serving(t, ana))
		c.close(t, ana, conv, "solved").refused(t, 409, "not_yours")
		require.Equal(t, at("08:10:00"), c.agentState(t, "ana").IdleSince.UTC(), "ana is idle since she closed it")
	})
}

// queueRef returns the ref of a conversation's latest queue entry.
func (c *centre) queueRef(t *testing.T, conv string) string {
	t.Helper()
	entries, err := c.st.QueueList(c.ctx, store.QueueListParams{})
	require.NoError(t, err)
	ref := ""
	for _, e := range entries {
		if e.ConversationID == conv {
			ref = e.Ref
		}
	}
	require.NotEmpty(t, ref, "conversation %s was queued", conv)
	return ref
}

func TestDispositionsOfTheChannel(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		c.skill(t, "sales", nil)
		c.skill(t, "general", nil)
		flow := c.publishFlow(t, flowSource("shop", false, "timeout: 15m"))
		c.channel(t, "shop", flow, "sales", map[string]any{"dispositions": []string{"sold", "not_interested"}})
		c.channel(t, "info", flow, "general", nil)
		ana := c.agent(t, "ana", map[string]any{"skills": map[string]int{"sales": 5, "general": 5}, "capacity": 2})
		c.login(t, ana)
		shop := c.waitsForAgent(t, "shop", "carla")
		info := c.waitsForAgent(t, "info", "carla")
		c.step(t)
		require.ElementsMatch(t, []string{shop, info}, c.serving(t, ana))

		msg := c.close(t, ana, shop, "solved").refused(t, 422, "refused")
		require.Contains(t, msg, "sold, not_interested", "a skill without codes takes the channel's")
		c.close(t, ana, shop, "sold").expect(t, 204)
		require.Equal(t, []string{"Closed by ana as sold."}, c.conversation(t, shop).said())

		c.close(t, ana, info, "whatever_we_like").expect(t, 204)
		require.Equal(t, "whatever_we_like", c.conversation(t, info).Disposition, "any code when neither has a list")
	})
}

func TestRequireContact(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		c.support(t, "web", nil)
		plain := c.publishFlow(t, flowSource("plain", false, "timeout: 15m"))
		c.channel(t, "strict", plain, "billing", map[string]any{"require_contact": true})
		ana := c.agent(t, "ana", map[string]any{"skills": map[string]int{"billing": 5}, "capacity": 2})
		bo := c.agent(t, "bo", map[string]any{"skills": map[string]int{"billing": 5}})
		c.login(t, ana)

		// carla is known from the web channel, whose flow looks contacts up.
		known := c.waitsForAgent(t, "web", "carla")
		contact := c.conversation(t, known).ContactID
		require.NotEmpty(t, contact)

		conv := c.waitsForAgent(t, "strict", "carla")
		c.step(t)
		require.ElementsMatch(t, []string{known, conv}, c.serving(t, ana))
		require.Empty(t, c.conversation(t, conv).ContactID, "the strict channel's flow looks nobody up")

		refusal := c.close(t, ana, conv, "solved")
		msg := refusal.refused(t, 422, "refused")
		require.Contains(t, msg, "contact")
		require.NotContains(t, string(refusal.body), `"field"`, "the disposition was fine: no field is at fault")
		require.Equal(t, store.ConversationOpen, c.conversation(t, conv).Status)

		link := func(token, contact string) *answer {
			return c.call(t, token, "PUT", "/api/v1/agent/conversations/"+conv+"/contact", map[string]any{"contact_id": contact})
		}
		link(ana, "").refused(t, 400, "invalid")
		link(ana, "ct_nobody").refused(t, 400, "invalid")
		link(bo, contact).refused(t, 409, "not_yours")
		c.call(t, ana, "PUT", "/api/v1/agent/conversations/cv_nowhere/contact", map[string]any{"contact_id": contact}).refused(t, 404, "not_found")
		link(ana, contact).expect(t, 204)
		require.Equal(t, contact, c.conversation(t, conv).ContactID)

		c.close(t, ana, conv, "solved").expect(t, 204)
		var ct store.Contact
		c.adminCall(t, "GET", "/api/v1/contacts/"+contact, nil).expect(t, 200).decode(t, &ct)
		require.Equal(t, "ana", ct.LastAgent, "closing records the contact's last agent")
	})
}

func TestTransfer(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		c.support(t, "web", nil)
		c.skill(t, "sales", nil)
		ana := c.agent(t, "ana", map[string]any{"skills": map[string]int{"billing": 5}})
		bo := c.agent(t, "bo", map[string]any{"skills": map[string]int{"sales": 5}})
		c.login(t, ana)
		c.login(t, bo)
		conv := c.waitsForAgent(t, "web", "carla")
		c.step(t)
		require.Equal(t, []string{conv}, c.serving(t, ana))
		enqueued := c.queue(t)[conv].EnqueuedAt

		transfer := func(token, skill string) *answer {
			return c.call(t, token, "POST", "/api/v1/agent/conversations/"+conv+"/transfer", map[string]any{"skill": skill})
		}
		transfer(ana, "nothing").refused(t, 400, "invalid")
		transfer(bo, "sales").refused(t, 409, "not_yours")
		c.clock.Advance(5 * time.Minute)
		transfer(ana, "sales").expect(t, 204)
		require.Empty(t, c.serving(t, ana))
		idle := c.agentState(t, "ana").IdleSince
		require.NotNil(t, idle)
		require.Equal(t, c.clock.Now(), idle.UTC(), "ana is idle from the transfer on")
		e := c.queue(t)[conv]
		require.Equal(t, store.QueueQueued, e.Status)
		require.Equal(t, "sales", e.Skill)
		require.Equal(t, enqueued, e.EnqueuedAt, "it keeps its age")
		got := c.conversation(t, conv)
		require.Equal(t, "sales", got.Skill)
		require.Empty(t, got.Agent)

		c.step(t)
		require.Equal(t, []string{conv}, c.serving(t, bo))
		require.Empty(t, c.serving(t, ana))
		require.Equal(t, "bo", c.conversation(t, conv).Agent)
		c.close(t, bo, conv, "solved").expect(t, 204)
		require.Equal(t, []string{"Closed by bo as solved."}, c.conversation(t, conv).said())
	})
}

func TestAgentReplyGoesThroughTheOutbox(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		widget := fakenet.NewFakeWebchat(t)
		c.support(t, "web", map[string]any{"callback_url": widget.URL})
		ana := c.agent(t, "ana", map[string]any{"skills": map[string]int{"billing": 5}})
		bo := c.agent(t, "bo", map[string]any{"skills": map[string]int{"billing": 5}})
		c.login(t, ana)
		conv := c.waitsForAgent(t, "web", "carla")
		c.step(t)

		reply := func(token, text string) *answer {
			return c.call(t, token, "POST", "/api/v1/agent/conversations/"+conv+"/reply", map[string]any{"text": text})
		}
		reply(bo, "hi").refused(t, 409, "not_yours")
		reply(ana, "   ").refused(t, 422, "refused")
		c.call(t, ana, "POST", "/api/v1/agent/conversations/"+conv+"/reply", map[string]any{"text": "hi", "visibility": "loud"}).refused(t, 400, "invalid")
		require.Empty(t, widget.Requests())

		c.clock.Advance(time.Minute)
		var item store.OutboxItem
		reply(ana, "Hi Carla, I am looking at your bill.").expect(t, 202).decode(t, &item)
		require.Equal(t, conv, item.ConversationID)
		c.d.RunDue(c.ctx)
		eventually(t, "the widget receives the agent's reply", func() bool { return len(widget.Requests()) == 1 })
		sent := widget.Requests()[0]
		require.Equal(t, "Hi Carla, I am looking at your bill.", sent.Body["text"])
		require.Equal(t, "ana", sent.Body["agent"])
		require.Equal(t, "carla", sent.Body["recipient"])
		require.Equal(t, item.ActionID, sent.Header.Get("Idempotency-Key"))

		eventually(t, "the reply is recorded as sent", func() bool {
			for _, in := range c.conversation(t, conv).Interactions {
				if in.Direction == store.Outbound && in.Agent == "ana" && in.Status == store.OutboxSent {
					return true
				}
			}
			return false
		})
		require.Equal(t, at("08:01:00"), c.conversation(t, conv).FirstResponseAt.UTC(), "the agent's reply is the first response")

		// The flow's own reply after the close goes out the same way.
		c.close(t, ana, conv, "solved").expect(t, 204)
		c.d.RunDue(c.ctx)
		eventually(t, "the widget receives the flow's reply", func() bool { return len(widget.Requests()) == 2 })
		require.Equal(t, "Closed by ana as solved.", widget.Requests()[1].Body["text"])
	})
}

func TestAgentEventStream(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		c.support(t, "web", map[string]any{"offer_mode": "ring", "ring_timeout": 20})
		ana := c.agent(t, "ana", map[string]any{"skills": map[string]int{"billing": 5}})
		c.login(t, ana)
		events := c.stream(t, ana, "/api/v1/agent/events")
		hello := events.next(t, "the hello event", func(e sseEvent) bool { return e.Type == "hello" })
		require.JSONEq(t, `{"agent":"ana"}`, hello.Data, "the stream says whose it is")

		// Events from other tests' agents of the same name may pass on a shared PostgreSQL:
		// the ones of this test's conversation are picked out.
		conv := c.waitsForAgent(t, "web", "carla")
		ofConv := func(typ string) func(sseEvent) bool {
			return func(e sseEvent) bool {
				var ev routing.AgentEvent
				return e.Type == typ && json.Unmarshal([]byte(e.Data), &ev) == nil && ev.Conversation == conv
			}
		}
		c.step(t)
		var offer routing.AgentEvent
		require.NoError(t, json.Unmarshal([]byte(events.next(t, "the offer", ofConv("offer")).Data), &offer))
		require.Equal(t, "ana", offer.Agent)
		require.Equal(t, "billing", offer.Skill)
		require.Equal(t, at("08:00:20"), offer.ExpiresAt.UTC())
		require.Equal(t, c.queueRef(t, conv), offer.Ref)

		// The raw "/" of the ref is accepted as well as %2F.
		c.call(t, ana, "POST", "/api/v1/agent/offers/"+offer.Ref+"/accept", nil).expect(t, 204)
		events.next(t, "the assignment", ofConv("assigned"))

		o := c.write(t, "web", "carla", "my bill is wrong")
		require.Equal(t, "agent", o.Delivered)
		var msg routing.AgentEvent
		require.NoError(t, json.Unmarshal([]byte(events.next(t, "the customer's message", ofConv("message")).Data), &msg))
		require.Equal(t, "my bill is wrong", msg.Text)

		c.close(t, ana, conv, "solved").expect(t, 204)
		events.next(t, "the close", ofConv("closed"))
	})
}

func TestSupervisorSetsAgentState(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		c.support(t, "web", nil)
		ana := c.agent(t, "ana", map[string]any{"skills": map[string]int{"billing": 5}})
		var sup struct {
			Secret string `json:"secret"`
		}
		c.adminCall(t, "POST", "/api/v1/tokens", map[string]any{"name": "sup", "role": "supervisor"}).expect(t, 201).decode(t, &sup)
		c.login(t, ana)
		c.call(t, sup.Secret, "PUT", "/api/v1/agents/ana/state", map[string]any{"state": "break", "reason": "training"}).expect(t, 200)
		require.Equal(t, store.AgentState{AgentID: "ana", State: routing.StateBreak, Reason: "training", Since: at("08:00:00"),
			IdleSince: ptr(at("08:00:00")), UpdatedAt: at("08:00:00")}, utc(c.agentState(t, "ana")))
		conv := c.waitsForAgent(t, "web", "carla")
		c.step(t)
		require.Empty(t, c.serving(t, ana), "on a break")
		c.call(t, sup.Secret, "PUT", "/api/v1/agents/ana/state", map[string]any{"state": "sleeping"}).refused(t, 400, "invalid")
		c.call(t, sup.Secret, "PUT", "/api/v1/agents/nobody/state", map[string]any{"state": "break"}).refused(t, 404, "not_found")
		c.call(t, ana, "PUT", "/api/v1/agents/ana/state", map[string]any{"state": "available"}).refused(t, 403, "forbidden")
		c.call(t, sup.Secret, "PUT", "/api/v1/agents/ana/state", map[string]any{"state": "available"}).expect(t, 200)
		c.step(t)
		require.Equal(t, []string{conv}, c.serving(t, ana))
		c.call(t, sup.Secret, "GET", "/api/v1/agent", nil).refused(t, 403, "forbidden")
		c.call(t, ana, "GET", "/api/v1/queue?skill="+url.QueryEscape("billing"), nil).refused(t, 403, "forbidden")
	})
}

func ptr[T any](v T) *T { return &v }

// utc puts an agent state's times in UTC, as they were written.
func utc(s store.AgentState) store.AgentState {
	s.Since, s.UpdatedAt = s.Since.UTC(), s.UpdatedAt.UTC()
	if s.IdleSince != nil {
		s.IdleSince = ptr(s.IdleSince.UTC())
	}
	return s
}

// The reasons for a break are the workspace's setting: the default list until an admin writes
// one, checked field by field; the agents get them with their desk, and a break with a reason
// not listed is refused naming the field.
func TestBreakReasons(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		c.support(t, "web", nil)
		ana := c.agent(t, "ana", map[string]any{"skills": map[string]int{"billing": 5}})
		defaults := []string{"lunch", "coffee", "training", "meeting", "other"}
		var ws struct {
			BreakReasons []string `json:"break_reasons"`
		}
		c.adminCall(t, "GET", "/api/v1/workspace/settings", nil).expect(t, 200).decode(t, &ws)
		require.Equal(t, defaults, ws.BreakReasons)
		require.Equal(t, defaults, c.desk(t, ana).BreakReasons)

		field := func(body map[string]any, want string) {
			t.Helper()
			var e struct {
				Error struct{ Field, Message string } `json:"error"`
			}
			c.adminCall(t, "PUT", "/api/v1/workspace/settings", body).expect(t, 400).decode(t, &e)
			require.Equal(t, want, e.Error.Field, e.Error.Message)
		}
		many := make([]string, 21)
		for i := range many {
			many[i] = fmt.Sprintf("reason %d", i)
		}
		field(map[string]any{"break_reasons": []string{"lunch", " "}}, "break_reasons[1]")
		field(map[string]any{"break_reasons": []string{strings.Repeat("x", 41)}}, "break_reasons[0]")
		field(map[string]any{"break_reasons": []string{"lunch", "lunch"}}, "break_reasons[1]")
		field(map[string]any{"break_reasons": many}, "break_reasons")
		field(map[string]any{"break_reasons": []string{}}, "break_reasons")
		field(map[string]any{"break_reason": []string{"lunch"}}, "break_reason")
		c.call(t, ana, "PUT", "/api/v1/workspace/settings", map[string]any{"break_reasons": []string{"lunch"}}).refused(t, 403, "forbidden")

		c.adminCall(t, "PUT", "/api/v1/workspace/settings", map[string]any{"break_reasons": []string{"Coaching session", "lunch"}}).
			expect(t, 200).decode(t, &ws)
		require.Equal(t, []string{"Coaching session", "lunch"}, ws.BreakReasons)
		require.Equal(t, ws.BreakReasons, c.desk(t, ana).BreakReasons)

		msg := c.call(t, ana, "PUT", "/api/v1/agent/state", map[string]any{"state": "break", "reason": "coffee"}).refused(t, 400, "invalid")
		require.Contains(t, msg, "Coaching session")
		c.call(t, ana, "PUT", "/api/v1/agent/state", map[string]any{"state": "break", "reason": "Coaching session"}).expect(t, 200)
		require.Equal(t, "Coaching session", c.agentState(t, "ana").Reason, "the ACD records the reason")
	})
}
