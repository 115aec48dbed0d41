package dispatch

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/routing"
	"github.com/switchboardhq/switchboard/store"
)

// effects are what one session run wants written, collected while it runs and written in the
// transaction that commits it.
type effects struct {
	channel      store.Channel
	conversation *store.Conversation
	// in is the interaction the run answers.
	in engine.Interaction
	// network are actions for the outbox; immediate are those done as the run commits.
	network   []*engine.Action
	immediate []*engine.Action
	routes    []routing.QueueRequest
	cancels   []string
	now       time.Time
}

type effectsKey struct{}

func withEffects(ctx context.Context, e *effects) context.Context {
	return context.WithValue(ctx, effectsKey{}, e)
}

func effectsOf(ctx context.Context) *effects {
	e, _ := ctx.Value(effectsKey{}).(*effects)
	return e
}

// networkTypes are the channel types whose actions go to a network through the outbox.
func isNetworkAction(ch store.Channel, a *engine.Action) bool {
	switch a.Type {
	case engine.ActionReply, engine.ActionLike, engine.ActionRetweet, engine.ActionHide, engine.ActionUnhide:
	default:
		return false
	}
	if ch.Type == store.ChannelWebchat {
		url, _ := ch.Settings["callback_url"].(string)
		return url != ""
	}
	return true
}

// messagingWindow is how long after the customer's last message a private message may be sent,
// and the longer window for a human's reply with the HUMAN_AGENT tag.
const (
	messagingWindow  = 24 * time.Hour
	humanAgentWindow = 7 * 24 * time.Hour
)

// runOutbox is the outbox sessions see: network actions are queued, and the block that sent
// them waits for the result; others are done when the run commits.
type runOutbox struct{ d *Dispatcher }

func (o runOutbox) Send(ctx context.Context, a *engine.Action) engine.SendResult {
	e := effectsOf(ctx)
	if e == nil {
		return engine.SendResult{Err: errors.New("no run to send from")}
	}
	if !isNetworkAction(e.channel, a) {
		e.immediate = append(e.immediate, a)
		return engine.SendResult{}
	}
	if err := o.d.refuse(ctx, e, a); err != nil {
		return engine.SendResult{Err: err}
	}
	e.network = append(e.network, a)
	return engine.SendResult{Pending: true}
}

// refuse checks before queueing what the network would refuse: a private message outside the
// messaging window, or a second private reply to one comment.
func (d *Dispatcher) refuse(ctx context.Context, e *effects, a *engine.Action) error {
	if a.Type != engine.ActionReply || a.Visibility != "private" || e.conversation == nil {
		return nil
	}
	switch e.channel.Type {
	case store.ChannelFacebook, store.ChannelInstagram:
	default:
		return nil
	}
	if target := privateReplyTarget(e, a); target != "" {
		if _, err := d.st.OutboxByPrivateTarget(ctx, e.channel.ID, target); err == nil {
			return fmt.Errorf("%s has had its private reply already; the network allows one per comment", target)
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		return nil
	}
	last := e.conversation.LastInboundAt
	if last == nil {
		return nil
	}
	age := e.now.Sub(*last)
	human, _ := e.channel.Settings["human_agent"].(bool)
	switch {
	case age <= messagingWindow:
	case a.Agent != "" && human && age <= humanAgentWindow:
	default:
		return fmt.Errorf("the customer last wrote %s ago, outside the 24-hour messaging window; the network would refuse this message",
			age.Round(time.Minute))
	}
	return nil
}

// privateReplyTarget is the comment or post a private reply answers, when it answers one.
func privateReplyTarget(e *effects, a *engine.Action) string {
	if a.Type != engine.ActionReply || a.Visibility != "private" {
		return ""
	}
	if e.channel.Type != store.ChannelFacebook && e.channel.Type != store.ChannelInstagram {
		return ""
	}
	if e.in.Public {
		return a.Target
	}
	return ""
}

// runRouter is the router sessions see: the queue decides at once whether a request can wait,
// and the request is written with the run.
type runRouter struct{ d *Dispatcher }

func (r runRouter) Route(ctx context.Context, req *engine.RouteRequest) (engine.RouteResult, error) {
	e := effectsOf(ctx)
	if e == nil || e.conversation == nil {
		return engine.RouteResult{}, errors.New("no conversation to route")
	}
	if r.d.cfg.Queue == nil {
		return engine.RouteResult{Outcome: engine.RouteNoAgents}, nil
	}
	res, err := r.d.cfg.Queue.Admit(ctx, req, e.channel)
	if err != nil || res.Outcome != engine.RouteQueued {
		return res, err
	}
	at := e.now
	if req.Interaction != nil && !req.Interaction.Time.IsZero() {
		at = req.Interaction.Time
	}
	public := req.Interaction != nil && req.Interaction.Public
	e.routes = append(e.routes, routing.QueueRequest{Ref: req.Ref, SessionID: req.SessionID, ConversationID: e.conversation.ID,
		Channel: e.channel, Skill: req.Skill, Priority: req.Priority, Preferred: req.Preferred,
		PreferredTimeout: req.PreferredTimeout, Timeout: req.Timeout, Public: public, EnqueuedAt: at, Escalation: req.Escalation})
	return res, nil
}

var _ engine.ClockReader = runRouter{}

// ConversationClock reads the clock of the run's conversation as it was when the run began,
// and its channel's service level.
func (r runRouter) ConversationClock(ctx context.Context) (engine.ConversationClock, error) {
	e := effectsOf(ctx)
	if e == nil || e.conversation == nil {
		return engine.ConversationClock{}, errors.New("no conversation to read the clock of")
	}
	c := engine.ConversationClock{ServiceLevel: routing.ChannelServiceLevel(e.channel), Agent: e.conversation.Agent}
	if t := e.conversation.LastInboundAt; t != nil {
		c.LastInbound = *t
	}
	if t := e.conversation.LastOutboundAt; t != nil {
		c.LastOutbound = *t
	}
	return c, nil
}

func (r runRouter) Cancel(ctx context.Context, _ string, ref string) error {
	e := effectsOf(ctx)
	if e == nil {
		return errors.New("no run to cancel from")
	}
	e.cancels = append(e.cancels, ref)
	return nil
}

// storeContacts, storeSwitches and storeCalendars are the store as blocks see it.
type storeContacts struct{ st store.Store }

func (s storeContacts) Lookup(ctx context.Context, channel string, author engine.Author, attributes map[string]any) (engine.Contact, bool, error) {
	c, found, err := s.st.ContactLookup(ctx, channel, author, attributes)
	if err != nil {
		return engine.Contact{}, false, err
	}
	return c.Engine(), found, nil
}

type storeSwitches struct{ st store.Store }

func (s storeSwitches) Switch(ctx context.Context, name string) (bool, error) {
	sw, err := s.st.SwitchGet(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return false, engine.ErrNotFound
	}
	return sw.On, err
}

type storeCalendars struct{ st store.Store }

func (s storeCalendars) Calendar(ctx context.Context, name string) (*engine.CalendarDef, error) {
	c, err := s.st.CalendarGet(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, engine.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	def := c.CalendarDef
	return &def, nil
}
