package dispatch

// Web chat mailboxes: a reply on a web chat without a callback_url is stored in its visitor's
// mailbox, which the widget streams. A flow's reply is stored in the transaction that commits
// its run; an agent's goes through the outbox, whose row is sent in the same transaction as the
// mailbox row is written. Either way a reply reaches the mailbox once, or not at all and is
// tried again.

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
	write := func(tx store.Tx) error { return appendWebchatReply(ctx, tx, &conv, &a) }
	if d.finishSendWith(ctx, it, store.OutboxSent, it.ActionID, "", write) {
		d.AnnounceWebchat(ctx, it.ChannelID, conv.Customer)
	}
}

// appendWebchatReply stores a reply in the mailbox of the conversation's visitor, once: the
// action id is its key. Only the widget's visitors have a mailbox: the customers of senders that
// post to the webhook get their replies in the answer or at their callback_url, and their
// messages cost the pipeline nothing more.
func appendWebchatReply(ctx context.Context, tx store.Tx, conv *store.Conversation, a *engine.Action) error {
	if !store.IsWebchatVisitor(conv.Customer) {
		return nil
	}
	_, _, err := tx.WebchatAppend(ctx, store.WebchatMessage{ChannelID: conv.ChannelID, Visitor: conv.Customer, Key: a.ID,
		Direction: store.WebchatOut, Text: a.Text, Attachments: a.Attachments, Agent: a.Agent}, WebchatMailboxSize)
	return err
}

// AnnounceWebchat wakes the streams of a visitor, on every node.
func (d *Dispatcher) AnnounceWebchat(ctx context.Context, channelID, visitor string) {
	if err := d.st.Bus().Publish(ctx, TopicWebchat, channelID+" "+visitor); err != nil && !errors.Is(err, context.Canceled) {
		d.log.Warn("announce a web chat message; the visitor's stream will find it when it looks again", "channel", channelID, "err", err)
	}
}
