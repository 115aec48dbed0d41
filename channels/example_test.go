package channels_test

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/switchboardhq/switchboard/channels"
)

// A webhook handler checks the signature over the raw body, keeps the body, answers 200, and
// parses it afterwards; each event's key deduplicates retries.
func ExampleParse() {
	ch := channels.Channel{ID: "fb-1", Type: channels.TypeFacebook,
		Credentials: map[string]string{"app_secret": "switchboard-test-app-secret"}}
	body := []byte(`{"object":"page","entry":[{"id":"104857600000001","time":1763722801500,"messaging":[` +
		`{"sender":{"id":"PSID-8801"},"recipient":{"id":"104857600000001"},"timestamp":1763722801400,"message":{"mid":"m_AbC123","text":"Hola"}},` +
		`{"sender":{"id":"PSID-8801"},"recipient":{"id":"104857600000001"},"timestamp":1763722803100,"read":{"watermark":1763722802800}}]}]}`)
	header := http.Header{"X-Hub-Signature-256": {channels.SignHex("switchboard-test-app-secret", body)}}

	if err := channels.VerifySignature(ch, header.Get, body); err != nil {
		fmt.Println("refused:", err)
		return
	}
	events, err := channels.Parse(ch, body)
	if err != nil {
		fmt.Println(err)
	}
	for _, e := range events {
		switch e.Kind {
		case channels.EventInbound:
			fmt.Printf("%s %s from %s: %q\n", e.Key, e.Interaction.Kind, e.Customer, e.Interaction.Text)
		case channels.EventWatermark:
			fmt.Printf("%s read up to %s\n", e.Key, e.Watermark.Format("15:04:05.000"))
		}
	}
	// Output:
	// m_AbC123 message from PSID-8801: "Hola"
	// read:PSID-8801:1763722802800 read up to 11:00:02.800
}

// Meta verifies a callback URL with a GET before it sends anything to it.
func ExampleHandshake() {
	ch := channels.Channel{ID: "fb-1", Type: channels.TypeFacebook, Credentials: map[string]string{"verify_token": "switchboard-verify"}}
	q := url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {"switchboard-verify"}, "hub.challenge": {"1158201444"}}
	status, contentType, body := channels.Handshake(ch, q.Get)
	fmt.Println(status, contentType, string(body))
	// Output: 200 text/plain 1158201444
}
