package settings

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/flows"
	"github.com/switchboardhq/switchboard/store"
)

// Problem is one setting that does not fit its spec.
type Problem struct {
	// Field is the setting's path in the request: "settings.ring_timeout", "dispositions[1]".
	Field string
	// Message says what is wrong, starting with the field.
	Message string
}

func (p Problem) Error() string { return p.Message }

// ChannelSettings are a channel's settings, typed, with the defaults of those unset.
type ChannelSettings struct {
	AccountID   string
	BaseURL     string
	HumanAgent  bool
	CallbackURL string
	OfferMode   string
	// Language is the channel's default language for its contacts; "" when unset.
	Language           string
	RingTimeout        time.Duration
	PauseOnMissedOffer bool
	// QueueLimit is 0 when the channel sets no limit.
	QueueLimit   int
	Distribution []string
	// Strategy overrides the skill's assignment strategy; empty: the skill's.
	Strategy string
	// Blending lets agents serving other channels' conversations take this channel's.
	Blending bool
	// AutoRequeue puts back in the queue an assigned conversation with no reply for this long;
	// the alerts say when supervisors are told of conversations waiting, near the service
	// level, unanswered and idle. 0 is never.
	AutoRequeue, AlertWaiting, AlertSLA, AlertNoReply, AlertIdle time.Duration
	AccountPriority                                              int
	Dispositions                                                 []string
	RequireContact                                               bool
	ServiceLevel                                                 time.Duration
	WorkingHours                                                 string
	// Targets are what the supervisor view holds the channel's figures against.
	Targets Targets
	// Send is the channel's send budget: its settings over the type's default.
	Send SendBudget
	// UnknownSend is hold or resend: what a send of unknown outcome does when reading back
	// cannot settle it.
	UnknownSend string
	// Profiles is true when customers' names are looked up with the network's profile API
	// (Facebook and Instagram); ProfileRefresh is how long a looked-up profile is used.
	Profiles       bool
	ProfileRefresh time.Duration
	// AllowedOrigins are the web pages whose widget may call a web chat's visitor endpoints.
	AllowedOrigins []string
	// Widget holds the web chat widget's texts the channel sets.
	Widget WidgetTexts
}

// Targets are a channel's targets: the least service level and the most abandon rate (both
// fractions of 1), and the longest wait.
type Targets struct {
	ServiceLevel float64       `json:"service_level"`
	Abandon      float64       `json:"abandon"`
	Wait         time.Duration `json:"-"`
	// WaitSeconds is Wait in seconds, as the API serves it.
	WaitSeconds float64 `json:"wait_seconds"`
}

// WidgetTexts are the web chat widget's texts a channel sets; empty ones take the widget's own.
type WidgetTexts struct {
	Title          string `json:"title,omitempty"`
	Greeting       string `json:"greeting,omitempty"`
	Placeholder    string `json:"placeholder,omitempty"`
	OfflineMessage string `json:"offline_message,omitempty"`
}

// SkillSettings are a skill's settings, typed.
type SkillSettings struct {
	Description   string
	Dispositions  []string
	RequireAccept bool
	// Strategy is how the skill's conversations find agents.
	Strategy string
	// AssignmentLimit is the most new conversations an agent gets per AssignmentWindow; 0: none.
	AssignmentLimit  int
	AssignmentWindow time.Duration
	// RouterURL is the external router's; RouterTimeout how long it has to answer.
	RouterURL     string
	RouterTimeout time.Duration
	// Groups are agent groups in order.
	Groups []string
}

// ParseChannel reads the settings of a channel of a type. Unknown settings, settings of other
// channel types and values that do not fit are problems; such settings take their defaults.
func ParseChannel(channelType string, m map[string]any) (ChannelSettings, []Problem) {
	v, problems := decode(Channel, "settings.", channelType, m)
	out := ChannelSettings{
		AccountID: str(v, "account_id"), BaseURL: str(v, "base_url"), HumanAgent: v["human_agent"] == true,
		CallbackURL: str(v, "callback_url"), OfferMode: str(v, "offer_mode"), Language: str(v, "language"), PauseOnMissedOffer: v["pause_on_missed_offer"] == true,
		QueueLimit: integer(v, "queue_limit"), Distribution: list(v, "distribution"), AccountPriority: integer(v, "account_priority"),
		Strategy: str(v, "strategy"), Blending: v["blending"] == true,
		Dispositions: list(v, "dispositions"), RequireContact: v["require_contact"] == true,
		ServiceLevel: time.Duration(integer(v, "service_level_seconds")) * time.Second, WorkingHours: str(v, "working_hours"),
		UnknownSend: str(v, "unknown_send"), AllowedOrigins: list(v, "allowed_origins"),
		Widget: WidgetTexts{Title: str(v, "title"), Greeting: str(v, "greeting"), Placeholder: str(v, "placeholder"),
			OfflineMessage: str(v, "offline_message")},
	}
	out.RingTimeout, _ = v["ring_timeout"].(time.Duration)
	out.Targets.Wait, _ = v["target_wait"].(time.Duration)
	out.Targets.WaitSeconds = out.Targets.Wait.Seconds()
	out.Targets.ServiceLevel = float64(integer(v, "target_service_level")) / 100
	out.Targets.Abandon = float64(integer(v, "target_abandon")) / 100
	out.AutoRequeue, _ = v["auto_requeue"].(time.Duration)
	out.AlertWaiting, _ = v["alert_waiting"].(time.Duration)
	out.AlertSLA, _ = v["alert_sla"].(time.Duration)
	out.AlertNoReply, _ = v["alert_no_reply"].(time.Duration)
	out.AlertIdle, _ = v["alert_idle"].(time.Duration)
	out.ProfileRefresh, _ = v["profile_refresh"].(time.Duration)
	out.Profiles = v["profiles"] == true && (channelType == store.ChannelFacebook || channelType == store.ChannelInstagram)
	out.Send = DefaultSendBudget(channelType)
	if r, ok := v["send_rate"].(float64); ok {
		out.Send.Rate = r
	}
	if n := integer(v, "send_burst"); n > 0 {
		out.Send.Burst = n
	}
	if n := integer(v, "send_concurrency"); n > 0 {
		out.Send.Concurrency = n
	}
	return out, problems
}

// ParseSkill reads the settings of a skill, as ParseChannel does.
func ParseSkill(m map[string]any) (SkillSettings, []Problem) {
	v, problems := decode(Skill, "", "", m)
	out := SkillSettings{Description: str(v, "description"), Dispositions: list(v, "dispositions"),
		RequireAccept: v["require_accept"] == true, Strategy: str(v, "strategy"), AssignmentLimit: integer(v, "assignment_limit"),
		RouterURL: str(v, "router_url"), Groups: list(v, "groups")}
	out.AssignmentWindow, _ = v["assignment_window"].(time.Duration)
	out.RouterTimeout, _ = v["router_timeout"].(time.Duration)
	return out, problems
}

// WorkspaceSettings are the workspace's settings, typed.
type WorkspaceSettings struct {
	// BreakReasons are the reasons agents may give for a break, never empty.
	BreakReasons []string `json:"break_reasons"`
}

// ParseWorkspace reads the workspace's settings, as ParseChannel does: a list of break reasons
// that is empty, or holds nothing valid, is a problem and reads as the default list.
func ParseWorkspace(m map[string]any) (WorkspaceSettings, []Problem) {
	v, problems := decode(Workspace, "", "", m)
	out := WorkspaceSettings{BreakReasons: list(v, "break_reasons")}
	if len(out.BreakReasons) == 0 {
		if _, given := m["break_reasons"]; given && len(problems) == 0 {
			problems = append(problems, Problem{Field: "break_reasons", Message: "break_reasons: list at least one reason"})
		}
		out.BreakReasons = slices.Clone(DefaultBreakReasons)
	}
	return out, problems
}

// Exists tells whether a thing a setting names exists: kind is what Setting.Refers says.
type Exists func(kind, name string) (bool, error)

// CheckChannel checks a channel's settings as the admin API takes them: ParseChannel's
// problems, then the names of calendars and the like, which must exist.
func CheckChannel(channelType string, m map[string]any, exists Exists) ([]Problem, error) {
	_, problems := ParseChannel(channelType, m)
	bad := map[string]bool{}
	for _, p := range problems {
		bad[p.Field] = true
	}
	for i := range Channel {
		s := &Channel[i]
		name, _ := m[s.Name].(string)
		field := "settings." + s.Name
		if s.Refers == "" || name == "" || bad[field] {
			continue
		}
		ok, err := exists(s.Refers, name)
		if err != nil {
			return nil, err
		}
		if !ok {
			problems = append(problems, Problem{Field: field, Message: fmt.Sprintf("%s: there is no %s %q; create it first", field, s.Refers, name)})
		}
	}
	return problems, nil
}

// decode reads values against a spec; missing settings take their defaults.
func decode(spec []Setting, prefix, channelType string, m map[string]any) (map[string]any, []Problem) {
	out := map[string]any{}
	var problems []Problem
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		field := prefix + k
		s := lookup(spec, k)
		if s == nil {
			problems = append(problems, Problem{Field: field, Message: field + ": " + unknown(spec, channelType, k)})
			continue
		}
		if !s.AppliesTo(channelType) {
			problems = append(problems, Problem{Field: field, Message: fmt.Sprintf("%s: only %s channels have this setting", field, orList(s.Channels))})
			continue
		}
		v, msg := s.value(m[k])
		if v != nil {
			out[k] = v // what is valid of a list
		}
		if msg != "" {
			if !strings.HasPrefix(msg, "[") {
				msg = ": " + msg
			}
			problems = append(problems, Problem{Field: field + fieldSuffix(msg), Message: field + msg})
		}
	}
	for i := range spec {
		s := &spec[i]
		if _, ok := out[s.Name]; !ok && s.Default != nil {
			out[s.Name], _ = s.value(s.Default)
		}
	}
	return out, problems
}

// fieldSuffix is the "[i]" of a message about one element of a list.
func fieldSuffix(msg string) string {
	if strings.HasPrefix(msg, "[") {
		return msg[:strings.IndexByte(msg, ']')+1]
	}
	return ""
}

func unknown(spec []Setting, channelType, name string) string {
	var names []string
	for i := range spec {
		if spec[i].AppliesTo(channelType) {
			names = append(names, spec[i].Name)
		}
	}
	if s := flows.Suggest(name, names); s != "" {
		return fmt.Sprintf("there is no such setting; did you mean %q?", s)
	}
	return "there is no such setting; the settings are " + strings.Join(names, ", ")
}

func orList(xs []string) string {
	if len(xs) < 2 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " or " + xs[len(xs)-1]
}

// got shows a value as it was written.
func got(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(b) > 60 {
		return string(b[:57]) + "..."
	}
	return string(b)
}

// value checks one value against the setting; a message says what is wrong ("" when nothing).
// Messages about one element of a list start with its index, "[1]: ...".
func (s *Setting) value(v any) (any, string) {
	p := &s.Param
	switch p.Kind {
	case engine.KindList:
		items, ok := v.([]any)
		if !ok {
			if ss, isStrings := v.([]string); isStrings {
				for _, x := range ss {
					items = append(items, x)
				}
				ok = true
			}
		}
		if !ok {
			return nil, fmt.Sprintf("must be a list of %s, got %s", kindText(p.Elem), got(v))
		}
		// the values that fit are kept, up to the most allowed, so that a stored list is read
		// for what it holds that is valid; the message says what was wrong first
		out, first := make([]string, 0, len(items)), ""
		problem := func(msg string) {
			if first == "" {
				first = msg
			}
		}
	items:
		for i, x := range items {
			elem := Setting{Param: *p.Elem}
			y, msg := elem.value(x)
			if msg != "" {
				problem(fmt.Sprintf("[%d]: %s", i, msg))
				continue
			}
			str := y.(string)
			if slices.Contains(out, str) {
				problem(fmt.Sprintf("[%d]: %q is listed twice", i, str))
				continue
			}
			for _, group := range s.Exclusive {
				for _, other := range out {
					if other != str && slices.Contains(group, other) && slices.Contains(group, str) {
						problem(fmt.Sprintf("cannot hold both %s and %s, which contradict each other", other, str))
						continue items
					}
				}
			}
			if p.Max != nil && float64(len(out)) >= *p.Max {
				problem(fmt.Sprintf("holds at most %d values, got %d", int(*p.Max), len(items)))
				break
			}
			out = append(out, str)
		}
		return out, first
	case engine.KindString:
		str, ok := v.(string)
		if !ok {
			return nil, fmt.Sprintf("must be %s, got %s", kindText(p), got(v))
		}
		if f := format(p.Format); f != nil {
			if err := f.Check(str); err != nil {
				return nil, err.Error()
			}
		}
		return str, ""
	case engine.KindEnum:
		str, ok := v.(string)
		if !ok || !slices.Contains(p.Values, str) {
			msg := fmt.Sprintf("must be one of %s, got %s", strings.Join(p.Values, ", "), got(v))
			if sug := flows.Suggest(str, p.Values); ok && sug != "" {
				msg += fmt.Sprintf("; did you mean %q?", sug)
			}
			return nil, msg
		}
		return str, ""
	case engine.KindBool:
		b, ok := v.(bool)
		if !ok {
			return nil, fmt.Sprintf("must be true or false, got %s", got(v))
		}
		return b, ""
	case engine.KindInt:
		n, ok := whole(v)
		if !ok || p.Min != nil && float64(n) < *p.Min || p.Max != nil && float64(n) > *p.Max {
			return nil, fmt.Sprintf("must be %s, got %s", kindText(p), got(v))
		}
		return n, ""
	case engine.KindNumber:
		n, ok := number(v)
		if !ok || p.Min != nil && n < *p.Min || p.Max != nil && n > *p.Max {
			return nil, fmt.Sprintf("must be %s, got %s", kindText(p), got(v))
		}
		return n, ""
	case engine.KindDuration:
		var d time.Duration
		if n, ok := whole(v); ok && s.Seconds {
			d = time.Duration(n) * time.Second
		} else if str, isText := v.(string); isText {
			parsed, err := engine.ParseDuration(str)
			if err != nil {
				return nil, fmt.Sprintf("must be %s, got %s", kindText(p), got(v))
			}
			d = parsed
		} else {
			return nil, fmt.Sprintf("must be %s, got %s", kindText(p), got(v))
		}
		if p.Min != nil && d.Seconds() < *p.Min || p.Max != nil && d.Seconds() > *p.Max {
			return nil, fmt.Sprintf("must be %s, got %s", kindText(p), got(v))
		}
		return d, ""
	}
	return nil, fmt.Sprintf("cannot be read (%s settings are not supported)", p.Kind)
}

// whole reads a whole number as JSON or Go code writes it.
func whole(v any) (int, bool) {
	switch n := v.(type) {
	case float64:
		if n == math.Trunc(n) && math.Abs(n) < 1<<53 {
			return int(n), true
		}
	case int:
		return n, true
	case int64:
		return int(n), true
	case json.Number:
		i, err := n.Int64()
		return int(i), err == nil
	}
	return 0, false
}

// number reads a finite number as JSON or Go code writes it.
func number(v any) (float64, bool) {
	var f float64
	switch n := v.(type) {
	case float64:
		f = n
	case int:
		f = float64(n)
	case int64:
		f = float64(n)
	case json.Number:
		var err error
		if f, err = n.Float64(); err != nil {
			return 0, false
		}
	default:
		return 0, false
	}
	return f, !math.IsNaN(f) && !math.IsInf(f, 0)
}

// kindText says what a setting takes, for messages.
func kindText(p *engine.Param) string {
	seconds := func(v float64) string { return time.Duration(v * float64(time.Second)).String() }
	switch p.Kind {
	case engine.KindString:
		if f := format(p.Format); f != nil {
			return f.Description
		}
		return "text"
	case engine.KindBool:
		return "true or false"
	case engine.KindEnum:
		return "one of " + strings.Join(p.Values, ", ")
	case engine.KindInt:
		switch {
		case p.Min != nil && p.Max != nil:
			return fmt.Sprintf("a whole number from %v to %v", *p.Min, *p.Max)
		case p.Min != nil:
			return fmt.Sprintf("a whole number of at least %v", *p.Min)
		}
		return "a whole number"
	case engine.KindNumber:
		switch {
		case p.Min != nil && p.Max != nil:
			return fmt.Sprintf("a number from %v to %v", *p.Min, *p.Max)
		case p.Min != nil:
			return fmt.Sprintf("a number of at least %v", *p.Min)
		}
		return "a number"
	case engine.KindDuration:
		s := "a duration"
		if p.Min != nil {
			s += " of at least " + seconds(*p.Min)
		}
		if p.Max != nil {
			s += " and at most " + seconds(*p.Max)
		}
		return s + " (such as 30s or 2m, or a number of seconds)"
	}
	return string(p.Kind)
}

func str(v map[string]any, name string) string {
	s, _ := v[name].(string)
	return s
}

func integer(v map[string]any, name string) int {
	n, _ := v[name].(int)
	return n
}

func list(v map[string]any, name string) []string {
	l, _ := v[name].([]string)
	return l
}
