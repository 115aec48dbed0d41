package channels

// Reading a send back: when a send's outcome is unknown (it was written and got no answer, or
// the node died between sending and recording), the network is asked whether it has it, so
// that it is not sent twice.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/engine"
)

// ReadBackOutcome is what reading the network back says of a send.
type ReadBackOutcome string

// The outcomes of a read back.
const (
	// Found: the network has it; ReadBack.ExternalID is its id.
	Found ReadBackOutcome = "found"
	// Absent: the network does not have it; sending it again makes one, not two.
	Absent ReadBackOutcome = "absent"
	// Unknown: the network cannot tell (no way to read it back, or the read failed).
	Unknown ReadBackOutcome = "unknown"
)

// Attempt is a send whose outcome is unknown, as ReadBack looks for it.
type Attempt struct {
	Action  *engine.Action
	Context SendContext
	// Began is when the attempt started: what it made is no older (less a few seconds of
	// clock skew between us and the network).
	Began time.Time
	// Taken says whether an id on the network is already recorded for another action: such
	// an item is not this attempt's, even when its text is the same. Nil means none is.
	Taken func(externalID string) bool
}

// ReadBack is what reading a send back found.
type ReadBack struct {
	Outcome    ReadBackOutcome
	ExternalID string
	// Reason says why the outcome is unknown, or where it was looked for.
	Reason string
	// Temporary is true for an Unknown that a later read may settle: the read failed (no
	// answer, a temporary error, a rate limit), rather than the network having no way to tell.
	Temporary bool
}

// The bounds of a read back.
const (
	// readBackSkew is how much earlier than the attempt's start an item may be stamped by the
	// network's clock and still be the attempt's.
	readBackSkew = 2 * time.Second
	// readBackPages is how many pages of a list are read at most.
	readBackPages = 5
	// readBackPage is how many items a page asks for.
	readBackPage = 100
)

// ReadBack asks the network whether it has what an attempt sent, by the network's read
// endpoints:
//   - Facebook public reply: the comment's comments, by the page, with our text, since the attempt;
//   - Instagram public reply: the comment's replies, by our account, with our text, since the attempt;
//   - Messenger and Instagram messages: the conversation with the customer, its last messages
//     by the page or account, with our text, since the attempt;
//   - X reply: our account's tweets since the attempt that reply to the tweet, with our text;
//   - X direct message: the one-to-one conversation's events sent by us, with our text, since the attempt.
//
// What cannot be read back is Unknown: private replies to comments and posts, Instagram
// mention replies, messages that are only attachments, web chat callbacks. Likes, hides and
// retweets are the same when repeated: Absent. A failed read is Unknown.
func (c *Client) ReadBack(ctx context.Context, ch Channel, at Attempt) ReadBack {
	a := at.Action
	if a == nil {
		return unknown("no action to read back")
	}
	switch a.Type {
	case engine.ActionLike, engine.ActionHide, engine.ActionUnhide, engine.ActionRetweet:
		return ReadBack{Outcome: Absent, Reason: fmt.Sprintf("a %s is the same when repeated", a.Type)}
	case engine.ActionReply:
	default:
		return unknown(fmt.Sprintf("%q is not a network action", a.Type))
	}
	m := matcher{text: strings.TrimSpace(a.Text), since: at.Began.Truncate(time.Second).Add(-readBackSkew), taken: at.Taken}
	switch ch.Type {
	case TypeFacebook, TypeInstagram:
		return c.readBackGraph(ctx, ch, at, m)
	case TypeTwitter:
		return c.readBackX(ctx, ch, at, m)
	case TypeWebchat:
		if ch.setting("callback_url") == "" {
			return ReadBack{Outcome: Found, ExternalID: a.ID, Reason: "the widget polls the transcript"}
		}
		return unknown("a web chat callback cannot be read back")
	}
	return unknown(unknownType(ch).Error())
}

func unknown(reason string) ReadBack { return ReadBack{Outcome: Unknown, Reason: reason} }

// failedRead is the outcome of a read the network failed: temporary unless the network
// refused it for good (a permission, a token).
func failedRead(path string, err error) ReadBack {
	rb := unknown("GET " + path + ": " + err.Error())
	switch ClassOf(err) {
	case ClassFatal, ClassReauth, ClassWindow:
	default:
		rb.Temporary = true
	}
	return rb
}

// matcher finds the attempt's item among what the network lists.
type matcher struct {
	text  string
	since time.Time
	taken func(string) bool
	// best is the earliest match so far.
	best   string
	bestAt time.Time
}

// consider looks at one item; it says false once items are older than the attempt (for lists
// that run newest first).
func (m *matcher) consider(id, from, want, text string, at time.Time) bool {
	if at.Before(m.since) {
		return false
	}
	if from != want || !sameText(m.text, text) || id == "" || (m.taken != nil && m.taken(id)) {
		return true
	}
	if m.best == "" || at.Before(m.bestAt) {
		m.best, m.bestAt = id, at
	}
	return true
}

func (m *matcher) result(where string) ReadBack {
	if m.best != "" {
		return ReadBack{Outcome: Found, ExternalID: m.best, Reason: "found in " + where}
	}
	return ReadBack{Outcome: Absent, Reason: "not in " + where}
}

// sameText compares our text with the network's, which may trim it, or start a reply tweet
// with the @handles it answers.
func sameText(ours, theirs string) bool {
	theirs = strings.TrimSpace(theirs)
	if ours == theirs {
		return true
	}
	for strings.HasPrefix(theirs, "@") {
		_, rest, ok := strings.Cut(theirs, " ")
		if !ok {
			return false
		}
		theirs = strings.TrimSpace(rest)
		if ours == theirs {
			return true
		}
	}
	return false
}

// graphItem is an item of a Graph list: a comment, a reply, a message or a conversation.
type graphItem struct {
	ID          string `json:"id"`
	Message     string `json:"message"`
	Text        string `json:"text"`
	CreatedTime string `json:"created_time"`
	Timestamp   string `json:"timestamp"`
	From        struct {
		ID string `json:"id"`
	} `json:"from"`
}

func (it graphItem) time() (time.Time, error) {
	v := it.CreatedTime
	if v == "" {
		v = it.Timestamp
	}
	t, err := time.Parse("2006-01-02T15:04:05-0700", v)
	if err != nil {
		return time.Parse(time.RFC3339, v)
	}
	return t, nil
}

type graphList struct {
	Data   []graphItem `json:"data"`
	Paging struct {
		Cursors struct {
			After string `json:"after"`
		} `json:"cursors"`
		Next string `json:"next"`
	} `json:"paging"`
}

func (c *Client) readBackGraph(ctx context.Context, ch Channel, at Attempt, m matcher) ReadBack {
	a, sc := at.Action, at.Context
	me := ch.accountID()
	if me == "" {
		return unknown("the channel has no account_id: our own items cannot be told from others'")
	}
	token := ch.accessToken()
	if token == "" {
		return unknown("the channel has no access token")
	}
	g := c.graphFor(ch, token)
	ig := ch.Type == TypeInstagram
	if visibility(a, sc) == "public" {
		switch {
		case a.Target == "":
			return unknown("a public reply without a target")
		case ig && sc.InteractionKind == "mention":
			return unknown("an Instagram mention's replies cannot be listed")
		case ig:
			return g.readList(ctx, "/"+url.PathEscape(a.Target)+"/replies", url.Values{"fields": {"id,text,from,timestamp"}}, false, me, &m)
		}
		return g.readList(ctx, "/"+url.PathEscape(a.Target)+"/comments",
			url.Values{"fields": {"id,from,message,created_time"}, "order": {"reverse_chronological"}}, true, me, &m)
	}
	switch sc.InteractionKind {
	case "comment", "mention":
		return unknown("a private reply to a comment cannot be read back (Meta refuses a second one)")
	case "post":
		if !ig {
			return unknown("a private reply to a post cannot be read back (Meta refuses a second one)")
		}
	}
	if m.text == "" {
		return unknown("a message of attachments only cannot be matched")
	}
	customer := a.Recipient
	if customer == "" {
		customer = sc.Customer
	}
	if customer == "" || strings.HasPrefix(customer, UserRefPrefix) {
		return unknown("the customer's conversation cannot be looked up without their page-scoped id")
	}
	platform := "messenger"
	if ig {
		platform = "instagram"
	}
	var convs graphList
	if rb, ok := g.get(ctx, "/"+url.PathEscape(me)+"/conversations",
		url.Values{"user_id": {customer}, "platform": {platform}, "fields": {"id"}}, &convs); !ok {
		return rb
	}
	if len(convs.Data) == 0 {
		return ReadBack{Outcome: Absent, Reason: "no conversation with " + customer}
	}
	return g.readList(ctx, "/"+url.PathEscape(convs.Data[0].ID)+"/messages",
		url.Values{"fields": {"id,message,from,created_time"}}, true, me, &m)
}

// readList reads a list's pages and looks for the attempt's item in it; newestFirst lets it
// stop at the first item older than the attempt.
func (g graph) readList(ctx context.Context, path string, q url.Values, newestFirst bool, me string, m *matcher) ReadBack {
	q.Set("limit", fmt.Sprint(readBackPage))
	for range readBackPages {
		var l graphList
		if rb, ok := g.get(ctx, path, q, &l); !ok {
			return rb
		}
		for _, it := range l.Data {
			t, err := it.time()
			if err != nil {
				return unknown(fmt.Sprintf("GET %s: an item's time %q: %v", path, it.CreatedTime+it.Timestamp, err))
			}
			text := it.Message
			if text == "" {
				text = it.Text
			}
			if !m.consider(it.ID, it.From.ID, me, text, t) && newestFirst {
				return m.result(path)
			}
		}
		if l.Paging.Next == "" || l.Paging.Cursors.After == "" {
			return m.result(path)
		}
		q.Set("after", l.Paging.Cursors.After)
	}
	if m.best != "" {
		return m.result(path)
	}
	return unknown(fmt.Sprintf("GET %s: more than %d items to read back", path, readBackPages*readBackPage))
}

// get makes a Graph GET and decodes its answer; ok is false with the outcome to return when it failed.
func (g graph) get(ctx context.Context, path string, q url.Values, into any) (ReadBack, bool) {
	all := url.Values{}
	for k, v := range g.query {
		all[k] = v
	}
	for k, v := range q {
		all[k] = v
	}
	r, err := g.c.do(ctx, http.MethodGet, g.base+path+"?"+all.Encode(), nil, nil)
	if err != nil {
		return failedRead(path, err), false
	}
	if r.status/100 != 2 || hasGraphError(r.body) {
		return failedRead(path, classifyGraph(r, g.c.now())), false
	}
	if err := json.Unmarshal(r.body, into); err != nil {
		return unknown(fmt.Sprintf("GET %s: reading the answer: %v", path, err)), false
	}
	return ReadBack{}, true
}

// xItem is a tweet or a DM event.
type xItem struct {
	ID         string `json:"id"`
	Text       string `json:"text"`
	CreatedAt  string `json:"created_at"`
	SenderID   string `json:"sender_id"`
	EventType  string `json:"event_type"`
	References []struct {
		Type string `json:"type"`
		ID   string `json:"id"`
	} `json:"referenced_tweets"`
}

type xList struct {
	Data []xItem `json:"data"`
	Meta struct {
		NextToken string `json:"next_token"`
	} `json:"meta"`
}

func (c *Client) readBackX(ctx context.Context, ch Channel, at Attempt, m matcher) ReadBack {
	a, sc := at.Action, at.Context
	me := ch.accountID()
	if me == "" {
		return unknown("the channel has no account_id: our own tweets cannot be listed")
	}
	token := ch.accessToken()
	if token == "" {
		return unknown("the channel has no access_token")
	}
	x := xAPI{c: c, base: ch.baseURL(), token: token}
	var path string
	q := url.Values{}
	public := visibility(a, sc) == "public"
	if public {
		if a.Target == "" {
			return unknown("a public reply without a target")
		}
		path = "/2/users/" + url.PathEscape(me) + "/tweets"
		q.Set("max_results", fmt.Sprint(readBackPage))
		q.Set("start_time", m.since.UTC().Format(time.RFC3339))
		q.Set("tweet.fields", "created_at,referenced_tweets")
	} else {
		participant := a.Recipient
		if participant == "" {
			participant = sc.Customer
		}
		if participant == "" {
			return unknown("a direct message without a recipient")
		}
		path = "/2/dm_conversations/with/" + url.PathEscape(participant) + "/dm_events"
		q.Set("max_results", fmt.Sprint(readBackPage))
		q.Set("dm_event.fields", "id,text,sender_id,created_at,event_type")
	}
	for range readBackPages {
		var l xList
		if rb, ok := x.get(ctx, path, q, &l); !ok {
			return rb
		}
		for _, it := range l.Data {
			t, err := time.Parse(time.RFC3339, it.CreatedAt)
			if err != nil {
				return unknown(fmt.Sprintf("GET %s: an item's created_at %q: %v", path, it.CreatedAt, err))
			}
			from := it.SenderID
			if public {
				from = ""
				for _, r := range it.References {
					if r.Type == "replied_to" && r.ID == a.Target {
						from = me
					}
				}
			} else if it.EventType != "MessageCreate" {
				from = ""
			}
			if !m.consider(it.ID, from, me, it.Text, t) {
				return m.result(path)
			}
		}
		if l.Meta.NextToken == "" {
			return m.result(path)
		}
		q.Set("pagination_token", l.Meta.NextToken)
	}
	if m.best != "" {
		return m.result(path)
	}
	return unknown(fmt.Sprintf("GET %s: more than %d items to read back", path, readBackPages*readBackPage))
}

// get makes an X GET and decodes its answer; ok is false with the outcome to return when it failed.
func (x xAPI) get(ctx context.Context, path string, q url.Values, into any) (ReadBack, bool) {
	header := http.Header{"Authorization": {"Bearer " + x.token}}
	r, err := x.c.do(ctx, http.MethodGet, x.base+path+"?"+q.Encode(), header, nil)
	if err != nil {
		return failedRead(path, err), false
	}
	if r.status/100 != 2 {
		return failedRead(path, classifyX(r, x.c.now())), false
	}
	if err := json.Unmarshal(r.body, into); err != nil {
		return unknown(fmt.Sprintf("GET %s: reading the answer: %v", path, err)), false
	}
	return ReadBack{}, true
}
