package server_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// The skills, calendars, switches and flows a flow names are checked against what exists:
// warnings while it is a draft, errors when it is published.
func TestFlowReferencesAreChecked(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, api *testAPI) {
		api.call(t, "PUT", "/api/v1/skills/billing").expect(t, 200)
		draft := api.createFlow(t, fixture(t, "desk.yaml"))
		codes := map[string]diagnostic{}
		for _, d := range draft.Diagnostics {
			codes[d.Code] = d
		}
		require.Equal(t, "warning", codes["unknown-switch"].Severity, "a draft is saved with warnings: %s", prettyDiagnostics(draft.Diagnostics))
		require.Equal(t, "warning", codes["unknown-calendar"].Severity)
		require.Equal(t, "blocks.hours.params.calendar", codes["unknown-calendar"].Path)
		require.Equal(t, [2]int{19, 24}, [2]int{codes["unknown-calendar"].Line, codes["unknown-calendar"].Column})
		require.NotContains(t, codes, "unknown-skill", "billing exists")

		var refused struct {
			Diagnostics []diagnostic `json:"diagnostics"`
		}
		api.call(t, "POST", "/api/v1/flows/desk/publish").expect(t, 422).decode(t, &refused)
		require.Len(t, refused.Diagnostics, 2, prettyDiagnostics(refused.Diagnostics))
		for _, d := range refused.Diagnostics {
			require.Equal(t, "error", d.Severity, "on publish a missing name is an error: %s", d.Message)
		}

		// the validate endpoints say the same of text not saved yet
		var v struct {
			Valid       bool         `json:"valid"`
			Diagnostics []diagnostic `json:"diagnostics"`
		}
		src := "switchboard: 1\nid: x\nblocks:\n  chat: {type: webchat.trigger, next: {message: r}}\n  r: {type: route.skill, params: {skill: biling}}\n"
		api.call(t, "POST", "/api/v1/validate", withJSON(map[string]any{"source": src})).expect(t, 200).decode(t, &v)
		require.True(t, v.Valid, "a warning does not make text invalid")
		last := v.Diagnostics[len(v.Diagnostics)-1]
		require.Equal(t, "unknown-skill", last.Code, prettyDiagnostics(v.Diagnostics))
		require.Equal(t, [2]int{5, 42}, [2]int{last.Line, last.Column})
		require.Contains(t, last.Message, `did you mean "billing"?`)

		api.call(t, "PUT", "/api/v1/calendars/support-hours", withJSON(map[string]any{"timezone": "UTC"})).expect(t, 200)
		api.call(t, "PUT", "/api/v1/emergency/outage", withJSON(map[string]any{"on": false})).expect(t, 200)
		api.publish(t, "desk")
	})
}
