package dispatch

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/channels"
	"github.com/switchboardhq/switchboard/engine"
)

// A published flow with translations answers each web chat visitor in the language of their
// first message, and in the channel's default language when the words do not tell.
func TestPublishedFlowSpeaksTheVisitorsLanguage(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("../examples/flows/multilingual.yaml")
	require.NoError(t, err)
	eachBackend(t, func(t *testing.T, b backend) {
		h := newHarness(t, b, nil)
		h.publish("multilingual", string(src))
		ch := h.channel(channels.Channel{ID: "webchat-fr", Type: channels.TypeWebchat, Settings: map[string]any{"language": "fr"}}, "multilingual")
		greeting := func(id, visitor, text string) string {
			out := h.deliverOne(ch, webchatMessage(t, id, visitor, text))
			require.Equal(t, engine.StatusWaiting, out.Status, "%v", out.Error)
			require.NotEmpty(t, out.Actions)
			return out.Actions[0].Text
		}
		require.Contains(t, greeting("w-1", "visitor-1", "Ciao, ho un problema con il mio ordine"), "come possiamo aiutarti?")
		require.Contains(t, greeting("w-2", "visitor-2", "Hola, quiero la factura de mi cuenta"), "¿en qué te podemos ayudar?")
		require.Contains(t, greeting("w-3", "visitor-3", "hola"), "comment pouvons-nous vous aider ?", "one word does not tell: the channel's French")
	})
}
