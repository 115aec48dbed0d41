package routing

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/switchboardhq/switchboard/blocks"
	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/store"
)

// SLA is where a conversation stands against its channel's service level: the first response
// is due within service_level_seconds of working time (the channel's working_hours calendar,
// all the time without one) after the conversation opened, as the statistics count it.
type SLA struct {
	DueAt time.Time `json:"due_at"`
	// Breached tells that the first response came after DueAt, or has not come and DueAt passed.
	Breached bool `json:"breached"`
}

// slaHorizon is how far the due time of an SLA is looked for: a calendar with less working
// time than the service level in that span gives no SLA.
const slaHorizon = 60 * 24 * time.Hour

// ConversationSLA returns a conversation's SLA at now; nil when its channel's calendar has no
// working time to meet it within slaHorizon.
func ConversationSLA(ctx context.Context, st store.Store, ch store.Channel, conv store.Conversation, now time.Time) (*SLA, error) {
	s := channelSettings(ch)
	level := serviceLevel(s)
	due := conv.OpenedAt.Add(level)
	if s.WorkingHours != "" {
		cal, err := st.CalendarGet(ctx, s.WorkingHours)
		switch {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			return nil, err
		default:
			def := cal.CalendarDef
			c, err := blocks.CompileCalendar(&def)
			if err != nil {
				return nil, err
			}
			var ok bool
			if due, ok = workingDue(c, conv.OpenedAt, level); !ok {
				return nil, nil
			}
		}
	}
	answered := now
	if conv.FirstResponseAt != nil {
		answered = *conv.FirstResponseAt
	}
	return &SLA{DueAt: due, Breached: answered.After(due)}, nil
}

// workingDue finds the moment when a calendar has counted d of working time after from, to the
// second.
func workingDue(c *blocks.Calendar, from time.Time, d time.Duration) (time.Time, bool) {
	lo, hi := from, from.Add(slaHorizon)
	if c.WorkingTime(lo, hi) < d {
		return time.Time{}, false
	}
	for hi.Sub(lo) > time.Second {
		mid := lo.Add(hi.Sub(lo) / 2)
		if c.WorkingTime(from, mid) >= d {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi.Truncate(time.Second), true
}

// Window says what the network lets an agent send in a conversation now.
type Window struct {
	// PrivateOpen tells that a private message (or a private reply to the customer's comment)
	// may be sent now; PrivateUntil is when that ends, nil when it does not.
	PrivateOpen  bool       `json:"private_open"`
	PrivateUntil *time.Time `json:"private_until"`
	// HumanAgentUntil is when the 7 days of Meta's HUMAN_AGENT tag end, on a channel that
	// enables it (human_agent); nil otherwise.
	HumanAgentUntil *time.Time `json:"human_agent_until"`
	// PublicAllowed tells that the customer wrote publicly: a public reply answers them.
	PublicAllowed bool `json:"public_allowed"`
}

// Messaging windows of private replies to comments.
const privateReplyWindow = 7 * 24 * time.Hour

// Private reply states of a public comment.
const (
	PrivateReplyAvailable   = "available"
	PrivateReplyUsed        = "used"
	PrivateReplyUnsupported = "unsupported"
)

// meta tells whether a channel type speaks Meta's messaging rules.
func meta(channelType string) bool {
	return channelType == store.ChannelFacebook || channelType == store.ChannelInstagram
}

// ConversationWindow computes a conversation's window at now from its channel and its
// interactions: Messenger and Instagram Direct allow messages 24 hours after the customer's
// last private message, and 7 days with the HUMAN_AGENT tag when the channel enables it
// (human_agent); a conversation of comments only allows one private reply to each within 7 days. X direct messages and web chat have no
// window; only Facebook, Instagram and X have public replies.
func ConversationWindow(ch store.Channel, ins []store.Interaction, now time.Time) Window {
	var lastPrivate, lastPublic *store.Interaction
	for i := range ins {
		switch {
		case ins[i].Direction != store.Inbound:
		case ins[i].Public:
			lastPublic = &ins[i]
		default:
			lastPrivate = &ins[i]
		}
	}
	w := Window{PrivateOpen: true, PublicAllowed: lastPublic != nil && ch.Type != store.ChannelWebchat}
	if !meta(ch.Type) || (lastPrivate == nil && lastPublic == nil) {
		return w
	}
	if lastPrivate == nil {
		// only comments: one private reply each, within 7 days
		until := lastPublic.At.Add(privateReplyWindow)
		w.PrivateUntil, w.PrivateOpen = &until, !now.After(until)
		return w
	}
	until := lastPrivate.At.Add(messagingWindow)
	w.PrivateUntil, w.PrivateOpen = &until, !now.After(until)
	if channelSettings(ch).HumanAgent {
		human := lastPrivate.At.Add(humanAgentWindow)
		w.HumanAgentUntil = &human
		w.PrivateOpen = w.PrivateOpen || !now.After(human)
	}
	return w
}

// PrivateReplyState tells whether a public comment can still get its private reply: used when
// one was queued, unsupported off Meta's networks or once the comment is 7 days old.
func PrivateReplyState(ctx context.Context, st store.Store, ch store.Channel, in store.Interaction, now time.Time) (string, error) {
	if !meta(ch.Type) {
		return PrivateReplyUnsupported, nil
	}
	_, err := st.OutboxByPrivateTarget(ctx, ch.ID, in.ExternalID)
	switch {
	case err == nil:
		return PrivateReplyUsed, nil
	case !errors.Is(err, store.ErrNotFound):
		return "", err
	case now.Sub(in.At) > privateReplyWindow:
		return PrivateReplyUnsupported, nil
	}
	return PrivateReplyAvailable, nil
}

// RequiresContact tells whether a channel refuses to close a conversation without a contact.
func RequiresContact(ch store.Channel) bool { return channelSettings(ch).RequireContact }

// ErrUnsupportedAction is the refusal of an action the conversation's network does not have.
var ErrUnsupportedAction = fmt.Errorf("the network has no such action: %w", ErrRefused)

// Agent actions on a customer's public post or comment.
var agentActions = map[engine.ActionType][]string{
	engine.ActionLike:    {store.ChannelFacebook, store.ChannelTwitter},
	engine.ActionHide:    {store.ChannelFacebook, store.ChannelInstagram},
	engine.ActionUnhide:  {store.ChannelFacebook, store.ChannelInstagram},
	engine.ActionRetweet: {store.ChannelTwitter},
}

// Act queues an agent's action on the customer's public post or comment of an interaction in
// a conversation the agent owns: a like (Facebook, X), a hide or unhide (Facebook and
// Instagram comments), a retweet (X). The transcript records it as an outbound interaction of
// that kind, whose status follows the sending.
func (a *ACD) Act(ctx context.Context, agent, conversationID string, action engine.ActionType, interactionID int64) (store.OutboxItem, error) {
	networks, ok := agentActions[action]
	if !ok {
		return store.OutboxItem{}, fmt.Errorf("action %q: use like, hide, unhide or retweet: %w", action, ErrUnsupportedAction)
	}
	target, err := a.st.InteractionGet(ctx, interactionID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (target.ConversationID != conversationID || target.Direction != store.Inbound)) {
		return store.OutboxItem{}, fmt.Errorf("conversation %s has no interaction %d of the customer: %w", conversationID, interactionID, ErrBadInteraction)
	}
	if err != nil {
		return store.OutboxItem{}, err
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
		switch {
		case !slices.Contains(networks, ch.Type):
			return fmt.Errorf("%s has no %s: %w", ch.Type, action, ErrUnsupportedAction)
		case !target.Public:
			return fmt.Errorf("a private %s cannot be given a %s: %w", target.Kind, action, ErrUnsupportedAction)
		}
		act := engine.Action{ID: "agent/" + uuid.NewString(), Type: action, Channel: ch.Type, ChannelID: ch.ID,
			Target: target.ExternalID, InReplyTo: target.ExternalID, Agent: agent}
		if item, err = tx.OutboxInsert(ctx, store.OutboxItem{ActionID: act.ID, ChannelID: ch.ID, ConversationID: conv.ID, Action: act}); err != nil {
			return err
		}
		_, err = tx.InteractionInsert(ctx, store.Interaction{ConversationID: conv.ID, ChannelID: ch.ID, Direction: store.Outbound,
			Kind: string(action), Public: true, Parent: target.ExternalID, At: a.now(), ActionID: act.ID, Agent: agent,
			Status: store.OutboxPending})
		return err
	})
	if err != nil {
		return store.OutboxItem{}, err
	}
	a.wakeOutbox(ctx)
	return item, nil
}

// ErrBadInteraction means the interaction named is not the customer's in that conversation.
var ErrBadInteraction = fmt.Errorf("not an interaction of the customer here: %w", store.ErrInvalid)

// EventTransferred tells an agent that a conversation it served or was offered was handed on.
const EventTransferred = "transferred"

// Refusals of a hand-over to an agent.
var (
	// ErrUnknownAgent means there is no agent of that id.
	ErrUnknownAgent = fmt.Errorf("there is no such agent: %w", ErrRefused)
	// ErrAgentOffline means the agent named is logged out.
	ErrAgentOffline = fmt.Errorf("the agent is offline: %w", ErrRefused)
	// ErrNotQueued means the conversation waits for no agent and has none.
	ErrNotQueued = errors.New("the conversation is not with the agents")
)

// TransferToAgent hands an agent's conversation to another agent: it is offered to that agent,
// ringing for the channel's ring_timeout whatever its load; rejected or rung out, it goes back
// to its skill's queue, keeping its age.
func (a *ACD) TransferToAgent(ctx context.Context, agent, conversationID, target string) error {
	if target == agent {
		return fmt.Errorf("the conversation is %s's already: %w", agent, ErrRefused)
	}
	return a.handOn(ctx, conversationID, agent, target, "")
}

// Reassign hands a conversation, whoever serves it or is offered it, or waiting in the queue,
// to an agent (offered, as TransferToAgent does) or to a skill (queued, as Transfer does): what
// a supervisor does.
func (a *ACD) Reassign(ctx context.Context, conversationID, target, skill string) error {
	if skill != "" {
		if _, err := a.st.SkillGet(ctx, skill); err != nil {
			return err
		}
	}
	return a.handOn(ctx, conversationID, "", target, skill)
}

// handOn moves a conversation's open queue entry to an agent or a skill; owner, when set, is the
// agent who must be serving it.
func (a *ACD) handOn(ctx context.Context, conversationID, owner, target, skill string) error {
	if target != "" {
		if _, err := a.st.AgentGet(ctx, target); errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("agent %q: %w", target, ErrUnknownAgent)
		} else if err != nil {
			return err
		}
		st, err := a.st.AgentStateGet(ctx, target)
		if err != nil {
			return err
		}
		if st.State == StateOffline {
			return fmt.Errorf("agent %s: %w", target, ErrAgentOffline)
		}
	}
	var before store.QueueEntry
	var expires time.Time
	err := a.st.InTx(ctx, func(tx store.Tx) error {
		var e store.QueueEntry
		var conv store.Conversation
		var err error
		if owner != "" {
			e, conv, err = a.owned(ctx, tx, owner, conversationID)
		} else {
			if conv, err = tx.ConversationGet(ctx, conversationID); err != nil {
				return err
			}
			e, err = tx.QueueOfConversation(ctx, conversationID)
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("conversation %s: %w", conversationID, ErrNotQueued)
			}
		}
		if err != nil {
			return err
		}
		before = e
		now := a.now()
		e.AssignedAt, e.PreferredAgent, e.PreferredUntil = nil, "", nil
		if target != "" {
			ch, err := tx.ChannelGet(ctx, conv.ChannelID)
			if err != nil {
				return err
			}
			expires = now.Add(ringTimeout(a.settingsOf(ch)))
			e.Status, e.Agent, e.Offers, e.OfferedAt, e.OfferExpiresAt = store.QueueOffered, target, e.Offers+1, &now, &expires
		} else {
			e.Status, e.Skill, e.Agent, e.OfferedAt, e.OfferExpiresAt = store.QueueQueued, skill, "", nil, nil
			conv.Skill = skill
		}
		if err := tx.QueueUpdate(ctx, e, before.Status); err != nil {
			return err
		}
		conv.Agent = ""
		if err := tx.ConversationUpdate(ctx, conv); err != nil {
			return err
		}
		if before.Status != store.QueueAssigned || before.Agent == "" {
			return nil
		}
		// handing a conversation on finishes the agent's part: idle from now, as after a close
		st, err := tx.AgentStateGet(ctx, before.Agent)
		if err != nil {
			return err
		}
		st.IdleSince = &now
		_, err = tx.AgentStateSet(ctx, st)
		return err
	})
	if err != nil {
		return err
	}
	switch before.Status {
	case store.QueueAssigned:
		a.tell(ctx, before.Agent, AgentEvent{Type: EventTransferred, Ref: before.Ref, Conversation: conversationID})
	case store.QueueOffered:
		a.tell(ctx, before.Agent, AgentEvent{Type: EventOfferWithdrawn, Ref: before.Ref, Conversation: conversationID, Reason: ReasonReassigned})
	}
	if target != "" {
		a.tell(ctx, target, AgentEvent{Type: EventOffer, Ref: before.Ref, Conversation: conversationID, Skill: before.Skill, ExpiresAt: &expires})
	}
	a.Wake()
	return nil
}
