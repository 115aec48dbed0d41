package routingtest

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/channels/fakenet"
	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/store"
)

// inbox is an agent's inbox as the API answers it.
type inbox struct {
	Conversations []inboxItem `json:"conversations"`
}

type inboxItem struct {
	ID          string `json:"id"`
	Channel     string `json:"channel"`
	ChannelType string `json:"channel_type"`
	Skill       string `json:"skill"`
	Status      string `json:"status"`
	Customer    struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"customer"`
	First *struct {
		Text       string    `json:"text"`
		Visibility string    `json:"visibility"`
		At         time.Time `json:"at"`
	} `json:"first"`
	LastCustomerAt *time.Time `json:"last_customer_at"`
	Unread         int        `json:"unread"`
	Important      bool       `json:"important"`
	SLADueAt       *time.Time `json:"sla_due_at"`
	AssignedAt     *time.Time `json:"assigned_at"`
	Offer          *struct {
		Ref       string     `json:"ref"`
		ExpiresAt *time.Time `json:"expires_at"`
	} `json:"offer"`
}

// inbox returns an agent's inbox by conversation.
func (c *centre) inbox(t *testing.T, token string) map[string]inboxItem {
	t.Helper()
	var in inbox
	c.call(t, token, "GET", "/api/v1/agent/conversations", nil).expect(t, 200).decode(t, &in)
	out := map[string]inboxItem{}
	for _, item := range in.Conversations {
		out[item.ID] = item
	}
	return out
}

// deskView is a conversation as the agent's workspace shows it.
type deskView struct {
	conversation
	Interactions []struct {
		Direction    string              `json:"direction"`
		Kind         string              `json:"kind"`
		Text         string              `json:"text"`
		Attachments  []engine.Attachment `json:"attachments"`
		PrivateReply string              `json:"private_reply"`
		Send         *struct {
			Status string `json:"status"`
			Error  string `json:"error"`
		} `json:"send"`
	} `json:"interactions"`
	Contact *struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"contact"`
	History []struct {
		ID          string     `json:"id"`
		ClosedAt    *time.Time `json:"closed_at"`
		Disposition string     `json:"disposition"`
		Skill       string     `json:"skill"`
		Channel     string     `json:"channel"`
	} `json:"history"`
	SLA *struct {
		DueAt    time.Time `json:"due_at"`
		Breached bool      `json:"breached"`
	} `json:"sla"`
	Window struct {
		PrivateOpen     bool       `json:"private_open"`
		PrivateUntil    *time.Time `json:"private_until"`
		HumanAgentUntil *time.Time `json:"human_agent_until"`
		PublicAllowed   bool       `json:"public_allowed"`
	} `json:"window"`
	Dispositions    []string `json:"dispositions"`
	ContactRequired bool     `json:"contact_required"`
}

func (c *centre) deskView(t *testing.T, token, conv string) deskView {
	t.Helper()
	var v deskView
	c.call(t, token, "GET", "/api/v1/agent/conversations/"+conv, nil).expect(t, 200).decode(t, &v)
	return v
}

func TestAgentInbox(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		c.support(t, "web", nil)
		c.channel(t, "ring", c.publishFlow(t, flowSource("ring", true, "timeout: 15m")), "billing", map[string]any{"offer_mode": "ring"})
		ana := c.agent(t, "ana", map[string]any{"skills": map[string]int{"billing": 5}, "capacity": 2})
		bo := c.agent(t, "bo", map[string]any{"skills": map[string]int{"billing": 5}})
		c.login(t, ana)
		require.Empty(t, c.inbox(t, ana))

		web := c.waitsForAgent(t, "web", "carla")
		c.step(t)
		c.clock.Advance(time.Minute)
		ring := c.waitsForAgent(t, "ring", "dora")
		c.step(t)
		got := c.inbox(t, ana)
		require.Len(t, got, 2)

		w := got[web]
		require.Equal(t, "assigned", w.Status)
		require.Equal(t, "web", w.Channel)
		require.Equal(t, "webchat", w.ChannelType)
		require.Equal(t, "billing", w.Skill)
		require.Equal(t, "carla", w.Customer.ID)
		require.Equal(t, "carla", w.Customer.Name)
		require.NotNil(t, w.First)
		require.Equal(t, "hello, I need help", w.First.Text)
		require.Equal(t, "private", w.First.Visibility)
		require.Equal(t, at("08:00:00"), w.First.At.UTC())
		require.Equal(t, at("08:00:00"), w.LastCustomerAt.UTC())
		require.Equal(t, 1, w.Unread)
		require.False(t, w.Important)
		require.Equal(t, at("08:01:00"), w.SLADueAt.UTC(), "due 60 s after it opened: the default service level, all hours")
		require.Equal(t, at("08:00:00"), w.AssignedAt.UTC())
		require.Nil(t, w.Offer)

		r := got[ring]
		require.Equal(t, "offered", r.Status)
		require.NotNil(t, r.Offer)
		require.Equal(t, c.queueRef(t, ring), r.Offer.Ref)
		require.Equal(t, at("08:01:30"), r.Offer.ExpiresAt.UTC())
		require.Nil(t, r.AssignedAt)

		// unread counts the customer's messages after the agent's read mark
		c.write(t, "web", "carla", "are you there?")
		require.Equal(t, 2, c.inbox(t, ana)[web].Unread)
		c.call(t, ana, "POST", "/api/v1/agent/conversations/"+web+"/read", nil).expect(t, 204)
		require.Equal(t, 0, c.inbox(t, ana)[web].Unread)
		c.clock.Advance(time.Second)
		c.write(t, "web", "carla", "hello?")
		require.Equal(t, 1, c.inbox(t, ana)[web].Unread)
		require.Equal(t, 1, c.inbox(t, ana)[ring].Unread, "each conversation has its own mark")
		c.call(t, bo, "POST", "/api/v1/agent/conversations/"+web+"/read", nil).refused(t, 403, "forbidden")
		c.call(t, ana, "POST", "/api/v1/agent/conversations/nowhere/read", nil).refused(t, 404, "not_found")

		important := func(token, conv string, body any) *answer {
			return c.call(t, token, "PUT", "/api/v1/agent/conversations/"+conv+"/important", body)
		}
		important(ana, ring, map[string]any{}).refused(t, 400, "invalid")
		important(bo, ring, map[string]any{"important": true}).refused(t, 403, "forbidden")
		important(ana, ring, map[string]any{"important": true}).expect(t, 200)
		require.True(t, c.inbox(t, ana)[ring].Important, "an offered conversation can be starred")
		require.True(t, c.conversation(t, ring).Important, "supervisors see the star")
		important(ana, ring, map[string]any{"important": false}).expect(t, 200)
		require.False(t, c.inbox(t, ana)[ring].Important)
		require.NotContains(t, c.inbox(t, bo), web, "bo's inbox holds only his")
	})
}

func TestAgentConversationView(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		c.support(t, "web", map[string]any{"require_contact": true, "service_level_seconds": 120})
		ana := c.agent(t, "ana", map[string]any{"skills": map[string]int{"billing": 5}})
		bo := c.agent(t, "bo", map[string]any{"skills": map[string]int{"billing": 5}})
		c.login(t, ana)
		first := c.waitsForAgent(t, "web", "carla")
		c.step(t)

		v := c.deskView(t, ana, first)
		require.Equal(t, first, v.ID)
		require.NotNil(t, v.Contact, "the flow looked carla up")
		require.Equal(t, v.ContactID, v.Contact.ID)
		require.Empty(t, v.History)
		require.Equal(t, []string{"solved", "escalated"}, v.Dispositions)
		require.True(t, v.ContactRequired)
		require.Equal(t, at("08:02:00"), v.SLA.DueAt.UTC())
		require.False(t, v.SLA.Breached)
		require.True(t, v.Window.PrivateOpen, "web chat has no window")
		require.Nil(t, v.Window.PrivateUntil)
		require.False(t, v.Window.PublicAllowed)
		require.Len(t, v.Interactions, 1)
		require.Empty(t, v.Interactions[0].PrivateReply, "only public comments have a private reply")
		c.call(t, bo, "GET", "/api/v1/agent/conversations/"+first, nil).refused(t, 403, "forbidden")

		c.clock.Advance(3 * time.Minute)
		require.True(t, c.deskView(t, ana, first).SLA.Breached, "no response within 120 s")
		c.close(t, ana, first, "escalated").expect(t, 204)

		second := c.waitsForAgent(t, "web", "carla")
		c.step(t)
		v = c.deskView(t, ana, second)
		require.Len(t, v.History, 1)
		require.Equal(t, first, v.History[0].ID)
		require.Equal(t, "escalated", v.History[0].Disposition)
		require.Equal(t, "billing", v.History[0].Skill)
		require.Equal(t, "web", v.History[0].Channel)
		require.Equal(t, at("08:03:00"), v.History[0].ClosedAt.UTC())
	})
}

func TestCannedResponses(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		c.support(t, "web", nil)
		c.skill(t, "sales", nil)
		ana := c.agent(t, "ana", map[string]any{"skills": map[string]int{"billing": 5}})
		c.login(t, ana)
		conv := c.waitsForAgent(t, "web", "carla gómez")
		c.step(t)

		type canned struct {
			ID       string `json:"id"`
			Title    string `json:"title"`
			Shortcut string `json:"shortcut"`
			Text     string `json:"text"`
			Channel  string `json:"channel"`
			Skill    string `json:"skill"`
			Rendered string `json:"rendered"`
		}
		create := func(body map[string]any) canned {
			var cr canned
			c.adminCall(t, "POST", "/api/v1/canned-responses", body).expect(t, 201).decode(t, &cr)
			return cr
		}
		bad := func(body map[string]any, field string) {
			t.Helper()
			var e struct {
				Error struct{ Code, Field string } `json:"error"`
			}
			c.adminCall(t, "POST", "/api/v1/canned-responses", body).expect(t, 400).decode(t, &e)
			require.Equal(t, "invalid", e.Error.Code)
			require.Equal(t, field, e.Error.Field)
		}
		bad(map[string]any{"title": "Hi", "text": "Hola {{ contact.nme }}"}, "text")
		bad(map[string]any{"title": "Hi", "text": "Hola {{ contact.name "}, "text")
		bad(map[string]any{"title": "", "text": "Hola"}, "title")
		bad(map[string]any{"title": "Hi", "text": "Hola", "channel": "nowhere"}, "channel")
		bad(map[string]any{"title": "Hi", "text": "Hola", "skill": "nothing"}, "skill")
		bad(map[string]any{"title": "Hi", "text": "Hola", "shortcut": "two words"}, "shortcut")

		greet := create(map[string]any{"title": "Greeting", "shortcut": "/hi", "text": "Hola {{ contact.first_name }}, ¿en qué te ayudo?"})
		web := create(map[string]any{"title": "Web bill", "text": "Your bill is in your account, {{ contact.name }}.", "channel": "web"})
		create(map[string]any{"title": "Sales offer", "text": "20% off today", "skill": "sales"})
		create(map[string]any{"title": "Other channel", "text": "Not here", "channel": "web", "skill": "sales"})
		var all []canned
		c.adminCall(t, "GET", "/api/v1/canned-responses", nil).expect(t, 200).decode(t, &all)
		require.Len(t, all, 4)

		var got struct {
			Responses []canned `json:"responses"`
		}
		c.call(t, ana, "GET", "/api/v1/agent/conversations/"+conv+"/canned", nil).expect(t, 200).decode(t, &got)
		require.Len(t, got.Responses, 2, "the global one and the channel's; not the other skill's")
		require.Equal(t, greet.ID, got.Responses[0].ID)
		require.Equal(t, "Hola carla, ¿en qué te ayudo?", got.Responses[0].Rendered)
		require.Equal(t, "Your bill is in your account, carla gómez.", got.Responses[1].Rendered)
		c.call(t, ana, "GET", "/api/v1/agent/conversations/"+conv+"/canned?q="+q("BILL"), nil).expect(t, 200).decode(t, &got)
		require.Len(t, got.Responses, 1)
		require.Equal(t, web.ID, got.Responses[0].ID)
		c.call(t, ana, "GET", "/api/v1/agent/conversations/"+conv+"/canned?q="+q("/hi"), nil).expect(t, 200).decode(t, &got)
		require.Len(t, got.Responses, 1, "the shortcut matches")
		c.call(t, ana, "GET", "/api/v1/canned-responses", nil).refused(t, 403, "forbidden")

		var updated canned
		c.adminCall(t, "PUT", "/api/v1/canned-responses/"+web.ID, map[string]any{"title": "Web bill", "text": "See your account."}).
			expect(t, 200).decode(t, &updated)
		require.Equal(t, "See your account.", updated.Text)
		require.Empty(t, updated.Channel, "a rewrite replaces it whole")
		c.adminCall(t, "PUT", "/api/v1/canned-responses/cr_nothing", map[string]any{"title": "x", "text": "y"}).refused(t, 404, "not_found")
		c.adminCall(t, "DELETE", "/api/v1/canned-responses/"+greet.ID, nil).expect(t, 204)
		c.adminCall(t, "GET", "/api/v1/canned-responses/"+greet.ID, nil).refused(t, 404, "not_found")

		var audit []store.AuditEntry
		c.adminCall(t, "GET", "/api/v1/audit?object=canned_response", nil).expect(t, 200).decode(t, &audit)
		actions := []string{}
		for _, e := range audit {
			actions = append(actions, e.Action)
		}
		require.Equal(t, []string{"canned_response.delete", "canned_response.update", "canned_response.create",
			"canned_response.create", "canned_response.create", "canned_response.create"}, actions)
	})
}

func TestTransferToAnAgent(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		c.support(t, "web", map[string]any{"ring_timeout": 20})
		ana := c.agent(t, "ana", map[string]any{"skills": map[string]int{"billing": 5}})
		bo := c.agent(t, "bo", map[string]any{"skills": map[string]int{"billing": 1}})
		c.agent(t, "cy", map[string]any{"skills": map[string]int{"billing": 1}})
		c.login(t, ana)
		c.login(t, bo)
		events := c.stream(t, ana, "/api/v1/agent/events")
		boEvents := c.stream(t, bo, "/api/v1/agent/events")
		conv := c.waitsForAgent(t, "web", "carla")
		c.step(t)
		require.Equal(t, []string{conv}, c.serving(t, ana))

		transfer := func(body map[string]any) *answer {
			return c.call(t, ana, "POST", "/api/v1/agent/conversations/"+conv+"/transfer", body)
		}
		field := func(a *answer, status int, field string) {
			t.Helper()
			var e struct {
				Error struct{ Field string } `json:"error"`
			}
			a.expect(t, status).decode(t, &e)
			require.Equal(t, field, e.Error.Field)
		}
		field(transfer(map[string]any{"agent": "nobody"}), 422, "agent")
		field(transfer(map[string]any{"agent": "cy"}), 422, "agent") // offline
		field(transfer(map[string]any{"agent": "bo", "skill": "billing"}), 400, "agent")
		require.Equal(t, []string{conv}, c.serving(t, ana), "refused transfers change nothing")

		c.clock.Advance(time.Minute)
		transfer(map[string]any{"agent": "bo"}).expect(t, 204)
		events.next(t, "the transfer", func(e sseEvent) bool { return e.Type == "transferred" })
		boEvents.next(t, "bo's offer", func(e sseEvent) bool { return e.Type == "offer" })
		require.Empty(t, c.serving(t, ana))
		offer, ok := c.ringing(t, bo)[conv]
		require.True(t, ok, "the conversation rings for bo")
		require.Equal(t, at("08:01:20"), offer.OfferExpiresAt.UTC())
		require.Equal(t, "offered", c.inbox(t, bo)[conv].Status)
		c.answer(t, bo, offer.Ref, "accept").expect(t, 204)
		require.Equal(t, []string{conv}, c.serving(t, bo))
		require.Equal(t, "bo", c.conversation(t, conv).Agent)
		c.close(t, bo, conv, "solved").expect(t, 204)
		require.Equal(t, []string{"Closed by bo as solved."}, c.conversation(t, conv).said())
	})
}

func TestSupervisorReassignsAndWatches(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		c.support(t, "web", nil)
		c.skill(t, "sales", nil)
		ana := c.agent(t, "ana", map[string]any{"name": "Ana", "skills": map[string]int{"billing": 5}, "capacity": 2})
		bo := c.agent(t, "bo", map[string]any{"name": "Bo", "skills": map[string]int{"sales": 5}})
		var sup struct {
			Secret string `json:"secret"`
		}
		c.adminCall(t, "POST", "/api/v1/tokens", map[string]any{"name": "sup", "role": "supervisor"}).expect(t, 201).decode(t, &sup)
		c.login(t, ana)
		first := c.waitsForAgent(t, "web", "carla")
		c.step(t)
		c.close(t, ana, first, "solved").expect(t, 204)
		conv := c.waitsForAgent(t, "web", "dora")
		c.step(t)
		waiting := c.waitsForAgent(t, "web", "emil") // ana takes it too: her capacity is 2

		type live struct {
			Agent          string   `json:"agent"`
			Name           string   `json:"name"`
			State          string   `json:"state"`
			Load           int      `json:"load"`
			Capacity       int      `json:"capacity"`
			Channels       []string `json:"channels"`
			CompletedToday int      `json:"completed_today"`
		}
		board := func() map[string]live {
			var ls []live
			c.call(t, sup.Secret, "GET", "/api/v1/agent-states", nil).expect(t, 200).decode(t, &ls)
			out := map[string]live{}
			for _, l := range ls {
				out[l.Agent] = l
			}
			return out
		}
		c.step(t)
		b := board()
		require.Equal(t, live{Agent: "ana", Name: "Ana", State: "available", Load: 2, Capacity: 2, Channels: []string{"web"}, CompletedToday: 1}, b["ana"])
		require.Equal(t, live{Agent: "bo", Name: "Bo", State: "offline", Load: 0, Capacity: 1, Channels: []string{}}, b["bo"], "never logged in, listed offline")

		reassign := func(token string, body map[string]any) *answer {
			return c.call(t, token, "POST", "/api/v1/conversations/"+conv+"/reassign", body)
		}
		reassign(ana, map[string]any{"skill": "sales"}).refused(t, 403, "forbidden")
		reassign(sup.Secret, map[string]any{"skill": "nothing"}).refused(t, 400, "invalid")
		reassign(sup.Secret, map[string]any{}).refused(t, 400, "invalid")
		reassign(sup.Secret, map[string]any{"agent": "bo"}).refused(t, 422, "refused") // bo is offline
		c.clock.Advance(2 * time.Minute)
		reassign(sup.Secret, map[string]any{"skill": "sales"}).expect(t, 204)
		require.NotContains(t, c.serving(t, ana), conv)
		got := c.conversation(t, conv)
		require.Equal(t, "sales", got.Skill)
		require.Empty(t, got.Agent)

		type entry struct {
			ConversationID string   `json:"conversation_id"`
			Status         string   `json:"status"`
			WaitingSeconds *float64 `json:"waiting_seconds"`
			Customer       struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"customer"`
		}
		var q []entry
		c.call(t, sup.Secret, "GET", "/api/v1/queue?channel=web", nil).expect(t, 200).decode(t, &q)
		byConv := map[string]entry{}
		for _, e := range q {
			byConv[e.ConversationID] = e
		}
		require.Equal(t, "queued", byConv[conv].Status)
		require.Equal(t, "dora", byConv[conv].Customer.Name)
		require.NotNil(t, byConv[conv].WaitingSeconds)
		require.Equal(t, 120.0, *byConv[conv].WaitingSeconds, "it keeps its age")
		require.Equal(t, "assigned", byConv[waiting].Status)
		require.Nil(t, byConv[waiting].WaitingSeconds, "an agent has it")

		c.login(t, bo)
		c.step(t)
		require.Equal(t, []string{conv}, c.serving(t, bo))
		var audit []store.AuditEntry
		c.adminCall(t, "GET", "/api/v1/audit?object=conversation", nil).expect(t, 200).decode(t, &audit)
		require.Len(t, audit, 1)
		require.Equal(t, "conversation.reassign", audit[0].Action)
		require.Equal(t, conv, audit[0].ObjectID)
		require.Contains(t, audit[0].Actor, "sup")
	})
}

// idEvent is a server-sent event with its id.
type idEvent struct{ ID, Type, Data string }

// streamAfter opens an agent's event stream resuming after lastID ("" for none) and returns its
// events as they come; it closes when the test ends or stop is called.
func (c *centre) streamAfter(t *testing.T, token, lastID string) (events <-chan idEvent, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "GET", c.url+"/api/v1/agent/events", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := (&http.Client{Transport: &http.Transport{}}).Do(req)
	require.NoError(t, err)
	require.Equal(t, 200, resp.StatusCode)
	out := make(chan idEvent, 256)
	go func() {
		defer resp.Body.Close()
		defer close(out)
		sc := bufio.NewScanner(resp.Body)
		var ev idEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "id: "):
				ev.ID = strings.TrimPrefix(line, "id: ")
			case strings.HasPrefix(line, "event: "):
				ev.Type = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ev.Data = strings.TrimPrefix(line, "data: ")
			case line == "" && ev.Type != "":
				select {
				case out <- ev:
				case <-ctx.Done():
					return
				}
				ev = idEvent{}
			}
		}
	}()
	t.Cleanup(cancel)
	return out, cancel
}

// until reads events up to the first of a type about a conversation, and returns those read.
func until(t *testing.T, events <-chan idEvent, typ, conv string) []idEvent {
	t.Helper()
	var got []idEvent
	timeout := time.After(10 * time.Second)
	for {
		select {
		case ev, ok := <-events:
			require.True(t, ok, "the stream ended before a %s event", typ)
			got = append(got, ev)
			if ev.Type == typ && strings.Contains(ev.Data, conv) {
				return got
			}
		case <-timeout:
			t.Fatalf("no %s event within 10s; got %v", typ, got)
		}
	}
}

func TestAgentEventsResume(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		widget := fakenet.NewFakeWebchat(t)
		c.support(t, "web", map[string]any{"offer_mode": "ring", "callback_url": widget.URL})
		ana := c.agent(t, "ana", map[string]any{"skills": map[string]int{"billing": 5}})
		c.login(t, ana)
		events, stop := c.streamAfter(t, ana, "")
		require.Equal(t, "hello", until(t, events, "hello", "")[0].Type)

		conv := c.waitsForAgent(t, "web", "carla")
		c.step(t)
		offer := until(t, events, "offer", conv)
		last := offer[len(offer)-1]
		require.NotEmpty(t, last.ID, "each event has an id")
		stop()

		// while the stream is away: the assignment, the customer's message, the reply's send
		c.answer(t, ana, c.ringing(t, ana)[conv].Ref, "accept").expect(t, 204)
		c.write(t, "web", "carla", "my bill is wrong")
		c.call(t, ana, "POST", "/api/v1/agent/conversations/"+conv+"/reply", map[string]any{"text": "Looking at it"}).expect(t, 202)
		c.d.RunDue(c.ctx)
		eventually(t, "the reply is sent", func() bool { return len(widget.Requests()) == 1 })

		resumed, stop := c.streamAfter(t, ana, last.ID)
		got := until(t, resumed, "send", conv)
		types := []string{}
		ids := map[string]bool{last.ID: true}
		for _, ev := range got {
			if !strings.Contains(ev.Data, conv) {
				continue // the hello, and what other tests' agents named ana hear on a shared PostgreSQL
			}
			types = append(types, ev.Type)
			require.False(t, ids[ev.ID], "event %s comes once", ev.ID)
			ids[ev.ID] = true
		}
		require.Equal(t, []string{"assigned", "message", "send"}, types, "what was missed, in order, once")
		require.Contains(t, got[len(got)-1].Data, `"status":"sent"`)
		stop()

		// an id this server did not give cannot be resumed from: the client reloads
		stale, _ := c.streamAfter(t, ana, "elsewhere-12")
		require.Equal(t, []string{"hello", "reset"}, []string{(<-stale).Type, (<-stale).Type})
	})
}
