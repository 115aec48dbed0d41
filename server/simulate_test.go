package server_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/store"
)

// outcome is a simulation's answer, as much of it as the tests read.
type outcome struct {
	Status      string   `json:"status"`
	Path        []string `json:"path"`
	Exits       []string `json:"exits"`
	Interaction struct {
		Channel string `json:"channel"`
		Kind    string `json:"kind"`
		Time    string `json:"time"`
	} `json:"interaction"`
	Actions []struct {
		Type        string `json:"type"`
		Text        string `json:"text"`
		Skill       string `json:"skill"`
		Agent       string `json:"agent"`
		Disposition string `json:"disposition"`
	} `json:"actions"`
	Vars    map[string]any `json:"vars"`
	Waiting *struct {
		Kind string `json:"kind"`
	} `json:"waiting"`
	Error *string `json:"error"`
	Steps []struct {
		Block string `json:"block"`
		At    string `json:"at"`
	} `json:"steps"`
}

func (a *testAPI) simulate(t *testing.T, id string, req map[string]any) outcome {
	t.Helper()
	var o outcome
	a.call(t, "POST", "/api/v1/flows/"+id+"/simulate", withJSON(req)).expect(t, 200).decode(t, &o)
	return o
}

// askFlow asks, waits ten minutes for an answer, thanks for it or closes the conversation.
const askFlow = `switchboard: 1
id: ask
blocks:
  chat:
    type: webchat.trigger
    next: {message: ask}
  ask:
    type: reply
    params: {text: "What do you need?"}
    next: {sent: wait, failed: end}
  wait:
    type: wait.reply
    params: {timeout: 10m, save_as: need}
    next: {replied: thanks, timeout: bye}
  thanks:
    type: reply
    params: {text: "Noted: {{ vars.need }}"}
    next: {sent: end, failed: end}
  bye:
    type: close
    params: {disposition: no_answer}
  end:
    type: end
`

func TestSimulateDraftSourceAndVersion(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, api *testAPI) {
		api.createFlow(t, fixture(t, "greeting.yaml"))
		api.publish(t, "greeting")
		_, etag := api.getFlow(t, "greeting")
		api.call(t, "PUT", "/api/v1/flows/greeting", withJSON(map[string]any{"source": fixture(t, "greeting-v2.yaml")}), withHeader("If-Match", etag)).expect(t, 200)

		in := map[string]any{"text": "hi", "author": map[string]any{"id": "u1", "name": "Ana"}}

		// the draft
		o := api.simulate(t, "greeting", map[string]any{"interaction": in, "at": "2026-11-17T10:00:00-03:00"})
		require.Equal(t, "ended", o.Status)
		require.Equal(t, []string{"chat", "hello", "bye"}, o.Path)
		require.Equal(t, "webchat", o.Interaction.Channel, "the channel comes from the flow's trigger")
		require.Equal(t, "message", o.Interaction.Kind)
		require.Equal(t, "reply", o.Actions[0].Type)
		require.Equal(t, "Buen día Ana", o.Actions[0].Text)
		require.Equal(t, "close", o.Actions[1].Type)
		require.Equal(t, "greeted", o.Actions[1].Disposition)
		require.Len(t, o.Steps, 3)
		require.Equal(t, "2026-11-17T13:00:00Z", utc(t, o.Steps[0].At), "steps run at the time asked")

		// a published version
		o = api.simulate(t, "greeting", map[string]any{"interaction": in, "version": 1})
		require.Equal(t, []string{"chat", "hello", "end"}, o.Path)
		require.Equal(t, "Hola Ana", o.Actions[0].Text)

		// unsaved text
		o = api.simulate(t, "greeting", map[string]any{"interaction": in, "source": flowWith("greeting", "Unsaved {{ interaction.text }}")})
		require.Equal(t, []string{"chat", "say", "end"}, o.Path)
		require.Equal(t, "Unsaved hi", o.Actions[0].Text)

		// JSON text
		o = api.simulate(t, "greeting", map[string]any{"source": `{"switchboard": 1, "id": "greeting", "blocks": {"chat": {"type": "webchat.trigger", "next": {"message": "end"}}, "end": {"type": "end"}}}`})
		require.Equal(t, []string{"chat", "end"}, o.Path)

		api.call(t, "POST", "/api/v1/flows/greeting/simulate", withJSON(map[string]any{"version": 9})).fails(t, 404, "not_found")
		api.call(t, "POST", "/api/v1/flows/nope/simulate", withJSON(map[string]any{})).fails(t, 404, "not_found")
	})
}

func TestSimulateTheWorld(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, api *testAPI) {
		api.createFlow(t, fixture(t, "desk.yaml"))
		api.call(t, "PUT", "/api/v1/calendars/support-hours", withJSON(map[string]any{"timezone": "UTC", "open": map[string]any{"mon-fri": []string{"09:00-17:00"}}})).expect(t, 200)
		tuesday, saturday := "2026-11-17T10:00:00Z", "2026-11-21T10:00:00Z"
		agents := []map[string]any{{"id": "a1", "skills": map[string]int{"billing": 10}}, {"id": "a2", "skills": map[string]int{"billing": 15}, "state": "break"}}

		// switches come from the store
		api.call(t, "PUT", "/api/v1/emergency/outage", withJSON(map[string]any{"on": true})).expect(t, 200)
		o := api.simulate(t, "desk", map[string]any{"at": tuesday})
		require.Equal(t, []string{"chat", "outage", "outage-reply", "end"}, o.Path)

		// and the request overrides them
		o = api.simulate(t, "desk", map[string]any{"at": tuesday, "emergency": map[string]bool{"outage": false}, "agents": agents})
		require.Equal(t, []string{"chat", "outage", "hours", "to-billing"}, o.Path, "the calendar comes from the store: open on Tuesday")
		require.Equal(t, "waiting", o.Status)
		require.NotNil(t, o.Waiting)
		require.Equal(t, "agent", o.Waiting.Kind)
		require.Equal(t, "route", o.Actions[0].Type)
		require.Equal(t, "billing", o.Actions[0].Skill)
		require.Equal(t, "a1", o.Actions[0].Agent, "the agent on a break is not offered")
		require.Nil(t, o.Error)

		api.call(t, "PUT", "/api/v1/emergency/outage", withJSON(map[string]any{"on": false})).expect(t, 200)
		o = api.simulate(t, "desk", map[string]any{"at": saturday})
		require.Equal(t, []string{"chat", "outage", "hours", "closed-reply", "end"}, o.Path, "closed on Saturday")

		// follow-up events: the agent takes the conversation and closes it
		o = api.simulate(t, "desk", map[string]any{"at": tuesday, "agents": agents,
			"events": []map[string]any{{"assign": "a1"}, {"close": map[string]any{"agent": "a1", "disposition": "solved"}}}})
		require.Equal(t, "ended", o.Status)
		require.Equal(t, "end", o.Path[len(o.Path)-1])

		// nobody there
		o = api.simulate(t, "desk", map[string]any{"at": tuesday})
		require.Equal(t, []string{"chat", "outage", "hours", "to-billing", "closed-reply", "end"}, o.Path)
		require.Equal(t, "no_agents", o.Exits[3])

		// a changed calendar is read at once
		api.call(t, "PUT", "/api/v1/calendars/support-hours", withJSON(map[string]any{"timezone": "UTC", "open": map[string]any{"sat": []string{"09:00-12:00"}}})).expect(t, 200)
		o = api.simulate(t, "desk", map[string]any{"at": saturday, "agents": agents})
		require.Equal(t, "to-billing", o.Path[3])
	})
}

func TestSimulateContactVarsAndEvents(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, api *testAPI) {
		vip := `switchboard: 1
id: vip
vars: {greeting: Hello}
blocks:
  chat:
    type: webchat.trigger
    next: {message: say}
  say:
    type: reply
    params: {text: "{{ vars.greeting }} {{ contact.vip ? 'dear ' + contact.name : contact.name }}"}
    next: {sent: end, failed: end}
  end:
    type: end
`
		api.createFlow(t, vip)
		o := api.simulate(t, "vip", map[string]any{"contact": map[string]any{"name": "Carla", "vip": true}})
		require.Equal(t, "Hello dear Carla", o.Actions[0].Text)
		o = api.simulate(t, "vip", map[string]any{"contact": map[string]any{"name": "Carla"}, "vars": map[string]any{"greeting": "Hi"}})
		require.Equal(t, "Hi Carla", o.Actions[0].Text)

		// a failed send takes the failed exit
		o = api.simulate(t, "vip", map[string]any{"fail": []string{"reply"}})
		require.Equal(t, []string{"chat", "say", "end"}, o.Path)
		require.Equal(t, "failed", o.Exits[1])

		api.createFlow(t, askFlow)
		o = api.simulate(t, "ask", map[string]any{})
		require.Equal(t, "waiting", o.Status)
		require.Equal(t, "reply", o.Waiting.Kind)

		o = api.simulate(t, "ask", map[string]any{"events": []map[string]any{{"reply": map[string]any{"text": "an invoice"}}}})
		require.Equal(t, "ended", o.Status)
		require.Equal(t, []string{"chat", "ask", "wait", "wait", "thanks", "end"}, o.Path)
		require.Equal(t, "Noted: an invoice", o.Actions[1].Text)
		require.Equal(t, "an invoice", o.Vars["need"])

		o = api.simulate(t, "ask", map[string]any{"at": "2026-11-17T10:00:00Z", "events": []map[string]any{{"advance": "9m"}}})
		require.Equal(t, "waiting", o.Status, "nine minutes is not ten")
		o = api.simulate(t, "ask", map[string]any{"at": "2026-11-17T10:00:00Z", "events": []map[string]any{{"advance": "9m"}, {"advance": "1m"}}})
		require.Equal(t, "ended", o.Status)
		require.Equal(t, "close", o.Actions[1].Type)
		require.Equal(t, "no_answer", o.Actions[1].Disposition)
		require.Equal(t, "2026-11-17T10:10:00Z", utc(t, o.Steps[len(o.Steps)-1].At), "the timeout fires at its deadline")
	})
}

func TestSimulateRefusals(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, api *testAPI) {
		api.createFlow(t, fixture(t, "broken.yaml"))
		api.createFlow(t, askFlow)

		e := api.call(t, "POST", "/api/v1/flows/broken/simulate", withJSON(map[string]any{})).fails(t, 422, "invalid_flow")
		require.Contains(t, codes(e.Diagnostics), "bad-expression")
		e = api.call(t, "POST", "/api/v1/flows/ask/simulate", withJSON(map[string]any{"source": fixture(t, "broken.yaml")})).fails(t, 422, "invalid_flow")
		require.Equal(t, 11, e.Diagnostics[0].Line)

		// events the session cannot take
		e = api.call(t, "POST", "/api/v1/flows/ask/simulate", withJSON(map[string]any{"events": []map[string]any{{"assign": "a1"}}})).fails(t, 422, "invalid_scenario")
		require.Contains(t, e.Error.Message, "event 1")
		api.call(t, "POST", "/api/v1/flows/ask/simulate", withJSON(map[string]any{"events": []map[string]any{{"advance": "11m"}, {"reply": map[string]any{"text": "late"}}}})).
			fails(t, 422, "invalid_scenario")

		cases := []struct {
			name  string
			body  any
			field string
		}{
			{"a bad time", map[string]any{"at": "yesterday"}, "at"},
			{"an empty event", map[string]any{"events": []map[string]any{{}}}, "events"},
			{"an event of two kinds", map[string]any{"events": []map[string]any{{"advance": "1m", "assign": "a1"}}}, "events"},
			{"a bad duration", map[string]any{"events": []map[string]any{{"advance": "soon"}}}, "events"},
			{"a bad interaction", map[string]any{"interaction": map[string]any{"text": 5}}, "interaction"},
			{"agents of the wrong type", map[string]any{"agents": "a1"}, "agents"},
			{"an unknown field", map[string]any{"flow": "ask"}, "flow"},
			{"a bad format", map[string]any{"source": askFlow, "format": "xml"}, "format"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				api.call(t, "POST", "/api/v1/flows/ask/simulate", withJSON(c.body)).invalid(t, c.field)
			})
		}
		api.call(t, "POST", "/api/v1/flows/ask/simulate").fails(t, 400, "invalid")

		// a nested unknown field is named (by its own name; the path to it is not given)
		e = api.call(t, "POST", "/api/v1/flows/ask/simulate", withJSON(map[string]any{"events": []map[string]any{{"wait": "1m"}}})).fails(t, 400, "invalid")
		require.True(t, strings.HasSuffix(e.Error.Field, "wait"), "the field named: %q", e.Error.Field)
	})
}

// utc writes an RFC 3339 time in UTC.
func utc(t *testing.T, s string) string {
	t.Helper()
	tm, err := time.Parse(time.RFC3339Nano, s)
	require.NoError(t, err)
	return tm.UTC().Format(time.RFC3339)
}

func TestSimulateReplaysAStoredInteraction(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, api *testAPI) {
		api.createFlow(t, fixture(t, "greeting.yaml"))
		api.call(t, "POST", "/api/v1/channels", withJSON(map[string]any{"id": "chat", "type": "webchat"})).expect(t, 201)
		written := time.Date(2026, 11, 17, 13, 0, 0, 0, time.UTC)
		var in, out store.Interaction
		require.NoError(t, api.store.InTx(context.Background(), func(tx store.Tx) error {
			conv, _, err := tx.ConversationOpen(context.Background(), "chat", "u1", "")
			if err != nil {
				return err
			}
			in, err = tx.InteractionInsert(context.Background(), store.Interaction{ConversationID: conv.ID, ChannelID: "chat",
				Direction: store.Inbound, ExternalID: "m1", Kind: "message", Author: engine.Author{ID: "u1", Name: "Berta"},
				Text: "necesito la factura", At: written})
			if err != nil {
				return err
			}
			out, err = tx.InteractionInsert(context.Background(), store.Interaction{ConversationID: conv.ID, ChannelID: "chat",
				Direction: store.Outbound, ExternalID: "m2", Kind: "message", Text: "Hola Berta", At: written.Add(time.Second)})
			return err
		}))

		for _, path := range []string{"/api/v1/flows/greeting/replay", "/api/v1/flows/greeting/simulate"} {
			var o outcome
			api.call(t, "POST", path, withJSON(map[string]any{"interaction_id": in.ID})).expect(t, 200).decode(t, &o)
			require.Equal(t, "ended", o.Status)
			require.Equal(t, "Hola Berta", o.Actions[0].Text, "the stored author")
			require.Equal(t, "webchat", o.Interaction.Channel, "the channel's type")
			require.Equal(t, "2026-11-17T13:00:00Z", utc(t, o.Steps[0].At), "at the time it was written")
		}

		api.call(t, "POST", "/api/v1/flows/greeting/replay", withJSON(map[string]any{"interaction_id": out.ID})).invalid(t, "interaction_id")
		api.call(t, "POST", "/api/v1/flows/greeting/replay", withJSON(map[string]any{"interaction_id": 999999})).invalid(t, "interaction_id")
		api.call(t, "POST", "/api/v1/flows/greeting/replay", withJSON(map[string]any{"interaction_id": in.ID, "interaction": map[string]any{"text": "x"}})).
			invalid(t, "interaction_id")
		api.call(t, "POST", "/api/v1/flows/nope/replay", withJSON(map[string]any{"interaction_id": in.ID})).fails(t, 404, "not_found")
	})
}

// The multilingual example answers in the language of the contact, of the interaction's locale
// or of its words, and in the flow's own Spanish otherwise, through the server as in the CLI.
func TestSimulateTranslations(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("../examples/flows/multilingual.yaml")
	require.NoError(t, err)
	eachBackend(t, func(t *testing.T, api *testAPI) {
		api.createFlow(t, string(src))
		author := map[string]any{"id": "v1", "name": "Sol"}
		say := func(text string, more map[string]any) string {
			in := map[string]any{"channel": "webchat", "kind": "message", "text": text, "author": author}
			req := map[string]any{"interaction": in, "at": "2026-11-17T10:00:00Z"}
			for k, v := range more {
				if k == "locale" {
					in[k] = v
				} else {
					req[k] = v
				}
			}
			o := api.simulate(t, "multilingual", req)
			require.Equal(t, "waiting", o.Status)
			require.NotEmpty(t, o.Actions)
			return o.Actions[0].Text
		}
		require.True(t, strings.HasPrefix(say("hola", nil), "Hola Sol, ¿en qué te podemos ayudar?"))
		require.True(t, strings.HasPrefix(say("Ciao, ho un problema con il mio ordine", nil), "Ciao Sol, come possiamo aiutarti?"))
		require.True(t, strings.HasPrefix(say("Bonjour, je veux annuler ma commande", nil), "Bonjour Sol, comment pouvons-nous vous aider ?"))
		require.True(t, strings.HasPrefix(say("hola", map[string]any{"locale": "fr_FR"}), "Bonjour Sol"))
		require.True(t, strings.HasPrefix(say("hola", map[string]any{"contact": map[string]any{"name": "Sol", "language": "it"}}), "Ciao Sol"))
	})
}
