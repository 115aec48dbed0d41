package fakenet_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/channels/fakenet"
)

func post(t *testing.T, rawURL, contentType, body string) (int, http.Header, map[string]any) {
	t.Helper()
	resp, err := http.Post(rawURL, contentType, strings.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return resp.StatusCode, resp.Header, m
}

func TestFakeGraphRecordsAndFails(t *testing.T) {
	t.Parallel()
	g := fakenet.NewFakeGraph(t)
	status, _, body := post(t, g.URL+"/v21.0/me/messages?access_token=tok", "application/json",
		`{"recipient":{"id":"PSID-1"},"messaging_type":"RESPONSE","message":{"text":"hola"}}`)
	require.Equal(t, 200, status)
	require.Equal(t, map[string]any{"recipient_id": "PSID-1", "message_id": "m_fake000001"}, body)

	status, _, body = post(t, g.URL+"/v21.0/c_1", "application/x-www-form-urlencoded", "is_hidden=true")
	require.Equal(t, 200, status, "form bodies are read too")
	require.Equal(t, true, body["success"])

	snapshot := g.Requests()
	require.Len(t, snapshot, 2)
	require.Equal(t, "/v21.0/me/messages", snapshot[0].Path)
	require.Equal(t, url.Values{"access_token": {"tok"}}, snapshot[0].Query)
	require.Equal(t, "true", snapshot[1].Body["is_hidden"])

	g.FailNext(613, 0, 2)
	for range 2 {
		status, _, body = post(t, g.URL+"/c_1/likes", "application/json", ``)
		require.Equal(t, 400, status)
		require.Equal(t, float64(613), body["error"].(map[string]any)["code"])
	}
	status, _, _ = post(t, g.URL+"/c_1/likes", "application/json", ``)
	require.Equal(t, 200, status, "the failures are spent")
	require.Len(t, snapshot, 2, "a snapshot does not change")
	require.Len(t, g.Requests(), 5)

	status, _, body = post(t, g.URL+"/v21.0/me/messages", "application/json", `{"recipient":{"id":"P"},"messaging_type":"MESSAGE_TAG","message":{"text":"x"}}`)
	require.Equal(t, 400, status, "a tag is required with MESSAGE_TAG")
	require.Equal(t, float64(100), body["error"].(map[string]any)["code"])

	g.FailNext(1, 0, 5)
	g.Reset()
	require.Empty(t, g.Requests())
	status, _, _ = post(t, g.URL+"/c_1/likes", "application/json", ``)
	require.Equal(t, 200, status, "Reset drops the queued failures")
}

func TestFakeXRateLimitHeaders(t *testing.T) {
	t.Parallel()
	x := fakenet.NewFakeX(t)
	status, header, body := post(t, x.URL+"/2/tweets", "application/json", `{"text":"hi","reply":{"in_reply_to_tweet_id":"1"}}`)
	require.Equal(t, 201, status)
	require.Equal(t, "299", header.Get("x-rate-limit-remaining"))
	require.NotEmpty(t, header.Get("x-rate-limit-reset"))
	require.Equal(t, "1811000000000090001", body["data"].(map[string]any)["id"])

	x.FailNext(429, 1)
	status, header, _ = post(t, x.URL+"/2/tweets", "application/json", `{"text":"hi"}`)
	require.Equal(t, 429, status)
	require.Equal(t, "0", header.Get("x-rate-limit-remaining"))

	status, _, _ = post(t, x.URL+"/2/nothing", "application/json", `{}`)
	require.Equal(t, 404, status)
	require.Len(t, x.Requests(), 3)
}
