package routing

import (
	"context"
	"errors"
	"time"

	"github.com/switchboardhq/switchboard/blocks"
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
// last message, and 7 days with the HUMAN_AGENT tag when the channel enables it (human_agent);
// a comment allows one private reply within 7 days. X direct messages and web chat have no
// window; only Facebook, Instagram and X have public replies.
func ConversationWindow(ch store.Channel, ins []store.Interaction, now time.Time) Window {
	var last *store.Interaction
	public := false
	for i := range ins {
		if ins[i].Direction == store.Inbound {
			last = &ins[i]
			public = public || ins[i].Public
		}
	}
	w := Window{PrivateOpen: true, PublicAllowed: public && ch.Type != store.ChannelWebchat}
	if !meta(ch.Type) || last == nil {
		return w
	}
	limit := messagingWindow
	if last.Public {
		limit = privateReplyWindow
	}
	until := last.At.Add(limit)
	w.PrivateUntil = &until
	w.PrivateOpen = now.Before(until) || now.Equal(until)
	if !last.Public && channelSettings(ch).HumanAgent {
		human := last.At.Add(humanAgentWindow)
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
