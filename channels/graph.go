package channels

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/engine"
)

// Graph API sends for Facebook pages and Instagram accounts (protocol §2, §3).

type graphMessage struct {
	Recipient     map[string]string `json:"recipient"`
	MessagingType string            `json:"messaging_type"`
	Tag           string            `json:"tag,omitempty"`
	Message       graphContent      `json:"message"`
}

type graphContent struct {
	Text       string           `json:"text,omitempty"`
	Attachment *graphAttachment `json:"attachment,omitempty"`
	Metadata   string           `json:"metadata,omitempty"`
}

type graphAttachment struct {
	Type    string `json:"type"`
	Payload struct {
		URL        string `json:"url"`
		IsReusable bool   `json:"is_reusable"`
	} `json:"payload"`
}

// graph makes Graph API calls for one channel.
type graph struct {
	c     *Client
	ch    Channel
	base  string
	query url.Values
}

// graphFor makes the Graph API calls of a channel with its token, and the appsecret_proof of
// its app secret when it has one.
func (c *Client) graphFor(ch Channel, token string) graph {
	g := graph{c: c, ch: ch, base: ch.baseURL(), query: url.Values{"access_token": {token}}}
	if secret := ch.credential("app_secret"); secret != "" {
		g.query.Set("appsecret_proof", AppSecretProof(secret, token))
	}
	return g
}

func (c *Client) sendGraph(ctx context.Context, ch Channel, a *engine.Action, sc SendContext) (Result, error) {
	token := ch.accessToken()
	if token == "" {
		name := "access_token"
		if ch.Type == TypeFacebook {
			name = "page_access_token"
		}
		return Result{}, refuse(ClassReauth, "channel %s has no %s", ch.ID, name)
	}
	g := c.graphFor(ch, token)
	ig := ch.Type == TypeInstagram
	switch a.Type {
	case engine.ActionLike:
		if ig {
			return Result{}, refuse(ClassFatal, "Instagram has no likes through the API")
		}
		if a.Target == "" {
			return Result{}, refuse(ClassFatal, "a like needs a target")
		}
		return g.post(ctx, "/"+url.PathEscape(a.Target)+"/likes", nil, nil)
	case engine.ActionHide, engine.ActionUnhide:
		if a.Target == "" {
			return Result{}, refuse(ClassFatal, "a %s needs a target", a.Type)
		}
		hidden := a.Type == engine.ActionHide
		body := map[string]bool{"is_hidden": hidden}
		if ig {
			body = map[string]bool{"hide": hidden}
		}
		return g.post(ctx, "/"+url.PathEscape(a.Target), body, nil)
	case engine.ActionRetweet:
		return Result{}, refuse(ClassFatal, "only X has retweets, not %s", ch.Type)
	}
	if visibility(a, sc) == "public" {
		return g.publicReply(ctx, a, sc)
	}
	return g.privateReply(ctx, a, sc)
}

// AppSecretProof is the appsecret_proof Graph API calls carry: hex HMAC-SHA256 of the access
// token with the app secret.
func AppSecretProof(appSecret, accessToken string) string {
	return hex.EncodeToString(mac(appSecret, []byte(accessToken)))
}

// me is our account's id in paths: settings.account_id, or "me".
func (g graph) me() string {
	if id := g.ch.accountID(); id != "" {
		return url.PathEscape(id)
	}
	return "me"
}

// publicReply comments under the customer's comment or post (Instagram: replies to the
// comment, or answers the mention). A Facebook comment may carry one image, which Graph fetches
// from its attachment_url; Instagram's replies carry text only.
func (g graph) publicReply(ctx context.Context, a *engine.Action, sc SendContext) (Result, error) {
	switch {
	case sc.InteractionKind == "message" || sc.InteractionKind == "dm":
		return Result{}, refuse(ClassFatal, "cannot answer a private %s publicly", sc.InteractionKind)
	case a.Target == "":
		return Result{}, refuse(ClassFatal, "a public reply needs a target comment or post")
	case len(a.Attachments) > 0 && g.ch.Type == TypeInstagram:
		return Result{}, refuse(ClassFatal, "Instagram comment replies carry text only; send the %d attachment(s) privately", len(a.Attachments))
	case len(a.Attachments) > 1:
		return Result{}, refuse(ClassFatal, "a public reply carries one image at most, got %d attachments", len(a.Attachments))
	case len(a.Attachments) == 1 && a.Attachments[0].Type != "image":
		return Result{}, refuse(ClassFatal, "a public reply carries an image only, not a %s; send it privately", a.Attachments[0].Type)
	case a.Text == "" && len(a.Attachments) == 0:
		return Result{}, refuse(ClassFatal, "the reply has no text")
	}
	if g.ch.Type == TypeInstagram && sc.InteractionKind == "mention" {
		media := sc.Thread
		if media == "" {
			media = a.Target
		}
		body := map[string]string{"media_id": media, "message": a.Text}
		if a.Target != media {
			body["comment_id"] = a.Target
		}
		return g.post(ctx, "/"+g.me()+"/mentions", body, idOf("id"))
	}
	path := "/" + url.PathEscape(a.Target) + "/comments"
	if g.ch.Type == TypeInstagram {
		path = "/" + url.PathEscape(a.Target) + "/replies"
	}
	body := map[string]string{}
	if a.Text != "" {
		body["message"] = a.Text
	}
	if len(a.Attachments) == 1 {
		body["attachment_url"] = a.Attachments[0].URL
	}
	return g.post(ctx, path, body, idOf("id"))
}

// privateReply sends a message: a private reply to a comment or visitor post (once, within 7
// days), or a message inside the 24-hour window, or with the HUMAN_AGENT tag within 7 days.
func (g graph) privateReply(ctx context.Context, a *engine.Action, sc SendContext) (Result, error) {
	now := g.c.now()
	kind := sc.InteractionKind
	privateReply := kind == "comment" || kind == "mention" || (kind == "post" && g.ch.Type == TypeFacebook)
	msg := graphMessage{MessagingType: "RESPONSE"}
	if privateReply {
		if a.Target == "" {
			return Result{}, refuse(ClassFatal, "a private reply needs the %s it answers as target", kind)
		}
		switch {
		case sc.InteractionTime.IsZero():
			return Result{}, refuse(ClassWindow, "a private reply needs the time of the %s it answers", kind)
		case now.Sub(sc.InteractionTime) > HumanAgentWindow:
			return Result{}, refuse(ClassWindow, "the %s was written %s ago; a private reply must come within 7 days",
				kind, now.Sub(sc.InteractionTime).Round(time.Minute))
		case a.Text != "" && len(a.Attachments) > 0:
			return Result{}, refuse(ClassFatal, "a private reply to a %s is a single message: text or one attachment, not both", kind)
		case len(a.Attachments) > 1:
			return Result{}, refuse(ClassFatal, "a private reply to a %s is a single message: one attachment at most", kind)
		}
		field := "comment_id"
		if kind == "post" {
			field = "post_id"
		}
		msg.Recipient = map[string]string{field: a.Target}
	} else {
		customer := a.Recipient
		if customer == "" {
			customer = sc.Customer
		}
		if customer == "" {
			return Result{}, refuse(ClassFatal, "a private message needs a recipient")
		}
		msg.Recipient = map[string]string{"id": customer}
		if ref, ok := strings.CutPrefix(customer, UserRefPrefix); ok {
			msg.Recipient = map[string]string{"user_ref": ref}
		}
		mtype, tag, err := g.window(now, sc)
		if err != nil {
			return Result{}, err
		}
		msg.MessagingType, msg.Tag = mtype, tag
	}
	var parts []graphContent
	if a.Text != "" {
		parts = append(parts, graphContent{Text: a.Text})
	}
	for _, at := range a.Attachments {
		ga := &graphAttachment{Type: graphAttachmentType(at.Type)}
		ga.Payload.URL, ga.Payload.IsReusable = at.URL, true
		parts = append(parts, graphContent{Attachment: ga})
	}
	if len(parts) == 0 {
		return Result{}, refuse(ClassFatal, "the reply has neither text nor attachments")
	}
	var res Result
	for i, p := range parts {
		p.Metadata = a.ID
		msg.Message = p
		r, err := g.post(ctx, "/"+g.me()+"/messages", msg, idOf("message_id"))
		res.Usage = max(res.Usage, r.Usage)
		if err != nil {
			var se *SendError
			if errors.As(err, &se) && i > 0 {
				se.Message += fmt.Sprintf(" (after %d of %d messages were sent)", i, len(parts))
			}
			return res, err
		}
		res.Parts = append(res.Parts, r.ExternalID)
	}
	res.ExternalID = res.Parts[0]
	return res, nil
}

// window picks the messaging type for a message to the customer, or refuses it.
func (g graph) window(now time.Time, sc SendContext) (messagingType, tag string, err error) {
	if sc.LastInbound.IsZero() {
		return "", "", refuse(ClassWindow, "the customer has not written: a message answers one written in the last 24 hours")
	}
	since := now.Sub(sc.LastInbound)
	switch {
	case since <= ResponseWindow:
		return "RESPONSE", "", nil
	case since > HumanAgentWindow:
		return "", "", refuse(ClassWindow, "the customer last wrote %s ago: past the 24-hour window and the 7 days of HUMAN_AGENT",
			since.Round(time.Minute))
	case !sc.Human:
		return "", "", refuse(ClassWindow, "the customer last wrote %s ago: past the 24-hour window, only a human agent may answer",
			since.Round(time.Minute))
	case !g.ch.flag("human_agent"):
		return "", "", refuse(ClassWindow, "the customer last wrote %s ago: past the 24-hour window, and the channel may not use the HUMAN_AGENT tag (settings.human_agent)",
			since.Round(time.Minute))
	}
	return "MESSAGE_TAG", "HUMAN_AGENT", nil
}

// graphAttachmentType maps an attachment type to Messenger's: image, video, audio or file.
func graphAttachmentType(t string) string {
	switch t {
	case "image", "video", "audio", "file":
		return t
	}
	return "file"
}

// idOf reads the id a successful answer carries in a field.
func idOf(field string) func(body []byte) string {
	return func(body []byte) string {
		var m map[string]json.RawMessage
		if json.Unmarshal(body, &m) != nil {
			return ""
		}
		var v id
		if json.Unmarshal(m[field], &v) != nil {
			return ""
		}
		return string(v)
	}
}

// post makes a Graph API POST with a JSON body (none when body is nil).
func (g graph) post(ctx context.Context, path string, body any, externalID func([]byte) string) (Result, error) {
	var b []byte
	header := http.Header{}
	if body != nil {
		var err error
		if b, err = json.Marshal(body); err != nil {
			return Result{}, refuse(ClassFatal, "encoding the request: %v", err)
		}
		header.Set("Content-Type", "application/json")
	}
	u := g.base + path + "?" + g.query.Encode()
	r, err := g.c.do(ctx, http.MethodPost, u, header, b)
	if err != nil {
		return Result{}, err
	}
	res := Result{Usage: metaUsage(r.header)}
	if r.status/100 != 2 || hasGraphError(r.body) {
		return res, classifyGraph(r, g.c.now())
	}
	if externalID != nil {
		res.ExternalID = externalID(r.body)
	}
	return res, nil
}

func hasGraphError(body []byte) bool {
	if !strings.Contains(string(body), `"error"`) {
		return false
	}
	var env graphEnvelope
	return json.Unmarshal(body, &env) == nil && env.Error != nil
}
