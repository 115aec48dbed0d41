package channels

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/engine"
)

// Meta's webhook payloads (protocol §1–§3): an envelope of entries, each with messaging
// events (Messenger, Instagram Direct) or changes (the page feed, Instagram comments and
// mentions).

type metaPayload struct {
	Object string                `json:"object"`
	Entry  list[json.RawMessage] `json:"entry"`
}

type metaEntry struct {
	ID        id                    `json:"id"`
	Time      stamp                 `json:"time"`
	Messaging list[json.RawMessage] `json:"messaging"`
	Changes   list[json.RawMessage] `json:"changes"`
	// Standby holds events of threads another app owns: not ours to answer.
	Standby list[json.RawMessage] `json:"standby"`
	// Field and Value are a change written on the entry itself, without a changes list.
	Field string          `json:"field"`
	Value json.RawMessage `json:"value"`
}

type metaChange struct {
	Field string          `json:"field"`
	Value json.RawMessage `json:"value"`
}

type metaParty struct {
	ID id `json:"id"`
	// UserRef names a person who has no page-scoped id yet (checkbox plugin, chat plugin
	// guests).
	UserRef  id     `json:"user_ref"`
	Name     string `json:"name"`
	Username string `json:"username"`
}

// key is the party's id, or its user_ref marked with UserRefPrefix; "" when it has neither.
func (p metaParty) key() string {
	switch {
	case p.ID != "":
		return string(p.ID)
	case p.UserRef != "":
		return UserRefPrefix + string(p.UserRef)
	}
	return ""
}

type metaMessaging struct {
	Sender    metaParty     `json:"sender"`
	Recipient metaParty     `json:"recipient"`
	Timestamp stamp         `json:"timestamp"`
	Message   *metaMessage  `json:"message"`
	Postback  *metaPostback `json:"postback"`
	Delivery  *metaMark     `json:"delivery"`
	Read      *metaMark     `json:"read"`
}

type metaMessage struct {
	Mid           id                   `json:"mid"`
	Text          string               `json:"text"`
	IsEcho        flag                 `json:"is_echo"`
	Metadata      string               `json:"metadata"`
	IsDeleted     flag                 `json:"is_deleted"`
	IsUnsupported flag                 `json:"is_unsupported"`
	Attachments   list[metaAttachment] `json:"attachments"`
	QuickReply    *struct {
		Payload string `json:"payload"`
	} `json:"quick_reply"`
	ReplyTo *struct {
		Mid   id `json:"mid"`
		Story *struct {
			ID id `json:"id"`
		} `json:"story"`
	} `json:"reply_to"`
}

type metaAttachment struct {
	Type    string          `json:"type"`
	URL     json.RawMessage `json:"url"`
	Payload json.RawMessage `json:"payload"`
}

type metaPostback struct {
	Mid     id     `json:"mid"`
	Title   string `json:"title"`
	Payload string `json:"payload"`
}

// metaMark is a delivery or read receipt: a watermark, or (Instagram) the mid read.
type metaMark struct {
	Watermark stamp `json:"watermark"`
	Mid       id    `json:"mid"`
}

type feedValue struct {
	Item      string `json:"item"`
	Verb      string `json:"verb"`
	PostID    id     `json:"post_id"`
	CommentID id     `json:"comment_id"`
	ParentID  id     `json:"parent_id"`
	// From is the author; older payloads and some Page subscriptions name it with sender_id
	// and sender_name instead.
	From       metaParty `json:"from"`
	SenderID   id        `json:"sender_id"`
	SenderName string    `json:"sender_name"`
	// Post is the post a change is on, in newer payloads: {id, status_type, permalink_url...}.
	Post        json.RawMessage `json:"post"`
	Message     string          `json:"message"`
	CreatedTime stamp           `json:"created_time"`
	Link        json.RawMessage `json:"link"`
	Photo       json.RawMessage `json:"photo"`
	Video       json.RawMessage `json:"video"`
	Photos      json.RawMessage `json:"photos"`
}

type igCommentValue struct {
	ID        id        `json:"id"`
	CommentID id        `json:"comment_id"`
	MediaID   id        `json:"media_id"`
	ParentID  id        `json:"parent_id"`
	From      metaParty `json:"from"`
	Text      string    `json:"text"`
	Timestamp stamp     `json:"timestamp"`
	Media     struct {
		ID id `json:"id"`
	} `json:"media"`
}

func parseMeta(ch Channel, body []byte) ([]Event, error) {
	var p metaPayload
	if err := decodeObject(body, &p); err != nil {
		return nil, fmt.Errorf("%s payload: %w", ch.Type, err)
	}
	want := "page"
	if ch.Type == TypeInstagram {
		want = "instagram"
	}
	if p.Object != want {
		return nil, fmt.Errorf("%s payload: object is %q; a %s channel takes %q", ch.Type, p.Object, ch.Type, want)
	}
	var out []Event
	var errs located
	for i, raw := range p.Entry {
		var e metaEntry
		if err := decodeObject(raw, &e); err != nil {
			errs.add(err, "entry %d", i+1)
			continue
		}
		if e.ID == "" {
			errs.add(errors.New("no id"), "entry %d", i+1)
			continue
		}
		m := metaParser{ch: ch, account: string(e.ID), entryTime: e.Time.Time}
		for j, raw := range e.Messaging {
			evs, err := m.messaging(raw)
			errs.add(err, "entry %d messaging %d", i+1, j+1)
			out = append(out, evs...)
		}
		for j, raw := range e.Changes {
			var c metaChange
			if err := decodeObject(raw, &c); err != nil {
				errs.add(err, "entry %d change %d", i+1, j+1)
				continue
			}
			evs, err := m.change(c)
			errs.add(err, "entry %d change %d (%s)", i+1, j+1, c.Field)
			out = append(out, evs...)
		}
		if e.Field != "" {
			evs, err := m.change(metaChange{Field: e.Field, Value: e.Value})
			errs.add(err, "entry %d (%s)", i+1, e.Field)
			out = append(out, evs...)
		}
		for _, raw := range e.Standby {
			out = append(out, m.ignoredMessaging("standby ", raw))
		}
	}
	return out, errs.err(ch.Type)
}

// metaParser reads the events of one entry.
type metaParser struct {
	ch Channel
	// account is the entry's id: our page or Instagram account.
	account   string
	entryTime time.Time
}

func (m metaParser) interaction(id, kind string, public bool, author engine.Author, at time.Time) engine.Interaction {
	if at.IsZero() {
		at = m.entryTime
	}
	return engine.Interaction{ID: id, Channel: m.ch.Type, ChannelID: m.ch.ID, Kind: kind, Public: public, Author: author, Time: at}
}

func (m metaParser) change(c metaChange) ([]Event, error) {
	switch {
	case m.ch.Type == TypeFacebook && c.Field == "feed":
		return m.feed(c.Value)
	case m.ch.Type == TypeInstagram && (c.Field == "comments" || c.Field == "live_comments"):
		return m.igComment(c.Value)
	case m.ch.Type == TypeInstagram && c.Field == "mentions":
		return m.igMention(c.Value)
	case messagingFields[c.Field]:
		return m.messaging(c.Value)
	}
	return []Event{m.ignored(c.Field, "")}, nil
}

// messagingFields are the subscription fields whose changes carry one messaging event, as
// the app dashboard's test events and the reference's samples write them.
var messagingFields = map[string]bool{"messages": true, "messaging_postbacks": true, "message_echoes": true,
	"message_deliveries": true, "message_reads": true, "message_reactions": true, "messaging_optins": true,
	"messaging_referrals": true, "messaging_handovers": true, "message_edits": true}

// ignored is an event of no use to the engine, named for the logs.
func (m metaParser) ignored(name, target string) Event {
	if name == "" {
		name = "unnamed"
	}
	return Event{Kind: EventIgnored, Ignored: name, Target: target, Account: m.account}
}

// ignoredMessaging names a messaging event by its first field besides sender, recipient and
// timestamp ("reaction", "optin", "pass_thread_control"...), with the mid it is about.
func (m metaParser) ignoredMessaging(prefix string, raw json.RawMessage) Event {
	var fields map[string]json.RawMessage
	_ = json.Unmarshal(raw, &fields)
	var names []string
	for k := range fields {
		if k != "sender" && k != "recipient" && k != "timestamp" {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	name, target := "", ""
	if len(names) > 0 {
		name = names[0]
		var about struct {
			Mid id `json:"mid"`
		}
		if v := fields[name]; len(v) > 0 && v[0] == '{' && json.Unmarshal(v, &about) == nil {
			target = string(about.Mid)
		}
	}
	return m.ignored(strings.TrimSpace(prefix+name), target)
}

func (m metaParser) messaging(raw json.RawMessage) ([]Event, error) {
	var ev metaMessaging
	if err := decodeObject(raw, &ev); err != nil {
		return nil, err
	}
	sender, recipient := ev.Sender.key(), ev.Recipient.key()
	switch {
	case ev.Message != nil:
		return m.message(ev, sender, recipient)
	case ev.Postback != nil:
		if sender == "" {
			return nil, errors.New("postback has neither sender.id nor sender.user_ref")
		}
		p := ev.Postback
		key := string(p.Mid)
		if key == "" {
			key = "postback:" + sender + ":" + millis(ev.Timestamp.Time) + ":" + p.Payload
		}
		in := m.interaction(key, "message", false, engine.Author{ID: sender}, ev.Timestamp.Time)
		in.Text, in.Thread = p.Title, sender
		if in.Text == "" {
			in.Text = p.Payload
		}
		return []Event{{Kind: EventInbound, Key: key, Interaction: in, Customer: sender, Account: m.account}}, nil
	case ev.Read != nil || ev.Delivery != nil:
		if sender == "" {
			return nil, errors.New("receipt has neither sender.id nor sender.user_ref")
		}
		mark, read, name := ev.Delivery, false, "delivery"
		if ev.Read != nil {
			mark, read, name = ev.Read, true, "read"
		}
		at := mark.Watermark.Time
		if at.IsZero() && read {
			// Instagram tells the mid read, not a watermark: everything up to the receipt.
			at = ev.Timestamp.Time
		}
		if at.IsZero() {
			return []Event{m.ignored(name+" without a watermark", string(mark.Mid))}, nil
		}
		return []Event{{Kind: EventWatermark, Key: name + ":" + sender + ":" + millis(at), Customer: sender,
			Watermark: at, Read: read, Account: m.account}}, nil
	}
	return []Event{m.ignoredMessaging("", raw)}, nil // reactions, referrals, opt-ins, handovers
}

func (m metaParser) message(ev metaMessaging, sender, recipient string) ([]Event, error) {
	msg := ev.Message
	if msg.Mid == "" {
		return nil, errors.New("message has no mid")
	}
	mid := string(msg.Mid)
	own := bool(msg.IsEcho) || (sender != "" && sender == m.account)
	customer := sender
	if own {
		customer = recipient
	}
	if customer == "" {
		return nil, fmt.Errorf("message %s has no customer: sender or recipient has neither id nor user_ref", mid)
	}
	if msg.IsDeleted {
		return []Event{{Kind: EventRemoved, Key: "deleted:" + mid, Target: mid, Customer: customer, Account: m.account}}, nil
	}
	in := m.interaction(mid, "message", false, engine.Author{ID: sender}, ev.Timestamp.Time)
	in.Text, in.Thread = msg.Text, customer
	if in.Text == "" && msg.QuickReply != nil {
		in.Text = msg.QuickReply.Payload
	}
	if r := msg.ReplyTo; r != nil {
		in.Parent = string(r.Mid)
		if in.Parent == "" && r.Story != nil {
			in.Parent = string(r.Story.ID)
		}
	}
	for _, a := range msg.Attachments {
		url := text(a.URL)
		if url == "" {
			var p struct {
				URL json.RawMessage `json:"url"`
			}
			if len(a.Payload) > 0 && a.Payload[0] == '{' && json.Unmarshal(a.Payload, &p) == nil {
				url = text(p.URL)
			}
		}
		in.Attachments = append(in.Attachments, engine.Attachment{Type: a.Type, URL: url})
	}
	if msg.IsUnsupported {
		in.Attachments = append(in.Attachments, engine.Attachment{Type: "unsupported"})
	}
	e := Event{Kind: EventInbound, Key: mid, Interaction: in, Customer: customer, Account: m.account}
	if own {
		e.Kind, e.Metadata = EventOutbound, msg.Metadata
	}
	return []Event{e}, nil
}

// postItems are the feed items that are posts on the page.
var postItems = map[string]bool{"post": true, "status": true, "photo": true, "video": true, "share": true, "album": true}

func (m metaParser) feed(raw json.RawMessage) ([]Event, error) {
	var v feedValue
	if err := decodeObject(raw, &v); err != nil {
		return nil, err
	}
	if v.PostID == "" {
		v.PostID = id(objectID(v.Post))
	}
	name := strings.TrimSpace("feed " + v.Item + " " + v.Verb)
	var object, kind string
	switch {
	case v.Item == "comment":
		object, kind = string(v.CommentID), "comment"
	case postItems[v.Item]:
		object, kind = string(v.PostID), "post"
	default: // reactions, likes
		return []Event{m.ignored(name, firstNonEmpty(string(v.CommentID), string(v.PostID)))}, nil
	}
	if v.Verb != "add" && v.Verb != "remove" && v.Verb != "hide" { // edits, unhides
		return []Event{m.ignored(name, object)}, nil
	}
	if object == "" {
		return nil, fmt.Errorf("feed %s %s has no %s_id", v.Item, v.Verb, kind)
	}
	author := engine.Author{ID: firstNonEmpty(string(v.From.ID), string(v.SenderID)), Name: firstNonEmpty(v.From.Name, v.SenderName)}
	key := strings.Join([]string{"feed", object, v.Item, v.Verb, millis(v.CreatedTime.Time), author.ID}, ":")
	if v.Verb != "add" {
		return []Event{{Kind: EventRemoved, Key: key, Target: object, Account: m.account}}, nil
	}
	in := m.interaction(object, kind, true, author, v.CreatedTime.Time)
	in.Text, in.Thread, in.Parent = v.Message, string(v.PostID), string(v.ParentID)
	if in.Thread == "" {
		in.Thread = object
	}
	in.Attachments = feedAttachments(v)
	e := Event{Kind: EventInbound, Key: key, Interaction: in, Customer: m.customer(author.ID, kind, object), Account: m.account}
	if author.ID == m.account {
		// the page's own comment or post: an echo of our public reply, or a page admin's
		e.Kind, e.Customer = EventOutbound, ""
	}
	return []Event{e}, nil
}

// customer is the customer an inbound interaction belongs to: its author, or, when the
// network does not tell the author, a customer of the interaction's own ("comment:<id>"),
// so that the comments of unnamed people never merge into one conversation.
func (m metaParser) customer(author, kind, object string) string {
	if author != "" {
		return author
	}
	return kind + ":" + object
}

// objectID reads the id of a Graph object written as {"id": ...} or as its id alone.
func objectID(raw json.RawMessage) string {
	var v struct {
		ID id `json:"id"`
	}
	if len(raw) > 0 && raw[0] == '{' && json.Unmarshal(raw, &v) == nil {
		return string(v.ID)
	}
	var i id
	if json.Unmarshal(raw, &i) == nil {
		return string(i)
	}
	return ""
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

func feedAttachments(v feedValue) []engine.Attachment {
	var out []engine.Attachment
	add := func(kind, url string) {
		if url != "" {
			out = append(out, engine.Attachment{Type: kind, URL: url})
		}
	}
	add("image", text(v.Photo))
	add("video", text(v.Video))
	var photos []json.RawMessage
	if json.Unmarshal(v.Photos, &photos) == nil {
		for _, p := range photos {
			add("image", text(p))
		}
	}
	switch v.Item {
	case "photo":
		if text(v.Photo) == "" && photos == nil {
			add("image", text(v.Link))
		}
	case "video":
		if text(v.Video) == "" {
			add("video", text(v.Link))
		}
	case "share":
		add("share", text(v.Link))
	}
	return out
}

func (m metaParser) igComment(raw json.RawMessage) ([]Event, error) {
	var v igCommentValue
	if err := decodeObject(raw, &v); err != nil {
		return nil, err
	}
	cid := string(v.ID)
	if cid == "" {
		cid = string(v.CommentID)
	}
	if cid == "" {
		return nil, errors.New("comment has neither id nor comment_id")
	}
	from := string(v.From.ID)
	in := m.interaction(cid, "comment", true, engine.Author{ID: from, Handle: v.From.Username}, v.Timestamp.Time)
	in.Text, in.Thread, in.Parent = v.Text, string(v.Media.ID), string(v.ParentID)
	if in.Thread == "" {
		in.Thread = string(v.MediaID)
	}
	if in.Parent == "" {
		in.Parent = in.Thread
	}
	e := Event{Kind: EventInbound, Key: cid, Interaction: in, Customer: m.customer(from, "comment", cid), Account: m.account}
	if from != "" && from == m.account {
		e.Kind, e.Customer = EventOutbound, ""
	}
	return []Event{e}, nil
}

// igMention is our account @mentioned in a comment or a caption on someone else's media. The
// webhook tells only where: the text and author are fetched from the Graph API if wanted.
func (m metaParser) igMention(raw json.RawMessage) ([]Event, error) {
	var v igCommentValue
	if err := decodeObject(raw, &v); err != nil {
		return nil, err
	}
	media := string(v.MediaID)
	if media == "" {
		media = string(v.Media.ID)
	}
	mid := string(v.CommentID)
	if mid == "" {
		mid = string(v.ID)
	}
	parent := media
	if mid == "" {
		mid, parent = media, ""
	}
	if mid == "" {
		return nil, errors.New("mention has neither media_id nor comment_id")
	}
	from := string(v.From.ID)
	in := m.interaction(mid, "mention", true, engine.Author{ID: from, Handle: v.From.Username}, v.Timestamp.Time)
	in.Text, in.Thread, in.Parent = v.Text, media, parent
	return []Event{{Kind: EventInbound, Key: mid, Interaction: in, Customer: m.customer(from, "mention", mid), Account: m.account}}, nil
}

// text reads a JSON string; anything else reads as "".
func text(raw json.RawMessage) string {
	var s string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}
