package settings

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/store"
)

// Setting is one setting: a parameter as blocks have them (name, kind, default, description,
// values, range, format, what it names), and where it applies.
type Setting struct {
	engine.Param
	// Channels are the channel types the setting means something for; empty means all.
	Channels []string
	// Seconds lets a duration also be written as a whole number of seconds.
	Seconds bool
	// Exclusive are groups of list values that contradict each other: a list holds at most
	// one value of each group.
	Exclusive [][]string
}

// SendBudget is how fast a channel's sends may leave: its send lane's token bucket (Rate per
// second, Burst) and how many sends wait for the network's answer at once (Concurrency).
type SendBudget struct {
	Rate        float64
	Burst       int
	Concurrency int
}

// DefaultSendBudget is the budget of a channel type that sets none, from the networks' documented
// limits (docs/channels.md, Rate budgets): a Messenger page that sends more than 40 messages a
// second stops showing them, Instagram's Send API takes 300 calls a second per account, and X
// allows 200 posts or direct messages per user per 15 minutes. Web chat has no budget: Rate 0
// means no limit.
func DefaultSendBudget(channelType string) SendBudget {
	switch channelType {
	case store.ChannelFacebook:
		return SendBudget{Rate: 40, Burst: 40, Concurrency: 8}
	case store.ChannelInstagram:
		return SendBudget{Rate: 300, Burst: 100, Concurrency: 8}
	case store.ChannelTwitter:
		return SendBudget{Rate: 200.0 / (15 * 60), Burst: 50, Concurrency: 8}
	}
	return SendBudget{Concurrency: 8}
}

// RefCalendar is what a setting that names a calendar refers to (engine.Param.Refers).
const RefCalendar = "calendar"

// The offer modes of a channel.
const (
	OfferDirect = "direct"
	OfferRing   = "ring"
)

// What a channel does with a send whose outcome stays unknown (the unknown_send setting).
const (
	UnknownSendHold   = "hold"
	UnknownSendResend = "resend"
)

// The distribution orders a channel may set.
const (
	OrderOldest          = "oldest"
	OrderNewest          = "newest"
	OrderAccountPriority = "account_priority"
	OrderPrivateFirst    = "private_first"
	OrderPublicFirst     = "public_first"
)

// The assignment strategies of skills and channels (docs/routing.md, Who gets a conversation).
const (
	StrategyMostProficient = "most_proficient"
	StrategyLongestIdle    = "longest_idle"
	StrategyLeastBusy      = "least_busy"
	StrategyRoundRobin     = "round_robin"
	StrategyManual         = "manual"
)

// Strategies lists the assignment strategies.
var Strategies = []string{StrategyMostProficient, StrategyLongestIdle, StrategyLeastBusy, StrategyRoundRobin, StrategyManual}

var (
	meta    = []string{store.ChannelFacebook, store.ChannelInstagram}
	network = []string{store.ChannelFacebook, store.ChannelInstagram, store.ChannelTwitter}
	webchat = []string{store.ChannelWebchat}
)

// Channel lists the settings of channels, in the order the docs and the admin page show them.
var Channel = []Setting{
	{Param: engine.Param{Name: "account_id", Kind: engine.KindString, Format: "account-id", Example: "104857600000001",
		Description: "Our page, business account or user id on the network: events about our own posts and messages are ours."},
		Channels: network},
	{Param: engine.Param{Name: "base_url", Kind: engine.KindString, Format: "http-url", Example: "https://graph.facebook.com/v21.0",
		Description: "The network API's base URL, to point the channel at another server (tests use local fakes)."}},
	{Param: engine.Param{Name: "human_agent", Kind: engine.KindBool, Default: false,
		Description: "Agents may answer up to 7 days after the customer's last message, with the HUMAN_AGENT tag (the app must be approved for it)."},
		Channels: meta},
	{Param: engine.Param{Name: "profiles", Kind: engine.KindBool, Default: true,
		Description: "When a customer with no name writes a private message, look their name up with the network's User Profile API, so that contact.name and contact.first_name greet them (docs/channels.md, Profiles)."},
		Channels: meta},
	{Param: engine.Param{Name: "profile_refresh", Kind: engine.KindDuration, Default: "7d", Min: engine.Bound(3600), Max: engine.Bound(90 * 86400),
		Description: "How long a customer's looked-up profile is used before it is looked up again: a duration such as 7d or 36h, or a number of seconds."},
		Channels: meta, Seconds: true},
	{Param: engine.Param{Name: "callback_url", Kind: engine.KindString, Format: "http-url", Example: "https://www.example.com/chat/replies",
		Description: "Where the web chat's replies are POSTed, signed with the channel's secret. Unset: replies wait in the visitor's mailbox, which the widget streams."},
		Channels: webchat},
	{Param: engine.Param{Name: "allowed_origins", Kind: engine.KindList, Max: engine.Bound(50), Example: []string{"https://www.example.com"},
		Elem:        &engine.Param{Kind: engine.KindString, Format: "origin", Description: "An origin, or * for any."},
		Description: "The web pages (origins: scheme, host and port) whose widget may call the visitor endpoints; unset: only pages the server itself serves. * allows any page."},
		Channels: webchat},
	{Param: engine.Param{Name: "title", Kind: engine.KindString, Format: "widget-text", Example: "Acme support",
		Description: "The title of the widget's chat panel; unset: the widget's own words (Chat with us, in the page's language)."},
		Channels: webchat},
	{Param: engine.Param{Name: "greeting", Kind: engine.KindString, Format: "widget-text", Example: "Hi! How can we help?",
		Description: "The first line the widget shows a visitor, before any message; unset: the widget's own words."},
		Channels: webchat},
	{Param: engine.Param{Name: "placeholder", Kind: engine.KindString, Format: "widget-text", Example: "Write your message",
		Description: "The hint in the widget's empty message box; unset: the widget's own words."},
		Channels: webchat},
	{Param: engine.Param{Name: "offline_message", Kind: engine.KindString, Format: "widget-text", Example: "We are offline; leave a message and we answer by morning.",
		Description: "What the widget says while it cannot reach the server; unset: the widget's own words."},
		Channels: webchat},
	{Param: engine.Param{Name: "send_rate", Kind: engine.KindNumber, Min: engine.Bound(0.001), Max: engine.Bound(10000), Example: 20,
		Description: "The most sends per second to the network, on average (a token bucket); unset: the network's documented budget (docs/channels.md, Rate budgets)."}},
	{Param: engine.Param{Name: "send_burst", Kind: engine.KindInt, Min: engine.Bound(1), Max: engine.Bound(10000), Example: 20,
		Description: "How many sends may leave at once after a quiet spell, above send_rate; unset: the network's documented budget."}},
	{Param: engine.Param{Name: "send_concurrency", Kind: engine.KindInt, Min: engine.Bound(1), Max: engine.Bound(256), Example: 8,
		Description: "How many sends to the network may wait for its answer at once; unset: 8. A network that hangs holds at most this many."}},
	{Param: engine.Param{Name: "unknown_send", Kind: engine.KindEnum, Values: []string{UnknownSendHold, UnknownSendResend}, Default: UnknownSendHold,
		Description: "What to do with a send whose outcome stays unknown after reading the network back (it timed out, or cannot be read back): hold fails it, saying it may or may not have arrived (a late or missing reply rather than a double one); resend sends it again."}},
	{Param: engine.Param{Name: "offer_mode", Kind: engine.KindEnum, Values: []string{OfferDirect, OfferRing}, Default: OfferDirect,
		Description: "direct assigns a conversation to the chosen agent at once; ring offers it, ringing until the agent accepts or rejects it."}},
	{Param: engine.Param{Name: "ring_timeout", Kind: engine.KindDuration, Default: "30s", Min: engine.Bound(1), Max: engine.Bound(3600),
		Description: "How long an offer rings before it goes back to the queue: a duration such as 45s or 2m, or a number of seconds."},
		Seconds: true},
	{Param: engine.Param{Name: "language", Kind: engine.KindString, Format: "language", Example: "es",
		Description: "The language the channel's contacts are answered in when the flow cannot tell theirs (from a known contact, the network's locale or the words of the first message): flows with translations into it use them."}},
	{Param: engine.Param{Name: "pause_on_missed_offer", Kind: engine.KindBool, Default: false,
		Description: "An agent who lets an offer ring out is put on a break with the reason \"missed offer\"."}},
	{Param: engine.Param{Name: "queue_limit", Kind: engine.KindInt, Min: engine.Bound(1), Max: engine.Bound(10000), Example: 5,
		Description: "The most conversations a skill's queue holds per working agent (available or busy); beyond it route.skill leaves by overflow. Unset: no limit."}},
	{Param: engine.Param{Name: "distribution", Kind: engine.KindList, Max: engine.Bound(2), Example: []string{OrderPrivateFirst, OrderOldest},
		Elem: &engine.Param{Kind: engine.KindEnum, Values: []string{OrderOldest, OrderNewest, OrderAccountPriority, OrderPrivateFirst, OrderPublicFirst},
			Description: "An order."},
		Description: "Up to two orders applied after the priority and before the age: oldest, newest, account_priority, private_first, public_first."},
		Exclusive: [][]string{{OrderOldest, OrderNewest}, {OrderPrivateFirst, OrderPublicFirst}}},
	{Param: engine.Param{Name: "blending", Kind: engine.KindBool, Default: true,
		Description: "Agents serving conversations of other channels still take this channel's; false: only agents serving none elsewhere do (an agent's own blending says whether the busy state takes any)."}},
	{Param: engine.Param{Name: "strategy", Kind: engine.KindEnum, Values: Strategies, Example: StrategyLongestIdle,
		Description: "The assignment strategy of the channel's conversations, over their skill's (see the skill's strategy); unset: the skill's."}},
	{Param: engine.Param{Name: "account_priority", Kind: engine.KindInt, Default: 0, Min: engine.Bound(0), Max: engine.Bound(1000),
		Description: "With the account_priority order, a channel with a higher priority goes ahead of the others sharing its skills."}},
	{Param: engine.Param{Name: "dispositions", Kind: engine.KindList, Example: []string{"solved", "no_answer"},
		Elem:        &engine.Param{Kind: engine.KindString, Format: "identifier", Description: "A disposition code."},
		Description: "The codes agents may close the channel's conversations with, when the skill has no list; any code when neither has one."}},
	{Param: engine.Param{Name: "require_contact", Kind: engine.KindBool, Default: false,
		Description: "A conversation cannot be closed until it is linked to a contact."}},
	{Param: engine.Param{Name: "auto_requeue", Kind: engine.KindDuration, Min: engine.Bound(60), Max: engine.Bound(86400), Example: "10m",
		Description: "An assigned conversation with no reply sent since its assignment goes back to the queue after this long, for another agent (not the same one), keeping its age; counted in the statistics (requeued). Unset: never."},
		Seconds: true},
	{Param: engine.Param{Name: "alert_waiting", Kind: engine.KindDuration, Min: engine.Bound(1), Max: engine.Bound(86400), Example: "5m",
		Description: "Supervisors are alerted (waiting) when one of the channel's conversations waits for an agent longer than this. Unset: no alert."},
		Seconds: true},
	{Param: engine.Param{Name: "alert_sla", Kind: engine.KindDuration, Min: engine.Bound(1), Max: engine.Bound(86400), Example: "15s",
		Description: "Supervisors are alerted (sla) when a waiting conversation is within this time of the channel's service level, about to breach it. Unset: no alert."},
		Seconds: true},
	{Param: engine.Param{Name: "alert_no_reply", Kind: engine.KindDuration, Min: engine.Bound(1), Max: engine.Bound(86400), Example: "3m",
		Description: "Supervisors are alerted (no_reply) when an agent has sent no reply this long after a conversation was assigned to them. Unset: no alert."},
		Seconds: true},
	{Param: engine.Param{Name: "alert_idle", Kind: engine.KindDuration, Min: engine.Bound(60), Max: engine.Bound(7 * 86400), Example: "2h",
		Description: "Supervisors are alerted (idle) when an assigned conversation has had no message either way for this long. Unset: no alert."},
		Seconds: true},
	{Param: engine.Param{Name: "service_level_seconds", Kind: engine.KindInt, Default: 60, Min: engine.Bound(1), Max: engine.Bound(86400),
		Description: "The wait within which a conversation counts as answered in time, for the service level."}},
	{Param: engine.Param{Name: "target_service_level", Kind: engine.KindInt, Default: 80, Min: engine.Bound(1), Max: engine.Bound(100),
		Description: "The supervisor view's target for the channel's service level: at least this percentage of conversations answered within service_level_seconds."}},
	{Param: engine.Param{Name: "target_abandon", Kind: engine.KindInt, Default: 5, Min: engine.Bound(0), Max: engine.Bound(100),
		Description: "The supervisor view's target for the channel's abandon rate: at most this percentage of the conversations offered given up before an agent took them."}},
	{Param: engine.Param{Name: "target_wait", Kind: engine.KindDuration, Default: "60s", Min: engine.Bound(1), Max: engine.Bound(86400),
		Description: "The supervisor view's target for the channel's waits: the longest and the average wait at most this long; a duration such as 45s or 2m, or a number of seconds."},
		Seconds: true},
	{Param: engine.Param{Name: "working_hours", Kind: engine.KindString, Format: "calendar-name", Example: "support-hours",
		Description: "The calendar whose open hours count for the channel's first response and resolution times; all the time when unset.",
		Refers:      RefCalendar}},
}

// Skill lists the settings of skills (the body of PUT /api/v1/skills/{name}).
var Skill = []Setting{
	{Param: engine.Param{Name: "description", Kind: engine.KindString, Format: "description", Example: "Invoices and refunds",
		Description: "What the skill is for, as people read it."}},
	{Param: engine.Param{Name: "dispositions", Kind: engine.KindList, Example: []string{"solved", "refunded"},
		Elem:        &engine.Param{Kind: engine.KindString, Format: "identifier", Description: "A disposition code."},
		Description: "The codes agents may close the skill's conversations with; empty: the channel's list, or any code."}},
	{Param: engine.Param{Name: "require_accept", Kind: engine.KindBool, Default: false,
		Description: "Offers of the skill ring until the agent accepts or rejects them, whatever the channel's offer_mode."}},
	{Param: engine.Param{Name: "strategy", Kind: engine.KindEnum, Values: Strategies, Default: StrategyMostProficient,
		Description: "Who of the free agents gets a conversation: most_proficient (then the longest idle), longest_idle, least_busy (the fewest conversations for their capacity), round_robin (among the most proficient, whoever got one least recently), or manual (nobody: agents claim conversations from the queue). A channel's strategy setting overrides it."}},
	{Param: engine.Param{Name: "groups", Kind: engine.KindList, Max: engine.Bound(10), Example: []string{"tier1", "tier2"},
		Elem:        &engine.Param{Kind: engine.KindString, Format: "group-name", Description: "An agent group."},
		Description: "Agent groups in order: the skill's conversations go to the free agents of the first group, then of the second, and so on, then to its agents in none of them; the strategy chooses within each group."}},
	{Param: engine.Param{Name: "assignment_limit", Kind: engine.KindInt, Min: engine.Bound(1), Max: engine.Bound(1000), Example: 20,
		Description: "The most new conversations of the skill an agent gets per assignment_window; an agent who had that many waits for the window to move on. Unset: no limit."}},
	{Param: engine.Param{Name: "assignment_window", Kind: engine.KindDuration, Default: "1h", Min: engine.Bound(60), Max: engine.Bound(86400),
		Description: "The window assignment_limit counts in, up to now: a duration such as 30m or 1h, or a number of seconds."},
		Seconds: true},
	{Param: engine.Param{Name: "router_url", Kind: engine.KindString, Format: "http-url", Example: "https://router.example.com/choose",
		Description: "An external router: the skill's candidates (up to 10 free agents, best first by the strategy) are POSTed to it, and it answers with the agent to take the conversation. No answer within router_timeout, or one that is not a candidate: the strategy's first candidate. Unset: the strategy alone."}},
	{Param: engine.Param{Name: "router_timeout", Kind: engine.KindDuration, Default: "2s", Min: engine.Bound(0.05), Max: engine.Bound(10),
		Description: "How long the external router has to answer: a duration such as 500ms or 2s."}},
}

// DefaultBreakReasons are the reasons agents may give for a break while the workspace sets none.
var DefaultBreakReasons = []string{"lunch", "coffee", "training", "meeting", "other"}

// MaxBreakReasons is the most break reasons the workspace may list.
const MaxBreakReasons = 20

// Workspace lists the settings of the whole workspace (GET and PUT /api/v1/workspace/settings).
var Workspace = []Setting{
	{Param: engine.Param{Name: "break_reasons", Kind: engine.KindList, Default: DefaultBreakReasons, Max: engine.Bound(MaxBreakReasons),
		Example: []string{"lunch", "Coaching session"},
		Elem:    &engine.Param{Kind: engine.KindString, Format: "break-reason", Description: "A reason, as agents and supervisors read it."},
		Description: "The reasons agents may give for a break, in the order the workspace lists them: 1 to 20 of them, each of 1 to 40 characters. " +
			"The default ones (lunch, coffee, training, meeting, other) are shown in the agent's language; others as they are written."}},
}

// AppliesTo tells whether the setting means something for a channel type.
func (s *Setting) AppliesTo(channelType string) bool {
	if len(s.Channels) == 0 {
		return true
	}
	for _, c := range s.Channels {
		if c == channelType {
			return true
		}
	}
	return false
}

// lookup returns the setting called name, or nil.
func lookup(spec []Setting, name string) *Setting {
	for i := range spec {
		if spec[i].Name == name {
			return &spec[i]
		}
	}
	return nil
}

// formats are the formats of settings beside those of block parameters (engine.Formats).
var formats = map[string]*engine.Format{
	"language": {
		Description: "a language code in lower case, like es, it or fr",
		Pattern:     `^[a-z]{2,3}$`,
		Check: func(s string) error {
			if engine.LanguageOf(s) != s {
				return fmt.Errorf("%q is not a language code; write one in lower case like es, it or fr", s)
			}
			return nil
		},
	},
	"http-url": {
		Description: "an absolute http or https URL with a host, like https://www.example.com/replies",
		Pattern:     `^https?://[^\s/?#]+([/?#]\S*)?$`,
		Check:       checkURL,
	},
	"account-id": {
		Description: "an id on the network: letters, digits, -, _, . or :, like 104857600000001",
		Pattern:     `^[A-Za-z0-9_.:-]{1,100}$`,
		Check: func(s string) error {
			if s == "" || len(s) > 100 || strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-") != "" {
				return fmt.Errorf("%q is not an id on the network; write letters, digits, -, _, . or :, like 104857600000001", s)
			}
			return nil
		},
	},
	"calendar-name": {
		Description: "a calendar name: lower case letters, digits, - and _, like support-hours",
		Pattern:     engine.Formats["flow-id"].Pattern,
		Check: func(s string) error {
			if engine.Formats["flow-id"].Check(s) != nil {
				return fmt.Errorf("%q is not a calendar name; write lower case letters, digits, - and _, like support-hours", s)
			}
			return nil
		},
	},
	"origin": {
		Description: "a web origin: http or https, a host and an optional port, without a path, like https://www.example.com; or * for any",
		Pattern:     `^(\*|https?://[^\s/?#]+)$`,
		Check:       checkOrigin,
	},
	"widget-text": {
		Description: "text of at most 300 characters",
		Pattern:     `^[\s\S]{0,300}$`,
		Check: func(s string) error {
			if n := len([]rune(s)); n > 300 {
				return fmt.Errorf("the text is %d characters long; the most allowed is 300", n)
			}
			return nil
		},
	},
	"group-name": {
		Description: "a group name: 1 to 64 characters, not blank",
		Pattern:     `^\S[\s\S]{0,63}$`,
		Check: func(s string) error {
			if strings.TrimSpace(s) == "" || len([]rune(s)) > 64 {
				return fmt.Errorf("%q is not a group name; write 1 to 64 characters, not blank", s)
			}
			return nil
		},
	},
	"break-reason": {
		Description: "a break reason: 1 to 40 characters, not blank, without spaces around them and without commas",
		Pattern:     `^[^,\s]([^,]{0,38}[^,\s])?$`,
		Check: func(s string) error {
			if strings.TrimSpace(s) == "" || strings.TrimSpace(s) != s || len([]rune(s)) > 40 || strings.Contains(s, ",") {
				return fmt.Errorf("%q is not a break reason; write 1 to 40 characters, not blank, without spaces around them and without commas", s)
			}
			return nil
		},
	},
	"description": {
		Description: "text of at most 500 characters",
		Pattern:     `^[\s\S]{0,500}$`,
		Check: func(s string) error {
			if n := len([]rune(s)); n > 500 {
				return fmt.Errorf("the text is %d characters long; the most allowed is 500", n)
			}
			return nil
		},
	},
}

// format returns the format called name, of settings or of block parameters, or nil.
func format(name string) *engine.Format {
	if f := formats[name]; f != nil {
		return f
	}
	return engine.Formats[name]
}

// checkURL accepts absolute http and https URLs with a host.
func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" ||
		strings.ContainsAny(s, " \t\r\n") || u.User != nil {
		return fmt.Errorf("%q is not an absolute http or https URL with a host, like https://www.example.com/replies", s)
	}
	return nil
}

// checkOrigin accepts * and web origins: http or https, a host, an optional port, nothing else.
func checkOrigin(s string) error {
	if s == "*" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(s, "/") ||
		strings.ContainsAny(s, " \t\r\n") || s != strings.ToLower(u.Scheme)+"://"+u.Host {
		return fmt.Errorf("%q is not an origin; write the scheme, the host and the port only, like https://www.example.com or http://127.0.0.1:8080, or * for any page", s)
	}
	return nil
}
