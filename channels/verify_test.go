package channels_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/channels"
	"github.com/switchboardhq/switchboard/channels/fakenet"
)

func signatureHeader(ch channels.Channel) string {
	if ch.Type == channels.TypeTwitter {
		return channels.HeaderXSignature
	}
	return channels.HeaderMetaSignature
}

func TestFixtureSignaturesVerify(t *testing.T) {
	t.Parallel()
	for _, name := range fixtureNames(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			body := fixture(t, name)
			sig := string(fixture(t, strings.TrimSuffix(name, ".json")+".sig"))
			ch := fixtureChannel(name)
			hdr := signatureHeader(ch)

			require.NoError(t, channels.VerifySignature(ch, headers(hdr, sig), body))
			// net/http canonicalises names; X sends its header in lower case.
			require.NoError(t, channels.VerifySignature(ch, http.Header{http.CanonicalHeaderKey(hdr): {sig}}.Get, body))
			require.NoError(t, channels.VerifySignature(ch, headers(strings.ToLower(hdr), sig), body))

			for _, i := range []int{0, len(body) / 2, len(body) - 1} {
				changed := bytes.Clone(body)
				changed[i] ^= 0x01
				require.ErrorIs(t, channels.VerifySignature(ch, headers(hdr, sig), changed), channels.ErrBadSignature,
					"byte %d changed", i)
			}
			require.ErrorIs(t, channels.VerifySignature(ch, headers(hdr, sig), append(bytes.Clone(body), '\n')), channels.ErrBadSignature,
				"a trailing newline")
			require.ErrorIs(t, channels.VerifySignature(ch, headers(), body), channels.ErrNoSignature)
			require.ErrorIs(t, channels.VerifySignature(ch, nil, body), channels.ErrNoSignature)

			wrong := ch
			wrong.Credentials = map[string]string{"app_secret": "other", "consumer_secret": "other"}
			require.ErrorIs(t, channels.VerifySignature(wrong, headers(hdr, sig), body), channels.ErrBadSignature)
		})
	}
}

// TestSignatureOverReserialisedBody shows why the signature is checked before parsing: the
// same JSON written again without Meta's \u00bf escape is other bytes.
func TestSignatureOverReserialisedBody(t *testing.T) {
	t.Parallel()
	body := fixture(t, "facebook-feed-comment.json")
	require.Contains(t, string(body), `\u00bf`, "the fixture keeps Meta's escape")
	sig := string(fixture(t, "facebook-feed-comment.sig"))
	ch := fixtureChannel("facebook")

	var v any
	require.NoError(t, json.Unmarshal(body, &v))
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	require.NoError(t, enc.Encode(v))
	again := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	require.Contains(t, string(again), "¿")

	require.ErrorIs(t, channels.VerifySignature(ch, headers(channels.HeaderMetaSignature, sig), again), channels.ErrBadSignature)
	require.NoError(t, channels.VerifySignature(ch, headers(channels.HeaderMetaSignature, sig), body))
}

func TestVerifySignatureRejects(t *testing.T) {
	t.Parallel()
	body := fixture(t, "facebook-messenger-batch.json")
	fb := fixtureChannel("facebook")
	good := string(fixture(t, "facebook-messenger-batch.sig"))
	tests := []struct {
		name   string
		ch     channels.Channel
		header func(string) string
		want   error
	}{
		{"sha1 only", fb, headers("X-Hub-Signature", "sha1=0123456789abcdef0123456789abcdef01234567"), channels.ErrNoSignature},
		{"no algorithm", fb, headers(channels.HeaderMetaSignature, strings.TrimPrefix(good, "sha256=")), channels.ErrBadSignature},
		{"sha1 in the sha256 header", fb, headers(channels.HeaderMetaSignature, "sha1="+strings.TrimPrefix(good, "sha256=")), channels.ErrBadSignature},
		{"not hex", fb, headers(channels.HeaderMetaSignature, "sha256=zz"), channels.ErrBadSignature},
		{"truncated", fb, headers(channels.HeaderMetaSignature, good[:len(good)-2]), channels.ErrBadSignature},
		{"no app secret", channels.Channel{ID: "fb", Type: channels.TypeFacebook}, headers(channels.HeaderMetaSignature, good), channels.ErrBadSignature},
		{"unknown type", channels.Channel{ID: "zz", Type: "myspace"}, headers(channels.HeaderMetaSignature, good), channels.ErrBadSignature},
		{"x signature as hex", fixtureChannel("x-"), headers(channels.HeaderXSignature, channels.SignHex(fakenet.ConsumerSecret, body)), channels.ErrBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.ErrorIs(t, channels.VerifySignature(tt.ch, tt.header, body), tt.want)
		})
	}
	require.NoError(t, channels.VerifySignature(fb, headers(channels.HeaderMetaSignature, strings.ToUpper(good[:7])+strings.ToUpper(good[7:])), body),
		"upper-case hex is the same signature")
}

func TestVerifySignatureWebchat(t *testing.T) {
	t.Parallel()
	body := []byte(`{"id":"w-1","text":"hola","author":{"id":"visitor-9"}}`)
	open := channels.Channel{ID: "wc", Type: channels.TypeWebchat}
	require.NoError(t, channels.VerifySignature(open, headers(), body), "a web chat without a secret takes unsigned posts")

	signed := channels.Channel{ID: "wc", Type: channels.TypeWebchat, Credentials: map[string]string{"secret": "s3cret"}}
	sig := channels.SignHex("s3cret", body)
	require.NoError(t, channels.VerifySignature(signed, headers(channels.HeaderWebchatSignature, sig), body))
	require.ErrorIs(t, channels.VerifySignature(signed, headers(), body), channels.ErrNoSignature)
	require.ErrorIs(t, channels.VerifySignature(signed, headers(channels.HeaderWebchatSignature, channels.SignHex("other", body)), body), channels.ErrBadSignature)
}

func TestMetaHandshake(t *testing.T) {
	t.Parallel()
	for _, ch := range []channels.Channel{fixtureChannel("facebook"), fixtureChannel("instagram")} {
		t.Run(ch.Type, func(t *testing.T) {
			tests := []struct {
				name   string
				query  string
				status int
				body   string
			}{
				{"subscribe", "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=switchboard-verify", 200, "1158201444"},
				{"challenge kept exactly", "hub.mode=subscribe&hub.challenge=" + url.QueryEscape("abc 123=+") + "&hub.verify_token=switchboard-verify", 200, "abc 123=+"},
				{"wrong token", "hub.mode=subscribe&hub.challenge=1&hub.verify_token=nope", 403, ""},
				{"empty token", "hub.mode=subscribe&hub.challenge=1&hub.verify_token=", 403, ""},
				{"wrong mode", "hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=switchboard-verify", 403, ""},
				{"no challenge", "hub.mode=subscribe&hub.verify_token=switchboard-verify", 400, ""},
				{"not a handshake", "", 400, ""},
				{"crc to meta", "crc_token=abc", 400, ""},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					q, err := url.ParseQuery(tt.query)
					require.NoError(t, err)
					status, ct, body := channels.Handshake(ch, q.Get)
					require.Equal(t, tt.status, status, "body: %s", body)
					require.Equal(t, "text/plain", ct)
					if tt.status == 200 {
						require.Equal(t, tt.body, string(body))
					}
				})
			}
		})
	}
	noToken := channels.Channel{ID: "fb", Type: channels.TypeFacebook}
	status, _, _ := channels.Handshake(noToken, url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {""}, "hub.challenge": {"1"}}.Get)
	require.Equal(t, 403, status, "a channel without a verify token verifies nothing, not even an empty token")
}

func TestXHandshake(t *testing.T) {
	t.Parallel()
	ch := fixtureChannel("x-")
	status, ct, body := channels.Handshake(ch, url.Values{"crc_token": {"challenge-token-1"}}.Get)
	require.Equal(t, 200, status)
	require.Equal(t, "application/json", ct)
	var answer map[string]string
	require.NoError(t, json.Unmarshal(body, &answer))
	h := hmac.New(sha256.New, []byte(fakenet.ConsumerSecret))
	h.Write([]byte("challenge-token-1"))
	require.Equal(t, map[string]string{"response_token": "sha256=" + base64.StdEncoding.EncodeToString(h.Sum(nil))}, answer)
	require.Regexp(t, `^sha256=[A-Za-z0-9+/]{43}=$`, answer["response_token"])

	status, _, _ = channels.Handshake(ch, url.Values{}.Get)
	require.Equal(t, 400, status)
	status, _, _ = channels.Handshake(channels.Channel{ID: "x", Type: channels.TypeTwitter}, url.Values{"crc_token": {"t"}}.Get)
	require.Equal(t, 403, status)
	status, _, _ = channels.Handshake(channels.Channel{ID: "w", Type: channels.TypeWebchat}, url.Values{"crc_token": {"t"}}.Get)
	require.Equal(t, 400, status)
	status, _, _ = channels.Handshake(ch, nil)
	require.Equal(t, 400, status)
}

// TestSignMatchesFixtures checks the signing helpers against the fixtures' own signatures.
func TestSignMatchesFixtures(t *testing.T) {
	t.Parallel()
	require.Equal(t, string(fixture(t, "facebook-feed-comment.sig")),
		channels.SignHex(fakenet.AppSecret, fixture(t, "facebook-feed-comment.json")))
	require.Equal(t, string(fixture(t, "x-mention.sig")),
		channels.SignBase64(fakenet.ConsumerSecret, fixture(t, "x-mention.json")))
}
