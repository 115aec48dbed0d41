package channels_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/channels"
	"github.com/switchboardhq/switchboard/channels/fakenet"
	"github.com/switchboardhq/switchboard/engine"
)

func TestSendWebchat(t *testing.T) {
	t.Parallel()
	w := fakenet.NewFakeWebchat(t)
	ch := w.Channel()
	a := &engine.Action{ID: "sess-9/2.0", Type: engine.ActionReply, Visibility: "private", Text: "¡Hola! ¿En qué te ayudo?",
		Channel: "webchat", ChannelID: ch.ID, Recipient: "visitor-9", Attachments: []engine.Attachment{{Type: "image", URL: "https://example.com/a.png"}}}
	sc := channels.SendContext{Customer: "visitor-9", InteractionKind: "message", LastInbound: now.Add(-72 * time.Hour)}
	res, err := newClient().Send(context.Background(), ch, a, sc)
	require.NoError(t, err)
	require.Equal(t, "sess-9/2.0", res.ExternalID)

	reqs := w.Requests()
	require.Len(t, reqs, 1)
	r := reqs[0]
	require.Equal(t, "POST", r.Method)
	require.Equal(t, "sess-9/2.0", r.Header.Get("Idempotency-Key"))
	require.NoError(t, channels.VerifySignature(ch, r.Header.Get, r.Raw), "signed like inbound requests")
	var sent engine.Action
	require.NoError(t, json.Unmarshal(r.Raw, &sent))
	require.Equal(t, *a, sent, "the action as JSON")

	// Without a callback_url the widget polls: nothing is sent.
	polled := ch
	polled.Settings = nil
	res, err = newClient().Send(context.Background(), polled, a, sc)
	require.NoError(t, err)
	require.Equal(t, "sess-9/2.0", res.ExternalID)
	require.Len(t, w.Requests(), 1)

	for status, class := range map[int]channels.ErrorClass{503: channels.ClassRetry, 429: channels.ClassThrottle, 401: channels.ClassReauth, 400: channels.ClassFatal} {
		w.FailNextStatus(status, 1)
		_, err := newClient().Send(context.Background(), ch, a, sc)
		require.Equal(t, class, channels.ClassOf(err), "HTTP %d: %v", status, err)
	}

	unsigned := ch
	unsigned.Credentials = nil
	w.Reset()
	_, err = newClient().Send(context.Background(), unsigned, a, sc)
	require.NoError(t, err)
	require.Empty(t, w.Requests()[0].Header.Get(channels.HeaderWebchatSignature))
}
