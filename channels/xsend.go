package channels

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/switchboardhq/switchboard/engine"
)

// X API v2 sends (protocol §4).

func (c *Client) sendX(ctx context.Context, ch Channel, a *engine.Action, sc SendContext) (Result, error) {
	token := ch.accessToken()
	if token == "" {
		return Result{}, refuse(ClassReauth, "channel %s has no access_token", ch.ID)
	}
	x := xAPI{c: c, base: ch.baseURL(), token: token}
	switch a.Type {
	case engine.ActionLike, engine.ActionRetweet:
		me := ch.accountID()
		switch {
		case me == "":
			return Result{}, refuse(ClassFatal, "channel %s has no account_id: X likes and retweets are made as our user", ch.ID)
		case a.Target == "":
			return Result{}, refuse(ClassFatal, "a %s needs a target tweet", a.Type)
		}
		what := "likes"
		if a.Type == engine.ActionRetweet {
			what = "retweets"
		}
		return x.post(ctx, "/2/users/"+url.PathEscape(me)+"/"+what, map[string]string{"tweet_id": a.Target}, "")
	case engine.ActionHide, engine.ActionUnhide:
		return Result{}, refuse(ClassFatal, "X tweets cannot be hidden; only Facebook and Instagram comments")
	}
	switch {
	case a.Text == "" && len(a.Attachments) > 0:
		return Result{}, refuse(ClassFatal, "X replies carry text only: the %d attachment(s) cannot be sent, and there is no text", len(a.Attachments))
	case a.Text == "":
		return Result{}, refuse(ClassFatal, "the reply has no text")
	}
	if visibility(a, sc) == "public" {
		switch {
		case sc.InteractionKind == "dm" || sc.InteractionKind == "message":
			return Result{}, refuse(ClassFatal, "cannot answer a private %s publicly", sc.InteractionKind)
		case a.Target == "":
			return Result{}, refuse(ClassFatal, "a public reply needs the tweet it answers as target")
		}
		body := map[string]any{"text": a.Text, "reply": map[string]string{"in_reply_to_tweet_id": a.Target}}
		return x.post(ctx, "/2/tweets", body, "id")
	}
	participant := a.Recipient
	if participant == "" {
		participant = sc.Customer
	}
	if participant == "" {
		return Result{}, refuse(ClassFatal, "a direct message needs a recipient")
	}
	return x.post(ctx, "/2/dm_conversations/with/"+url.PathEscape(participant)+"/messages",
		map[string]string{"text": a.Text}, "dm_event_id")
}

type xAPI struct {
	c     *Client
	base  string
	token string
}

// post makes an X API v2 POST and reads the id field of the answer's data.
func (x xAPI) post(ctx context.Context, path string, body any, idField string) (Result, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return Result{}, refuse(ClassFatal, "encoding the request: %v", err)
	}
	header := http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer " + x.token}}
	r, err := x.c.do(ctx, http.MethodPost, x.base+path, header, b)
	if err != nil {
		return Result{}, err
	}
	res := Result{Usage: xUsage(r.header)}
	if r.status/100 != 2 {
		return res, classifyX(r, x.c.now())
	}
	var answer struct {
		Data map[string]json.RawMessage `json:"data"`
	}
	if json.Unmarshal(r.body, &answer) != nil || answer.Data == nil {
		return res, &SendError{Class: ClassFatal, Status: r.status, Message: "X answered without data: " + xProblem(r)}
	}
	if idField != "" {
		var v id
		_ = json.Unmarshal(answer.Data[idField], &v)
		res.ExternalID = string(v)
	}
	return res, nil
}

// xUsage is the percentage of the rate-limit window used, rounded up, from x-rate-limit-limit
// and -remaining.
func xUsage(h http.Header) int {
	limit, err1 := strconv.Atoi(h.Get("x-rate-limit-limit"))
	remaining, err2 := strconv.Atoi(h.Get("x-rate-limit-remaining"))
	if err1 != nil || err2 != nil || limit <= 0 {
		return 0
	}
	used := max(0, limit-remaining)
	return min(100, (100*used+limit-1)/limit)
}
