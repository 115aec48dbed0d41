package channels_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/channels"
	"github.com/switchboardhq/switchboard/channels/fakenet"
	"github.com/switchboardhq/switchboard/engine"
)

// now is the tests' clock time.
var now = time.Date(2025, 11, 21, 12, 0, 0, 0, time.UTC)

func newClient() *channels.Client {
	return &channels.Client{Clock: engine.NewManualClock(now)}
}

// proof is appsecret_proof computed here, independently of the package.
func proof(secret, token string) string {
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte(token))
	return hex.EncodeToString(h.Sum(nil))
}

// messageContext is a conversation whose customer wrote an hour ago.
var messageContext = channels.SendContext{Customer: "PSID-8801", LastInbound: now.Add(-time.Hour), InteractionKind: "message",
	InteractionTime: now.Add(-time.Hour)}

func newGraph(t *testing.T) (*fakenet.FakeGraph, channels.Channel, channels.Channel) {
	t.Helper()
	g := fakenet.NewFakeGraph(t)
	g.RequireToken(fakenet.AppSecret, fakenet.PageAccessToken, fakenet.IGAccessToken)
	return g, g.FacebookChannel(), g.InstagramChannel()
}

func TestSendMessengerMessage(t *testing.T) {
	t.Parallel()
	g, fb, _ := newGraph(t)
	a := &engine.Action{ID: "sess-1/3.0", Type: engine.ActionReply, Visibility: "private", Text: "Hola, ¿en qué te ayudo?",
		Target: "m_AbC123", Recipient: "PSID-8801"}
	res, err := newClient().Send(context.Background(), fb, a, messageContext)
	require.NoError(t, err)
	require.Equal(t, "m_fake000001", res.ExternalID)

	reqs := g.Requests()
	require.Len(t, reqs, 1)
	r := reqs[0]
	require.Equal(t, http.MethodPost, r.Method)
	require.Equal(t, "/v21.0/"+fakenet.PageID+"/messages", r.Path)
	require.Equal(t, fakenet.PageAccessToken, r.Query.Get("access_token"))
	require.Equal(t, proof(fakenet.AppSecret, fakenet.PageAccessToken), r.Query.Get("appsecret_proof"))
	require.Equal(t, "application/json", r.Header.Get("Content-Type"))
	require.Equal(t, map[string]any{
		"recipient":      map[string]any{"id": "PSID-8801"},
		"messaging_type": "RESPONSE",
		"message":        map[string]any{"text": "Hola, ¿en qué te ayudo?", "metadata": "sess-1/3.0"},
	}, r.Body)
}

// TestSendToUserRef sends to a customer known by a user_ref: recipient.user_ref, as the Send
// API takes it, not recipient.id.
func TestSendToUserRef(t *testing.T) {
	t.Parallel()
	g, fb, _ := newGraph(t)
	sc := messageContext
	sc.Customer = channels.UserRefPrefix + "UREF-4411-aa"
	a := &engine.Action{ID: "sess-2/1.0", Type: engine.ActionReply, Visibility: "private", Text: "Hi!", Target: "m_PbUref01"}
	res, err := newClient().Send(context.Background(), fb, a, sc)
	require.NoError(t, err)
	require.Equal(t, "m_fake000001", res.ExternalID)
	reqs := g.Requests()
	require.Len(t, reqs, 1)
	require.Equal(t, map[string]any{"user_ref": "UREF-4411-aa"}, reqs[0].Body["recipient"])

	a.Recipient = channels.UserRefPrefix + "UREF-9"
	_, err = newClient().Send(context.Background(), fb, a, messageContext)
	require.NoError(t, err)
	require.Equal(t, map[string]any{"user_ref": "UREF-9"}, g.Requests()[1].Body["recipient"], "the action's recipient first")
}

func TestSendMessengerAttachmentsOneByOne(t *testing.T) {
	t.Parallel()
	g, fb, _ := newGraph(t)
	a := &engine.Action{ID: "s/1.0", Type: engine.ActionReply, Visibility: "private", Text: "Te mando los horarios", Recipient: "PSID-8801",
		Attachments: []engine.Attachment{{Type: "image", URL: "https://example.com/hours.png"}, {Type: "document", URL: "https://example.com/terms.pdf"}}}
	res, err := newClient().Send(context.Background(), fb, a, messageContext)
	require.NoError(t, err)
	require.Equal(t, []string{"m_fake000001", "m_fake000002", "m_fake000003"}, res.Parts)
	require.Equal(t, "m_fake000001", res.ExternalID)

	reqs := g.Requests()
	require.Len(t, reqs, 3)
	require.Equal(t, map[string]any{"text": "Te mando los horarios", "metadata": "s/1.0"}, reqs[0].Body["message"])
	require.Equal(t, map[string]any{"metadata": "s/1.0", "attachment": map[string]any{"type": "image",
		"payload": map[string]any{"url": "https://example.com/hours.png", "is_reusable": true}}}, reqs[1].Body["message"])
	require.Equal(t, "file", reqs[2].Body["message"].(map[string]any)["attachment"].(map[string]any)["type"], "unknown types go as files")
}

func TestSendMessengerPartialFailure(t *testing.T) {
	t.Parallel()
	g, fb, _ := newGraph(t)
	a := &engine.Action{ID: "s/1.0", Type: engine.ActionReply, Visibility: "private", Text: "hola", Recipient: "PSID-8801",
		Attachments: []engine.Attachment{{Type: "image", URL: "https://example.com/a.png"}}}
	// The text goes; the attachment meets a temporary failure.
	res, err := sendThenFail(t, newClient(), g, fb, a)
	require.Equal(t, channels.ClassRetry, channels.ClassOf(err))
	require.ErrorContains(t, err, "after 1 of 2 messages were sent")
	require.Equal(t, []string{"m_fake000001"}, res.Parts)
	require.Len(t, g.Requests(), 2)
}

// sendThenFail lets the first message through and fails the second.
func sendThenFail(t *testing.T, client *channels.Client, g *fakenet.FakeGraph, ch channels.Channel, a *engine.Action) (channels.Result, error) {
	t.Helper()
	var calls int
	client.HTTP = &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		calls++
		if calls == 2 {
			g.FailNext(1200, 0, 1)
		}
		return http.DefaultTransport.RoundTrip(r)
	})}
	return client.Send(context.Background(), ch, a, messageContext)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestSendMessagingWindows(t *testing.T) {
	t.Parallel()
	reply := &engine.Action{ID: "s/1.0", Type: engine.ActionReply, Visibility: "private", Text: "hola", Recipient: "PSID-8801"}
	tests := []struct {
		name        string
		since       time.Duration // since the customer's last message; 0 for never
		human       bool
		humanAgent  bool
		wantType    string // "" when refused
		wantMessage string
	}{
		{name: "inside 24 h", since: 23 * time.Hour, wantType: "RESPONSE"},
		{name: "exactly 24 h", since: 24 * time.Hour, wantType: "RESPONSE"},
		{name: "agent after 24 h", since: 30 * time.Hour, human: true, humanAgent: true, wantType: "MESSAGE_TAG"},
		{name: "agent at 7 days", since: 7 * 24 * time.Hour, human: true, humanAgent: true, wantType: "MESSAGE_TAG"},
		{name: "bot after 24 h", since: 30 * time.Hour, humanAgent: true, wantMessage: "only a human agent may answer"},
		{name: "agent without approval", since: 30 * time.Hour, human: true, wantMessage: "settings.human_agent"},
		{name: "agent after 7 days", since: 8 * 24 * time.Hour, human: true, humanAgent: true, wantMessage: "7 days of HUMAN_AGENT"},
		{name: "never wrote", wantMessage: "has not written"},
	}
	for _, tt := range tests {
		for _, typ := range []string{channels.TypeFacebook, channels.TypeInstagram} {
			t.Run(typ+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				g, fb, ig := newGraph(t)
				ch := fb
				if typ == channels.TypeInstagram {
					ch = ig
				}
				if tt.humanAgent {
					ch.Settings["human_agent"] = true
				}
				sc := channels.SendContext{Customer: "PSID-8801", InteractionKind: "message", Human: tt.human}
				if tt.since > 0 {
					sc.LastInbound = now.Add(-tt.since)
				}
				_, err := newClient().Send(context.Background(), ch, reply, sc)
				if tt.wantType == "" {
					require.Equal(t, channels.ClassWindow, channels.ClassOf(err), "err: %v", err)
					require.ErrorContains(t, err, tt.wantMessage)
					require.Empty(t, g.Requests(), "refused before calling")
					return
				}
				require.NoError(t, err)
				reqs := g.Requests()
				require.Len(t, reqs, 1)
				require.Equal(t, tt.wantType, reqs[0].Body["messaging_type"])
				if tt.wantType == "MESSAGE_TAG" {
					require.Equal(t, "HUMAN_AGENT", reqs[0].Body["tag"])
				} else {
					require.NotContains(t, reqs[0].Body, "tag")
				}
			})
		}
	}
}

func TestSendPrivateReplies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		instagram bool
		kind      string
		written   time.Duration
		recipient map[string]any
		refused   string
	}{
		{name: "facebook comment", kind: "comment", written: 6 * 24 * time.Hour, recipient: map[string]any{"comment_id": "900100_555001"}},
		{name: "facebook visitor post", kind: "post", written: time.Hour, recipient: map[string]any{"post_id": "900100_555001"}},
		{name: "instagram comment", instagram: true, kind: "comment", written: time.Hour, recipient: map[string]any{"comment_id": "900100_555001"}},
		{name: "comment after 7 days", kind: "comment", written: 8 * 24 * time.Hour, refused: "within 7 days"},
		{name: "comment of unknown time", kind: "comment", refused: "needs the time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g, fb, ig := newGraph(t)
			ch := fb
			if tt.instagram {
				ch = ig
			}
			a := &engine.Action{ID: "s/2.0", Type: engine.ActionReply, Visibility: "private", Text: "Te escribimos por privado",
				Target: "900100_555001", Recipient: "7001"}
			// The customer never wrote privately: a private reply needs no 24-hour window.
			sc := channels.SendContext{Customer: "7001", InteractionKind: tt.kind}
			if tt.written > 0 {
				sc.InteractionTime = now.Add(-tt.written)
			}
			res, err := newClient().Send(context.Background(), ch, a, sc)
			if tt.refused != "" {
				require.Equal(t, channels.ClassWindow, channels.ClassOf(err), "err: %v", err)
				require.ErrorContains(t, err, tt.refused)
				require.Empty(t, g.Requests())
				return
			}
			require.NoError(t, err)
			require.NotEmpty(t, res.ExternalID)
			reqs := g.Requests()
			require.Len(t, reqs, 1)
			account := fakenet.PageID
			if tt.instagram {
				account = fakenet.IGAccountID
			}
			require.Equal(t, "/v21.0/"+account+"/messages", reqs[0].Path)
			require.Equal(t, tt.recipient, reqs[0].Body["recipient"])
			require.Equal(t, map[string]any{"text": "Te escribimos por privado", "metadata": "s/2.0"}, reqs[0].Body["message"])
		})
	}

	g, fb, _ := newGraph(t)
	a := &engine.Action{Type: engine.ActionReply, Visibility: "private", Text: "hola", Target: "c", Recipient: "7001",
		Attachments: []engine.Attachment{{Type: "image", URL: "https://example.com/a.png"}}}
	_, err := newClient().Send(context.Background(), fb, a, channels.SendContext{InteractionKind: "comment", InteractionTime: now})
	require.Equal(t, channels.ClassFatal, channels.ClassOf(err))
	require.ErrorContains(t, err, "single message")
	require.Empty(t, g.Requests())
}

func TestSendPublicRepliesLikesAndHides(t *testing.T) {
	t.Parallel()
	comment := channels.SendContext{Customer: "7001", InteractionKind: "comment", InteractionTime: now.Add(-time.Minute)}
	tests := []struct {
		name      string
		instagram bool
		action    engine.Action
		sc        channels.SendContext
		path      string
		body      map[string]any
		id        string
	}{
		{name: "facebook public reply", action: engine.Action{Type: engine.ActionReply, Visibility: "public", Text: "¡Ya lo revisamos!", Target: "900100_555001"},
			sc: comment, path: "/v21.0/900100_555001/comments", body: map[string]any{"message": "¡Ya lo revisamos!"}, id: "900100_880001"},
		{name: "visibility from the interaction", action: engine.Action{Type: engine.ActionReply, Text: "gracias", Target: "104857600000001_900200"},
			sc: channels.SendContext{InteractionKind: "post"}, path: "/v21.0/104857600000001_900200/comments", body: map[string]any{"message": "gracias"}, id: "104857600000001_880001"},
		{name: "facebook like", action: engine.Action{Type: engine.ActionLike, Target: "900100_555001"},
			sc: comment, path: "/v21.0/900100_555001/likes"},
		{name: "facebook hide", action: engine.Action{Type: engine.ActionHide, Target: "900100_555001"},
			sc: comment, path: "/v21.0/900100_555001", body: map[string]any{"is_hidden": true}},
		{name: "instagram public reply", instagram: true, action: engine.Action{Type: engine.ActionReply, Visibility: "public", Text: "Te escribimos", Target: "17900000000000001"},
			sc: comment, path: "/v21.0/17900000000000001/replies", body: map[string]any{"message": "Te escribimos"}, id: "17900000000100001"},
		{name: "instagram hide", instagram: true, action: engine.Action{Type: engine.ActionHide, Target: "17900000000000001"},
			sc: comment, path: "/v21.0/17900000000000001", body: map[string]any{"hide": true}},
		{name: "instagram mention in a comment", instagram: true, action: engine.Action{Type: engine.ActionReply, Visibility: "public", Text: "¡Gracias!", Target: "179100"},
			sc: channels.SendContext{InteractionKind: "mention", Thread: "178100"}, path: "/v21.0/" + fakenet.IGAccountID + "/mentions",
			body: map[string]any{"media_id": "178100", "comment_id": "179100", "message": "¡Gracias!"}, id: "17900000000200001"},
		{name: "instagram mention in a caption", instagram: true, action: engine.Action{Type: engine.ActionReply, Visibility: "public", Text: "¡Gracias!", Target: "178101"},
			sc: channels.SendContext{InteractionKind: "mention", Thread: "178101"}, path: "/v21.0/" + fakenet.IGAccountID + "/mentions",
			body: map[string]any{"media_id": "178101", "message": "¡Gracias!"}, id: "17900000000200001"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g, fb, ig := newGraph(t)
			ch := fb
			if tt.instagram {
				ch = ig
			}
			res, err := newClient().Send(context.Background(), ch, &tt.action, tt.sc)
			require.NoError(t, err)
			require.Equal(t, tt.id, res.ExternalID)
			reqs := g.Requests()
			require.Len(t, reqs, 1)
			require.Equal(t, http.MethodPost, reqs[0].Method)
			require.Equal(t, tt.path, reqs[0].Path)
			require.Equal(t, tt.body, reqs[0].Body)
			require.Equal(t, proof(fakenet.AppSecret, ch.Credentials[map[bool]string{true: "access_token", false: "page_access_token"}[tt.instagram]]),
				reqs[0].Query.Get("appsecret_proof"))
		})
	}
}

func TestSendRefusesWhatNoNetworkDoes(t *testing.T) {
	t.Parallel()
	g, fb, ig := newGraph(t)
	x := fakenet.NewFakeX(t)
	tests := []struct {
		name   string
		ch     channels.Channel
		action engine.Action
		sc     channels.SendContext
		want   string
	}{
		{"a tag", fb, engine.Action{Type: engine.ActionTag, Tags: []string{"vip"}}, messageContext, "not a network action"},
		{"a route", fb, engine.Action{Type: engine.ActionRoute, Skill: "billing"}, messageContext, "not a network action"},
		{"an http call", x.Channel(), engine.Action{Type: engine.ActionHTTP}, messageContext, "not a network action"},
		{"an instagram like", ig, engine.Action{Type: engine.ActionLike, Target: "c"}, messageContext, "Instagram has no likes"},
		{"a facebook retweet", fb, engine.Action{Type: engine.ActionRetweet, Target: "c"}, messageContext, "only X has retweets"},
		{"a public answer to a message", fb, engine.Action{Type: engine.ActionReply, Visibility: "public", Text: "x", Target: "m"}, messageContext, "cannot answer a private message publicly"},
		{"a public reply with a file", fb, engine.Action{Type: engine.ActionReply, Visibility: "public", Target: "c",
			Attachments: []engine.Attachment{{Type: "file", URL: "u"}}}, channels.SendContext{InteractionKind: "comment"}, "an image only"},
		{"a public reply with two images", fb, engine.Action{Type: engine.ActionReply, Visibility: "public", Target: "c",
			Attachments: []engine.Attachment{{Type: "image", URL: "u"}, {Type: "image", URL: "v"}}}, channels.SendContext{InteractionKind: "comment"}, "one image at most"},
		{"an instagram comment reply with an image", ig, engine.Action{Type: engine.ActionReply, Visibility: "public", Target: "c",
			Attachments: []engine.Attachment{{Type: "image", URL: "u"}}}, channels.SendContext{InteractionKind: "comment"}, "text only"},
		{"an empty message", fb, engine.Action{Type: engine.ActionReply, Visibility: "private", Recipient: "p"}, messageContext, "neither text nor attachments"},
		{"an x hide", x.Channel(), engine.Action{Type: engine.ActionHide, Target: "1"}, messageContext, "cannot be hidden"},
		{"x attachments without text", x.Channel(), engine.Action{Type: engine.ActionReply, Visibility: "private", Recipient: "4002",
			Attachments: []engine.Attachment{{Type: "image", URL: "u"}}}, channels.SendContext{InteractionKind: "dm"}, "text only"},
		{"a public answer to a dm", x.Channel(), engine.Action{Type: engine.ActionReply, Visibility: "public", Text: "x", Target: "1"}, channels.SendContext{InteractionKind: "dm"}, "publicly"},
		{"a web chat like", channels.Channel{ID: "w", Type: channels.TypeWebchat}, engine.Action{Type: engine.ActionLike, Target: "1"}, messageContext, "web chat has no like"},
		{"an unknown channel type", channels.Channel{ID: "m", Type: "myspace"}, engine.Action{Type: engine.ActionLike, Target: "1"}, messageContext, "unknown type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newClient().Send(context.Background(), tt.ch, &tt.action, tt.sc)
			require.Equal(t, channels.ClassFatal, channels.ClassOf(err), "err: %v", err)
			require.ErrorContains(t, err, tt.want)
		})
	}
	require.Empty(t, g.Requests())
	require.Empty(t, x.Requests())

	_, err := newClient().Send(context.Background(), fb, nil, messageContext)
	require.Equal(t, channels.ClassFatal, channels.ClassOf(err))

	noToken := fb
	noToken.Credentials = map[string]string{"app_secret": fakenet.AppSecret}
	_, err = newClient().Send(context.Background(), noToken, &engine.Action{Type: engine.ActionLike, Target: "c"}, messageContext)
	require.Equal(t, channels.ClassReauth, channels.ClassOf(err))
	require.ErrorContains(t, err, "page_access_token")
	require.Empty(t, g.Requests())
}

func TestGraphErrorClasses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code, subcode int
		class         channels.ErrorClass
		retryAfter    time.Duration
	}{
		{1, 0, channels.ClassRetry, 0},
		{2, 0, channels.ClassRetry, 0},
		{1200, 0, channels.ClassRetry, 0},
		{4, 0, channels.ClassThrottle, 5 * time.Minute},
		{17, 0, channels.ClassThrottle, 5 * time.Minute},
		{32, 0, channels.ClassThrottle, 5 * time.Minute},
		{341, 0, channels.ClassThrottle, 5 * time.Minute},
		{613, 0, channels.ClassThrottle, 5 * time.Minute},
		{80001, 0, channels.ClassThrottle, 5 * time.Minute},
		{80002, 0, channels.ClassThrottle, 5 * time.Minute},
		{80006, 0, channels.ClassThrottle, 5 * time.Minute},
		{368, 1390008, channels.ClassThrottle, time.Hour},
		{10, 2018278, channels.ClassWindow, 0},
		{10, 0, channels.ClassFatal, 0},
		{10, 2018065, channels.ClassFatal, 0},
		{100, 0, channels.ClassFatal, 0},
		{100, 2018001, channels.ClassFatal, 0},
		{551, 1545041, channels.ClassFatal, 0},
		{200, 0, channels.ClassFatal, 0},
		{230, 0, channels.ClassFatal, 0},
		{299, 0, channels.ClassFatal, 0},
		{190, 460, channels.ClassReauth, 0},
		{506, 0, channels.ClassDuplicate, 0},
	}
	a := &engine.Action{ID: "s/1.0", Type: engine.ActionReply, Visibility: "private", Text: "hola", Recipient: "PSID-8801"}
	for _, tt := range tests {
		t.Run(string(tt.class)+"/"+strconv.Itoa(tt.code)+"/"+strconv.Itoa(tt.subcode), func(t *testing.T) {
			t.Parallel()
			g, fb, _ := newGraph(t)
			g.FailNext(tt.code, tt.subcode, 1)
			_, err := newClient().Send(context.Background(), fb, a, messageContext)
			var se *channels.SendError
			require.ErrorAs(t, err, &se)
			require.Equal(t, tt.class, se.Class, "err: %v", err)
			require.Equal(t, tt.code, se.Code)
			require.Equal(t, tt.subcode, se.Subcode)
			require.NotZero(t, se.Status)
			require.Equal(t, tt.retryAfter, se.RetryAfter)
			require.Contains(t, se.Message, "fbtrace_id")
			require.Len(t, g.Requests(), 1, "one attempt: retrying is the caller's")

			// The fake answers success again once the failure is spent.
			_, err = newClient().Send(context.Background(), fb, a, messageContext)
			require.NoError(t, err)
		})
	}
}

func TestGraphErrorsWithoutEnvelope(t *testing.T) {
	t.Parallel()
	like := &engine.Action{Type: engine.ActionLike, Target: "c"}
	for status, class := range map[int]channels.ErrorClass{502: channels.ClassRetry, 503: channels.ClassRetry, 429: channels.ClassThrottle,
		401: channels.ClassReauth, 404: channels.ClassFatal} {
		g, fb, _ := newGraph(t)
		g.FailNextStatus(status, 1)
		_, err := newClient().Send(context.Background(), fb, like, messageContext)
		var se *channels.SendError
		require.ErrorAs(t, err, &se)
		require.Equal(t, class, se.Class, "HTTP %d", status)
		require.Equal(t, status, se.Status)
	}

	g, fb, _ := newGraph(t)
	g.FailNextWith(fakenet.GraphError{Status: 400, Code: 9007, Message: "(#9007) unheard of", IsTransient: true}, 1)
	_, err := newClient().Send(context.Background(), fb, like, messageContext)
	require.Equal(t, channels.ClassRetry, channels.ClassOf(err), "is_transient says retry for an unknown code")
}

func TestGraphThrottleWaits(t *testing.T) {
	t.Parallel()
	like := &engine.Action{Type: engine.ActionLike, Target: "c"}
	g, fb, _ := newGraph(t)
	g.FailNextWith(fakenet.GraphError{Status: 400, Code: 80006, Message: "(#80006) too many calls",
		Header: http.Header{"X-Business-Use-Case-Usage": {`{"104857600000001":[{"type":"messenger","call_count":100,"total_cputime":12,"total_time":9,"estimated_time_to_regain_access":23}]}`}}}, 1)
	_, err := newClient().Send(context.Background(), fb, like, messageContext)
	var se *channels.SendError
	require.ErrorAs(t, err, &se)
	require.Equal(t, 23*time.Minute, se.RetryAfter, "estimated_time_to_regain_access is in minutes")

	g.FailNextWith(fakenet.GraphError{Status: 400, Code: 613, Message: "(#613) rate", Header: http.Header{"Retry-After": {"90"}}}, 1)
	_, err = newClient().Send(context.Background(), fb, like, messageContext)
	require.ErrorAs(t, err, &se)
	require.Equal(t, 90*time.Second, se.RetryAfter)

	g.SetHeader("X-App-Usage", `{"call_count":85,"total_cputime":20,"total_time":31}`)
	res, err := newClient().Send(context.Background(), fb, like, messageContext)
	require.NoError(t, err)
	require.Equal(t, 85, res.Usage)
}

func TestGraphFakeChecksTokens(t *testing.T) {
	t.Parallel()
	like := &engine.Action{Type: engine.ActionLike, Target: "c"}
	g, fb, _ := newGraph(t)
	stale := fb
	stale.Credentials = map[string]string{"app_secret": fakenet.AppSecret, "page_access_token": "expired-token"}
	_, err := newClient().Send(context.Background(), stale, like, messageContext)
	require.Equal(t, channels.ClassReauth, channels.ClassOf(err), "err: %v", err)

	noProof := fb
	noProof.Credentials = map[string]string{"page_access_token": fakenet.PageAccessToken}
	_, err = newClient().Send(context.Background(), noProof, like, messageContext)
	require.Equal(t, channels.ClassFatal, channels.ClassOf(err))
	require.ErrorContains(t, err, "appsecret_proof")
	require.Len(t, g.Requests(), 2)
	require.NotContains(t, g.Requests()[1].Query, "appsecret_proof", "no app secret, no proof")
}

func TestSendNetworkFailures(t *testing.T) {
	t.Parallel()
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	fb := fakenet.NewFakeGraph(t).FacebookChannel()
	fb.Settings["base_url"] = dead.URL + "/v21.0"
	_, err := newClient().Send(context.Background(), fb, &engine.Action{Type: engine.ActionLike, Target: "c"}, messageContext)
	require.Equal(t, channels.ClassRetry, channels.ClassOf(err), "err: %v", err)
	require.NotContains(t, err.Error(), fakenet.PageAccessToken, "errors never show the token")
	require.Zero(t, err.(*channels.SendError).Status)

	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	t.Cleanup(slow.Close)
	fb.Settings["base_url"] = slow.URL
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = newClient().Send(ctx, fb, &engine.Action{Type: engine.ActionLike, Target: "c"}, messageContext)
	require.Equal(t, channels.ClassRetry, channels.ClassOf(err))
	require.True(t, errors.Is(err, context.Canceled), "err: %v", err)
	require.NotContains(t, err.Error(), fakenet.PageAccessToken)
}

// TestDefaultBaseURLs checks where sends go when settings.base_url says nothing, and that an
// override with a trailing slash is taken as it is meant.
func TestDefaultBaseURLs(t *testing.T) {
	t.Parallel()
	var got []string
	client := newClient()
	client.HTTP = &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		got = append(got, r.URL.Scheme+"://"+r.URL.Host+r.URL.Path)
		return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(`{"success":true,"data":{"liked":true}}`)), Request: r}, nil
	})}
	like := &engine.Action{Type: engine.ActionLike, Target: "c1"}
	fb := channels.Channel{ID: "fb", Type: channels.TypeFacebook, Credentials: map[string]string{"page_access_token": "t"}}
	ig := channels.Channel{ID: "ig", Type: channels.TypeInstagram, Credentials: map[string]string{"access_token": "t"}}
	x := channels.Channel{ID: "x", Type: channels.TypeTwitter, Credentials: map[string]string{"access_token": "t"}, Settings: map[string]any{"account_id": float64(3001)}} // as JSON-decoded settings hold it
	for _, send := range []struct {
		ch channels.Channel
		a  *engine.Action
	}{{fb, like}, {ig, &engine.Action{Type: engine.ActionHide, Target: "c2"}}, {x, like}} {
		_, err := client.Send(context.Background(), send.ch, send.a, messageContext)
		require.NoError(t, err)
	}
	overridden := fb
	overridden.Settings = map[string]any{"base_url": "https://graph.example.test/v19.0/"}
	_, err := client.Send(context.Background(), overridden, like, messageContext)
	require.NoError(t, err)
	require.Equal(t, []string{
		"https://graph.facebook.com/v21.0/c1/likes",
		"https://graph.instagram.com/v21.0/c2",
		"https://api.x.com/2/users/3001/likes",
		"https://graph.example.test/v19.0/c1/likes",
	}, got)
}

func TestSendErrorText(t *testing.T) {
	t.Parallel()
	e := &channels.SendError{Class: channels.ClassWindow, Code: 10, Subcode: 2018278, Status: 400, Message: "(#10) outside of allowed window"}
	require.Equal(t, "window: (#10) outside of allowed window (code 10, subcode 2018278, HTTP 400)", e.Error())
	require.Equal(t, channels.ErrorClass(""), channels.ClassOf(nil))
	require.Equal(t, channels.ErrorClass(""), channels.ClassOf(errors.New("other")))
	require.Equal(t, channels.ClassThrottle, channels.ClassOf(errors.Join(errors.New("send"), &channels.SendError{Class: channels.ClassThrottle})))
}

func TestSettingsAsStoredJSON(t *testing.T) {
	t.Parallel()
	g, fb, _ := newGraph(t)
	fb.Settings["human_agent"] = "true"
	a := &engine.Action{Type: engine.ActionReply, Visibility: "private", Text: "hola", Recipient: "PSID-8801"}
	_, err := newClient().Send(context.Background(), fb, a, channels.SendContext{LastInbound: now.Add(-48 * time.Hour), Human: true})
	require.NoError(t, err)
	require.Equal(t, "HUMAN_AGENT", g.Requests()[0].Body["tag"], "human_agent written as text")

	delete(fb.Settings, "account_id")
	_, err = newClient().Send(context.Background(), fb, a, messageContext)
	require.NoError(t, err)
	require.Equal(t, "/v21.0/me/messages", g.Requests()[1].Path, "without account_id: /me")
}
