package server

import (
	"errors"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboardhq/switchboard/routing"
	"github.com/switchboardhq/switchboard/store"
)

// What supervisors see live of agents and queues, and how they move conversations.

type reassignRequest struct {
	Agent string `json:"agent"`
	Skill string `json:"skill"`
}

// reassign hands a conversation to an agent (offered) or a skill (queued), whoever serves it.
func (s *Server) reassign(c *fiber.Ctx) error {
	var req reassignRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	switch {
	case req.Agent != "" && req.Skill != "":
		return fieldError("agent", "reassign to an agent or to a skill, not both")
	case req.Agent == "" && req.Skill == "":
		return fieldError("agent", "name the agent or the skill to reassign to")
	case req.Skill != "":
		if err := s.checkSkill(c, req.Skill, "skill"); err != nil {
			return err
		}
	}
	id := param(c, "id")
	if err := s.cfg.ACD.Reassign(c.UserContext(), id, req.Agent, req.Skill); err != nil {
		return transferError(err)
	}
	detail := map[string]any{}
	if req.Agent != "" {
		detail["agent"] = req.Agent
	} else {
		detail["skill"] = req.Skill
	}
	if err := s.cfg.Store.AuditRecord(c.UserContext(), by(c), "conversation", "reassign", id, detail); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// liveAgent is an agent as the supervisor's board shows it.
type liveAgent struct {
	store.AgentState
	Name     string `json:"name"`
	Load     int    `json:"load"`
	Capacity int    `json:"capacity"`
	// Channels are the channels of the conversations the agent holds, offered or assigned.
	Channels []string `json:"channels"`
	// CompletedToday counts the conversations the agent closed since midnight UTC.
	CompletedToday int `json:"completed_today"`
}

// agentStates lists every agent with its state, load, capacity, the channels it holds
// conversations of, and what it completed today.
func (s *Server) agentStates(c *fiber.Ctx) error {
	ctx := c.UserContext()
	agents, err := s.cfg.Store.AgentList(ctx)
	if err != nil {
		return err
	}
	states, err := s.cfg.Store.AgentStateList(ctx)
	if err != nil {
		return err
	}
	byAgent := map[string]store.AgentState{}
	for _, st := range states {
		byAgent[st.AgentID] = st
	}
	held, err := s.cfg.Store.QueueList(ctx, store.QueueListParams{Statuses: []string{store.QueueOffered, store.QueueAssigned}})
	if err != nil {
		return err
	}
	midnight := startOfDay(s.cfg.Clock.Now())
	// a conversation closed today was queued today or the day before, but for rare long ones
	closed, err := s.cfg.Store.QueueList(ctx, store.QueueListParams{Statuses: []string{store.QueueClosed}, From: midnight.AddDate(0, 0, -1)})
	if err != nil {
		return err
	}
	out := make([]liveAgent, 0, len(agents))
	for _, a := range agents {
		st, ok := byAgent[a.ID]
		if !ok {
			st = store.AgentState{AgentID: a.ID, State: routing.StateOffline}
		}
		la := liveAgent{AgentState: st, Name: a.Name, Capacity: max(a.Capacity, 1), Channels: []string{}}
		for _, e := range held {
			if e.Agent == a.ID {
				la.Load++
				if !slices.Contains(la.Channels, e.ChannelID) {
					la.Channels = append(la.Channels, e.ChannelID)
				}
			}
		}
		slices.Sort(la.Channels)
		for _, e := range closed {
			if e.Agent == a.ID && e.ClosedAt != nil && !e.ClosedAt.Before(midnight) {
				la.CompletedToday++
			}
		}
		out = append(out, la)
	}
	return c.JSON(out)
}

// startOfDay is midnight UTC of a time's day.
func startOfDay(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// liveEntry is a queue entry as the supervisor's board shows it.
type liveEntry struct {
	store.QueueEntry
	// Customer is who waits: the customer's network id and name.
	Customer inboxCustomer `json:"customer"`
	// WaitingSeconds is how long a queued or offered conversation has waited since it was
	// queued; null once an agent has it.
	WaitingSeconds *float64 `json:"waiting_seconds"`
}

// queue lists the open queue entries, oldest first, with who waits and for how long; ?skill=
// and ?channel= filter them.
func (s *Server) queue(c *fiber.Ctx) error {
	ctx := c.UserContext()
	entries, err := s.cfg.Store.QueueList(ctx, store.QueueListParams{Statuses: store.QueueOpen, Skill: c.Query("skill"),
		ChannelID: c.Query("channel")})
	if err != nil {
		return err
	}
	now := s.cfg.Clock.Now()
	out := make([]liveEntry, 0, len(entries))
	for _, e := range entries {
		le := liveEntry{QueueEntry: e}
		conv, err := s.cfg.Store.ConversationGet(ctx, e.ConversationID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		le.Customer = inboxCustomer{ID: conv.Customer, Name: s.customerName(c, conv)}
		if e.Status != store.QueueAssigned {
			w := max(now.Sub(e.EnqueuedAt).Seconds(), 0)
			le.WaitingSeconds = &w
		}
		out = append(out, le)
	}
	return c.JSON(out)
}

// customerName is a conversation's contact's name, else the name its customer wrote with.
func (s *Server) customerName(c *fiber.Ctx, conv store.Conversation) string {
	ctx := c.UserContext()
	if conv.ContactID != "" {
		if ct, err := s.cfg.Store.ContactGet(ctx, conv.ContactID); err == nil && ct.Name != "" {
			return ct.Name
		}
	}
	if conv.ID == "" {
		return ""
	}
	ins, err := s.cfg.Store.InteractionList(ctx, conv.ID)
	if err != nil {
		return ""
	}
	for _, in := range ins {
		if in.Direction == store.Inbound && in.Author.Name != "" {
			return in.Author.Name
		}
	}
	return ""
}
