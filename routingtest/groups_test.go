package routingtest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// A skill served by agent groups in order: group 1's agents first, however proficient the
// others, then group 2's, then the skill's agents in neither; the strategy within each.
func TestAgentGroupsInOrder(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		c.strategyCentre(t, "billing", map[string]any{"groups": []string{"tier1", "tier2"}}, "web", nil)
		msg := c.adminCall(t, "PUT", "/api/v1/skills/sales", map[string]any{"groups": []any{"tier1", "  "}}).refused(t, 400, "invalid")
		require.Contains(t, msg, "groups[1]")
		free := c.agent(t, "free", map[string]any{"skills": map[string]int{"billing": 20}})
		second := c.agent(t, "second", map[string]any{"skills": map[string]int{"billing": 20}, "groups": []string{"tier2"}})
		firstLo := c.agent(t, "first-lo", map[string]any{"skills": map[string]int{"billing": 2}, "groups": []string{"night", "tier1"}})
		firstHi := c.agent(t, "first-hi", map[string]any{"skills": map[string]int{"billing": 9}, "groups": []string{"tier1"}})
		for _, tok := range []string{free, second, firstLo, firstHi} {
			c.login(t, tok)
		}
		var convs []string
		for _, who := range []string{"carla", "dora", "ema", "fay"} {
			convs = append(convs, c.waitsForAgent(t, "web", who))
			c.clock.Advance(time.Second)
		}
		c.step(t)
		require.Equal(t, []string{convs[0]}, c.serving(t, firstHi), "group 1, the most proficient in it")
		require.Equal(t, []string{convs[1]}, c.serving(t, firstLo), "group 1 still")
		require.Equal(t, []string{convs[2]}, c.serving(t, second), "then group 2")
		require.Equal(t, []string{convs[3]}, c.serving(t, free), "then the agents in neither")
	})
}
