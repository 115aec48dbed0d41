package channels

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/sim"
)

// webchatKind is what a web chat interaction's kind looks like: a generic JSON channel takes any
// kind its senders use (message, review, order...), which flows read as interaction.kind.
var webchatKind = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// parseWebchat reads an interaction as `switchboard run` takes it. Its key is its id, or the
// body's SHA-256 when it has none.
func parseWebchat(ch Channel, body []byte) ([]Event, error) {
	var probe json.RawMessage
	if err := decodeObject(body, &probe); err != nil {
		return nil, fmt.Errorf("webchat payload: %w", err)
	}
	in, err := sim.DecodeInteraction(body)
	if err != nil {
		return nil, fmt.Errorf("webchat payload: %w", describe(err))
	}
	in.Channel, in.ChannelID = TypeWebchat, ch.ID
	if in.Kind == "" {
		in.Kind = "message"
	}
	if !webchatKind.MatchString(in.Kind) {
		return nil, fmt.Errorf("webchat payload: kind %q must be a lower-case word such as message or review", in.Kind)
	}
	if in.Author.ID == "" {
		return nil, errors.New("webchat payload: author.id is missing: the visitor must be named")
	}
	key := in.ID
	if key == "" {
		sum := sha256.Sum256(body)
		key = "sha256:" + hex.EncodeToString(sum[:])
		in.ID = key
	}
	if in.Thread == "" {
		in.Thread = in.Author.ID
	}
	return []Event{{Kind: EventInbound, Key: key, Interaction: in, Customer: in.Author.ID}}, nil
}

// sendWebchat POSTs the action as JSON to the channel's callback_url, signed like inbound
// requests when the channel has a secret, with the action id as the Idempotency-Key. A channel
// without a callback_url is polled by its widget: nothing to send.
func (c *Client) sendWebchat(ctx context.Context, ch Channel, a *engine.Action) (Result, error) {
	if a.Type != engine.ActionReply {
		return Result{}, refuse(ClassFatal, "web chat has no %s; only replies", a.Type)
	}
	if a.Visibility == "public" {
		return Result{}, refuse(ClassFatal, "web chat has no public replies")
	}
	callback := ch.setting("callback_url")
	if callback == "" {
		return Result{ExternalID: a.ID}, nil
	}
	body, err := json.Marshal(a)
	if err != nil {
		return Result{}, refuse(ClassFatal, "encoding the action: %v", err)
	}
	header := http.Header{"Content-Type": {"application/json"}}
	if a.ID != "" {
		header.Set("Idempotency-Key", a.ID)
	}
	if secret := ch.credential("secret"); secret != "" {
		header.Set(HeaderWebchatSignature, SignHex(secret, body))
	}
	resp, err := c.do(ctx, http.MethodPost, callback, header, body)
	if err != nil {
		return Result{}, err
	}
	if resp.status/100 != 2 {
		return Result{}, classifyHTTP(resp, c.now())
	}
	var answer struct {
		ID id `json:"id"`
	}
	_ = json.Unmarshal(resp.body, &answer) // the callback need not answer anything
	res := Result{ExternalID: string(answer.ID)}
	if res.ExternalID == "" {
		res.ExternalID = a.ID
	}
	return res, nil
}
