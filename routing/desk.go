package routing

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/store"
)

// Errors of agent operations, for the API to tell apart.
var (
	// ErrNotYours means the offer or conversation belongs to another agent, or to nobody.
	ErrNotYours = errors.New("not yours")
	// ErrRefused means the operation breaks a rule of the channel or the skill.
	ErrRefused = errors.New("refused")
	// ErrContactRequired is the refusal to close a conversation with no contact linked, on a
	// channel that requires one.
	ErrContactRequired = fmt.Errorf("a contact is required: %w", ErrRefused)
)

// SetState sets an agent's state with a reason: login is available, logout offline.
func (a *ACD) SetState(ctx context.Context, agent, state, reason string) (store.AgentState, error) {
	if !slices.Contains(States, state) {
		return store.AgentState{}, fmt.Errorf("state %q: use offline, available, busy or break: %w", state, store.ErrInvalid)
	}
	if _, err := a.st.AgentGet(ctx, agent); err != nil {
		return store.AgentState{}, err
	}
	var out store.AgentState
	err := a.st.InTx(ctx, func(tx store.Tx) error {
		cur, err := tx.AgentStateGet(ctx, agent)
		if err != nil {
			return err
		}
		if cur.State != state {
			cur.Since = a.now()
		}
		if cur.IdleSince == nil && state == StateAvailable {
			now := a.now()
			cur.IdleSince = &now
		}
		cur.State, cur.Reason = state, reason
		out, err = tx.AgentStateSet(ctx, cur)
		return err
	})
	if err != nil {
		return store.AgentState{}, err
	}
	a.tell(ctx, agent, AgentEvent{Type: EventState, State: state, Reason: reason})
	a.Wake()
	return out, nil
}

// Accept takes an offer ringing for the agent.
func (a *ACD) Accept(ctx context.Context, agent, ref string) error {
	e, err := a.st.QueueGet(ctx, ref)
	if err != nil {
		return err
	}
	if e.Status != store.QueueOffered || e.Agent != agent {
		return fmt.Errorf("offer %s is not ringing for %s: %w", ref, agent, ErrNotYours)
	}
	if e.OfferExpiresAt != nil && !a.now().Before(*e.OfferExpiresAt) {
		return fmt.Errorf("offer %s rang out: %w", ref, ErrNotYours)
	}
	if err := a.assign(ctx, e, agent, store.QueueOffered); err != nil {
		if errors.Is(err, store.ErrStale) || errors.Is(err, engine.ErrStaleEvent) {
			return fmt.Errorf("offer %s is no longer ringing: %w", ref, ErrNotYours)
		}
		return err
	}
	a.Wake()
	return nil
}

// Reject turns an offer down: it goes back to the head of its queue, for another agent.
func (a *ACD) Reject(ctx context.Context, agent, ref string) error {
	err := a.st.InTx(ctx, func(tx store.Tx) error {
		e, err := tx.QueueGet(ctx, ref)
		if err != nil {
			return err
		}
		if e.Status != store.QueueOffered || e.Agent != agent {
			return fmt.Errorf("offer %s is not ringing for %s: %w", ref, agent, ErrNotYours)
		}
		e.Status, e.Agent, e.OfferExpiresAt = store.QueueQueued, "", nil
		if !slices.Contains(e.Excluded, agent) {
			e.Excluded = append(e.Excluded, agent)
		}
		return tx.QueueUpdate(ctx, e, store.QueueOffered)
	})
	if err != nil {
		return err
	}
	a.Wake()
	return nil
}

// owned returns the open queue entry by which an agent owns a conversation.
func (a *ACD) owned(ctx context.Context, tx store.Tx, agent, conversationID string) (store.QueueEntry, store.Conversation, error) {
	conv, err := tx.ConversationGet(ctx, conversationID)
	if err != nil {
		return store.QueueEntry{}, store.Conversation{}, err
	}
	e, err := tx.QueueOfConversation(ctx, conversationID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (e.Status != store.QueueAssigned || e.Agent != agent)) {
		return store.QueueEntry{}, conv, fmt.Errorf("conversation %s is not assigned to %s: %w", conversationID, agent, ErrNotYours)
	}
	return e, conv, err
}

// Dispositions returns the codes a conversation may close with: the skill's, else the
// channel's (settings "dispositions"); empty means any.
func (a *ACD) Dispositions(ctx context.Context, ch store.Channel, skill string) ([]string, error) {
	if skill != "" {
		sk, err := a.st.SkillGet(ctx, skill)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		if len(sk.Dispositions) > 0 {
			return sk.Dispositions, nil
		}
	}
	return a.settingsOf(ch).Dispositions, nil
}

// Close ends an agent's conversation with a disposition: the conversation closes, the contact
// remembers the agent, and the session waiting in route.skill leaves by done. A channel with
// require_contact refuses to close a conversation not linked to a contact.
func (a *ACD) Close(ctx context.Context, agent, conversationID, disposition string) error {
	var e store.QueueEntry
	var conv store.Conversation
	if err := a.st.InTx(ctx, func(tx store.Tx) error {
		var err error
		e, conv, err = a.owned(ctx, tx, agent, conversationID)
		return err
	}); err != nil {
		return err
	}
	ch, err := a.st.ChannelGet(ctx, conv.ChannelID)
	if err != nil {
		return err
	}
	allowed, err := a.Dispositions(ctx, ch, e.Skill)
	if err != nil {
		return err
	}
	switch {
	case disposition == "":
		return fmt.Errorf("close with a disposition code: %w", ErrRefused)
	case len(allowed) > 0 && !slices.Contains(allowed, disposition):
		return fmt.Errorf("disposition %q is not one of %s: %w", disposition, strings.Join(allowed, ", "), ErrRefused)
	}
	if a.settingsOf(ch).RequireContact && conv.ContactID == "" {
		return fmt.Errorf("channel %s requires a contact on every conversation before it closes; link one first: %w", ch.ID, ErrContactRequired)
	}
	now := a.now()
	extra := func(tx store.Tx) error {
		cur, c, err := a.owned(ctx, tx, agent, conversationID)
		if err != nil {
			return err
		}
		cur.Status, cur.ClosedAt, cur.Disposition = store.QueueClosed, &now, disposition
		if err := tx.QueueUpdate(ctx, cur, store.QueueAssigned); err != nil {
			return err
		}
		c.Status, c.ClosedAt, c.Disposition = store.ConversationClosed, &now, disposition
		if err := tx.ConversationUpdate(ctx, c); err != nil {
			return err
		}
		if c.ContactID != "" {
			if err := tx.ContactSetLastAgent(ctx, c.ContactID, agent); err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		st, err := tx.AgentStateGet(ctx, agent)
		if err != nil {
			return err
		}
		st.IdleSince = &now
		_, err = tx.AgentStateSet(ctx, st)
		return err
	}
	var seq int64
	if s, err := a.st.SessionGet(ctx, e.SessionID); err == nil {
		seq = s.Seq
	}
	err = a.Resumer.ResumeSession(ctx, e.SessionID, engine.Event{Kind: engine.EventDone, Seq: seq, Agent: agent, Disposition: disposition}, extra)
	if err != nil && !errors.Is(err, engine.ErrStaleEvent) {
		return err
	}
	a.tell(ctx, agent, AgentEvent{Type: EventClosed, Ref: e.Ref, Conversation: conversationID})
	a.Wake()
	return nil
}

// Transfer hands an agent's conversation to another skill: it goes back to the queue, keeping
// its age, and its session keeps waiting.
func (a *ACD) Transfer(ctx context.Context, agent, conversationID, skill string) error {
	if _, err := a.st.SkillGet(ctx, skill); err != nil {
		return err
	}
	err := a.st.InTx(ctx, func(tx store.Tx) error {
		e, conv, err := a.owned(ctx, tx, agent, conversationID)
		if err != nil {
			return err
		}
		e.Status, e.Skill, e.Agent, e.AssignedAt, e.OfferedAt, e.PreferredAgent, e.PreferredUntil = store.QueueQueued, skill, "", nil, nil, "", nil
		e.Escalation, e.Step = nil, 0 // the steps were the first skill's
		if err := tx.QueueUpdate(ctx, e, store.QueueAssigned); err != nil {
			return err
		}
		conv.Agent, conv.Skill = "", skill
		if err := tx.ConversationUpdate(ctx, conv); err != nil {
			return err
		}
		// handing a conversation on finishes the agent's part: idle from now, as after a close
		st, err := tx.AgentStateGet(ctx, agent)
		if err != nil {
			return err
		}
		now := a.now()
		st.IdleSince = &now
		_, err = tx.AgentStateSet(ctx, st)
		return err
	})
	if err != nil {
		return err
	}
	a.tell(ctx, agent, AgentEvent{Type: EventTransferred, Conversation: conversationID})
	a.Wake()
	return nil
}

// LinkContact links an agent's conversation to a contact.
func (a *ACD) LinkContact(ctx context.Context, agent, conversationID, contactID string) error {
	if _, err := a.st.ContactGet(ctx, contactID); err != nil {
		return err
	}
	return a.st.InTx(ctx, func(tx store.Tx) error {
		_, conv, err := a.owned(ctx, tx, agent, conversationID)
		if err != nil {
			return err
		}
		conv.ContactID = contactID
		return tx.ConversationUpdate(ctx, conv)
	})
}

// Messaging windows of private messages, after the customer's last message.
const (
	messagingWindow  = 24 * time.Hour
	humanAgentWindow = 7 * 24 * time.Hour
)

// Errors of replies, for the API to tell apart.
var (
	// ErrWindowClosed is the refusal of a private message the network would refuse: past the
	// messaging window (or HUMAN_AGENT's 7 days when the channel allows that tag), or a private
	// reply to a comment more than 7 days old.
	ErrWindowClosed = fmt.Errorf("the messaging window is closed: %w", ErrRefused)
	// ErrPrivateReplyUsed means the comment has had its one private reply already.
	ErrPrivateReplyUsed = errors.New("that comment has had its one private reply already")
	// ErrAttachments is the refusal of attachments the network cannot carry with that reply
	// (docs/agent-api.md, Attachments); it is an ErrRefused.
	ErrAttachments = fmt.Errorf("the network cannot carry these attachments with this reply: %w", ErrRefused)
	// ErrBadReplyTo means the interaction a reply answers is not the customer's in that
	// conversation.
	ErrBadReplyTo = fmt.Errorf("reply_to names no message of the customer in this conversation: %w", store.ErrInvalid)
)

// ReplyParams are an agent's reply.
type ReplyParams struct {
	Text string
	// Visibility is public, private, or same (the way the customer wrote).
	Visibility string
	// ReplyTo is the id of the customer's interaction answered; 0 answers the latest. A private
	// reply to a public comment goes to its author, once per comment.
	ReplyTo     int64
	Attachments []engine.Attachment
	// Shown are the attachments as the transcript shows them, when their addresses differ
	// from those the network gets.
	Shown []engine.Attachment
}

// Reply sends an agent's text reply to the customer's latest interaction.
func (a *ACD) Reply(ctx context.Context, agent, conversationID, text, visibility string) (store.OutboxItem, error) {
	return a.ReplyWith(ctx, agent, conversationID, ReplyParams{Text: text, Visibility: visibility})
}

// ReplyWith sends an agent's reply, publicly or privately, through the channel's outbox: it is
// refused at once when the network would refuse it (ErrWindowClosed, ErrPrivateReplyUsed).
func (a *ACD) ReplyWith(ctx context.Context, agent, conversationID string, p ReplyParams) (store.OutboxItem, error) {
	if strings.TrimSpace(p.Text) == "" && len(p.Attachments) == 0 {
		return store.OutboxItem{}, fmt.Errorf("the reply is empty: %w", ErrRefused)
	}
	conv0, err := a.st.ConversationGet(ctx, conversationID)
	if err != nil {
		return store.OutboxItem{}, err
	}
	var last store.Interaction
	if p.ReplyTo != 0 {
		last, err = a.st.InteractionGet(ctx, p.ReplyTo)
		if errors.Is(err, store.ErrNotFound) || (err == nil && (last.ConversationID != conv0.ID || last.Direction != store.Inbound)) {
			return store.OutboxItem{}, ErrBadReplyTo
		}
	} else {
		last, err = a.lastInbound(ctx, conv0)
	}
	if err != nil {
		return store.OutboxItem{}, err
	}
	// the messaging window opens with the customer's latest private message; comments do not open it
	var lastPrivateAt time.Time
	ins, err := a.st.InteractionList(ctx, conv0.ID)
	if err != nil {
		return store.OutboxItem{}, err
	}
	for _, in := range ins {
		if in.Direction == store.Inbound && !in.Public {
			lastPrivateAt = in.At
		}
	}
	visibility := p.Visibility
	shown := p.Shown
	if shown == nil {
		shown = p.Attachments
	}
	var item store.OutboxItem
	err = a.st.InTx(ctx, func(tx store.Tx) error {
		_, conv, err := a.owned(ctx, tx, agent, conversationID)
		if err != nil {
			return err
		}
		ch, err := tx.ChannelGet(ctx, conv.ChannelID)
		if err != nil {
			return err
		}
		if visibility == "" || visibility == "same" {
			visibility = "private"
			if last.Public {
				visibility = "public"
			}
		}
		if visibility == "public" && !last.Public {
			return fmt.Errorf("the customer wrote privately; answer in private: %w", ErrRefused)
		}
		if err := checkAttachments(ch.Type, visibility, last, p); err != nil {
			return err
		}
		now := a.now()
		if visibility == "private" && meta(ch.Type) {
			switch {
			case last.Public && now.Sub(last.At) > privateReplyWindow:
				return fmt.Errorf("the comment is %s old; a private reply is allowed for 7 days: %w", now.Sub(last.At).Round(time.Minute), ErrWindowClosed)
			case !last.Public && !lastPrivateAt.IsZero():
				age := now.Sub(lastPrivateAt)
				human := a.settingsOf(ch).HumanAgent
				if age > messagingWindow && !(human && age <= humanAgentWindow) {
					return fmt.Errorf("the customer last wrote %s ago, outside the messaging window: %w", age.Round(time.Minute), ErrWindowClosed)
				}
			}
		}
		action := engine.Action{ID: "agent/" + uuid.NewString(), Type: engine.ActionReply, Channel: ch.Type, ChannelID: ch.ID,
			InReplyTo: last.ExternalID, Target: last.ExternalID, Recipient: conv.Customer, Visibility: visibility, Text: p.Text,
			Attachments: p.Attachments, Agent: agent}
		o := store.OutboxItem{ActionID: action.ID, ChannelID: ch.ID, ConversationID: conv.ID, Action: action}
		if visibility == "private" && last.Public {
			o.PrivateTarget = last.ExternalID
		}
		if item, err = tx.OutboxInsert(ctx, o); err != nil {
			if errors.Is(err, store.ErrExists) {
				return ErrPrivateReplyUsed
			}
			return err
		}
		kind := "message"
		if visibility == "public" {
			kind = "comment"
		}
		_, err = tx.InteractionInsert(ctx, store.Interaction{ConversationID: conv.ID, ChannelID: ch.ID, Direction: store.Outbound,
			Kind: kind, Public: visibility == "public", Text: p.Text, Attachments: shown, Parent: last.ExternalID, At: now,
			ActionID: action.ID, Agent: agent, Status: store.OutboxPending})
		return err
	})
	if err != nil {
		return store.OutboxItem{}, err
	}
	a.wakeOutbox(ctx)
	return item, nil
}

// checkAttachments refuses, before anything is sent, attachments the network cannot carry with
// the reply: X replies here carry text only (the adapter uploads no media); an Instagram comment
// reply carries text only; a Facebook public reply carries one image (Graph's attachment_url of
// a comment); a private reply to a comment or post is the network's one message for it, so it
// holds text or one attachment, not both. Messages in a messaging window carry several, one
// message each.
func checkAttachments(channelType, visibility string, last store.Interaction, p ReplyParams) error {
	n := len(p.Attachments)
	if n == 0 {
		return nil
	}
	refuse := func(format string, args ...any) error {
		return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), ErrAttachments)
	}
	switch {
	case channelType == store.ChannelTwitter:
		return refuse("X replies are sent as text only; the channel uploads no media")
	case !meta(channelType):
		return nil
	case visibility == "public" && channelType == store.ChannelInstagram:
		return refuse("an Instagram comment reply carries text only; send the file in a private message")
	case visibility == "public" && n > 1:
		return refuse("a public reply to a comment carries one image at most, got %d files", n)
	case visibility == "public" && p.Attachments[0].Type != "image":
		return refuse("a public reply to a comment carries an image only, not a %s; send the file in a private message", p.Attachments[0].Type)
	case visibility == "private" && last.Public && strings.TrimSpace(p.Text) != "":
		return refuse("a private reply to a %s is the one message the network allows for it: text or one attachment, not both; send the text now and the file once the customer answers", cmp.Or(last.Kind, "comment"))
	case visibility == "private" && last.Public && n > 1:
		return refuse("a private reply to a %s is the one message the network allows for it: one attachment at most, got %d", cmp.Or(last.Kind, "comment"), n)
	}
	return nil
}

// wakeOutbox makes the senders look at the outbox now, wherever they run.
func (a *ACD) wakeOutbox(ctx context.Context) {
	if err := a.st.Bus().Publish(ctx, "due", ""); err != nil {
		a.log.Warn("wake the outbox", "err", err)
	}
}

// ErrNotFailed means a retried send did not fail.
var ErrNotFailed = errors.New("only a failed send is sent again")

// Retry sends again an agent's reply that failed, in a conversation the agent owns. A send
// whose last attempt may have reached the network is read back from it before it goes again,
// so that it never arrives twice.
func (a *ACD) Retry(ctx context.Context, agent, conversationID string, interactionID int64) (store.Interaction, error) {
	in, err := a.st.InteractionGet(ctx, interactionID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (in.ConversationID != conversationID || in.Direction != store.Outbound || in.ActionID == "")) {
		return store.Interaction{}, fmt.Errorf("conversation %s sent no message %d: %w", conversationID, interactionID, store.ErrNotFound)
	}
	if err != nil {
		return store.Interaction{}, err
	}
	var out store.Interaction
	err = a.st.InTx(ctx, func(tx store.Tx) error {
		if _, _, err := a.owned(ctx, tx, agent, conversationID); err != nil {
			return err
		}
		in, err := tx.InteractionByAction(ctx, in.ActionID)
		if err != nil {
			return err
		}
		o, err := tx.OutboxGet(ctx, in.ActionID)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("message %d is no longer in the outbox: %w", interactionID, ErrNotFailed)
		}
		if err != nil {
			return err
		}
		if o.Status != store.OutboxFailed || in.Status != store.OutboxFailed {
			return fmt.Errorf("message %d is %s: %w", interactionID, in.Status, ErrNotFailed)
		}
		if o.SessionID != "" {
			return fmt.Errorf("message %d is a flow's, whose block went on by its failed exit: %w", interactionID, ErrRefused)
		}
		if err := tx.OutboxRequeue(ctx, o.ID); err != nil {
			return err
		}
		in.Status = store.OutboxPending
		out = in
		return tx.InteractionUpdate(ctx, in)
	})
	if err != nil {
		return store.Interaction{}, err
	}
	a.wakeOutbox(ctx)
	return out, nil
}

// lastInbound returns the customer's latest interaction in a conversation.
func (a *ACD) lastInbound(ctx context.Context, conv store.Conversation) (store.Interaction, error) {
	ins, err := a.st.InteractionList(ctx, conv.ID)
	if err != nil {
		return store.Interaction{}, err
	}
	for i := len(ins) - 1; i >= 0; i-- {
		if ins[i].Direction == store.Inbound {
			return ins[i], nil
		}
	}
	return store.Interaction{}, fmt.Errorf("conversation %s has no message from the customer: %w", conv.ID, ErrRefused)
}
