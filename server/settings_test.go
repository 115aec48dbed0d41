package server_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/switchboardhq/switchboard/settings"
)

// Channel settings are checked against their spec: each bad one is refused with its field named.
func TestChannelSettingsAreChecked(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, api *testAPI) {
		api.call(t, "PUT", "/api/v1/calendars/support-hours", withJSON(map[string]any{"timezone": "UTC",
			"open": map[string]any{"mon-fri": []string{"09:00-18:00"}}})).expect(t, 200)
		api.createFlow(t, fixture(t, "greeting.yaml"))
		api.createFlow(t, fixture(t, "page-care.yaml"))

		cases := []struct {
			name     string
			typ      string
			settings map[string]any
			field    string
			says     string
		}{
			{"an agent's setting on a channel", "facebook", map[string]any{"max_chats_per_agent": 3}, "settings.max_chats_per_agent", "no such setting"},
			{"a misspelt setting", "facebook", map[string]any{"distrbution": []string{"oldest"}}, "settings.distrbution", `did you mean "distribution"?`},
			{"an order written as a setting", "facebook", map[string]any{"newest_first": true}, "settings.newest_first", "no such setting"},
			{"an offer mode that does not exist", "facebook", map[string]any{"offer_mode": "rings"}, "settings.offer_mode", `did you mean "ring"?`},
			{"a ring timeout of 0", "facebook", map[string]any{"ring_timeout": 0}, "settings.ring_timeout", "must be a duration of at least 1s"},
			{"a negative ring timeout", "facebook", map[string]any{"ring_timeout": -5}, "settings.ring_timeout", "got -5"},
			{"a ring timeout in words", "facebook", map[string]any{"ring_timeout": "thirty"}, "settings.ring_timeout", `settings.ring_timeout: must be a duration of at least 1s`},
			{"a ring timeout past an hour", "facebook", map[string]any{"ring_timeout": "2h"}, "settings.ring_timeout", "at most 1h0m0s"},
			{"a negative queue limit", "facebook", map[string]any{"queue_limit": -1}, "settings.queue_limit", "a whole number from 1 to 10000, got -1"},
			{"a fractional queue limit", "facebook", map[string]any{"queue_limit": 2.5}, "settings.queue_limit", "got 2.5"},
			{"a negative service level", "facebook", map[string]any{"service_level_seconds": -60}, "settings.service_level_seconds", "got -60"},
			{"a flag written as text", "facebook", map[string]any{"pause_on_missed_offer": "yes"}, "settings.pause_on_missed_offer", `must be true or false, got "yes"`},
			{"working hours of a calendar that does not exist", "facebook", map[string]any{"working_hours": "night-shift"}, "settings.working_hours", `there is no calendar "night-shift"`},
			{"a callback that is not a URL", "webchat", map[string]any{"callback_url": "' OR '1'='1"}, "settings.callback_url", "not an absolute http or https URL"},
			{"a callback without a host", "webchat", map[string]any{"callback_url": "https:///replies"}, "settings.callback_url", "with a host"},
			{"a callback on another scheme", "webchat", map[string]any{"callback_url": "ftp://example.com/x"}, "settings.callback_url", "http or https"},
			{"a relative base URL", "twitter", map[string]any{"base_url": "/2"}, "settings.base_url", "absolute"},
			{"oldest and newest at once", "facebook", map[string]any{"distribution": []string{"oldest", "newest"}}, "settings.distribution", "cannot hold both oldest and newest"},
			{"private and public first at once", "facebook", map[string]any{"distribution": []string{"private_first", "public_first"}}, "settings.distribution", "cannot hold both"},
			{"three orders", "facebook", map[string]any{"distribution": []string{"account_priority", "private_first", "oldest"}}, "settings.distribution", "at most 2"},
			{"an order that does not exist", "facebook", map[string]any{"distribution": []string{"oldest", "random"}}, "settings.distribution[1]", `"random" is not one of`},
			{"an order listed twice", "facebook", map[string]any{"distribution": []string{"newest", "newest"}}, "settings.distribution[1]", "listed twice"},
			{"a distribution that is not a list", "facebook", map[string]any{"distribution": "oldest"}, "settings.distribution", "must be a list"},
			{"a disposition that is not a name", "facebook", map[string]any{"dispositions": []string{"solved", "2bad"}}, "settings.dispositions[1]", "2bad"},
			{"an account priority past the range", "facebook", map[string]any{"account_priority": 5000}, "settings.account_priority", "from 0 to 1000"},
			{"a web chat setting on a page", "facebook", map[string]any{"callback_url": "https://www.example.com/replies"}, "settings.callback_url", "only webchat channels"},
			{"a Meta setting on a web chat", "webchat", map[string]any{"human_agent": true}, "settings.human_agent", "only facebook or instagram channels"},
			{"an account id that is not text", "facebook", map[string]any{"account_id": 104857600000001}, "settings.account_id", "got 104857600000001"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				body := map[string]any{"id": "x", "type": tc.typ, "settings": tc.settings}
				msg := api.call(t, "POST", "/api/v1/channels", withJSON(body)).invalid(t, tc.field)
				require.Contains(t, msg, tc.says)
				require.True(t, strings.HasPrefix(msg, tc.field), "the message names the field: %s", msg)
			})
		}
		api.call(t, "GET", "/api/v1/channels/x").fails(t, 404, "not_found")

		// what the docs show is taken, on create and on change
		good := map[string]any{"account_id": "104857600000001", "base_url": "http://127.0.0.1:9000/v21.0", "human_agent": true,
			"offer_mode": "ring", "ring_timeout": 45, "pause_on_missed_offer": true, "queue_limit": 5,
			"distribution": []string{"private_first", "oldest"}, "account_priority": 10, "dispositions": []string{"solved"},
			"require_contact": true, "service_level_seconds": 90, "working_hours": "support-hours"}
		ch := api.call(t, "POST", "/api/v1/channels", withJSON(map[string]any{"id": "page", "type": "facebook", "settings": good})).expect(t, 201).object(t)
		require.EqualValues(t, 45, ch["settings"].(map[string]any)["ring_timeout"], "settings are stored as written")
		api.call(t, "PUT", "/api/v1/channels/page", withJSON(map[string]any{"settings": map[string]any{"ring_timeout": "1m30s"}})).expect(t, 200)
		api.call(t, "PUT", "/api/v1/channels/page", withJSON(map[string]any{"settings": map[string]any{"ring_timeout": "soon"}})).invalid(t, "settings.ring_timeout")

		// of several problems, the first by name is answered
		api.call(t, "PUT", "/api/v1/channels/page", withJSON(map[string]any{"settings": map[string]any{"queue_limit": 0, "offer_mode": "x"}})).invalid(t, "settings.offer_mode")
	})
}

// A channel's default flow must have a trigger for the channel's type.
func TestDefaultFlowMustHaveTheChannelsTrigger(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, api *testAPI) {
		api.createFlow(t, fixture(t, "greeting.yaml"))
		api.createFlow(t, fixture(t, "page-care.yaml"))
		msg := api.call(t, "POST", "/api/v1/channels", withJSON(map[string]any{"id": "page", "type": "facebook", "default_flow": "greeting"})).invalid(t, "default_flow")
		require.Contains(t, msg, `flow "greeting" has no facebook trigger (it has triggers for webchat only)`)

		api.call(t, "POST", "/api/v1/channels", withJSON(map[string]any{"id": "page", "type": "facebook", "default_flow": "page-care"})).expect(t, 201)
		api.call(t, "PUT", "/api/v1/channels/page", withJSON(map[string]any{"default_flow": "greeting"})).invalid(t, "default_flow")
		api.call(t, "POST", "/api/v1/channels", withJSON(map[string]any{"id": "chat", "type": "webchat", "default_flow": "greeting"})).expect(t, 201)

		// the list of flows says which channel types each can serve, for the admin page's picker
		triggers := map[string]any{}
		for _, f := range api.call(t, "GET", "/api/v1/flows").expect(t, 200).list(t) {
			triggers[f["id"].(string)] = f["triggers"]
		}
		require.Equal(t, map[string]any{"greeting": []any{"webchat"}, "page-care": []any{"facebook"}}, triggers)

		// what counts is the published version, which channels run
		api.publish(t, "page-care")
		flow, etag := api.getFlow(t, "page-care")
		web := strings.Replace(flow.Source, "type: facebook.trigger", "type: webchat.trigger", 1)
		web = strings.Replace(web, "next: {comment: end, message: end}", "next: {message: end}", 1)
		api.call(t, "PUT", "/api/v1/flows/page-care", withJSON(map[string]any{"source": web}), withHeader("If-Match", etag)).expect(t, 200)
		api.call(t, "PUT", "/api/v1/channels/page", withJSON(map[string]any{"name": "Page"})).expect(t, 200)
		api.call(t, "POST", "/api/v1/channels", withJSON(map[string]any{"id": "chat2", "type": "webchat", "default_flow": "page-care"})).invalid(t, "default_flow")
	})
}

// Skill settings are checked against their spec too.
func TestSkillSettingsAreChecked(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, api *testAPI) {
		msg := api.call(t, "PUT", "/api/v1/skills/billing", withJSON(map[string]any{"require_acept": true})).invalid(t, "require_acept")
		require.Contains(t, msg, `did you mean "require_accept"?`)
		api.call(t, "PUT", "/api/v1/skills/billing", withJSON(map[string]any{"require_accept": "yes"})).invalid(t, "require_accept")
		api.call(t, "PUT", "/api/v1/skills/billing", withJSON(map[string]any{"description": strings.Repeat("x", 501)})).invalid(t, "description")
		api.call(t, "PUT", "/api/v1/skills/billing", withJSON(map[string]any{"description": "Bills", "require_accept": true})).expect(t, 200)
	})
}

// The settings' spec is served for the admin pages.
func TestSettingsSchema(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, api *testAPI) {
		var cat struct {
			Channel []struct {
				Name     string   `json:"name"`
				Kind     string   `json:"kind"`
				Values   []string `json:"values"`
				Channels []string `json:"channels"`
				Refers   string   `json:"refers"`
			} `json:"channel"`
			Skill   []struct{ Name string } `json:"skill"`
			Formats map[string]struct{ Description string }
		}
		r := api.call(t, "GET", "/api/v1/settings/schema").expect(t, 200)
		r.decode(t, &cat)
		// the editor's tests read the same spec
		fixture, err := os.ReadFile("../editor/src/settings/testdata/settings.json")
		require.NoError(t, err)
		require.JSONEq(t, string(fixture), string(r.Body), "editor/src/settings/testdata/settings.json is not what the server serves; write it again with curl -H \"Authorization: Bearer $TOKEN\" http://127.0.0.1:8080/api/v1/settings/schema")
		names := map[string]int{}
		for i, s := range cat.Channel {
			names[s.Name] = i
		}
		require.Contains(t, names, "ring_timeout")
		require.Equal(t, []string{"direct", "ring"}, cat.Channel[names["offer_mode"]].Values)
		require.Equal(t, []string{"webchat"}, cat.Channel[names["callback_url"]].Channels)
		require.Equal(t, "calendar", cat.Channel[names["working_hours"]].Refers)
		require.Len(t, cat.Skill, 9)
		require.Contains(t, cat.Formats, "http-url")
	})
}

// The OpenAPI schemas of channel and skill settings are the spec's: a change of the spec that
// is not carried into openapi.yaml fails here, with the text to paste.
func TestOpenAPISettingsSchemasFollowTheSpec(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("openapi.yaml")
	require.NoError(t, err)
	var doc struct {
		Components struct {
			Schemas map[string]any `yaml:"schemas"`
		} `yaml:"components"`
	}
	require.NoError(t, yaml.Unmarshal(src, &doc))
	for name, spec := range map[string][]settings.Setting{"ChannelSettings": settings.Channel, "SkillRequest": settings.Skill, "WorkspaceSettings": settings.Workspace} {
		want := settings.Schema(spec)
		var text bytes.Buffer
		enc := yaml.NewEncoder(&text)
		enc.SetIndent(2)
		require.NoError(t, enc.Encode(map[string]any{name: want}))
		var wantPlain, gotPlain any
		require.NoError(t, yaml.Unmarshal(text.Bytes(), &wantPlain))
		require.NoError(t, yaml.Unmarshal(mustYAML(t, doc.Components.Schemas[name]), &gotPlain))
		require.Equal(t, wantPlain.(map[string]any)[name], gotPlain,
			"components.schemas.%s in openapi.yaml differs from the spec; write it as:\n%s", name, indent(text.String(), "    "))
	}
}

func mustYAML(t *testing.T, v any) []byte {
	t.Helper()
	b, err := yaml.Marshal(v)
	require.NoError(t, err)
	return b
}

func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i := range lines {
		lines[i] = prefix + lines[i]
	}
	return strings.Join(lines, "\n") + "\n"
}
