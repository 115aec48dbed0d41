package server

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/expr-lang/expr/vm"
	"github.com/gofiber/fiber/v2"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/store"
)

// Canned responses: admins and supervisors write them; agents find those that apply to a
// conversation, filled in for its contact.

// Bounds of canned responses.
const (
	maxCannedTitle    = 200
	maxCannedShortcut = 64
	maxCannedText     = 4000
	// agentCannedLimit is the most responses an agent's search returns.
	agentCannedLimit = 50
)

func (s *Server) cannedRoutes(api fiber.Router, read, write fiber.Handler) {
	api.Get("/canned-responses", read, s.listCanned)
	api.Post("/canned-responses", write, s.createCanned)
	api.Get("/canned-responses/:id", read, s.getCanned)
	api.Put("/canned-responses/:id", write, s.updateCanned)
	api.Delete("/canned-responses/:id", write, s.deleteCanned)
}

type cannedRequest struct {
	Title    string `json:"title"`
	Shortcut string `json:"shortcut"`
	Text     string `json:"text"`
	Channel  string `json:"channel"`
	Skill    string `json:"skill"`
}

// checkCanned checks a canned response, naming the field at fault: its text must be a flow
// template, its channel and skill must exist.
func (s *Server) checkCanned(c *fiber.Ctx, req cannedRequest) (store.CannedResponse, error) {
	req.Title, req.Shortcut = strings.TrimSpace(req.Title), strings.TrimSpace(req.Shortcut)
	switch {
	case req.Title == "":
		return store.CannedResponse{}, fieldError("title", "give the response a title")
	case utf8.RuneCountInString(req.Title) > maxCannedTitle:
		return store.CannedResponse{}, fieldError("title", "the title is longer than %d characters", maxCannedTitle)
	case utf8.RuneCountInString(req.Shortcut) > maxCannedShortcut || strings.ContainsAny(req.Shortcut, " \t\r\n"):
		return store.CannedResponse{}, fieldError("shortcut", "shortcut %q: at most %d characters, without spaces", req.Shortcut, maxCannedShortcut)
	case strings.TrimSpace(req.Text) == "":
		return store.CannedResponse{}, fieldError("text", "give the response a text")
	case utf8.RuneCountInString(req.Text) > maxCannedText:
		return store.CannedResponse{}, fieldError("text", "the text is longer than %d characters", maxCannedText)
	}
	if _, errs := engine.ParseTemplate(req.Text); len(errs) > 0 {
		return store.CannedResponse{}, fieldError("text", "character %d: %s", errs[0].Offset+1, errs[0].Message)
	}
	if req.Channel != "" {
		if _, err := s.cfg.Store.ChannelGet(c.UserContext(), req.Channel); errors.Is(err, store.ErrNotFound) {
			return store.CannedResponse{}, fieldError("channel", "there is no channel %q", req.Channel)
		} else if err != nil {
			return store.CannedResponse{}, err
		}
	}
	if req.Skill != "" {
		if err := s.checkSkill(c, req.Skill, "skill"); err != nil {
			return store.CannedResponse{}, err
		}
	}
	return store.CannedResponse{Title: req.Title, Shortcut: req.Shortcut, Text: req.Text, Channel: req.Channel, Skill: req.Skill}, nil
}

func (s *Server) listCanned(c *fiber.Ctx) error {
	out, err := s.cfg.Store.CannedList(c.UserContext(), store.CannedListParams{Query: c.Query("q")})
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *Server) getCanned(c *fiber.Ctx) error {
	cr, err := s.cfg.Store.CannedGet(c.UserContext(), param(c, "id"))
	if err != nil {
		return err
	}
	return c.JSON(cr)
}

func (s *Server) createCanned(c *fiber.Ctx) error {
	var req cannedRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	cr, err := s.checkCanned(c, req)
	if err != nil {
		return err
	}
	if cr, err = s.cfg.Store.CannedCreate(c.UserContext(), cr, by(c)); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(cr)
}

func (s *Server) updateCanned(c *fiber.Ctx) error {
	var req cannedRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	cr, err := s.checkCanned(c, req)
	if err != nil {
		return err
	}
	cr.ID = param(c, "id")
	if cr, err = s.cfg.Store.CannedUpdate(c.UserContext(), cr, by(c)); err != nil {
		return err
	}
	return c.JSON(cr)
}

func (s *Server) deleteCanned(c *fiber.Ctx) error {
	if err := s.cfg.Store.CannedDelete(c.UserContext(), param(c, "id"), by(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// renderedCanned is a canned response filled in for a conversation.
type renderedCanned struct {
	store.CannedResponse
	Rendered string `json:"rendered"`
}

// agentCanned lists the canned responses that apply to a conversation the agent serves or is
// offered: its channel's and skill's, and the global ones, matching ?q= on the title, the
// shortcut or the text; each rendered as a flow renders a template, for the conversation's
// contact and the customer's latest message. A text that does not render is shown as written.
func (s *Server) agentCanned(c *fiber.Ctx) error {
	ctx := c.UserContext()
	conv, err := s.deskConversation(c, param(c, "id"))
	if err != nil {
		return err
	}
	list, err := s.cfg.Store.CannedList(ctx, store.CannedListParams{Scoped: true, Channel: conv.ChannelID, Skill: conv.Skill,
		Query: c.Query("q"), Limit: agentCannedLimit})
	if err != nil {
		return err
	}
	env, err := s.cannedEnv(c, conv)
	if err != nil {
		return err
	}
	var machine vm.VM
	out := make([]renderedCanned, len(list))
	for i, cr := range list {
		out[i] = renderedCanned{CannedResponse: cr, Rendered: cr.Text}
		if t, errs := engine.ParseTemplate(cr.Text); len(errs) == 0 {
			if text, err := t.Render(&machine, env); err == nil {
				out[i].Rendered = text
			}
		}
	}
	return c.JSON(fiber.Map{"responses": out})
}

// cannedEnv is what a canned response's template reads: the conversation's contact (or what
// the customer's latest message tells of them), that message, and now.
func (s *Server) cannedEnv(c *fiber.Ctx, conv store.Conversation) (*engine.Env, error) {
	ctx := c.UserContext()
	ch, err := s.cfg.Store.ChannelGet(ctx, conv.ChannelID)
	if err != nil {
		return nil, err
	}
	ins, err := s.cfg.Store.InteractionList(ctx, conv.ID)
	if err != nil {
		return nil, err
	}
	env := &engine.Env{Vars: map[string]any{}, Now: s.cfg.Clock.Now(), Flow: &engine.FlowInfo{}, Interaction: &engine.Interaction{}}
	var contact engine.Contact
	for i := len(ins) - 1; i >= 0; i-- {
		if ins[i].Direction == store.Inbound {
			in := ins[i].Engine(ch.Type)
			env.Interaction = &in
			contact = engine.Contact{Name: in.Author.Name, Handle: in.Author.Handle}
			break
		}
	}
	if conv.ContactID != "" {
		ct, err := s.cfg.Store.ContactGet(ctx, conv.ContactID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("contact of conversation %s: %w", conv.ID, err)
		}
		if err == nil {
			contact = ct.Engine()
		}
	}
	if contact.FirstName == "" {
		contact.FirstName = engine.FirstNameOf(contact.Name)
	}
	env.Contact = &contact
	return env, nil
}
