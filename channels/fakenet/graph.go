package fakenet

import (
	"cmp"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard/channels"
	"github.com/switchboardhq/switchboard/engine"
)

// Test credentials and ids, the same as the webhook fixtures'.
const (
	AppSecret       = "switchboard-test-app-secret"
	VerifyToken     = "switchboard-verify"
	PageAccessToken = "test-page-access-token"
	IGAccessToken   = "test-ig-access-token"
	PageID          = "104857600000001"
	IGAccountID     = "17841400000000001"
)

// GraphVersion is the API version the fake's channels put in their base_url.
const GraphVersion = "v21.0"

// FakeGraph is a fake Graph API: Messenger and Instagram messages, private replies, comments,
// replies, mentions, likes and hides.
type FakeGraph struct {
	// URL is the server's root; channels use URL + "/v21.0" as base_url (any version prefix,
	// or none, is accepted).
	URL    string
	server *httptest.Server
	rec    recorder
	ledger ledger
	misbehaviour
	profiles profiles

	mu        sync.Mutex
	seq       int
	tokens    []string
	appSecret string
	clock     engine.Clock
}

// NewFakeGraph starts a fake Graph API, closed when the test ends.
func NewFakeGraph(t testing.TB) *FakeGraph {
	f := &FakeGraph{}
	f.server = httptest.NewServer(http.HandlerFunc(f.serve))
	f.URL = f.server.URL
	t.Cleanup(f.server.Close)
	return f
}

// FacebookChannel is a Facebook channel whose credentials and base_url point at the fake.
func (f *FakeGraph) FacebookChannel() channels.Channel {
	return channels.Channel{ID: "facebook-test", Type: channels.TypeFacebook,
		Credentials: map[string]string{"app_secret": AppSecret, "page_access_token": PageAccessToken, "verify_token": VerifyToken},
		Settings:    map[string]any{"base_url": f.URL + "/" + GraphVersion, "account_id": PageID}}
}

// InstagramChannel is an Instagram channel whose credentials and base_url point at the fake.
func (f *FakeGraph) InstagramChannel() channels.Channel {
	return channels.Channel{ID: "instagram-test", Type: channels.TypeInstagram,
		Credentials: map[string]string{"app_secret": AppSecret, "access_token": IGAccessToken, "verify_token": VerifyToken},
		Settings:    map[string]any{"base_url": f.URL + "/" + GraphVersion, "account_id": IGAccountID}}
}

// RequireToken makes the fake check, as Graph does, that access_token is one of the tokens
// (code 104 when missing, 190 when wrong) and, when appSecret is not empty, that
// appsecret_proof matches it (code 100 when missing or wrong).
func (f *FakeGraph) RequireToken(appSecret string, tokens ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.appSecret, f.tokens = appSecret, tokens
}

// Requests returns a copy of the requests received so far, in order.
func (f *FakeGraph) Requests() []Request { return f.rec.snapshot() }

// Reset forgets the requests received, what was accepted, the failures still queued and the
// switches.
func (f *FakeGraph) Reset() {
	f.rec.reset()
	f.ledger.reset()
	f.misbehaviour.reset()
	f.profiles.reset()
}

// Sent returns what the fake accepted so far (messages, comments, replies), oldest first. The
// fake sends no echoes: a sender learns of what it sent from the answer, or by reading back.
func (f *FakeGraph) Sent() []Sent { return f.ledger.snapshot() }

// SetClock makes the fake stamp what it accepts with the clock's time rather than the wall
// clock's.
func (f *FakeGraph) SetClock(c engine.Clock) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.clock = c
}

func (f *FakeGraph) now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.clock != nil {
		return f.clock.Now()
	}
	return time.Now()
}

// SetHeader sets a header on every answer, such as X-App-Usage or X-Business-Use-Case-Usage.
func (f *FakeGraph) SetHeader(name, value string) { f.rec.setHeader(name, value) }

// FailNext makes the next times requests answer Graph's error envelope with a code and
// subcode (0 for none), with the HTTP status and message Graph gives for that code.
func (f *FakeGraph) FailNext(code, subcode, times int) {
	status, typ, msg := graphFailure(code, subcode)
	f.FailNextWith(GraphError{Status: status, Code: code, Subcode: subcode, Type: typ, Message: msg}, times)
}

// GraphError is an error answer of the Graph API.
type GraphError struct {
	Status        int
	Code, Subcode int
	Type, Message string
	IsTransient   bool
	// Header is sent with the answer (Retry-After, X-Business-Use-Case-Usage).
	Header http.Header
}

// FailNextWith makes the next times requests answer with an error envelope in full.
func (f *FakeGraph) FailNextWith(e GraphError, times int) {
	f.rec.fail(Failure{Status: e.Status, Header: e.Header, Body: graphErrorBody(e)}, times)
}

// FailNextStatus makes the next times requests answer an HTTP status with a body that is not
// Graph's envelope, as a proxy in front of it might.
func (f *FakeGraph) FailNextStatus(status, times int) {
	f.rec.fail(Failure{Status: status, Header: http.Header{"Content-Type": {"text/html"}},
		Body: []byte("<html><body>" + http.StatusText(status) + "</body></html>")}, times)
}

// graphFailure is the status, type and message Graph gives with an error code.
func graphFailure(code, subcode int) (int, string, string) {
	switch {
	case code == 1:
		return 500, "OAuthException", "An unknown error occurred"
	case code == 2:
		return 503, "OAuthException", "An unexpected error has occurred. Please retry your request later."
	case code == 4:
		return 403, "OAuthException", "(#4) Application request limit reached"
	case code == 10 && subcode == 2018278:
		return 400, "OAuthException", "(#10) This message is sent outside of allowed window."
	case code == 10:
		return 403, "OAuthException", "(#10) Application does not have permission for this action"
	case code == 17:
		return 403, "OAuthException", "(#17) User request limit reached"
	case code == 32:
		return 403, "OAuthException", "(#32) Page request limit reached"
	case code == 100 && subcode == 2018218:
		return 400, "OAuthException", "No profile available for this user."
	case code == 100:
		return 400, "OAuthException", "(#100) Invalid parameter"
	case code == 190:
		return 400, "OAuthException", "Error validating access token: Session has expired."
	case code == 230:
		return 400, "OAuthException", "User consent is required to access user profile"
	case code == 368:
		return 400, "OAuthException", "(#368) The action attempted has been deemed abusive or is otherwise disallowed"
	case code == 506:
		return 400, "OAuthException", "(#506) Duplicate status message"
	case code == 551:
		return 400, "OAuthException", "(#551) This person isn't available right now."
	case code == 613:
		return 400, "OAuthException", "(#613) Calls to this api have exceeded the rate limit."
	case code == 1200:
		return 500, "OAuthException", "(#1200) Temporary send message failure. Please try again later"
	case code >= 80000 && code <= 80014:
		return 400, "OAuthException", fmt.Sprintf("(#%d) There have been too many calls for this account. Wait a bit and try again.", code)
	case code >= 200 && code <= 299:
		return 403, "OAuthException", fmt.Sprintf("(#%d) Requires permission", code)
	}
	return 400, "OAuthException", fmt.Sprintf("(#%d) Error", code)
}

var graphVersion = regexp.MustCompile(`^/v\d+\.\d+`)

func (f *FakeGraph) serve(w http.ResponseWriter, r *http.Request) {
	if parts := strings.Split(strings.Trim(graphVersion.ReplaceAllString(r.URL.Path, ""), "/"), "/"); isProfileRead(r, parts) {
		f.serveProfile(w, r, parts[0])
		return
	}
	rec, fail := f.rec.record(r)
	if fail != nil {
		f.rec.write(w, fail.Status, fail.Header, fail.Body)
		return
	}
	if status, e := f.checkToken(rec); e != nil {
		f.rec.write(w, status, nil, e)
		return
	}
	path := strings.Trim(graphVersion.ReplaceAllString(r.URL.Path, ""), "/")
	parts := strings.Split(path, "/")
	if r.Method == http.MethodGet {
		status, body := f.read(parts, rec.Query)
		f.rec.write(w, status, nil, mustJSON(body))
		return
	}
	status, body := f.route(r.Method, parts, rec.Body, f.from(rec.Query.Get("access_token")))
	if r.Method != http.MethodPost || status != http.StatusOK {
		f.rec.write(w, status, nil, mustJSON(body))
		return
	}
	f.deliver(w, r, func() { f.rec.write(w, status, nil, mustJSON(body)) })
}

// from is the account a token belongs to: the Instagram account for the Instagram token, else
// the page.
func (f *FakeGraph) from(token string) string {
	if token == IGAccessToken {
		return IGAccountID
	}
	return PageID
}

func (f *FakeGraph) checkToken(rec Request) (int, []byte) {
	f.mu.Lock()
	tokens, secret := f.tokens, f.appSecret
	f.mu.Unlock()
	token := rec.Query.Get("access_token")
	switch {
	case len(tokens) == 0:
		return 0, nil
	case token == "":
		return 400, graphError(104, "OAuthException", "An access token is required to request this resource.")
	case !slices.Contains(tokens, token):
		return 400, graphError(190, "OAuthException", "Invalid OAuth access token - Cannot parse access token")
	case secret == "":
		return 0, nil
	case rec.Query.Get("appsecret_proof") == "":
		return 400, graphError(100, "GraphMethodException", "API calls from the server require an appsecret_proof argument")
	case rec.Query.Get("appsecret_proof") != channels.AppSecretProof(secret, token):
		return 400, graphError(100, "GraphMethodException", "Invalid appsecret_proof provided in the API argument")
	}
	return 0, nil
}

func graphError(code int, typ, msg string) []byte {
	return mustJSON(map[string]any{"error": map[string]any{"message": msg, "type": typ, "code": code, "fbtrace_id": "AbCdEfGhIjK"}})
}

func (f *FakeGraph) next() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	return f.seq
}

func invalid(msg string) (int, any) {
	return 400, map[string]any{"error": map[string]any{"message": "(#100) " + msg, "type": "OAuthException", "code": 100, "fbtrace_id": "AbCdEfGhIjK"}}
}

func (f *FakeGraph) route(method string, parts []string, body map[string]any, from string) (int, any) {
	if len(parts) == 0 || parts[0] == "" {
		return invalid("Unsupported request: no object id")
	}
	object := parts[0]
	edge := ""
	if len(parts) > 1 {
		edge = parts[1]
	}
	if len(parts) > 2 {
		return invalid("Unknown path components: /" + strings.Join(parts[2:], "/"))
	}
	switch {
	case method == http.MethodPost && edge == "messages":
		return f.message(body, object, from)
	case method == http.MethodPost && edge == "comments":
		if str(body, "message") == "" && str(body, "attachment_url") == "" {
			return invalid("param message must be non-empty")
		}
		attachment := str(body, "attachment_url")
		if attachment != "" {
			if err := fetchImage(attachment); err != nil {
				return invalid("attachment_url: " + err.Error())
			}
		}
		prefix, _, _ := strings.Cut(object, "_")
		id := fmt.Sprintf("%s_%d", prefix, 880000+f.next())
		f.ledger.add(Sent{ID: id, Kind: "comment", Parent: object, From: from, Text: str(body, "message"), Attachment: attachment, At: f.now()})
		return 200, map[string]any{"id": id}
	case method == http.MethodPost && edge == "replies":
		if str(body, "message") == "" {
			return invalid("param message must be non-empty")
		}
		id := fmt.Sprintf("%d", 17900000000100000+f.next())
		f.ledger.add(Sent{ID: id, Kind: "reply", Parent: object, From: from, Text: str(body, "message"), At: f.now()})
		return 200, map[string]any{"id": id}
	case method == http.MethodPost && edge == "mentions":
		if str(body, "media_id") == "" || str(body, "message") == "" {
			return invalid("params media_id and message are required")
		}
		id := fmt.Sprintf("%d", 17900000000200000+f.next())
		parent := cmp.Or(str(body, "comment_id"), str(body, "media_id"))
		f.ledger.add(Sent{ID: id, Kind: "mention", Parent: parent, From: from, Text: str(body, "message"), At: f.now()})
		return 200, map[string]any{"id": id}
	case (method == http.MethodPost || method == http.MethodDelete) && edge == "likes":
		return 200, map[string]any{"success": true}
	case method == http.MethodPost && edge == "":
		if body["is_hidden"] == nil && body["hide"] == nil {
			return invalid("no field to update; pass is_hidden (Facebook) or hide (Instagram)")
		}
		return 200, map[string]any{"success": true}
	case method == http.MethodDelete && edge == "":
		return 200, map[string]any{"success": true}
	}
	return invalid(fmt.Sprintf("Unsupported %s request. Object with ID '%s' does not support this operation", strings.ToLower(method), object))
}

// message answers POST /{id}/messages as the Send API does, checking what it checks.
func (f *FakeGraph) message(body map[string]any, object, from string) (int, any) {
	recipient := obj(body, "recipient")
	message := obj(body, "message")
	switch {
	case recipient == nil:
		return invalid("param recipient must be non-empty.")
	case message == nil:
		return invalid("param message must be non-empty.")
	case str(message, "text") == "" && obj(message, "attachment") == nil:
		return invalid("Must send either message text or attachment")
	case str(message, "text") != "" && obj(message, "attachment") != nil:
		return invalid("Only one of text or attachment may be set")
	}
	switch mt := str(body, "messaging_type"); mt {
	case "", "RESPONSE", "UPDATE":
	case "MESSAGE_TAG":
		if str(body, "tag") == "" {
			return invalid("param tag must be set when messaging_type is MESSAGE_TAG")
		}
	default:
		return invalid("param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG}")
	}
	n := f.next()
	id := fmt.Sprintf("m_fake%06d", n)
	if object != "me" {
		from = object
	}
	sent := Sent{ID: id, Kind: "message", From: from, Text: str(message, "text"), Metadata: str(message, "metadata"), At: f.now()}
	sent.Attachment = str(obj(obj(message, "attachment"), "payload"), "url")
	if sent.Text == "" {
		sent.Text = sent.Attachment
	}
	to := str(recipient, "id")
	if to == "" {
		if ref := str(recipient, "user_ref"); ref != "" {
			// a send to a user_ref answers without the recipient's id
			sent.Parent = "user_ref:" + ref
			f.ledger.add(sent)
			return 200, map[string]any{"message_id": id}
		}
		if str(recipient, "comment_id") == "" && str(recipient, "post_id") == "" {
			return invalid("param recipient must have id, user_ref, comment_id or post_id")
		}
		to = fmt.Sprintf("PSID-%d", 9000+n)
	}
	sent.Parent = to
	f.ledger.add(sent)
	return 200, map[string]any{"recipient_id": to, "message_id": id}
}

// fetcher fetches the files of photo comments, as Graph does before it accepts one.
var fetcher = &http.Client{Timeout: 10 * time.Second}

// fetchImage fetches a photo comment's attachment_url and checks that an image is there.
func fetchImage(u string) error {
	resp, err := fetcher.Get(u)
	if err != nil {
		return fmt.Errorf("the URL could not be fetched: %v", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 8<<20))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("fetching the URL answered %d", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "image/") {
		return fmt.Errorf("the URL serves %q, not an image", ct)
	}
	return nil
}
