package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/store"
)

// The transcript speaks the document's words (the harness checks each answer against it).
func TestConversationTranscript(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, api *testAPI) {
		api.call(t, "POST", "/api/v1/channels", withJSON(map[string]any{"id": "chat", "type": "webchat"})).expect(t, 201)
		written := time.Date(2026, 11, 17, 13, 0, 0, 0, time.UTC)
		var conv store.Conversation
		require.NoError(t, api.store.InTx(context.Background(), func(tx store.Tx) error {
			var err error
			if conv, _, err = tx.ConversationOpen(context.Background(), "chat", "u1", ""); err != nil {
				return err
			}
			if _, err = tx.InteractionInsert(context.Background(), store.Interaction{ConversationID: conv.ID, ChannelID: "chat",
				Direction: store.Inbound, ExternalID: "m1", Kind: "message", Author: engine.Author{ID: "u1", Name: "Berta"},
				Text: "necesito la factura", At: written}); err != nil {
				return err
			}
			if _, err = tx.InteractionInsert(context.Background(), store.Interaction{ConversationID: conv.ID, ChannelID: "chat",
				Direction: store.Outbound, ExternalID: "m2", Kind: "message", Text: "Hola Berta", At: written.Add(time.Second)}); err != nil {
				return err
			}
			// a reply the network refused
			o, err := tx.OutboxInsert(context.Background(), store.OutboxItem{ActionID: "a3", ChannelID: "chat", ConversationID: conv.ID,
				Action: engine.Action{ID: "a3", Type: engine.ActionReply, Text: "¿Algo más?"}})
			if err != nil {
				return err
			}
			if err := tx.OutboxFinish(context.Background(), o.ID, store.OutboxFailed, "", "fatal: HTTP 400 Bad Request (HTTP 400)"); err != nil {
				return err
			}
			_, err = tx.InteractionInsert(context.Background(), store.Interaction{ConversationID: conv.ID, ChannelID: "chat",
				Direction: store.Outbound, Kind: "message", Text: "¿Algo más?", At: written.Add(2 * time.Second), ActionID: "a3",
				Status: store.OutboxFailed})
			return err
		}))

		require.Len(t, api.call(t, "GET", "/api/v1/conversations?status=open").expect(t, 200).list(t), 1)
		var transcript struct {
			ID           string `json:"id"`
			Interactions []struct {
				Direction string `json:"direction"`
				Text      string `json:"text"`
				Error     string `json:"error"`
			} `json:"interactions"`
		}
		api.call(t, "GET", "/api/v1/conversations/"+conv.ID).expect(t, 200).decode(t, &transcript)
		require.Equal(t, conv.ID, transcript.ID)
		require.Len(t, transcript.Interactions, 3)
		require.Equal(t, "inbound", transcript.Interactions[0].Direction)
		require.Equal(t, "outbound", transcript.Interactions[1].Direction)
		require.Empty(t, transcript.Interactions[1].Error)
		require.Equal(t, "fatal: HTTP 400 Bad Request (HTTP 400)", transcript.Interactions[2].Error, "a failed reply says why")
		require.Empty(t, api.call(t, "GET", "/api/v1/conversations?status=closed").expect(t, 200).list(t))
	})
}
