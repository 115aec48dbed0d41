package routingtest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// channel_capacity bounds one channel by its id; a channel that does not blend goes only to
// agents serving no other channel's conversation.
func TestChannelCapacityByIDAndBlending(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		c.skill(t, "billing", nil)
		flow := c.publishFlow(t, flowSource("caps", false, "timeout: 15m"))
		c.channel(t, "web", flow, "billing", nil)
		c.channel(t, "shop", flow, "billing", nil)
		c.channel(t, "vip", flow, "billing", map[string]any{"blending": false})
		msg := c.adminCall(t, "PUT", "/api/v1/agents/zed", map[string]any{"skills": map[string]int{"billing": 1},
			"channel_capacity": map[string]int{"nowhere": 1}}).refused(t, 400, "invalid")
		require.Contains(t, msg, `"nowhere" is neither a channel type`)

		ana := c.agent(t, "ana", map[string]any{"skills": map[string]int{"billing": 20}, "capacity": 3,
			"channel_capacity": map[string]int{"shop": 1}})
		bo := c.agent(t, "bo", map[string]any{"skills": map[string]int{"billing": 5}, "capacity": 3})
		c.login(t, ana)

		shop1 := c.waitsForAgent(t, "shop", "carla")
		c.clock.Advance(time.Second)
		shop2 := c.waitsForAgent(t, "shop", "dora")
		c.clock.Advance(time.Second)
		web := c.waitsForAgent(t, "web", "ema")
		c.step(t)
		require.ElementsMatch(t, []string{shop1, web}, c.serving(t, ana), "one of shop's at a time, and web's besides")
		require.Equal(t, "queued", c.queue(t)[shop2].Status)

		c.login(t, bo)
		c.clock.Advance(time.Second)
		vip := c.waitsForAgent(t, "vip", "fay")
		c.step(t)
		require.Equal(t, []string{shop2}, c.serving(t, bo), "bo takes the second of shop's")
		require.Equal(t, "queued", c.queue(t)[vip].Status, "vip does not blend: ana and bo serve other channels")

		c.close(t, bo, shop2, "solved").expect(t, 204)
		c.step(t)
		require.Equal(t, []string{vip}, c.serving(t, bo), "bo, serving nothing else now, takes vip's")
	})
}
