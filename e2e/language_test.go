package e2e

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/store"
)

// A web chat visitor is answered in the language their browser tells the widget, when the
// flow has a translation into it; a locale that is no language tag is refused by its field.
func TestWebchatVisitorIsAnsweredInTheBrowsersLanguage(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("../examples/flows/multilingual.yaml")
	require.NoError(t, err)
	eachBackend(t, func(t *testing.T, b backend) {
		n := startVisitorNode(t, b)
		ctx := context.Background()
		_, err := n.st.FlowCreate(ctx, store.Flow{ID: "multilingual", Name: "Multilingual", Source: string(src), Format: "yaml"}, "e2e")
		require.NoError(t, err)
		_, err = n.st.FlowPublish(ctx, store.FlowPublishParams{ID: "multilingual", Name: "Multilingual", Source: string(src), Format: "yaml", Author: "e2e"})
		require.NoError(t, err)
		_, err = n.st.ChannelCreate(ctx, store.Channel{ID: "polyglot", Name: "Polyglot chat", Type: store.ChannelWebchat,
			DefaultFlow: "multilingual", Enabled: true}, "e2e")
		require.NoError(t, err)

		r := n.do(t, "POST", "/webchat/polyglot/session", nil)
		require.Equal(t, 200, r.status, "%s", r.body)
		token := r.json(t)["token"].(string)
		events, _ := n.streamOf(t, "polyglot", token)
		say := func(id, text, locale string) response {
			return n.do(t, "POST", "/webchat/polyglot/messages", mustJSON(t, map[string]any{"id": id, "text": text, "locale": locale}),
				"Authorization", "Bearer "+token, "Content-Type", "application/json")
		}

		bad := say("m-0", "hola", "italiano!")
		require.Equal(t, 400, bad.status, "%s", bad.body)
		require.Contains(t, string(bad.body), `"field":"locale"`)

		ok := say("m-1", "hola", "it-IT")
		require.Equal(t, 202, ok.status, "%s", ok.body)
		got := next(t, events, 2)
		require.Equal(t, "hola", got[0].Message.Text)
		require.Equal(t, "Ciao, come possiamo aiutarti? Scrivi 2 per l'italiano o 3 per il francese.", got[1].Message.Text,
			"the browser's Italian picks the flow's Italian")
	})
}
