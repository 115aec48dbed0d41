package dispatch

// Web chat mailboxes: a reply on a web chat without a callback_url is stored in its visitor's
// mailbox, which the widget streams. The outbox row is sent in the same transaction as the
// mailbox row is written, so a reply reaches the mailbox once, or not at all and is tried again.

import (
	"context"
	"errors"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/store"
)

// TopicWebchat says a visitor's mailbox has a new message; the payload is
// "<channel id> <visitor>".
const TopicWebchat = "webchat"

// WebchatMailboxSize is how many messages a visitor's mailbox keeps: the newest.
const WebchatMailboxSize = 500

// deliverWebchat stores a reply in its visitor's mailbox and marks its outbox row sent, together,
// then wakes the visitor's streams.
func (d *Dispatcher) deliverWebchat(ctx context.Context, it store.OutboxItem, conv store.Conversation) {
	a := it.Action
	if a.Type != engine.ActionReply || a.Visibility == "public" {
		d.finishSend(ctx, it, store.OutboxFailed, "", "web chat takes private replies only")
		return
	}
	if a.Text == "" && len(a.Attachments) == 0 {
		d.finishSend(ctx, it, store.OutboxFailed, "", "the reply has neither text nor attachments")
		return
	}
	m := store.WebchatMessage{ChannelID: it.ChannelID, Visitor: conv.Customer, Key: it.ActionID,
		Direction: store.WebchatOut, Text: a.Text, Attachments: a.Attachments, Agent: a.Agent}
	write := func(tx store.Tx) error {
		_, _, err := tx.WebchatAppend(ctx, m, WebchatMailboxSize)
		return err
	}
	if d.finishSendWith(ctx, it, store.OutboxSent, it.ActionID, "", write) {
		d.AnnounceWebchat(ctx, it.ChannelID, conv.Customer)
	}
}

// AnnounceWebchat wakes the streams of a visitor, on every node.
func (d *Dispatcher) AnnounceWebchat(ctx context.Context, channelID, visitor string) {
	if err := d.st.Bus().Publish(ctx, TopicWebchat, channelID+" "+visitor); err != nil && !errors.Is(err, context.Canceled) {
		d.log.Warn("announce a web chat message; the visitor's stream will find it when it looks again", "channel", channelID, "err", err)
	}
}
