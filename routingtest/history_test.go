package routingtest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/store"
)

// TestConversationHistory searches two days of conversations on two channels by each of the
// history's filters.
//
//	day 1 09:00 carla on web  → ana, solved        day 1 10:00 dora on shop → bo, sold
//	day 2 09:00 carla on shop → ana (her last agent), not_interested
//	day 2 11:00 ema on web    → ana, still open
func TestConversationHistory(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		c.support(t, "web", nil)
		c.skill(t, "sales", nil)
		c.channel(t, "shop", c.publishFlow(t, flowSource("shop", true, "timeout: 15m")), "sales", nil)
		ana := c.agent(t, "ana", map[string]any{"skills": map[string]int{"billing": 5, "sales": 5}, "capacity": 3})
		bo := c.agent(t, "bo", map[string]any{"skills": map[string]int{"sales": 15}})
		c.login(t, ana)
		c.login(t, bo)
		serve := func(channel, customer, token, disposition string) string {
			t.Helper()
			conv := c.waitsForAgent(t, channel, customer)
			c.step(t)
			require.Contains(t, c.serving(t, token), conv)
			if disposition != "" {
				c.close(t, token, conv, disposition).expect(t, 204)
			}
			return conv
		}

		day2 := day.Add(24 * time.Hour)
		c.setTime(t, "09:00:00")
		carlaWeb := serve("web", "carla", ana, "solved")
		c.setTime(t, "10:00:00")
		doraShop := serve("shop", "dora", bo, "sold")
		c.clock.Set(day2.Add(9 * time.Hour))
		carlaShop := serve("shop", "carla", ana, "not_interested")
		c.clock.Set(day2.Add(11 * time.Hour))
		emaWeb := serve("web", "ema", ana, "")
		carla := c.conversation(t, carlaWeb).ContactID
		require.NotEmpty(t, carla)
		require.Equal(t, carla, c.conversation(t, carlaShop).ContactID, "one contact on both web chats")

		search := func(query string) []string {
			t.Helper()
			var convs []store.Conversation
			c.adminCall(t, "GET", "/api/v1/conversations"+query, nil).expect(t, 200).decode(t, &convs)
			ids := []string{}
			for _, conv := range convs {
				ids = append(ids, conv.ID)
			}
			return ids
		}
		rfc := func(t time.Time) string { return q(t.Format(time.RFC3339)) }
		cases := []struct {
			query string
			want  []string // newest first
		}{
			{"", []string{emaWeb, carlaShop, doraShop, carlaWeb}},
			{"?from=" + rfc(day) + "&to=" + rfc(day2), []string{doraShop, carlaWeb}},
			{"?from=" + rfc(day2), []string{emaWeb, carlaShop}},
			{"?from=" + rfc(day.Add(9*time.Hour+time.Second)) + "&to=" + rfc(day2.Add(9*time.Hour)), []string{doraShop}},
			{"?channel=shop", []string{carlaShop, doraShop}},
			{"?skill=billing", []string{emaWeb, carlaWeb}},
			{"?agent=bo", []string{doraShop}},
			{"?agent=ana", []string{emaWeb, carlaShop, carlaWeb}},
			{"?contact=" + carla, []string{carlaShop, carlaWeb}},
			{"?disposition=sold", []string{doraShop}},
			{"?status=open", []string{emaWeb}},
			{"?status=closed&agent=ana&channel=shop", []string{carlaShop}},
			{"?channel=web&agent=ana&from=" + rfc(day2), []string{emaWeb}},
			{"?agent=nobody", []string{}},
			{"?limit=2", []string{emaWeb, carlaShop}},
			{"?limit=2&offset=2", []string{doraShop, carlaWeb}},
		}
		for _, tc := range cases {
			require.Equal(t, tc.want, search(tc.query), "GET /api/v1/conversations%s", tc.query)
		}

		c.adminCall(t, "GET", "/api/v1/conversations?from=monday", nil).refused(t, 400, "invalid")
		c.adminCall(t, "GET", "/api/v1/conversations?to=2026-13-01", nil).refused(t, 400, "invalid")
		c.call(t, ana, "GET", "/api/v1/conversations", nil).refused(t, 403, "forbidden")
		got := c.conversation(t, doraShop)
		require.Equal(t, "bo", got.Agent)
		require.Equal(t, "sales", got.Skill)
		require.Equal(t, "sold", got.Disposition)
		require.Equal(t, at("10:00:00"), got.OpenedAt.UTC())
		require.Equal(t, "hello, I need help", got.Interactions[0].Text, "the transcript comes with it")
	})
}
