package server

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/routing"
	"github.com/switchboardhq/switchboard/store"
)

// The agent workspace's reads: the inbox, read marks and stars, and a conversation with what
// the agent needs beside its transcript.

// inboxItem is a conversation of an agent's inbox.
type inboxItem struct {
	ID             string        `json:"id"`
	Channel        string        `json:"channel"`
	ChannelType    string        `json:"channel_type"`
	Skill          string        `json:"skill"`
	Status         string        `json:"status"`
	Customer       inboxCustomer `json:"customer"`
	First          *inboxFirst   `json:"first"`
	LastCustomerAt *time.Time    `json:"last_customer_at"`
	Unread         int           `json:"unread"`
	Important      bool          `json:"important"`
	SLADueAt       *time.Time    `json:"sla_due_at"`
	AssignedAt     *time.Time    `json:"assigned_at"`
	Offer          *inboxOffer   `json:"offer,omitempty"`
}

type inboxCustomer struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// inboxFirst is the customer's first message of the conversation.
type inboxFirst struct {
	Text       string    `json:"text"`
	Visibility string    `json:"visibility"`
	At         time.Time `json:"at"`
}

type inboxOffer struct {
	Ref       string     `json:"ref"`
	ExpiresAt *time.Time `json:"expires_at"`
}

// agentInbox lists the conversations assigned to the agent and those offered to it: at most
// its capacity plus the offers ringing for it, which the ACD bounds by the same capacity.
func (s *Server) agentInbox(c *fiber.Ctx) error {
	ctx := c.UserContext()
	agent := me(c)
	entries, err := s.cfg.Store.QueueList(ctx, store.QueueListParams{Agent: agent, Statuses: []string{store.QueueOffered, store.QueueAssigned}})
	if err != nil {
		return err
	}
	channels := map[string]store.Channel{}
	out := make([]inboxItem, 0, len(entries))
	for _, e := range entries {
		item, err := s.inboxItem(ctx, agent, e, channels)
		if errors.Is(err, store.ErrNotFound) {
			continue // closed and pruned, or its channel deleted, since the list was read
		}
		if err != nil {
			return err
		}
		out = append(out, item)
	}
	return c.JSON(fiber.Map{"conversations": out})
}

func (s *Server) inboxItem(ctx context.Context, agent string, e store.QueueEntry, channels map[string]store.Channel) (inboxItem, error) {
	conv, err := s.cfg.Store.ConversationGet(ctx, e.ConversationID)
	if err != nil {
		return inboxItem{}, err
	}
	ch, ok := channels[conv.ChannelID]
	if !ok {
		if ch, err = s.cfg.Store.ChannelGet(ctx, conv.ChannelID); err != nil {
			return inboxItem{}, err
		}
		channels[ch.ID] = ch
	}
	ins, err := s.cfg.Store.InteractionList(ctx, conv.ID)
	if err != nil {
		return inboxItem{}, err
	}
	read, err := s.cfg.Store.ReadMarkGet(ctx, agent, conv.ID)
	if err != nil {
		return inboxItem{}, err
	}
	item := inboxItem{ID: conv.ID, Channel: ch.ID, ChannelType: ch.Type, Skill: e.Skill, Status: e.Status,
		Customer: inboxCustomer{ID: conv.Customer}, LastCustomerAt: conv.LastInboundAt, Important: conv.Important,
		AssignedAt: e.AssignedAt}
	for _, in := range ins {
		if in.Direction != store.Inbound {
			continue
		}
		if item.First == nil {
			item.First = &inboxFirst{Text: in.Text, Visibility: visibilityOf(in), At: in.At}
			item.Customer.Name = in.Author.Name
		}
		if in.CreatedAt.After(read) {
			item.Unread++
		}
	}
	if conv.ContactID != "" {
		if ct, err := s.cfg.Store.ContactGet(ctx, conv.ContactID); err == nil && ct.Name != "" {
			item.Customer.Name = ct.Name
		} else if err != nil && !errors.Is(err, store.ErrNotFound) {
			return inboxItem{}, err
		}
	}
	sla, err := routing.ConversationSLA(ctx, s.cfg.Store, ch, conv, s.cfg.Clock.Now())
	if err != nil {
		return inboxItem{}, err
	}
	if sla != nil {
		item.SLADueAt = &sla.DueAt
	}
	if e.Status == store.QueueOffered {
		item.Offer = &inboxOffer{Ref: e.Ref, ExpiresAt: e.OfferExpiresAt}
	}
	return item, nil
}

func visibilityOf(in store.Interaction) string {
	if in.Public {
		return "public"
	}
	return "private"
}

// deskConversation reads a conversation the agent owns or is offered; 403 otherwise.
func (s *Server) deskConversation(c *fiber.Ctx, id string) (store.Conversation, error) {
	ctx := c.UserContext()
	conv, err := s.cfg.Store.ConversationGet(ctx, id)
	if err != nil {
		return conv, err
	}
	if conv.Agent == me(c) {
		return conv, nil
	}
	entries, err := s.cfg.Store.QueueList(ctx, store.QueueListParams{Agent: me(c), Statuses: []string{store.QueueOffered, store.QueueAssigned}})
	if err != nil {
		return conv, err
	}
	for _, e := range entries {
		if e.ConversationID == conv.ID {
			return conv, nil
		}
	}
	return conv, errorf(fiber.StatusForbidden, "forbidden", "conversation %s is not yours", conv.ID)
}

// agentRead marks every message of the conversation up to now read for the agent.
func (s *Server) agentRead(c *fiber.Ctx) error {
	conv, err := s.deskConversation(c, param(c, "id"))
	if err != nil {
		return err
	}
	if err := s.cfg.Store.ReadMarkSet(c.UserContext(), me(c), conv.ID, s.cfg.Clock.Now()); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

type importantRequest struct {
	Important *bool `json:"important"`
}

// agentImportant stars a conversation, or takes its star away.
func (s *Server) agentImportant(c *fiber.Ctx) error {
	var req importantRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.Important == nil {
		return fieldError("important", "say true or false")
	}
	conv, err := s.deskConversation(c, param(c, "id"))
	if err != nil {
		return err
	}
	err = s.cfg.Store.InTx(c.UserContext(), func(tx store.Tx) error {
		cur, err := tx.ConversationGet(c.UserContext(), conv.ID)
		if err != nil {
			return err
		}
		cur.Important = *req.Important
		return tx.ConversationUpdate(c.UserContext(), cur)
	})
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"important": *req.Important})
}

// deskInteraction is an interaction as the workspace shows it.
type deskInteraction struct {
	store.Interaction
	// PrivateReply says, on a customer's public comment, whether it can get its private reply.
	PrivateReply string `json:"private_reply,omitempty"`
	// Send is how the sending of an outbound one stands.
	Send *sendState `json:"send,omitempty"`
}

type sendState struct {
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
}

// historyItem is a previous conversation of the same customer.
type historyItem struct {
	ID          string     `json:"id"`
	ClosedAt    *time.Time `json:"closed_at"`
	Disposition string     `json:"disposition"`
	Skill       string     `json:"skill"`
	Channel     string     `json:"channel"`
}

// deskTranscript is a conversation as the agent's workspace shows it.
type deskTranscript struct {
	store.Conversation
	Interactions    []deskInteraction `json:"interactions"`
	Contact         *store.Contact    `json:"contact"`
	History         []historyItem     `json:"history"`
	SLA             *routing.SLA      `json:"sla"`
	Window          routing.Window    `json:"window"`
	Dispositions    []string          `json:"dispositions"`
	ContactRequired bool              `json:"contact_required"`
}

// historyLimit is the most previous conversations a transcript lists.
const historyLimit = 20

func (s *Server) agentConversation(c *fiber.Ctx) error {
	ctx := c.UserContext()
	conv, err := s.deskConversation(c, param(c, "id"))
	if err != nil {
		return err
	}
	ch, err := s.cfg.Store.ChannelGet(ctx, conv.ChannelID)
	if err != nil {
		return err
	}
	ins, err := s.cfg.Store.InteractionList(ctx, conv.ID)
	if err != nil {
		return err
	}
	now := s.cfg.Clock.Now()
	t := deskTranscript{Conversation: conv, Interactions: make([]deskInteraction, len(ins)), History: []historyItem{},
		Window: routing.ConversationWindow(ch, ins, now), ContactRequired: routing.RequiresContact(ch)}
	for i, in := range ins {
		d := deskInteraction{Interaction: in}
		switch {
		case in.Direction == store.Inbound && in.Public:
			if d.PrivateReply, err = routing.PrivateReplyState(ctx, s.cfg.Store, ch, in, now); err != nil {
				return err
			}
		case in.Direction == store.Outbound && in.ActionID != "":
			d.Send = &sendState{Status: in.Status, Error: in.Error}
		}
		t.Interactions[i] = d
	}
	if conv.ContactID != "" {
		ct, err := s.cfg.Store.ContactGet(ctx, conv.ContactID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err == nil {
			t.Contact = &ct
		}
		prev, err := s.cfg.Store.ConversationList(ctx, store.ConversationListParams{ContactID: conv.ContactID,
			Status: store.ConversationClosed, Limit: historyLimit + 1})
		if err != nil {
			return err
		}
		for _, p := range prev {
			if p.ID != conv.ID && len(t.History) < historyLimit {
				t.History = append(t.History, historyItem{ID: p.ID, ClosedAt: p.ClosedAt, Disposition: p.Disposition,
					Skill: p.Skill, Channel: p.ChannelID})
			}
		}
	}
	if t.SLA, err = routing.ConversationSLA(ctx, s.cfg.Store, ch, conv, now); err != nil {
		return err
	}
	if t.Dispositions, err = s.cfg.ACD.Dispositions(ctx, ch, conv.Skill); err != nil {
		return err
	}
	t.Dispositions = slices.Clip(append([]string{}, t.Dispositions...))
	return c.JSON(t)
}

type actionRequest struct {
	Action      string         `json:"action"`
	Interaction interactionRef `json:"interaction"`
}

// agentAction likes, hides, unhides or retweets the customer's public post or comment.
func (s *Server) agentAction(c *fiber.Ctx) error {
	var req actionRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.Interaction <= 0 {
		return fieldError("interaction", "give the id of the customer's interaction to act on")
	}
	item, err := s.cfg.ACD.Act(c.UserContext(), me(c), param(c, "id"), engine.ActionType(req.Action), int64(req.Interaction))
	switch {
	case errors.Is(err, routing.ErrUnsupportedAction):
		e := errorf(fiber.StatusUnprocessableEntity, "refused", "%v", err)
		e.Field = "action"
		return e
	case errors.Is(err, routing.ErrBadInteraction):
		return fieldError("interaction", "%v", err)
	case err != nil:
		return routingError(err)
	}
	return c.Status(fiber.StatusAccepted).JSON(item)
}

// interactionRef is an interaction's id in a request: a number, or the same digits as a string.
type interactionRef int64

func (r *interactionRef) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "null" || s == "" {
		*r = 0
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		// the decoder names the field of a type error
		return &json.UnmarshalTypeError{Value: "value " + string(b), Type: reflect.TypeFor[int64]()}
	}
	*r = interactionRef(n)
	return nil
}
