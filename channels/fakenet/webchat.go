package fakenet

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/switchboardhq/switchboard/channels"
)

// WebchatSecret is the secret the fake's web chat channel signs with.
const WebchatSecret = "switchboard-test-webchat-secret"

// FakeWebchat stands in for a web chat's callback_url: it records the replies POSTed to it and
// answers 200.
type FakeWebchat struct {
	// URL is the callback URL.
	URL    string
	server *httptest.Server
	rec    recorder
	misbehaviour
}

// NewFakeWebchat starts a fake web chat callback, closed when the test ends.
func NewFakeWebchat(t testing.TB) *FakeWebchat {
	f := &FakeWebchat{}
	f.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, fail := f.rec.record(r); fail != nil {
			f.rec.write(w, fail.Status, fail.Header, fail.Body)
			return
		}
		f.deliver(w, r, func() { f.rec.write(w, http.StatusOK, nil, []byte(`{"received":true}`)) })
	}))
	f.URL = f.server.URL
	t.Cleanup(f.server.Close)
	return f
}

// Channel is a web chat channel that signs with WebchatSecret and POSTs replies to the fake.
func (f *FakeWebchat) Channel() channels.Channel {
	return channels.Channel{ID: "webchat-test", Type: channels.TypeWebchat,
		Credentials: map[string]string{"secret": WebchatSecret},
		Settings:    map[string]any{"callback_url": f.URL}}
}

// Requests returns a copy of the requests received so far, in order.
func (f *FakeWebchat) Requests() []Request { return f.rec.snapshot() }

// Reset forgets the requests received, the failures still queued and the switches.
func (f *FakeWebchat) Reset() {
	f.rec.reset()
	f.misbehaviour.reset()
}

// FailNextStatus makes the next times requests answer an HTTP status.
func (f *FakeWebchat) FailNextStatus(status, times int) {
	f.rec.fail(Failure{Status: status, Body: []byte(http.StatusText(status))}, times)
}
