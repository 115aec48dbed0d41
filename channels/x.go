package channels

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/switchboardhq/switchboard/engine"
)

// X's Account Activity payloads (protocol §4): for_user_id and one array of events. Tweets are
// v1.1 tweet objects; direct messages are message_create events with a users map.

type xPayload struct {
	ForUserID           id                    `json:"for_user_id"`
	TweetCreateEvents   list[json.RawMessage] `json:"tweet_create_events"`
	DirectMessageEvents list[json.RawMessage] `json:"direct_message_events"`
	TweetDeleteEvents   list[json.RawMessage] `json:"tweet_delete_events"`
	Users               map[string]xUser      `json:"users"`
}

// xRead are the payload's fields parseX reads; every other event array is ignored.
var xRead = map[string]bool{"for_user_id": true, "tweet_create_events": true, "direct_message_events": true,
	"tweet_delete_events": true, "users": true, "apps": true, "user_has_blocked": true}

type xUser struct {
	ID         id     `json:"id"`
	IDStr      id     `json:"id_str"`
	Name       string `json:"name"`
	ScreenName string `json:"screen_name"`
}

type xTweet struct {
	IDStr         id     `json:"id_str"`
	ID            id     `json:"id"`
	Text          string `json:"text"`
	FullText      string `json:"full_text"`
	ExtendedTweet *struct {
		FullText         string     `json:"full_text"`
		ExtendedEntities *xEntities `json:"extended_entities"`
	} `json:"extended_tweet"`
	InReplyToStatusIDStr id              `json:"in_reply_to_status_id_str"`
	InReplyToUserIDStr   id              `json:"in_reply_to_user_id_str"`
	User                 xUser           `json:"user"`
	TimestampMs          stamp           `json:"timestamp_ms"`
	CreatedAt            stamp           `json:"created_at"`
	RetweetedStatus      json.RawMessage `json:"retweeted_status"`
	ExtendedEntities     *xEntities      `json:"extended_entities"`
}

type xEntities struct {
	Media list[xMedia] `json:"media"`
}

type xMedia struct {
	Type          string `json:"type"`
	MediaURLHTTPS string `json:"media_url_https"`
}

type xDirectMessage struct {
	Type             string `json:"type"`
	ID               id     `json:"id"`
	CreatedTimestamp stamp  `json:"created_timestamp"`
	MessageCreate    *struct {
		Target struct {
			RecipientID id `json:"recipient_id"`
		} `json:"target"`
		SenderID    id `json:"sender_id"`
		MessageData struct {
			Text string `json:"text"`
			// Attachment.Media is one object in DM events v1.1; some payloads carry a list.
			Attachment *struct {
				Type  string       `json:"type"`
				Media list[xMedia] `json:"media"`
			} `json:"attachment"`
		} `json:"message_data"`
	} `json:"message_create"`
}

type xDelete struct {
	Status struct {
		ID     id `json:"id"`
		UserID id `json:"user_id"`
	} `json:"status"`
}

func parseX(ch Channel, body []byte) ([]Event, error) {
	var p xPayload
	if err := decodeObject(body, &p); err != nil {
		return nil, fmt.Errorf("twitter payload: %w", err)
	}
	me := string(p.ForUserID)
	if me == "" {
		me = ch.accountID()
	}
	if me == "" && len(p.TweetCreateEvents)+len(p.DirectMessageEvents) > 0 {
		return nil, errors.New("twitter payload: no for_user_id, and the channel has no account_id: our own tweets cannot be told from customers'")
	}
	x := xParser{ch: ch, me: me, users: p.Users}
	var out []Event
	var errs located
	for i, raw := range p.TweetCreateEvents {
		evs, err := x.tweet(raw)
		errs.add(err, "tweet_create_events %d", i+1)
		out = append(out, evs...)
	}
	for i, raw := range p.DirectMessageEvents {
		evs, err := x.directMessage(raw)
		errs.add(err, "direct_message_events %d", i+1)
		out = append(out, evs...)
	}
	for i, raw := range p.TweetDeleteEvents {
		var d xDelete
		if err := decodeObject(raw, &d); err != nil {
			errs.add(err, "tweet_delete_events %d", i+1)
			continue
		}
		if d.Status.ID == "" {
			errs.add(errors.New("no status.id"), "tweet_delete_events %d", i+1)
			continue
		}
		out = append(out, Event{Kind: EventRemoved, Key: "deleted:" + string(d.Status.ID), Target: string(d.Status.ID),
			Customer: string(d.Status.UserID), Account: me})
	}
	// favorite, follow, block, typing and read events are left out, named for the logs.
	out = append(out, x.ignoredArrays(body)...)
	return out, errs.err("twitter")
}

type xParser struct {
	ch    Channel
	me    string
	users map[string]xUser
}

func (x xParser) tweet(raw json.RawMessage) ([]Event, error) {
	var t xTweet
	if err := decodeObject(raw, &t); err != nil {
		return nil, err
	}
	tid := string(t.IDStr)
	if tid == "" {
		tid = string(t.ID)
	}
	if tid == "" {
		return nil, errors.New("tweet has no id_str")
	}
	if len(t.RetweetedStatus) > 0 && string(t.RetweetedStatus) != "null" {
		return []Event{x.ignored("retweet", tid)}, nil // a retweet says nothing to answer
	}
	author := string(t.User.IDStr)
	if author == "" {
		author = string(t.User.ID)
	}
	if author == "" {
		return nil, fmt.Errorf("tweet %s has no user.id_str", tid)
	}
	at := t.TimestampMs.Time
	if at.IsZero() {
		at = t.CreatedAt.Time
	}
	in := engine.Interaction{ID: tid, Channel: x.ch.Type, ChannelID: x.ch.ID, Kind: "mention", Public: true,
		Author: engine.Author{ID: author, Name: t.User.Name, Handle: t.User.ScreenName},
		Parent: string(t.InReplyToStatusIDStr), Time: at}
	in.Thread = in.Parent
	if in.Thread == "" {
		in.Thread = tid
	}
	entities := t.ExtendedEntities
	switch {
	case t.ExtendedTweet != nil && t.ExtendedTweet.FullText != "":
		in.Text = t.ExtendedTweet.FullText
		if t.ExtendedTweet.ExtendedEntities != nil {
			entities = t.ExtendedTweet.ExtendedEntities
		}
	case t.FullText != "":
		in.Text = t.FullText
	default:
		in.Text = t.Text
	}
	if entities != nil {
		for _, m := range entities.Media {
			in.Attachments = append(in.Attachments, engine.Attachment{Type: xMediaType(m.Type), URL: m.MediaURLHTTPS})
		}
	}
	e := Event{Kind: EventInbound, Key: tid, Interaction: in, Customer: author, Account: x.me}
	if author == x.me {
		e.Kind, e.Customer = EventOutbound, string(t.InReplyToUserIDStr)
	}
	return []Event{e}, nil
}

func (x xParser) directMessage(raw json.RawMessage) ([]Event, error) {
	var dm xDirectMessage
	if err := decodeObject(raw, &dm); err != nil {
		return nil, err
	}
	if dm.Type != "message_create" || dm.MessageCreate == nil {
		return []Event{x.ignored(strings.TrimSpace("direct_message_events "+dm.Type), string(dm.ID))}, nil
	}
	if dm.ID == "" {
		return nil, errors.New("direct message has no id")
	}
	mc := dm.MessageCreate
	sender, recipient := string(mc.SenderID), string(mc.Target.RecipientID)
	if sender == "" {
		return nil, fmt.Errorf("direct message %s has no sender_id", dm.ID)
	}
	own := sender == x.me
	customer := sender
	if own {
		customer = recipient
	}
	if customer == "" {
		return nil, fmt.Errorf("direct message %s has no target.recipient_id", dm.ID)
	}
	u := x.users[sender]
	in := engine.Interaction{ID: string(dm.ID), Channel: x.ch.Type, ChannelID: x.ch.ID, Kind: "dm",
		Text: mc.MessageData.Text, Author: engine.Author{ID: sender, Name: u.Name, Handle: u.ScreenName},
		Thread: customer, Time: dm.CreatedTimestamp.Time}
	if a := mc.MessageData.Attachment; a != nil {
		for _, m := range a.Media {
			if m.MediaURLHTTPS != "" {
				in.Attachments = append(in.Attachments, engine.Attachment{Type: xMediaType(m.Type), URL: m.MediaURLHTTPS})
			}
		}
	}
	e := Event{Kind: EventInbound, Key: string(dm.ID), Interaction: in, Customer: customer, Account: x.me}
	if own {
		e.Kind = EventOutbound
	}
	return []Event{e}, nil
}

func (x xParser) ignored(name, target string) Event {
	return Event{Kind: EventIgnored, Ignored: name, Target: target, Account: x.me}
}

// ignoredArrays names the events of the arrays parseX does not read (favorite_events,
// follow_events, direct_message_indicate_typing_events...), one per element, in the order
// of their names, with the element's id where it has one.
func (x xParser) ignoredArrays(body []byte) []Event {
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) != nil {
		return nil
	}
	names := make([]string, 0, len(fields))
	for k := range fields {
		if !xRead[k] && (strings.HasSuffix(k, "_events") || k == "user_event") {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	var out []Event
	for _, name := range names {
		var items list[json.RawMessage]
		if json.Unmarshal(fields[name], &items) != nil {
			out = append(out, x.ignored(name, "")) // user_event and other single values
			continue
		}
		for _, item := range items {
			out = append(out, x.ignored(name, objectID(item)))
		}
	}
	return out
}

func xMediaType(t string) string {
	switch t {
	case "photo":
		return "image"
	case "video", "animated_gif":
		return "video"
	}
	return t
}
