package e2e

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/channels"
	"github.com/switchboardhq/switchboard/store"
)

// visitor is a web chat post of a visitor's message.
func visitor(t testing.TB, id, author, text string) []byte {
	return mustJSON(t, map[string]any{"id": id, "author": map[string]any{"id": author, "name": "Vero"}, "text": text})
}

// outcome returns the outcome a ?wait post answered with.
func outcome(t testing.TB, r response) map[string]any {
	t.Helper()
	require.Equal(t, 200, r.status, "%s", r.body)
	body := r.json(t)
	require.NotZero(t, body["received"], "the answer names the stored payload")
	out, ok := body["outcome"].(map[string]any)
	require.True(t, ok, "the answer has an outcome: %s", r.body)
	return out
}

func TestWebchatWaitAnswersWithTheSessionsOutcome(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		n := startNode(t, b)
		path := "/webhooks/webchat/" + webChannel

		first := outcome(t, n.do(t, "POST", path+"?wait=2s", visitor(t, "w-1", "v-1", "Quiero cambiar mi plan"),
			"Content-Type", "application/json"))
		require.Equal(t, "session", first["delivered"])
		require.Equal(t, "waiting", first["status"], "the answer comes when the session waits")
		require.Equal(t, []any{"chat", "remember", "greet", "wait"}, first["path"])
		require.Equal(t, map[string]any{"first": "Quiero cambiar mi plan"}, first["vars"])
		actions := first["actions"].([]any)
		require.Len(t, actions, 1)
		greet := actions[0].(map[string]any)
		require.Equal(t, "reply", greet["type"])
		require.Equal(t, "Hola Vero, ¿en qué te ayudamos?", greet["text"])
		waiting := first["waiting"].(map[string]any)
		require.Equal(t, "reply", waiting["kind"])
		require.Equal(t, epoch.Add(10*time.Minute).Format(time.RFC3339), waiting["deadline"])
		sessionID := first["session_id"].(string)
		require.NotEmpty(t, sessionID)
		require.NotEmpty(t, first["conversation_id"])

		second := outcome(t, n.do(t, "POST", path+"?wait=2s", visitor(t, "w-2", "v-1", "el plan familiar")))
		require.Equal(t, "ended", second["status"], "the answer comes when the session ends")
		require.Equal(t, sessionID, second["session_id"], "the reply resumed the waiting session")
		require.Equal(t, first["conversation_id"], second["conversation_id"])
		require.Equal(t, []any{"wait", "thanks", "end"}, second["path"])
		require.Equal(t, []any{"replied", "sent", ""}, second["exits"])
		require.Equal(t, map[string]any{"first": "Quiero cambiar mi plan", "answer": "el plan familiar"}, second["vars"])
		actions = second["actions"].([]any)
		require.Len(t, actions, 1)
		require.Equal(t, "Gracias, anotamos: el plan familiar", actions[0].(map[string]any)["text"])
		require.Nil(t, second["waiting"])

		again := n.do(t, "POST", path+"?wait=2s", visitor(t, "w-2", "v-1", "el plan familiar"))
		require.Equal(t, 200, again.status, "%s", again.body)
		require.Equal(t, "duplicate", again.json(t)["outcome"].(map[string]any)["delivered"], "a message sent again is seen before")

		metrics := n.do(t, "GET", "/metrics", nil)
		require.Equal(t, 200, metrics.status)
		require.Regexp(t, `(?m)^switchboard_commit_batch_units_count [1-9]`, string(metrics.body), "pipeline transactions are counted")

		ins := n.interactions(t, webChannel)
		require.Len(t, ins, 4, "two messages and two replies")
		for i, dir := range []string{store.Inbound, store.Outbound, store.Inbound, store.Outbound} {
			require.Equal(t, dir, ins[i].Direction, "interaction %d", i)
		}

		// without ?wait the post is acknowledged at once and processed afterwards
		r := n.do(t, "POST", path, visitor(t, "w-3", "v-2", "hola"))
		require.Equal(t, 200, r.status, "%s", r.body)
		require.NotZero(t, r.json(t)["received"])
		require.Nil(t, r.json(t)["outcome"])
		n.settle(t)
		require.Eventually(t, func() bool { return len(n.interactions(t, webChannel)) == 6 }, time.Minute, 5*time.Millisecond)

		for _, bad := range []string{"soon", "-1s"} {
			r := n.do(t, "POST", path+"?wait="+bad, visitor(t, "w-4", "v-3", "hola"))
			require.Equal(t, 400, r.status, "?wait=%s: %s", bad, r.body)
		}
		require.Equal(t, 0, n.db.Count(t, `SELECT count(*) FROM interactions WHERE external_id = 'w-4'`), "a refused post stores nothing")
	})
}

func TestSignedWebchatRefusesUnsignedPosts(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		n := startNode(t, b)
		path := "/webhooks/webchat/" + signedWebChannel + "?wait=2s"
		body := visitor(t, "s-1", "v-1", "hola")

		r := n.do(t, "POST", path, body)
		require.Equal(t, 401, r.status, "an unsigned post: %s", r.body)
		r = n.do(t, "POST", path, body, channels.HeaderWebchatSignature, channels.SignHex("another-secret", body))
		require.Equal(t, 403, r.status, "a post signed with another secret: %s", r.body)
		r = n.do(t, "POST", path, body, channels.HeaderWebchatSignature, channels.SignHex(webSecret, visitor(t, "s-1", "v-1", "chau")))
		require.Equal(t, 403, r.status, "another body's signature: %s", r.body)
		require.Zero(t, n.db.Count(t, `SELECT count(*) FROM webhook_events`), "nothing is stored")

		out := outcome(t, n.do(t, "POST", path, body, channels.HeaderWebchatSignature, channels.SignHex(webSecret, body)))
		require.Equal(t, "waiting", out["status"])
		require.Equal(t, []any{"chat", "remember", "greet", "wait"}, out["path"])
		require.Equal(t, 1, n.db.Count(t, `SELECT count(*) FROM webhook_events`))

		// the unsigned channel takes unsigned posts
		out = outcome(t, n.do(t, "POST", "/webhooks/webchat/"+webChannel+"?wait=2s", body))
		require.Equal(t, "waiting", out["status"])
	})
}

func TestWebchatWaitRunsOutAndTheMessageIsHandledOnce(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		n := startNode(t, b)
		release := make(chan struct{})
		asked := make(chan struct{}, 1)
		crm := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			asked <- struct{}{}
			select {
			case <-release:
			case <-r.Context().Done():
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"vip": true}`))
		}))
		t.Cleanup(crm.Close)
		t.Cleanup(func() {
			select {
			case <-release:
			default:
				close(release)
			}
		})
		source := `switchboard: 1
id: slow
name: Slow
blocks:
  chat:
    type: webchat.trigger
    next: {message: crm}
  crm:
    type: http
    params: {url: "` + crm.URL + `/customer", timeout: 30s, save_as: crm}
    next: {ok: end, error: end, timeout: end}
  end:
    type: end
`
		ctx := context.Background()
		_, err := n.st.FlowCreate(ctx, store.Flow{ID: "slow", Name: "Slow", Source: source, Format: "yaml"}, "e2e")
		require.NoError(t, err)
		_, err = n.st.FlowPublish(ctx, store.FlowPublishParams{ID: "slow", Source: source, Format: "yaml", Author: "e2e", Name: "Slow"})
		require.NoError(t, err)
		_, err = n.st.ChannelCreate(ctx, store.Channel{ID: "acme-slow", Type: store.ChannelWebchat, Name: "slow", DefaultFlow: "slow", Enabled: true}, "e2e")
		require.NoError(t, err)

		body := visitor(t, "slow-1", "v-1", "hola")
		r := n.do(t, "POST", "/webhooks/webchat/acme-slow?wait=100ms", body)
		require.Equal(t, 202, r.status, "the wait ran out: %s", r.body)
		answer := r.json(t)
		require.NotZero(t, answer["received"], "the payload is stored before the answer")
		require.Nil(t, answer["outcome"])
		<-asked

		close(release)
		require.Eventually(t, func() bool {
			return n.db.Count(t, `SELECT count(*) FROM interactions WHERE external_id = 'slow-1'`) == 1
		}, time.Minute, 5*time.Millisecond, "the message is handled once the CRM answers")
		require.Eventually(t, func() bool {
			return n.db.Count(t, `SELECT count(*) FROM webhook_events WHERE status = 'done'`) == 2
		}, time.Minute, 5*time.Millisecond, "the copy stored for the 202 is processed at once, not left for recovery")

		// the network sends it again: still once
		r = n.do(t, "POST", "/webhooks/webchat/acme-slow", body)
		require.Equal(t, 200, r.status, "%s", r.body)
		require.Eventually(t, func() bool {
			return n.db.Count(t, `SELECT count(*) FROM webhook_events WHERE status = 'done'`) == 3
		}, time.Minute, 5*time.Millisecond, "the message handled while the post waited, its copy, and the post sent again")
		require.Equal(t, 1, n.db.Count(t, `SELECT count(*) FROM interactions WHERE external_id = 'slow-1'`))
		select {
		case <-asked:
			t.Fatal("the CRM was asked twice: the message ran twice")
		default:
		}
	})
}
