package fakenet

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard/channels"
	"github.com/switchboardhq/switchboard/engine"
)

// X test credentials and ids, the same as the webhook fixtures'.
const (
	ConsumerSecret = "switchboard-test-consumer-secret"
	XAccessToken   = "test-x-access-token"
	XUserID        = "3001"
)

// xLimit is the rate limit the fake reports per 15-minute window.
const xLimit = 300

// FakeX is a fake X API v2: reply tweets, direct messages, likes and retweets. Every answer
// carries x-rate-limit-limit, -remaining and -reset.
type FakeX struct {
	// URL is the server's root: the channels' base_url.
	URL    string
	server *httptest.Server
	rec    recorder
	ledger ledger
	misbehaviour

	mu        sync.Mutex
	seq       int
	remaining int
	clock     engine.Clock
	token     string
}

// NewFakeX starts a fake X API, closed when the test ends.
func NewFakeX(t testing.TB) *FakeX {
	f := &FakeX{remaining: xLimit}
	f.server = httptest.NewServer(http.HandlerFunc(f.serve))
	f.URL = f.server.URL
	t.Cleanup(f.server.Close)
	return f
}

// Channel is an X channel whose credentials and base_url point at the fake.
func (f *FakeX) Channel() channels.Channel {
	return channels.Channel{ID: "twitter-test", Type: channels.TypeTwitter,
		Credentials: map[string]string{"consumer_secret": ConsumerSecret, "access_token": XAccessToken},
		Settings:    map[string]any{"base_url": f.URL, "account_id": XUserID}}
}

// SetClock makes rate-limit resets count from the clock's time rather than the wall clock's.
func (f *FakeX) SetClock(c engine.Clock) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.clock = c
}

// RequireToken makes the fake answer 401 unless the request has Authorization: Bearer token.
func (f *FakeX) RequireToken(token string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.token = token
}

// Requests returns a copy of the requests received so far, in order.
func (f *FakeX) Requests() []Request { return f.rec.snapshot() }

// Sent returns what the fake accepted so far (reply tweets and DMs), oldest first. The fake
// sends no account activity events for them.
func (f *FakeX) Sent() []Sent { return f.ledger.snapshot() }

// Reset forgets the requests received, what was accepted, the failures still queued and the
// switches, and refills the rate limit.
func (f *FakeX) Reset() {
	f.rec.reset()
	f.ledger.reset()
	f.misbehaviour.reset()
	f.mu.Lock()
	f.remaining = xLimit
	f.mu.Unlock()
}

// FailNext makes the next times requests answer an HTTP status with X's problem body; a 429
// says the limit resets in 15 minutes.
func (f *FakeX) FailNext(status, times int) {
	if status == http.StatusTooManyRequests {
		f.FailNextRateLimited(f.now().Add(15*time.Minute), times)
		return
	}
	f.rec.fail(Failure{Status: status, Header: f.limitHeader(f.left(), f.now().Add(15*time.Minute)), Body: xProblemBody(status)}, times)
}

// FailNextRateLimited makes the next times requests answer 429 with the limit resetting at reset.
func (f *FakeX) FailNextRateLimited(reset time.Time, times int) {
	f.rec.fail(Failure{Status: http.StatusTooManyRequests, Header: f.limitHeader(0, reset), Body: xProblemBody(http.StatusTooManyRequests)}, times)
}

func xProblemBody(status int) []byte {
	p := map[string]any{"title": http.StatusText(status), "detail": http.StatusText(status), "type": "about:blank", "status": status}
	switch status {
	case http.StatusBadRequest:
		p = map[string]any{"title": "Invalid Request", "detail": "One or more parameters to your request was invalid.",
			"type":   "https://api.twitter.com/2/problems/invalid-request",
			"errors": []any{map[string]any{"message": "The `text` field is invalid."}}}
	case http.StatusUnauthorized:
		p["detail"] = "Unauthorized"
	case http.StatusForbidden:
		p["detail"] = "You are not permitted to perform this action."
	case http.StatusTooManyRequests:
		p["detail"] = "Too Many Requests"
	}
	return mustJSON(p)
}

func (f *FakeX) now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.clock != nil {
		return f.clock.Now()
	}
	return time.Now()
}

func (f *FakeX) left() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.remaining
}

func (f *FakeX) limitHeader(remaining int, reset time.Time) http.Header {
	return http.Header{
		"X-Rate-Limit-Limit":     {strconv.Itoa(xLimit)},
		"X-Rate-Limit-Remaining": {strconv.Itoa(remaining)},
		"X-Rate-Limit-Reset":     {strconv.FormatInt(reset.Unix(), 10)},
	}
}

func (f *FakeX) serve(w http.ResponseWriter, r *http.Request) {
	rec, fail := f.rec.record(r)
	if fail != nil {
		f.rec.write(w, fail.Status, fail.Header, fail.Body)
		return
	}
	f.mu.Lock()
	token := f.token
	f.seq++
	n := f.seq
	if f.remaining > 0 {
		f.remaining--
	}
	remaining := f.remaining
	f.mu.Unlock()
	header := f.limitHeader(remaining, f.now().Add(15*time.Minute))
	if token != "" && r.Header.Get("Authorization") != "Bearer "+token {
		f.rec.write(w, http.StatusUnauthorized, header, xProblemBody(http.StatusUnauthorized))
		return
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if r.Method == http.MethodGet {
		status, body := f.read(parts, rec.Query)
		f.rec.write(w, status, header, mustJSON(body))
		return
	}
	status, body := f.route(r.Method, parts, rec.Body, n)
	if status != http.StatusCreated {
		f.rec.write(w, status, header, mustJSON(body))
		return
	}
	f.deliver(w, r, func() { f.rec.write(w, status, header, mustJSON(body)) })
}

func (f *FakeX) route(method string, parts []string, body map[string]any, n int) (int, any) {
	invalid := func(detail string) (int, any) {
		return http.StatusBadRequest, map[string]any{"title": "Invalid Request", "detail": detail,
			"type": "https://api.twitter.com/2/problems/invalid-request"}
	}
	id := strconv.FormatInt(1811000000000090000+int64(n), 10)
	switch {
	case method != http.MethodPost:
	case len(parts) == 2 && parts[0] == "2" && parts[1] == "tweets":
		if str(body, "text") == "" && obj(body, "media") == nil {
			return invalid("The `text` field is required when no media is attached.")
		}
		if reply := obj(body, "reply"); body["reply"] != nil && str(reply, "in_reply_to_tweet_id") == "" {
			return invalid("The `reply.in_reply_to_tweet_id` field is required.")
		}
		f.ledger.add(Sent{ID: id, Kind: "tweet", Parent: str(obj(body, "reply"), "in_reply_to_tweet_id"), From: XUserID,
			Text: str(body, "text"), At: f.now()})
		return http.StatusCreated, map[string]any{"data": map[string]any{"id": id, "text": str(body, "text"), "edit_history_tweet_ids": []string{id}}}
	case len(parts) == 5 && parts[0] == "2" && parts[1] == "dm_conversations" && parts[2] == "with" && parts[4] == "messages":
		if str(body, "text") == "" && body["attachments"] == nil {
			return invalid("The `text` field is required when no attachments are given.")
		}
		f.ledger.add(Sent{ID: id, Kind: "dm", Parent: parts[3], From: XUserID, Text: str(body, "text"), At: f.now()})
		pair := []string{XUserID, parts[3]}
		sort.Strings(pair)
		return http.StatusCreated, map[string]any{"data": map[string]any{"dm_conversation_id": pair[0] + "-" + pair[1], "dm_event_id": id}}
	case len(parts) == 4 && parts[0] == "2" && parts[1] == "users" && (parts[3] == "likes" || parts[3] == "retweets"):
		if str(body, "tweet_id") == "" {
			return invalid("The `tweet_id` field is required.")
		}
		if parts[3] == "likes" {
			return http.StatusOK, map[string]any{"data": map[string]any{"liked": true}}
		}
		return http.StatusOK, map[string]any{"data": map[string]any{"retweeted": true, "rest_id": id}}
	}
	return http.StatusNotFound, map[string]any{"title": "Not Found Error", "type": "https://api.twitter.com/2/problems/resource-not-found",
		"detail": fmt.Sprintf("no route for %s /%s", method, strings.Join(parts, "/"))}
}
