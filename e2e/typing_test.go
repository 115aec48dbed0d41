package e2e

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/server"
	"github.com/switchboardhq/switchboard/store"
)

// An agent's typing reaches its visitor's stream as a typing event without an id, and no other
// visitor's; an agent the conversation is not assigned to is refused.
func TestWebchatAgentTypingReachesOnlyItsVisitor(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		n := startVisitorNode(t, b)
		ctx := context.Background()
		publishVisitorAgentFlow(t, n)
		for _, sk := range []string{"general", "billing"} {
			_, err := n.st.SkillPut(ctx, store.Skill{Name: sk}, "e2e")
			require.NoError(t, err)
		}
		tokens := map[string]string{}
		for id, skill := range map[string]string{"ana": "general", "bea": "billing"} {
			_, err := n.st.AgentPut(ctx, store.Agent{ID: id, Name: id, Skills: map[string]int{skill: 10}, Capacity: 3}, "e2e")
			require.NoError(t, err)
			secret, hash := server.NewToken()
			_, err = n.st.TokenCreate(ctx, store.Token{Name: id, Role: store.RoleAgent, Agent: id, Hash: hash}, "e2e")
			require.NoError(t, err)
			tokens[id] = secret
		}
		_, err := n.st.ChannelCreate(ctx, store.Channel{ID: "acme-agents", Name: "acme-agents", Type: store.ChannelWebchat,
			DefaultFlow: "visitor-agent", Enabled: true}, "e2e")
		require.NoError(t, err)
		agent := func(who, method, path string, body []byte) response {
			return n.do(t, method, path, body, "Authorization", "Bearer "+tokens[who], "Content-Type", "application/json")
		}
		require.Equal(t, 200, agent("ana", "POST", "/api/v1/agent/login", nil).status)
		require.Equal(t, 200, agent("bea", "POST", "/api/v1/agent/login", nil).status)
		visitor := func() string {
			r := n.do(t, "POST", "/webchat/acme-agents/session", nil)
			require.Equal(t, 200, r.status, "%s", r.body)
			return r.json(t)["token"].(string)
		}
		say := func(token, id, text string) {
			r := n.do(t, "POST", "/webchat/acme-agents/messages", mustJSON(t, map[string]any{"id": id, "text": text}),
				"Authorization", "Bearer "+token, "Content-Type", "application/json")
			require.Equal(t, http.StatusAccepted, r.status, "%s", r.body)
		}
		mine, other := visitor(), visitor()
		events, _ := n.streamOf(t, "acme-agents", mine)
		others, _ := n.streamOf(t, "acme-agents", other)

		say(mine, "q-1", "mi factura")
		got := next(t, events, 2)
		require.Equal(t, "Un momento, te paso con alguien.", got[1].Message.Text)
		var conversation string
		require.Eventually(t, func() bool {
			convs, _ := agent("ana", "GET", "/api/v1/agent", nil).json(t)["conversations"].([]any)
			if len(convs) == 0 {
				return false
			}
			conversation = convs[0].(map[string]any)["conversation_id"].(string)
			return true
		}, time.Minute, 10*time.Millisecond, "the conversation is assigned to Ana")
		typing := "/api/v1/agent/conversations/" + conversation + "/typing"

		r := agent("ana", "POST", typing, mustJSON(t, map[string]any{}))
		require.Equal(t, 400, r.status, "%s", r.body)
		require.Equal(t, "typing", r.json(t)["error"].(map[string]any)["field"], "the error names the field")
		r = agent("bea", "POST", typing, mustJSON(t, map[string]any{"typing": true}))
		require.Equal(t, 409, r.status, "%s", r.body)
		require.Equal(t, "not_yours", r.json(t)["error"].(map[string]any)["code"])

		r = agent("ana", "POST", typing, mustJSON(t, map[string]any{"typing": true}))
		require.Equal(t, 204, r.status, "%s", r.body)
		ev := next(t, events, 1)[0]
		require.Equal(t, "typing", ev.Event)
		require.Equal(t, true, ev.Raw["typing"])
		require.Zero(t, ev.ID, "a typing event has no id: Last-Event-ID stays the last message's")

		// a change within the second is sent when it is over; the reply comes after it
		r = agent("ana", "POST", typing, mustJSON(t, map[string]any{"typing": false}))
		require.Equal(t, 204, r.status, "%s", r.body)
		ev = next(t, events, 1)[0]
		require.Equal(t, "typing", ev.Event)
		require.Equal(t, false, ev.Raw["typing"])
		reply := agent("ana", "POST", "/api/v1/agent/conversations/"+conversation+"/reply", mustJSON(t, map[string]any{"text": "Hola, soy Ana."}))
		require.Equal(t, 202, reply.status, "%s", reply.body)
		ev = next(t, events, 1)[0]
		require.Equal(t, "message", ev.Event)
		require.Equal(t, "Hola, soy Ana.", ev.Message.Text)
		require.EqualValues(t, 3, ev.ID)

		// the other visitor's stream: a typing event waiting would go out before the stream
		// sends the messages posted after it; only their own messages come
		say(other, "o-1", "hola")
		say(other, "o-2", "¿hay alguien?")
		for seen := false; !seen; {
			ev := next(t, others, 1)[0]
			require.Equal(t, "message", ev.Event, "another visitor's stream gets no typing: %+v", ev.Raw)
			seen = ev.Message.Key == "o-2"
		}
	})
}
