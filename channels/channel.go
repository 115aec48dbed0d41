package channels

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/engine"
)

// The channel types.
const (
	TypeFacebook  = "facebook"
	TypeInstagram = "instagram"
	TypeTwitter   = "twitter"
	TypeWebchat   = "webchat"
)

// The networks' API base URLs, used unless a channel's settings.base_url overrides them.
const (
	DefaultFacebookBaseURL  = "https://graph.facebook.com/v21.0"
	DefaultInstagramBaseURL = "https://graph.instagram.com/v21.0"
	DefaultTwitterBaseURL   = "https://api.x.com"
)

// Channel is what an adapter needs of a stored channel.
type Channel struct {
	// ID is the channel's id in Switchboard; Type is facebook, instagram, twitter or webchat.
	ID, Type string
	// Credentials are the secrets: facebook: app_secret, page_access_token, verify_token;
	// instagram: app_secret, access_token, verify_token; twitter: consumer_secret, access_token;
	// webchat: secret (optional).
	Credentials map[string]string
	// Settings: base_url (override of the network's API base URL), account_id (our page id, IG
	// business account id or X user id), human_agent (bool: the HUMAN_AGENT tag is allowed),
	// callback_url (webchat: where replies are POSTed).
	Settings map[string]any
}

// EventKind is what a webhook event means for the conversation.
type EventKind string

// The kinds of events.
const (
	// EventInbound is a customer's post, comment, mention or message.
	EventInbound EventKind = "inbound"
	// EventOutbound is an echo of our own send, or our account's own comment, post or tweet.
	EventOutbound EventKind = "outbound"
	// EventWatermark says everything up to a time was delivered or read.
	EventWatermark EventKind = "watermark"
	// EventRemoved is a comment, post or message removed or hidden: keep a tombstone upstream.
	EventRemoved EventKind = "removed"
	// EventIgnored is an event the engine has no use for (a reaction, a like, an edit, a
	// follow, a typing indicator, a thread another app owns): Ignored names it, for the logs.
	// It has no key: nothing is recorded of it.
	EventIgnored EventKind = "ignored"
)

// UserRefPrefix marks a customer known by a Messenger user_ref (the checkbox plugin, chat
// plugin guests) rather than a page-scoped id: such customers are "user_ref:<value>", and
// messages to them go to recipient.user_ref.
const UserRefPrefix = "user_ref:"

// Event is one normalised webhook event.
type Event struct {
	Kind EventKind `json:"kind"`
	// Key deduplicates the event within the channel: the same event delivered again, in any
	// batch, has the same key (protocol §5).
	Key string `json:"key"`
	// Interaction is the post, comment, mention or message, for inbound and outbound events.
	Interaction engine.Interaction `json:"interaction,omitzero"`
	// Customer is the customer's id on the network: the author of inbound, the recipient of
	// outbound, the reader of a watermark. A customer known only by a Messenger user_ref is
	// "user_ref:<value>"; an inbound comment or mention whose author the network does not
	// tell is a customer of its own, "<kind>:<id>". Empty for our own comments and posts,
	// whose customer is the one of the comment they answer.
	Customer string `json:"customer,omitempty"`
	// Metadata is what we sent along with a Messenger or Instagram message (our action id),
	// as its echo brings it back.
	Metadata string `json:"metadata,omitempty"`
	// Watermark is the time up to which everything is delivered or read.
	Watermark time.Time `json:"watermark,omitzero"`
	// Read is true for a read watermark, false for a delivery one.
	Read bool `json:"read,omitempty"`
	// Target is the comment, post or message a removed event removes, or the one an ignored
	// event is about when the network names it.
	Target string `json:"target,omitempty"`
	// Ignored is the network's name of an ignored event: "reaction", "feed like add",
	// "favorite_events", "standby"...
	Ignored string `json:"ignored,omitempty"`
	// Account is the account the network delivered the event for: the page or Instagram
	// account (entry.id) or the X user (for_user_id). One app's webhook may serve several.
	Account string `json:"account,omitempty"`
}

func unknownType(ch Channel) error {
	return fmt.Errorf("channel %s: unknown type %q; want facebook, instagram, twitter or webchat", ch.ID, ch.Type)
}

// setting reads a text setting; numbers are written as integers.
func (ch Channel) setting(name string) string {
	switch v := ch.Settings[name].(type) {
	case string:
		return strings.TrimSpace(v)
	case json.Number:
		return v.String()
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			return strconv.FormatInt(int64(v), 10)
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case nil:
		return ""
	default:
		return fmt.Sprint(v)
	}
}

// flag reads a boolean setting: true, or the text "true".
func (ch Channel) flag(name string) bool {
	switch v := ch.Settings[name].(type) {
	case bool:
		return v
	case string:
		b, _ := strconv.ParseBool(strings.TrimSpace(v))
		return b
	}
	return false
}

// baseURL is the network's API base URL, settings.base_url when set, without a trailing slash.
func (ch Channel) baseURL() string {
	if u := ch.setting("base_url"); u != "" {
		return strings.TrimRight(u, "/")
	}
	switch ch.Type {
	case TypeFacebook:
		return DefaultFacebookBaseURL
	case TypeInstagram:
		return DefaultInstagramBaseURL
	case TypeTwitter:
		return DefaultTwitterBaseURL
	}
	return ""
}

// Remote tells whether sends to the channel call a network: all but a web chat without a
// callback_url, whose widget polls the transcript.
func (ch Channel) Remote() bool {
	return ch.Type != TypeWebchat || ch.setting("callback_url") != ""
}

// accountID is our own id on the network: settings.account_id.
func (ch Channel) accountID() string { return ch.setting("account_id") }

func (ch Channel) credential(name string) string { return ch.Credentials[name] }

// accessToken is the token Graph or X calls are made with.
func (ch Channel) accessToken() string {
	if ch.Type == TypeFacebook {
		return ch.credential("page_access_token")
	}
	return ch.credential("access_token")
}
