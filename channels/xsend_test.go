package channels_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/channels"
	"github.com/switchboardhq/switchboard/channels/fakenet"
	"github.com/switchboardhq/switchboard/engine"
)

func newX(t *testing.T) (*fakenet.FakeX, channels.Channel) {
	t.Helper()
	x := fakenet.NewFakeX(t)
	x.RequireToken(fakenet.XAccessToken)
	x.SetClock(engine.NewManualClock(now))
	return x, x.Channel()
}

func TestSendX(t *testing.T) {
	t.Parallel()
	mention := channels.SendContext{Customer: "4003", InteractionKind: "mention", InteractionTime: now.Add(-time.Minute)}
	dm := channels.SendContext{Customer: "4002", InteractionKind: "dm", LastInbound: now.Add(-40 * 24 * time.Hour)}
	tests := []struct {
		name   string
		action engine.Action
		sc     channels.SendContext
		path   string
		body   map[string]any
		id     string
	}{
		{name: "public reply", action: engine.Action{Type: engine.ActionReply, Visibility: "public", Text: "@carla_d sorry! We are on it", Target: "1811000000000000101"},
			sc: mention, path: "/2/tweets", id: "1811000000000090001",
			body: map[string]any{"text": "@carla_d sorry! We are on it", "reply": map[string]any{"in_reply_to_tweet_id": "1811000000000000101"}}},
		{name: "private answer to a mention", action: engine.Action{Type: engine.ActionReply, Visibility: "private", Text: "Write us your order number", Target: "1811000000000000101", Recipient: "4003"},
			sc: mention, path: "/2/dm_conversations/with/4003/messages", id: "1811000000000090001", body: map[string]any{"text": "Write us your order number"}},
		{name: "dm, no window on X", action: engine.Action{Type: engine.ActionReply, Text: "Refunded", Target: "1811000000000000001"},
			sc: dm, path: "/2/dm_conversations/with/4002/messages", id: "1811000000000090001", body: map[string]any{"text": "Refunded"}},
		{name: "attachments left out beside text", action: engine.Action{Type: engine.ActionReply, Text: "See our hours", Recipient: "4002",
			Attachments: []engine.Attachment{{Type: "image", URL: "https://example.com/hours.png"}}},
			sc: dm, path: "/2/dm_conversations/with/4002/messages", id: "1811000000000090001", body: map[string]any{"text": "See our hours"}},
		{name: "like", action: engine.Action{Type: engine.ActionLike, Target: "1811000000000000101"},
			sc: mention, path: "/2/users/3001/likes", body: map[string]any{"tweet_id": "1811000000000000101"}},
		{name: "retweet", action: engine.Action{Type: engine.ActionRetweet, Target: "1811000000000000101"},
			sc: mention, path: "/2/users/3001/retweets", body: map[string]any{"tweet_id": "1811000000000000101"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			x, ch := newX(t)
			res, err := newClient().Send(context.Background(), ch, &tt.action, tt.sc)
			require.NoError(t, err)
			require.Equal(t, tt.id, res.ExternalID)
			require.Equal(t, 1, res.Usage, "one call of 300 used: x-rate-limit-remaining 299")
			reqs := x.Requests()
			require.Len(t, reqs, 1)
			require.Equal(t, http.MethodPost, reqs[0].Method)
			require.Equal(t, tt.path, reqs[0].Path)
			require.Equal(t, "Bearer "+fakenet.XAccessToken, reqs[0].Header.Get("Authorization"))
			require.Equal(t, "application/json", reqs[0].Header.Get("Content-Type"))
			require.Empty(t, reqs[0].Query)
			require.Equal(t, tt.body, reqs[0].Body)
		})
	}

	x, ch := newX(t)
	ch.Settings = map[string]any{"base_url": x.URL}
	_, err := newClient().Send(context.Background(), ch, &engine.Action{Type: engine.ActionLike, Target: "1"}, mention)
	require.Equal(t, channels.ClassFatal, channels.ClassOf(err))
	require.ErrorContains(t, err, "no account_id")
	require.Empty(t, x.Requests())
}

func TestXErrorClasses(t *testing.T) {
	t.Parallel()
	reply := &engine.Action{Type: engine.ActionReply, Visibility: "public", Text: "hi", Target: "1811000000000000101"}
	sc := channels.SendContext{InteractionKind: "mention"}
	tests := []struct {
		status     int
		class      channels.ErrorClass
		retryAfter time.Duration
	}{
		{429, channels.ClassThrottle, 15 * time.Minute},
		{401, channels.ClassReauth, 0},
		{400, channels.ClassFatal, 0},
		{403, channels.ClassFatal, 0},
		{404, channels.ClassFatal, 0},
		{500, channels.ClassRetry, 0},
		{503, channels.ClassRetry, 0},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			t.Parallel()
			x, ch := newX(t)
			x.FailNext(tt.status, 1)
			_, err := newClient().Send(context.Background(), ch, reply, sc)
			var se *channels.SendError
			require.ErrorAs(t, err, &se)
			require.Equal(t, tt.class, se.Class, "err: %v", err)
			require.Equal(t, tt.status, se.Status)
			require.Equal(t, tt.retryAfter, se.RetryAfter)
			require.NotEmpty(t, se.Message)
			require.Len(t, x.Requests(), 1)
		})
	}

	x, ch := newX(t)
	x.FailNextRateLimited(now.Add(90*time.Second), 1)
	_, err := newClient().Send(context.Background(), ch, reply, sc)
	var se *channels.SendError
	require.ErrorAs(t, err, &se)
	require.Equal(t, channels.ClassThrottle, se.Class)
	require.Equal(t, 90*time.Second, se.RetryAfter, "until x-rate-limit-reset, by the client's clock")

	stale := ch
	stale.Credentials = map[string]string{"access_token": "revoked"}
	_, err = newClient().Send(context.Background(), stale, reply, sc)
	require.Equal(t, channels.ClassReauth, channels.ClassOf(err), "the fake refuses a token it does not know")

	x.Reset()
	stale.Credentials = nil
	_, err = newClient().Send(context.Background(), stale, reply, sc)
	require.Equal(t, channels.ClassReauth, channels.ClassOf(err))
	require.Empty(t, x.Requests(), "no token: refused before calling")
}
