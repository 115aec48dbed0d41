package routingtest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// Routing reads the typed settings the admin API checks: a ring timeout written as a
// duration rings for that long.
func TestRingTimeoutAsADuration(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		c.support(t, "web", map[string]any{"offer_mode": "ring", "ring_timeout": "1m15s"})
		bo := c.agent(t, "bo", map[string]any{"skills": map[string]int{"billing": 15}})
		c.login(t, bo)
		conv := c.waitsForAgent(t, "web", "carla")
		c.step(t)
		offer, ok := c.ringing(t, bo)[conv]
		require.True(t, ok, "it rings for bo")
		require.Equal(t, at("08:01:15"), offer.OfferExpiresAt.UTC(), "for the channel's ring_timeout")
	})
}

// A channel stored with settings the admin API refuses now (written before it checked them)
// still routes: what does not fit takes its default, what fits counts.
func TestStoredBadSettingsRouteWithDefaults(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		c.support(t, "web", nil)
		ctx := context.Background()
		ch, err := c.st.ChannelGet(ctx, "web")
		require.NoError(t, err)
		ch.Settings = map[string]any{"offer_mode": "ring", "ring_timeout": "thirty", "queue_limit": -5, "distrbution": []any{"newest"},
			"distribution": []any{"oldest", "newest"}, "pause_on_missed_offer": "yes", "service_level_seconds": "sixty"}
		_, err = c.st.ChannelUpdate(ctx, ch, "an older version")
		require.NoError(t, err)

		bo := c.agent(t, "bo", map[string]any{"skills": map[string]int{"billing": 15}})
		c.login(t, bo)
		conv := c.waitsForAgent(t, "web", "carla")
		c.step(t)
		offer, ok := c.ringing(t, bo)[conv]
		require.True(t, ok, "offer_mode ring fits and counts")
		require.Equal(t, at("08:00:30"), offer.OfferExpiresAt.UTC(), "a ring_timeout that does not fit rings for the default")
		c.call(t, c.admin, "GET", "/api/v1/stats", nil).expect(t, 200)
	})
}
