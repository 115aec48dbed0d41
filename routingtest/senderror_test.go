package routingtest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/channels/fakenet"
	"github.com/switchboardhq/switchboard/store"
)

// An agent's reply that the network refuses shows why in the agent's transcript and in the
// supervisor's.
func TestAgentSeesWhyAReplyFailed(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		widget := fakenet.NewFakeWebchat(t)
		c.support(t, "web", map[string]any{"callback_url": widget.URL})
		ana := c.agent(t, "ana", map[string]any{"skills": map[string]int{"billing": 5}})
		c.login(t, ana)
		conv := c.waitsForAgent(t, "web", "carla")
		c.step(t)

		widget.FailNextStatus(400, 1)
		c.clock.Advance(time.Minute)
		c.call(t, ana, "POST", "/api/v1/agent/conversations/"+conv+"/reply", map[string]any{"text": "Hi Carla"}).expect(t, 202)
		c.d.RunDue(c.ctx)
		failed := func(ins []store.Interaction) store.Interaction {
			for _, in := range ins {
				if in.Direction == store.Outbound && in.Agent == "ana" {
					return in
				}
			}
			return store.Interaction{}
		}
		// the workers may have taken the reply before RunDue did: wait for its result
		var mine conversation
		eventually(t, "the reply has failed", func() bool {
			c.call(t, ana, "GET", "/api/v1/agent/conversations/"+conv, nil).expect(t, 200).decode(t, &mine)
			return failed(mine.Interactions).Status == store.OutboxFailed
		})
		in := failed(mine.Interactions)
		require.Contains(t, in.Error, "HTTP 400", "the agent sees the network's answer")
		require.Equal(t, in.Error, failed(c.conversation(t, conv).Interactions).Error, "and so does the supervisor")
	})
}
