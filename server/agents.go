package server

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboardhq/switchboard/routing"
	"github.com/switchboardhq/switchboard/store"
)

// The agent API: an agent's token speaks for the agent it names.
func (s *Server) agentRoutes() {
	// Each route has its own guards: a group's would also stand before /api/v1/agents/....
	agent := s.app.Group("/api/v1/agent")
	guards := []fiber.Handler{s.auth(store.RoleAgent), s.needACD}
	on := func(add func(string, ...fiber.Handler) fiber.Router, path string, h fiber.Handler) {
		add(path, append(guards[:len(guards):len(guards)], h)...)
	}
	on(agent.Get, "", s.agentMe)
	on(agent.Post, "/login", s.agentLogin)
	on(agent.Post, "/logout", s.agentLogout)
	on(agent.Put, "/state", s.agentSetState)
	on(agent.Get, "/events", s.agentEvents)
	// An offer's ref holds a "/" (session/wait): the greedy parameter takes it, sent as is or as %2F.
	on(agent.Post, "/offers/+/accept", s.agentAccept)
	on(agent.Post, "/offers/+/reject", s.agentReject)
	on(agent.Get, "/conversations", s.agentInbox)
	on(agent.Get, "/claimable", s.agentClaimable)
	on(agent.Post, "/claimable/+/claim", s.agentClaim)
	on(agent.Get, "/conversations/:id", s.agentConversation)
	on(agent.Post, "/conversations/:id/read", s.agentRead)
	on(agent.Put, "/conversations/:id/important", s.agentImportant)
	on(agent.Post, "/conversations/:id/reply", s.agentReply)
	on(agent.Post, "/conversations/:id/retry/:item", s.agentRetry)
	on(agent.Post, "/conversations/:id/actions", s.agentAction)
	on(agent.Get, "/conversations/:id/canned", s.agentCanned)
	on(agent.Post, "/conversations/:id/files", s.agentUpload)
	// the networks fetch the files of agents' replies from here, by a signed address
	s.app.Get("/files/:file", s.publicFile)
	on(agent.Post, "/conversations/:id/typing", s.agentTyping)
	on(agent.Post, "/conversations/:id/transfer", s.agentTransfer)
	on(agent.Post, "/conversations/:id/close", s.agentClose)
	on(agent.Put, "/conversations/:id/contact", s.agentLinkContact)
}

func (s *Server) needACD(c *fiber.Ctx) error {
	if s.cfg.ACD == nil {
		return errorf(fiber.StatusServiceUnavailable, "unavailable", "this server does not route conversations")
	}
	return c.Next()
}

// me is the agent the token speaks for.
func me(c *fiber.Ctx) string {
	t, _ := c.Locals(tokenKey).(store.Token)
	return t.Agent
}

// routingError answers the errors of agent operations.
func routingError(err error) error {
	switch {
	case errors.Is(err, routing.ErrWindowClosed):
		e := errorf(fiber.StatusUnprocessableEntity, "window_closed", "%v", err)
		e.Field = "visibility"
		return e
	case errors.Is(err, routing.ErrPrivateReplyUsed):
		e := errorf(fiber.StatusConflict, "private_reply_used", "%v", err)
		e.Field = "reply_to"
		return e
	case errors.Is(err, routing.ErrAttachments):
		e := errorf(fiber.StatusUnprocessableEntity, "refused", "%v", err)
		e.Field = "attachments"
		return e
	case errors.Is(err, routing.ErrBadReplyTo):
		return fieldError("reply_to", "%v", err)
	case errors.Is(err, routing.ErrNotFailed):
		return errorf(fiber.StatusConflict, "conflict", "%v", err)
	case errors.Is(err, routing.ErrNotYours):
		return errorf(fiber.StatusConflict, "not_yours", "%v", err)
	case errors.Is(err, routing.ErrRefused):
		return errorf(fiber.StatusUnprocessableEntity, "refused", "%v", err)
	}
	return err
}

// agentDesk is what an agent's screen shows: the agent, its state, what rings and what it serves.
type agentDesk struct {
	Agent         store.Agent        `json:"agent"`
	State         store.AgentState   `json:"state"`
	Offers        []store.QueueEntry `json:"offers"`
	Conversations []store.QueueEntry `json:"conversations"`
	// BreakReasons are the reasons the agent may give for a break (the workspace's settings).
	BreakReasons []string `json:"break_reasons"`
}

func (s *Server) agentMe(c *fiber.Ctx) error {
	ctx := c.UserContext()
	a, err := s.cfg.Store.AgentGet(ctx, me(c))
	if err != nil {
		return err
	}
	st, err := s.cfg.Store.AgentStateGet(ctx, a.ID)
	if err != nil {
		return err
	}
	entries, err := s.cfg.Store.QueueList(ctx, store.QueueListParams{Agent: a.ID, Statuses: []string{store.QueueOffered, store.QueueAssigned}})
	if err != nil {
		return err
	}
	ws, err := s.workspaceSettings(ctx)
	if err != nil {
		return err
	}
	desk := agentDesk{Agent: a, State: st, Offers: []store.QueueEntry{}, Conversations: []store.QueueEntry{}, BreakReasons: ws.BreakReasons}
	for _, e := range entries {
		if e.Status == store.QueueOffered {
			desk.Offers = append(desk.Offers, e)
		} else {
			desk.Conversations = append(desk.Conversations, e)
		}
	}
	return c.JSON(desk)
}

func (s *Server) agentLogin(c *fiber.Ctx) error {
	st, err := s.cfg.ACD.SetState(c.UserContext(), me(c), routing.StateAvailable, "")
	if err != nil {
		return err
	}
	return c.JSON(st)
}

func (s *Server) agentLogout(c *fiber.Ctx) error {
	st, err := s.cfg.ACD.SetState(c.UserContext(), me(c), routing.StateOffline, "")
	if err != nil {
		return err
	}
	return c.JSON(st)
}

type stateRequest struct {
	State  string `json:"state"`
	Reason string `json:"reason"`
}

func (s *Server) agentSetState(c *fiber.Ctx) error { return s.setState(c, me(c)) }

// setAgentState lets a supervisor set an agent's state: a pause, a logout.
func (s *Server) setAgentState(c *fiber.Ctx) error { return s.setState(c, param(c, "id")) }

// setState sets an agent's state from a stateRequest.
func (s *Server) setState(c *fiber.Ctx, agent string) error {
	var req stateRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if err := s.checkBreakReason(c.UserContext(), req.State, req.Reason); err != nil {
		return err
	}
	st, err := s.cfg.ACD.SetState(c.UserContext(), agent, req.State, req.Reason)
	if errors.Is(err, store.ErrInvalid) {
		return fieldError("state", "%v", err)
	}
	if err != nil {
		return err
	}
	return c.JSON(st)
}

// offerRef is the ref an offer's path names.
func offerRef(c *fiber.Ctx) string { return param(c, "+") }

func (s *Server) agentAccept(c *fiber.Ctx) error {
	if err := s.cfg.ACD.Accept(c.UserContext(), me(c), offerRef(c)); err != nil {
		return routingError(err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) agentReject(c *fiber.Ctx) error {
	if err := s.cfg.ACD.Reject(c.UserContext(), me(c), offerRef(c)); err != nil {
		return routingError(err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// transcript is a conversation with its interactions.
type transcript struct {
	store.Conversation
	Interactions []store.Interaction `json:"interactions"`
}

func (s *Server) transcriptOf(c *fiber.Ctx, id string) (transcript, error) {
	conv, err := s.cfg.Store.ConversationGet(c.UserContext(), id)
	if err != nil {
		return transcript{}, err
	}
	ins, err := s.cfg.Store.InteractionList(c.UserContext(), id)
	if err != nil {
		return transcript{}, err
	}
	return transcript{Conversation: conv, Interactions: ins}, nil
}

type replyRequest struct {
	Text       string `json:"text"`
	Visibility string `json:"visibility"`
	// ReplyTo is the id of the customer's interaction answered.
	ReplyTo interactionRef `json:"reply_to"`
	// Attachments are ids of files uploaded to the conversation.
	Attachments []string `json:"attachments"`
}

func (s *Server) agentReply(c *fiber.Ctx) error {
	var req replyRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	switch req.Visibility {
	case "", "same", "public", "private":
	default:
		return fieldError("visibility", "visibility %q: use same, public or private", req.Visibility)
	}
	attachments, shown, err := s.replyAttachments(c, param(c, "id"), req.Attachments)
	if err != nil {
		return err
	}
	item, err := s.cfg.ACD.ReplyWith(c.UserContext(), me(c), param(c, "id"), routing.ReplyParams{Text: req.Text,
		Visibility: req.Visibility, ReplyTo: int64(req.ReplyTo), Attachments: attachments, Shown: shown})
	if err != nil {
		return routingError(err)
	}
	// the reply clears typing: the widget hides it when the reply comes, and no state still
	// waiting to be sent shows it again
	s.typing.forget(param(c, "id"))
	return c.Status(fiber.StatusAccepted).JSON(item)
}

// agentRetry sends again a reply of the agent that failed.
func (s *Server) agentRetry(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(param(c, "item"), 10, 64)
	if err != nil || id <= 0 {
		return fieldError("item", "item %q: give the id of the failed interaction", param(c, "item"))
	}
	in, err := s.cfg.ACD.Retry(c.UserContext(), me(c), param(c, "id"), id)
	if err != nil {
		return routingError(err)
	}
	return c.Status(fiber.StatusAccepted).JSON(in)
}

type transferRequest struct {
	Skill string `json:"skill"`
	Agent string `json:"agent"`
}

// agentTransfer hands the conversation to a skill's queue, or offers it to an agent.
func (s *Server) agentTransfer(c *fiber.Ctx) error {
	var req transferRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	switch {
	case req.Agent != "" && req.Skill != "":
		return fieldError("agent", "transfer to an agent or to a skill, not both")
	case req.Agent != "":
		if err := s.cfg.ACD.TransferToAgent(c.UserContext(), me(c), param(c, "id"), req.Agent); err != nil {
			return transferError(err)
		}
		return c.SendStatus(fiber.StatusNoContent)
	}
	if err := s.checkSkill(c, req.Skill, "skill"); err != nil {
		return err
	}
	if err := s.cfg.ACD.Transfer(c.UserContext(), me(c), param(c, "id"), req.Skill); err != nil {
		return routingError(err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// transferError answers a failed hand-over to an agent: an agent unknown or offline is 422
// naming the field agent.
func transferError(err error) error {
	switch {
	case errors.Is(err, routing.ErrUnknownAgent), errors.Is(err, routing.ErrAgentOffline):
		e := errorf(fiber.StatusUnprocessableEntity, "refused", "%v", err)
		e.Field = "agent"
		return e
	case errors.Is(err, routing.ErrNotQueued):
		return errorf(fiber.StatusConflict, "not_yours", "%v", err)
	}
	return routingError(err)
}

type closeRequest struct {
	Disposition string `json:"disposition"`
}

func (s *Server) agentClose(c *fiber.Ctx) error {
	var req closeRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if err := s.cfg.ACD.Close(c.UserContext(), me(c), param(c, "id"), req.Disposition); err != nil {
		if errors.Is(err, routing.ErrRefused) && !errors.Is(err, routing.ErrContactRequired) {
			e := errorf(fiber.StatusUnprocessableEntity, "refused", "%v", err)
			e.Field = "disposition"
			return e
		}
		return routingError(err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

type contactLinkRequest struct {
	ContactID string `json:"contact_id"`
}

func (s *Server) agentLinkContact(c *fiber.Ctx) error {
	var req contactLinkRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.ContactID == "" {
		return fieldError("contact_id", "name the contact to link")
	}
	if _, err := s.cfg.Store.ContactGet(c.UserContext(), req.ContactID); errors.Is(err, store.ErrNotFound) {
		return fieldError("contact_id", "there is no contact %q", req.ContactID)
	} else if err != nil {
		return err
	}
	if err := s.cfg.ACD.LinkContact(c.UserContext(), me(c), param(c, "id"), req.ContactID); err != nil {
		return routingError(err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// agentEvents streams an agent's events (offers, assignments, customers' messages, sends'
// results) as server-sent events, each with its id, and a comment every 15 seconds to keep
// proxies from closing the stream. A stream reopened with Last-Event-ID first gets the events
// it missed, or an event reset when they are not kept: the client then reloads.
func (s *Server) agentEvents(c *fiber.Ctx) error {
	if s.cfg.Hub == nil {
		return errorf(fiber.StatusServiceUnavailable, "unavailable", "this server does not stream agent events")
	}
	// The writer runs after the handler returns, when c is no longer ours to read.
	agent := me(c)
	lastID := c.Get("Last-Event-ID")
	if lastID == "" {
		lastID = c.Query("last_event_id")
	}
	events, replay, reset, cancel := s.cfg.Hub.SubscribeAfter(agent, lastID)
	done := s.done
	streamHeaders(c)
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		defer cancel()
		fmt.Fprintf(w, "event: hello\ndata: {\"agent\":%q}\n\n", agent)
		if reset {
			fmt.Fprint(w, "event: reset\ndata: {}\n\n")
		}
		for _, ev := range replay {
			writeAgentEvent(w, ev)
		}
		if w.Flush() != nil {
			return
		}
		keepalive := time.NewTicker(15 * time.Second)
		defer keepalive.Stop()
		for {
			select {
			case ev := <-events:
				writeAgentEvent(w, ev)
			case <-keepalive.C:
				fmt.Fprint(w, ": keepalive\n\n")
			case <-done:
				return
			}
			if w.Flush() != nil {
				return // the agent went away
			}
		}
	})
	return nil
}

func writeAgentEvent(w *bufio.Writer, ev routing.AgentEvent) {
	data, _ := json.Marshal(ev)
	fmt.Fprintf(w, "id: %s\nevent: %s\ndata: %s\n\n", ev.ID, ev.Type, data)
}

func streamHeaders(c *fiber.Ctx) {
	c.Set(fiber.HeaderContentType, "text/event-stream")
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set(fiber.HeaderConnection, "keep-alive")
	c.Set("X-Accel-Buffering", "no")
}
