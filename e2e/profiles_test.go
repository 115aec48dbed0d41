package e2e

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/channels"
	"github.com/switchboardhq/switchboard/channels/fakenet"
)

// exampleFlows are the flows `make run` publishes.
var exampleFlows = filepath.Join("..", "examples", "flows")

// postMessage posts a customer's Messenger (object "page") or Instagram Direct message, signed
// as Meta signs it, and requires that it is acknowledged.
func postMessage(t *testing.T, client *http.Client, url, object, channel, account, customer, mid, text string) {
	t.Helper()
	at := time.Now().UnixMilli()
	body := fmt.Sprintf(`{"object":%q,"entry":[{"id":%q,"time":%d,"messaging":[{"sender":{"id":%q},`+
		`"recipient":{"id":%q},"timestamp":%d,"message":{"mid":%q,"text":%q}}]}]}`,
		object, account, at, customer, account, at, mid, text)
	network := map[string]string{"page": "facebook", "instagram": "instagram"}[object]
	r := request(t, client, http.MethodPost, url+"/webhooks/"+network+"/"+channel, []byte(body),
		"Content-Type", "application/json", channels.HeaderMetaSignature, channels.SignHex(fakenet.AppSecret, []byte(body)))
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
}

// TestExampleFlowGreetsMessengerAndInstagramCustomersByName runs the binary with the example
// flows against a fake Graph: every reply of messenger-instagram-care to a customer carries the
// first name of the profile Graph gives; a customer Graph will not describe is answered
// without a name, and no reply reads "Hola ," or "¡Hola !".
func TestExampleFlowGreetsMessengerAndInstagramCustomersByName(t *testing.T) {
	t.Parallel()
	bin := switchboardBinary(t)
	graph := fakenet.NewFakeGraph(t)
	graph.RequireToken(fakenet.AppSecret, fakenet.PageAccessToken, fakenet.IGAccessToken)
	p := startServe(t, bin, filepath.Join(t.TempDir(), "switchboard.db"), exampleFlows)
	admin := p.adminToken(t)
	fb, ig := graph.FacebookChannel(), graph.InstagramChannel()
	p.createChannel(t, admin, map[string]any{"id": "fb", "type": "facebook", "default_flow": "messenger-instagram-care",
		"credentials": fb.Credentials, "settings": fb.Settings})
	p.createChannel(t, admin, map[string]any{"id": "ig", "type": "instagram", "default_flow": "messenger-instagram-care",
		"credentials": ig.Credentials, "settings": ig.Settings})

	named := map[string]string{ // customer → the first name Graph gives
		"PSID-E2E-1": "Lucía", "PSID-E2E-2": "María José", "IGSID-E2E-1": "Peter", "IGSID-E2E-2": "Zoë",
	}
	graph.SetProfile("PSID-E2E-1", fakenet.GraphProfile{FirstName: "Lucía", LastName: "Pérez"})
	graph.SetProfile("PSID-E2E-2", fakenet.GraphProfile{FirstName: "María José", LastName: "García"})
	graph.SetProfile("IGSID-E2E-1", fakenet.GraphProfile{Name: "Peter Chang", Username: "peter_chang_live"})
	graph.SetProfile("IGSID-E2E-2", fakenet.GraphProfile{Name: "Zoë Martin", Username: "zoe"})
	// IGSID-E2E-3 has no profile: Graph answers code 230, user consent required

	client := &http.Client{Timeout: time.Minute}
	defer client.CloseIdleConnections()
	customers := []struct{ object, channel, account, id string }{
		{"page", "fb", fakenet.PageID, "PSID-E2E-1"}, {"page", "fb", fakenet.PageID, "PSID-E2E-2"},
		{"instagram", "ig", fakenet.IGAccountID, "IGSID-E2E-1"}, {"instagram", "ig", fakenet.IGAccountID, "IGSID-E2E-2"},
		{"instagram", "ig", fakenet.IGAccountID, "IGSID-E2E-3"},
	}
	for i, c := range customers {
		postMessage(t, client, p.url, c.object, c.channel, c.account, c.id, fmt.Sprintf("m-e2e-%d", i), "hola, ¿hacen envíos?")
	}
	// each newcomer gets a welcome and, with no agent logged in, the closed reply
	replies := map[string][]string{}
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		replies = map[string][]string{}
		for _, s := range graph.Sent() {
			replies[s.Parent] = append(replies[s.Parent], s.Text)
		}
		for _, cu := range customers {
			assert.Len(c, replies[cu.id], 2, "replies to %s", cu.id)
		}
	}, 2*time.Minute, 20*time.Millisecond)

	for _, cu := range customers {
		t.Logf("%s: %q", cu.id, replies[cu.id])
	}
	for customer, first := range named {
		for _, text := range replies[customer] {
			require.Contains(t, text, first, "a reply to %s carries the name Graph gives", customer)
		}
	}
	for _, text := range replies["IGSID-E2E-3"] {
		require.NotContains(t, text, " ,", "a customer without a profile is answered without a name")
		require.NotContains(t, text, " !")
	}
	require.Contains(t, replies["IGSID-E2E-3"], "¡Hola! Gracias por escribirnos. Ya leemos tu mensaje.")

	// one look-up per customer, each with the channel's token and its fields
	lookups := 0
	for _, r := range graph.Requests() {
		if r.Method != http.MethodGet {
			continue
		}
		lookups++
		want := map[string]string{fakenet.PageAccessToken: "name,first_name,last_name,profile_pic",
			fakenet.IGAccessToken: "name,username,profile_pic"}[r.Query.Get("access_token")]
		require.Equal(t, want, r.Query.Get("fields"), "GET %s", r.Path)
		require.True(t, strings.HasPrefix(r.Path, "/v21.0/"), r.Path)
	}
	require.Equal(t, len(customers), lookups)

	// a second message of a customer whose session ended reads the cached profile. The graph
	// records the closing reply before the send's result resumes its session to the end: a
	// message that comes meanwhile is held by the session and answered by a new one.
	postMessage(t, client, p.url, "page", "fb", fakenet.PageID, "PSID-E2E-1", "m-e2e-again", "hola de nuevo")
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		n := 0
		for _, s := range graph.Sent() {
			if s.Parent == "PSID-E2E-1" {
				n++
				assert.Contains(c, s.Text, "Lucía")
			}
		}
		assert.Equal(c, 3, n, "the second message is answered")
	}, 2*time.Minute, 20*time.Millisecond)
	require.Equal(t, len(customers), graph.ProfileLookups(), "the profile is not looked up again within profile_refresh")
	p.stop(t)
}
