package server_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/server"
	"github.com/switchboardhq/switchboard/store"
)

// /metrics shows the outbox per channel and the backlog of payloads as the database holds them,
// and the sends and lanes as the dispatcher reports them.
func TestPipelineAndLaneMetrics(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			metrics := server.NewMetrics(nil)
			api := startAPI(t, b.open(t), func(c *server.Config) { c.Metrics = metrics })
			ctx := context.Background()
			api.call(t, "POST", "/api/v1/channels", withJSON(map[string]any{"id": "chat", "type": "webchat"})).expect(t, 201)
			_, err := api.store.WebhookEventInsert(ctx, "chat", []byte(`{}`))
			require.NoError(t, err)
			require.NoError(t, api.store.InTx(ctx, func(tx store.Tx) error {
				conv, _, err := tx.ConversationOpen(ctx, "chat", "u1", "")
				if err != nil {
					return err
				}
				for _, id := range []string{"a1", "a2"} {
					if _, err := tx.OutboxInsert(ctx, store.OutboxItem{ActionID: id, ChannelID: "chat", ConversationID: conv.ID,
						Action: engine.Action{ID: id, Type: engine.ActionReply, Text: "hola"}}); err != nil {
						return err
					}
				}
				return nil
			}))
			metrics.SendDone("fb", "facebook", "sent", 0.2)
			metrics.SendDone("fb", "facebook", "fatal", 0.1)
			metrics.Throttled("fb")
			metrics.LaneState("fb", 3, true)
			metrics.LaneState("x", 1, false)
			metrics.LaneDropped("x")
			metrics.ProfileLookup("instagram", "refused")

			text := string(api.call(t, "GET", "/metrics", withToken("")).expect(t, 200).Body)
			require.Contains(t, text, `switchboard_outbox_rows{channel="chat",state="pending"} 2`)
			require.Contains(t, text, `switchboard_outbox_rows{channel="chat",state="in_flight"} 0`)
			require.Contains(t, text, `switchboard_outbox_rows{channel="chat",state="retrying"} 0`)
			require.Contains(t, text, "switchboard_webhook_backlog_payloads 1\n")
			require.Regexp(t, regexp.MustCompile(`switchboard_webhook_backlog_age_seconds [0-9.e+-]+\n`), text)
			require.Contains(t, text, `switchboard_sends_total{channel="fb",channel_type="facebook",outcome="fatal"} 1`)
			require.Contains(t, text, `switchboard_send_duration_seconds_count{channel_type="facebook"} 2`)
			require.Contains(t, text, `switchboard_lane_throttled_total{channel="fb"} 1`)
			require.Contains(t, text, `switchboard_lane_paused{channel="fb"} 1`)
			require.Contains(t, text, `switchboard_lane_in_flight{channel="fb"} 3`)
			require.Contains(t, text, `switchboard_profile_lookups_total{channel_type="instagram",outcome="refused"} 1`)
			require.NotContains(t, text, `channel="x"`, "a dropped lane's gauges go with it")
		})
	}
}

// TestDocsListEveryMetric checks that the table of metrics in docs/server.md names every metric
// the server package defines.
func TestDocsListEveryMetric(t *testing.T) {
	t.Parallel()
	text, err := os.ReadFile("../docs/server.md")
	require.NoError(t, err)
	_, table, ok := strings.Cut(string(text), "### Metrics")
	require.True(t, ok, "docs/server.md has a table of metrics")
	documented := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^\\| `(switchboard_[a-z_]+)").FindAllStringSubmatch(table, -1) {
		documented[m[1]] = true
	}
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	defined := regexp.MustCompile(`(?:Name:\s*|NewDesc\()"(switchboard_[a-z_]+)"`)
	var missing []string
	seen := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, m := range defined.FindAllStringSubmatch(string(src), -1) {
			seen++
			if !documented[m[1]] && !slices.Contains(missing, m[1]) {
				missing = append(missing, m[1])
			}
		}
	}
	require.Greater(t, seen, 10, "the server's metrics are found in its source")
	require.Empty(t, missing, "list these metrics in the table of docs/server.md, under ### Metrics")
}
