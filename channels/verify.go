package channels

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Signature errors: answer ErrNoSignature with 401 and ErrBadSignature with 403, and store nothing.
var (
	ErrNoSignature  = errors.New("no signature")
	ErrBadSignature = errors.New("bad signature")
)

// The signature headers.
const (
	HeaderMetaSignature    = "X-Hub-Signature-256"
	HeaderXSignature       = "X-Twitter-Webhooks-Signature"
	HeaderWebchatSignature = "X-Switchboard-Signature"
)

// VerifySignature checks a POST's signature over the exact raw body, in constant time, before
// any parsing: Meta's X-Hub-Signature-256 "sha256=<hex>" with the app_secret, X's
// x-twitter-webhooks-signature "sha256=<base64>" with the consumer_secret, and web chat's
// X-Switchboard-Signature "sha256=<hex>" with the secret, only when the channel has one.
// A channel without the secret to check with fails closed, with ErrBadSignature.
func VerifySignature(ch Channel, header func(string) string, body []byte) error {
	var name, secretName string
	var decode func(string) ([]byte, error)
	switch ch.Type {
	case TypeFacebook, TypeInstagram:
		name, secretName, decode = HeaderMetaSignature, "app_secret", hex.DecodeString
	case TypeTwitter:
		name, secretName, decode = HeaderXSignature, "consumer_secret", base64.StdEncoding.DecodeString
	case TypeWebchat:
		if ch.credential("secret") == "" {
			return nil
		}
		name, secretName, decode = HeaderWebchatSignature, "secret", hex.DecodeString
	default:
		return fmt.Errorf("%w: %w", ErrBadSignature, unknownType(ch))
	}
	secret := ch.credential(secretName)
	if secret == "" {
		return fmt.Errorf("%w: channel %s has no %s to check it with", ErrBadSignature, ch.ID, secretName)
	}
	var got string
	if header != nil {
		got = strings.TrimSpace(header(name))
	}
	if got == "" {
		return fmt.Errorf("%w: the request has no %s header", ErrNoSignature, name)
	}
	algo, value, ok := strings.Cut(got, "=")
	if !ok || !strings.EqualFold(algo, "sha256") {
		return fmt.Errorf("%w: %s is not of the form sha256=<signature>", ErrBadSignature, name)
	}
	sig, err := decode(value)
	if err != nil {
		return fmt.Errorf("%w: %s does not decode: %v", ErrBadSignature, name, err)
	}
	if !hmac.Equal(sig, mac(secret, body)) {
		return fmt.Errorf("%w: %s does not match the body", ErrBadSignature, name)
	}
	return nil
}

// mac is HMAC-SHA256 of data with the key.
func mac(key string, data []byte) []byte {
	h := hmac.New(sha256.New, []byte(key))
	h.Write(data)
	return h.Sum(nil)
}

// SignHex is the signature header value Meta and web chat send for a body: "sha256=" and the
// lowercase hex HMAC-SHA256 of the body with the secret.
func SignHex(secret string, body []byte) string {
	return "sha256=" + hex.EncodeToString(mac(secret, body))
}

// SignBase64 is the signature header value X sends for a body (and its CRC response token):
// "sha256=" and the base64 HMAC-SHA256 of the body with the secret.
func SignBase64(secret string, body []byte) string {
	return "sha256=" + base64.StdEncoding.EncodeToString(mac(secret, body))
}

// Handshake answers a network's verification GET. Meta's hub.mode=subscribe with the right
// hub.verify_token gets 200 and the hub.challenge exactly, as text/plain; X's crc_token gets
// 200 and {"response_token": "sha256=<base64 HMAC>"}, as application/json. A request that is
// not a handshake gets 400; a wrong token, or a channel without the secret to answer with, 403.
func Handshake(ch Channel, query func(string) string) (status int, contentType string, body []byte) {
	q := func(name string) string {
		if query == nil {
			return ""
		}
		return query(name)
	}
	switch ch.Type {
	case TypeFacebook, TypeInstagram:
		mode, token, challenge := q("hub.mode"), q("hub.verify_token"), q("hub.challenge")
		want := ch.credential("verify_token")
		switch {
		case mode == "" && token == "":
			return plain(http.StatusBadRequest, "not a verification request: hub.mode and hub.verify_token are missing")
		case mode != "subscribe":
			return plain(http.StatusForbidden, "hub.mode must be subscribe")
		case want == "":
			return plain(http.StatusForbidden, "the channel has no verify_token")
		case subtle.ConstantTimeCompare([]byte(token), []byte(want)) != 1:
			return plain(http.StatusForbidden, "hub.verify_token does not match")
		case challenge == "":
			return plain(http.StatusBadRequest, "hub.challenge is missing")
		}
		return http.StatusOK, "text/plain", []byte(challenge)
	case TypeTwitter:
		token := q("crc_token")
		secret := ch.credential("consumer_secret")
		switch {
		case token == "":
			return plain(http.StatusBadRequest, "not a CRC request: crc_token is missing")
		case secret == "":
			return plain(http.StatusForbidden, "the channel has no consumer_secret")
		}
		b, _ := json.Marshal(map[string]string{"response_token": SignBase64(secret, []byte(token))})
		return http.StatusOK, "application/json", b
	case TypeWebchat:
		return plain(http.StatusBadRequest, "web chat has no verification handshake")
	}
	return plain(http.StatusBadRequest, unknownType(ch).Error())
}

func plain(status int, msg string) (int, string, []byte) {
	return status, "text/plain", []byte(msg)
}
