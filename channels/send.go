package channels

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/switchboardhq/switchboard/engine"
)

// Client sends actions to the networks. It holds no state of its own: one Client serves every
// channel, concurrently.
type Client struct {
	// HTTP makes the requests; nil means a client with a 15 s timeout.
	HTTP *http.Client
	// Clock tells the time for messaging windows and rate-limit resets; nil means the wall clock.
	Clock engine.Clock
}

// SendContext is what a send needs besides the action: the conversation.
type SendContext struct {
	// Customer is the customer's network id (PSID, IGSID, X user id).
	Customer string
	// LastInbound is when the customer last wrote: Messenger's and Instagram's 24-hour window.
	LastInbound time.Time
	// InteractionKind is the kind of the interaction the action answers: comment, post,
	// message, mention or dm.
	InteractionKind string
	// InteractionTime is when that interaction was written: the 7-day private reply window.
	InteractionTime time.Time
	// Human is true for an agent's reply: the HUMAN_AGENT tag is only for humans.
	Human bool
	// Thread is the interaction's thread; an Instagram mention's media, answered through
	// /{ig-user-id}/mentions.
	Thread string
}

// Result is what the network says of a send that worked.
type Result struct {
	// ExternalID is the network's id of what was sent: the message, comment or tweet; empty for
	// likes, retweets and hides.
	ExternalID string
	// Parts are the ids of every message, when the action went as several (Messenger and
	// Instagram take one attachment per message).
	Parts []string
	// Usage is the highest percentage of a rate limit the network says is used (Meta's usage
	// headers, X's x-rate-limit-*); 0 when it did not say. Slow down well before 100.
	Usage int
}

// The messaging windows.
const (
	// ResponseWindow is how long after the customer's last message a page may answer freely.
	ResponseWindow = 24 * time.Hour
	// HumanAgentWindow is how long a human agent may answer with the HUMAN_AGENT tag, and how
	// long a comment or visitor post takes a private reply.
	HumanAgentWindow = 7 * 24 * time.Hour
)

// defaultHTTP is the client used when Client.HTTP is nil.
var defaultHTTP = &http.Client{Timeout: 15 * time.Second}

// Send performs one action with its network's real endpoint: the Graph API for Facebook and
// Instagram (access_token and appsecret_proof as query parameters), X API v2 (a Bearer token),
// or a POST of the action to a web chat's callback_url. It performs replies (public or
// private), likes, retweets and hides; other actions are not the network's (ClassFatal).
// What a messaging window forbids is refused before calling, with ClassWindow. Every failure
// is a *SendError.
func (c *Client) Send(ctx context.Context, ch Channel, a *engine.Action, sc SendContext) (Result, error) {
	if a == nil {
		return Result{}, refuse(ClassFatal, "no action to send")
	}
	switch a.Type {
	case engine.ActionReply, engine.ActionLike, engine.ActionRetweet, engine.ActionHide, engine.ActionUnhide:
	default:
		return Result{}, refuse(ClassFatal, "%q is not a network action; only reply, like, retweet, hide and unhide are sent", a.Type)
	}
	switch ch.Type {
	case TypeFacebook, TypeInstagram:
		return c.sendGraph(ctx, ch, a, sc)
	case TypeTwitter:
		return c.sendX(ctx, ch, a, sc)
	case TypeWebchat:
		return c.sendWebchat(ctx, ch, a)
	}
	return Result{}, refuse(ClassFatal, "%s", unknownType(ch))
}

func (c *Client) now() time.Time {
	if c.Clock != nil {
		return c.Clock.Now()
	}
	return time.Now()
}

// visibility is the action's visibility, or the interaction's when the action does not say.
func visibility(a *engine.Action, sc SendContext) string {
	switch a.Visibility {
	case "public", "private":
		return a.Visibility
	}
	switch sc.InteractionKind {
	case "post", "comment", "mention":
		return "public"
	}
	return "private"
}

// response is a network's answer, read whole.
type response struct {
	status int
	header http.Header
	body   []byte
}

// maxAnswer bounds how much of an answer is read.
const maxAnswer = 1 << 20

// do makes one request. A request that gets no answer is ClassRetry when it was never written
// whole (the network cannot have it) and ClassUnknown once it was (the network may have it);
// its message never shows the URL, whose query holds the access token.
func (c *Client) do(ctx context.Context, method, rawURL string, header http.Header, body []byte) (*response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, rawURL, rd)
	if err != nil {
		return nil, refuse(ClassFatal, "bad request URL: %v", redact(err))
	}
	for k, v := range header {
		req.Header[k] = v
	}
	hc := c.HTTP
	if hc == nil {
		hc = defaultHTTP
	}
	var written atomic.Bool
	req = req.WithContext(httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(w httptrace.WroteRequestInfo) {
			if w.Err == nil {
				written.Store(true)
			}
		},
	}))
	resp, err := hc.Do(req)
	if err != nil {
		err = redact(err)
		class, what := ClassRetry, "the request was not sent"
		if written.Load() {
			class, what = ClassUnknown, "the request was sent and got no answer; the network may have it"
		}
		return nil, &SendError{Class: class, Message: fmt.Sprintf("%s %s: %s: %v", method, req.URL.Path, what, err), Err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		// the network answered with a status: it has the request; only its answer is cut short
		class := ClassUnknown
		if resp.StatusCode/100 != 2 {
			class = ClassRetry
		}
		return nil, &SendError{Class: class, Status: resp.StatusCode,
			Message: fmt.Sprintf("%s %s: reading the answer: %v", method, req.URL.Path, err), Err: err}
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: b}, nil
}

// redact drops the URL (and its access token) from net/http's errors.
func redact(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
