package settings_test

import (
	"errors"
	"flag"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/settings"
)

var update = flag.Bool("update", false, "rewrite the generated tables of docs/ with the current spec")

// generated is a table of docs/ generated from a spec, between two markers.
var generated = []struct {
	file, name string
	spec       []settings.Setting
}{
	{"../docs/channels.md", "channel settings", settings.Channel},
	{"../docs/routing.md", "skill settings", settings.Skill},
	{"../docs/desk.md", "workspace settings", settings.Workspace},
}

// The docs list every setting of the spec, as the spec says it.
func TestDocsListEverySetting(t *testing.T) {
	for _, g := range generated {
		src, err := os.ReadFile(g.file)
		require.NoError(t, err)
		begin := "<!-- " + g.name + ": generated from the spec by go test ./settings -update; do not edit -->\n"
		end := "<!-- end of " + g.name + " -->"
		i, j := strings.Index(string(src), begin), strings.Index(string(src), end)
		require.True(t, i >= 0 && j > i, "%s has no table of %s between %q and %q", g.file, g.name, begin, end)
		want := string(settings.Markdown(g.spec))
		got := string(src[i+len(begin) : j])
		if *update {
			out := string(src[:i+len(begin)]) + want + string(src[j:])
			require.NoError(t, os.WriteFile(g.file, []byte(out), 0o644))
			continue
		}
		require.Equal(t, want, got, "the table of %s in %s differs from the spec; run go test ./settings -update", g.name, g.file)
	}
}

func TestParseChannelDefaults(t *testing.T) {
	t.Parallel()
	s, problems := settings.ParseChannel("facebook", nil)
	require.Empty(t, problems)
	require.Equal(t, settings.ChannelSettings{OfferMode: "direct", RingTimeout: 30 * time.Second, ServiceLevel: time.Minute, Blending: true,
		UnknownSend: settings.UnknownSendHold, Send: settings.DefaultSendBudget("facebook"), Profiles: true, ProfileRefresh: 7 * 24 * time.Hour,
		Targets: settings.Targets{ServiceLevel: 0.8, Abandon: 0.05, Wait: time.Minute, WaitSeconds: 60}}, s)

	s, problems = settings.ParseChannel("instagram", map[string]any{"profiles": false, "profile_refresh": "36h"})
	require.Empty(t, problems)
	require.False(t, s.Profiles)
	require.Equal(t, 36*time.Hour, s.ProfileRefresh)
	_, problems = settings.ParseChannel("instagram", map[string]any{"profile_refresh": "10m"})
	require.Len(t, problems, 1)
	require.Equal(t, "settings.profile_refresh", problems[0].Field, problems[0].Message)
	_, problems = settings.ParseChannel("twitter", map[string]any{"profiles": true})
	require.Len(t, problems, 1)
	require.Contains(t, problems[0].Message, "only facebook or instagram channels have this setting")

	s, problems = settings.ParseChannel("webchat", map[string]any{"callback_url": "https://chat.example.com/r", "ring_timeout": "2m",
		"distribution": []string{"newest", "public_first"}, "queue_limit": 3})
	require.Empty(t, problems)
	require.False(t, s.Profiles, "web chats look no profile up")
	require.Equal(t, "https://chat.example.com/r", s.CallbackURL)
	require.Equal(t, 2*time.Minute, s.RingTimeout)
	require.Equal(t, []string{"newest", "public_first"}, s.Distribution)
	require.Equal(t, 3, s.QueueLimit)
}

// Every setting of the spec reaches the typed settings: a value other than the default, set
// for each, changes what ParseChannel returns.
func TestEverySettingIsTyped(t *testing.T) {
	t.Parallel()
	values := map[string]any{"account_id": "42", "base_url": "http://127.0.0.1:1", "human_agent": true,
		"callback_url": "http://127.0.0.1:2", "offer_mode": "ring", "language": "it", "ring_timeout": 5, "pause_on_missed_offer": true,
		"queue_limit": 2, "distribution": []any{"newest"}, "account_priority": 3, "dispositions": []any{"ok"},
		"require_contact": true, "service_level_seconds": 9, "working_hours": "w", "unknown_send": "resend", "send_rate": 2.5,
		"send_burst": 3, "send_concurrency": 2, "profiles": false, "profile_refresh": "2d",
		"allowed_origins": []any{"https://shop.example"}, "title": "t", "greeting": "g", "placeholder": "p", "offline_message": "o",
		"strategy": "least_busy", "blending": false, "auto_requeue": "10m", "alert_waiting": 60, "alert_sla": "10s",
		"alert_no_reply": "3m", "alert_idle": "2h", "target_service_level": 90, "target_abandon": 2, "target_wait": "2m"}
	for _, s := range settings.Channel {
		require.Contains(t, values, s.Name, "give the test a value for %s", s.Name)
	}
	for name, v := range values {
		typ := "facebook"
		if slices.Contains([]string{"callback_url", "allowed_origins", "title", "greeting", "placeholder", "offline_message"}, name) {
			typ = "webchat"
		}
		base, _ := settings.ParseChannel(typ, nil)
		s, problems := settings.ParseChannel(typ, map[string]any{name: v})
		require.Empty(t, problems, name)
		require.NotEqual(t, base, s, "%s does not reach the typed settings", name)
	}
}

// A channel's send budget is its network's documented one, unless its settings say otherwise;
// a rate is any positive number, fractions included, and a bad one names its field.
func TestSendBudget(t *testing.T) {
	t.Parallel()
	for _, typ := range []string{"facebook", "instagram", "twitter"} {
		b := settings.DefaultSendBudget(typ)
		require.Positive(t, b.Rate, typ)
		require.Positive(t, b.Burst, typ)
		require.Positive(t, b.Concurrency, typ)
	}
	require.Zero(t, settings.DefaultSendBudget("webchat").Rate, "web chat has no budget")

	s, problems := settings.ParseChannel("twitter", map[string]any{"send_rate": 0.5, "send_burst": 4})
	require.Empty(t, problems)
	require.Equal(t, settings.SendBudget{Rate: 0.5, Burst: 4, Concurrency: settings.DefaultSendBudget("twitter").Concurrency}, s.Send)

	for _, bad := range []any{0, -1, "fast", 20000, true} {
		_, problems := settings.ParseChannel("facebook", map[string]any{"send_rate": bad})
		require.Len(t, problems, 1, "%v", bad)
		require.Equal(t, "settings.send_rate", problems[0].Field)
		require.Contains(t, problems[0].Message, "must be a number from 0.001 to 10000")
	}
	_, problems = settings.ParseChannel("facebook", map[string]any{"send_concurrency": 0})
	require.Len(t, problems, 1)
	require.Equal(t, "settings.send_concurrency", problems[0].Field)
}

func TestCheckChannelReferences(t *testing.T) {
	t.Parallel()
	none := func(kind, name string) (bool, error) { return false, nil }
	problems, err := settings.CheckChannel("twitter", map[string]any{"working_hours": "nights"}, none)
	require.NoError(t, err)
	require.Equal(t, []settings.Problem{{Field: "settings.working_hours",
		Message: `settings.working_hours: there is no calendar "nights"; create it first`}}, problems)

	// a name that is badly formed is not looked up
	problems, err = settings.CheckChannel("twitter", map[string]any{"working_hours": "Nights!"}, func(string, string) (bool, error) {
		return false, errors.New("not asked")
	})
	require.NoError(t, err)
	require.Len(t, problems, 1)

	_, err = settings.CheckChannel("twitter", map[string]any{"working_hours": "nights"}, func(string, string) (bool, error) {
		return false, errors.New("the database is down")
	})
	require.ErrorContains(t, err, "the database is down")
}

func TestParseSkill(t *testing.T) {
	t.Parallel()
	s, problems := settings.ParseSkill(map[string]any{"description": "Bills", "dispositions": []any{"solved"}, "require_accept": true})
	require.Empty(t, problems)
	require.Equal(t, settings.SkillSettings{Description: "Bills", Dispositions: []string{"solved"}, RequireAccept: true,
		Strategy: "most_proficient", AssignmentWindow: time.Hour, RouterTimeout: 2 * time.Second}, s)
	_, problems = settings.ParseSkill(map[string]any{"dispositions": []any{"solved", 3}})
	require.Equal(t, "dispositions[1]", problems[0].Field)
	require.Equal(t, "dispositions[1]: must be a variable name: a letter or _, then letters, digits or _, got 3", problems[0].Message)

	s, problems = settings.ParseSkill(map[string]any{"strategy": "round_robin", "assignment_limit": 5, "assignment_window": 600,
		"router_url": "https://router.example.com/choose", "router_timeout": "250ms"})
	require.Empty(t, problems)
	require.Equal(t, settings.SkillSettings{Strategy: "round_robin", AssignmentLimit: 5, AssignmentWindow: 10 * time.Minute,
		RouterURL: "https://router.example.com/choose", RouterTimeout: 250 * time.Millisecond}, s)
	for _, bad := range []struct {
		field string
		value any
		says  string
	}{
		{"strategy", "fastest", "must be one of most_proficient, longest_idle, least_busy, round_robin, manual"},
		{"strategy", "round_robbin", `did you mean "round_robin"?`},
		{"assignment_limit", 0, "must be a whole number from 1 to 1000"},
		{"assignment_window", "10s", "must be a duration of at least 1m0s and at most 24h0m0s"},
		{"router_url", "router.example.com", "is not an absolute http or https URL"},
		{"router_timeout", "1m", "must be a duration of at least 50ms and at most 10s"},
	} {
		_, problems := settings.ParseSkill(map[string]any{bad.field: bad.value})
		require.Len(t, problems, 1, bad.field)
		require.Equal(t, bad.field, problems[0].Field)
		require.Contains(t, problems[0].Message, bad.says)
	}
}

// A web chat's allowed origins are origins: scheme, host and port, or *; anything else is a
// problem that names the entry.
func TestAllowedOrigins(t *testing.T) {
	t.Parallel()
	s, problems := settings.ParseChannel("webchat", map[string]any{"allowed_origins": []any{"https://shop.example", "http://127.0.0.1:8080", "*"}})
	require.Empty(t, problems)
	require.Equal(t, []string{"https://shop.example", "http://127.0.0.1:8080", "*"}, s.AllowedOrigins)
	for _, bad := range []string{"shop.example", "https://shop.example/", "https://shop.example/chat", "ftp://shop.example",
		"https://user@shop.example", "HTTPS://shop.example", "https://shop.example?x=1"} {
		_, problems := settings.ParseChannel("webchat", map[string]any{"allowed_origins": []any{"https://ok.example", bad}})
		require.Len(t, problems, 1, bad)
		require.Equal(t, "settings.allowed_origins[1]", problems[0].Field, bad)
		require.Contains(t, problems[0].Message, "is not an origin", bad)
	}
	_, problems = settings.ParseChannel("facebook", map[string]any{"allowed_origins": []any{"https://shop.example"}})
	require.Len(t, problems, 1, "allowed_origins is a web chat setting")
}

func TestParseWorkspace(t *testing.T) {
	ws, problems := settings.ParseWorkspace(nil)
	require.Empty(t, problems)
	require.Equal(t, settings.DefaultBreakReasons, ws.BreakReasons)
	for _, c := range []struct {
		reasons any
		field   string
	}{
		{[]any{"lunch", ""}, "break_reasons[1]"},
		{[]any{"a, b"}, "break_reasons[0]"},
		{[]any{" lunch"}, "break_reasons[0]"},
		{[]any{}, "break_reasons"},
		{"lunch", "break_reasons"},
	} {
		ws, problems := settings.ParseWorkspace(map[string]any{"break_reasons": c.reasons})
		require.NotEmpty(t, problems, "%v", c.reasons)
		require.Equal(t, c.field, problems[0].Field, "%v", c.reasons)
		require.NotEmpty(t, ws.BreakReasons, "a bad list still reads as reasons")
	}
	ws, problems = settings.ParseWorkspace(map[string]any{"break_reasons": []any{"Coaching: 1:1", "lunch"}})
	require.Empty(t, problems)
	require.Equal(t, []string{"Coaching: 1:1", "lunch"}, ws.BreakReasons)
}

func TestChannelTargets(t *testing.T) {
	s, problems := settings.ParseChannel("facebook", nil)
	require.Empty(t, problems)
	require.Equal(t, settings.Targets{ServiceLevel: 0.8, Abandon: 0.05, Wait: time.Minute, WaitSeconds: 60}, s.Targets)
	s, problems = settings.ParseChannel("facebook", map[string]any{"target_service_level": 90, "target_abandon": 2, "target_wait": "2m"})
	require.Empty(t, problems)
	require.Equal(t, settings.Targets{ServiceLevel: 0.9, Abandon: 0.02, Wait: 2 * time.Minute, WaitSeconds: 120}, s.Targets)
	_, problems = settings.ParseChannel("facebook", map[string]any{"target_service_level": 101})
	require.Equal(t, "settings.target_service_level", problems[0].Field)
}
