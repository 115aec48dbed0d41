package e2e

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/channels"
	"github.com/switchboardhq/switchboard/store/storetest"
)

// postSigned posts a visitor's message to a signed web chat channel of a node, signed with
// secret, and returns the answer's status.
func postSigned(t *testing.T, client *http.Client, url, channel, secret string, i int) int {
	t.Helper()
	body := fmt.Appendf(nil, `{"id":"b-%d","author":{"id":"visitor-%d","name":"V"},"text":"hola"}`, i, i)
	req, err := http.NewRequest("POST", url+"/webhooks/webchat/"+channel, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(channels.HeaderWebchatSignature, channels.SignHex(secret, body))
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

// TestChannelChangesReachEveryNode runs two nodes on one PostgreSQL database. Node B caches a
// channel by taking its webhooks; the channel's secret is changed, then the channel disabled,
// through node A's API: node B applies each change to its next webhooks. Channels are cached
// with no expiry, so only the change announced over the bus can bring this about.
func TestChannelChangesReachEveryNode(t *testing.T) {
	t.Parallel()
	skipShort(t)
	url := storetest.MigratedPostgresURL(t)
	bin := switchboardBinary(t)
	flows := filepath.Join("testdata", "nodes")
	a := startServe(t, bin, url, flows)
	admin := a.adminToken(t)
	b := startServe(t, bin, url, flows)
	a.createChannel(t, admin, map[string]any{"id": "chat", "type": "webchat", "default_flow": "nodes",
		"credentials": map[string]string{"secret": "first-secret"}})
	client := &http.Client{Timeout: time.Minute}
	put := func(change map[string]any) {
		t.Helper()
		r := request(t, client, "PUT", a.url+"/api/v1/channels/chat", mustJSON(t, change),
			"Authorization", "Bearer "+admin, "Content-Type", "application/json")
		require.Equal(t, 200, r.status, "%s", r.body)
	}
	i := 0
	next := func() int { i++; return i }
	require.Equal(t, 200, postSigned(t, client, b.url, "chat", "first-secret", next()), "node B takes the channel's webhooks")

	// the change is announced before A answers; B hears it a moment later, over the database's
	// notifications: its next webhooks see it, within the deadline (without the announcement,
	// never)
	applied := func(what string, ok func() bool) {
		t.Helper()
		start := time.Now()
		require.Eventually(t, ok, time.Minute, time.Millisecond, "node B applies %s", what)
		t.Logf("node B applied %s %s after node A answered", what, time.Since(start).Round(time.Millisecond))
	}
	put(map[string]any{"credentials": map[string]string{"secret": "second-secret"}})
	applied("the new secret", func() bool {
		return postSigned(t, client, b.url, "chat", "first-secret", next()) == http.StatusForbidden
	})
	require.Equal(t, 200, postSigned(t, client, b.url, "chat", "second-secret", next()), "the new secret is taken")

	put(map[string]any{"enabled": false})
	applied("the disabling", func() bool {
		return postSigned(t, client, b.url, "chat", "second-secret", next()) == http.StatusNotFound
	})
	put(map[string]any{"enabled": true})
	applied("the enabling", func() bool {
		return postSigned(t, client, b.url, "chat", "second-secret", next()) == http.StatusOK
	})
	a.stop(t)
	b.stop(t)
}
