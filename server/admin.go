package server

import (
	"context"
	"errors"
	"maps"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboardhq/switchboard/blocks"
	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/flows"
	"github.com/switchboardhq/switchboard/settings"
	"github.com/switchboardhq/switchboard/store"
)

// credentialKeys are the secrets each channel type uses; the API shows each as set or unset.
var credentialKeys = map[string][]string{
	store.ChannelFacebook:  {"app_secret", "page_access_token", "verify_token"},
	store.ChannelInstagram: {"app_secret", "access_token", "verify_token"},
	store.ChannelTwitter:   {"consumer_secret", "access_token"},
	store.ChannelWebchat:   {"secret"},
}

// channelBody is a channel as the API shows it: credentials only as set or unset.
type channelBody struct {
	store.Channel
	Credentials map[string]string `json:"credentials"`
	// WebhookPath is where the network posts this channel's events.
	WebhookPath string `json:"webhook_path"`
}

func showChannel(ch store.Channel) channelBody {
	creds := map[string]string{}
	for _, k := range credentialKeys[ch.Type] {
		creds[k] = "unset"
	}
	for k, v := range ch.Credentials {
		if v != "" {
			creds[k] = "set"
		}
	}
	if ch.Settings == nil {
		ch.Settings = map[string]any{}
	}
	return channelBody{Channel: ch, Credentials: creds, WebhookPath: "/webhooks/" + ch.Type + "/" + ch.ID}
}

// channelRequest creates or replaces a channel. Credentials given are set (an empty value
// removes one); those left out are kept.
type channelRequest struct {
	ID           string            `json:"id"`
	Type         string            `json:"type"`
	Name         string            `json:"name"`
	Credentials  map[string]string `json:"credentials"`
	Settings     map[string]any    `json:"settings"`
	DefaultFlow  string            `json:"default_flow"`
	DefaultSkill string            `json:"default_skill"`
	Enabled      *bool             `json:"enabled"`
}

func (s *Server) checkChannel(c *fiber.Ctx, req *channelRequest) error {
	if err := checkID("channel id", "acme-page", req.ID); err != nil {
		return fieldError("id", "%v", err)
	}
	if !slices.Contains(store.ChannelTypes, req.Type) {
		return fieldError("type", "channel type %q: use facebook, instagram, twitter or webchat", req.Type)
	}
	if req.Name == "" {
		req.Name = req.ID
	}
	if req.DefaultFlow != "" {
		if err := s.checkDefaultFlow(c.UserContext(), req.Type, req.DefaultFlow); err != nil {
			return err
		}
	}
	if req.DefaultSkill != "" {
		if err := s.checkSkill(c, req.DefaultSkill, "default_skill"); err != nil {
			return err
		}
	}
	if req.Settings != nil {
		return s.checkChannelSettings(c.UserContext(), req.Type, req.Settings)
	}
	return nil
}

// checkSkill checks a skill name's form and that the skill exists.
func (s *Server) checkSkill(c *fiber.Ctx, name, field string) error {
	if err := engine.Formats["skill"].Check(name); err != nil {
		return fieldError(field, "%v", err)
	}
	if _, err := s.cfg.Store.SkillGet(c.UserContext(), name); errors.Is(err, store.ErrNotFound) {
		return fieldError(field, "there is no skill %q; create it first", name)
	} else if err != nil {
		return err
	}
	return nil
}

func (s *Server) listChannels(c *fiber.Ctx) error {
	chs, err := s.cfg.Store.ChannelList(c.UserContext())
	if err != nil {
		return err
	}
	out := make([]channelBody, len(chs))
	for i, ch := range chs {
		out[i] = showChannel(ch)
	}
	return c.JSON(out)
}

func (s *Server) getChannel(c *fiber.Ctx) error {
	ch, err := s.cfg.Store.ChannelGet(c.UserContext(), param(c, "id"))
	if err != nil {
		return err
	}
	return c.JSON(showChannel(ch))
}

func (s *Server) createChannel(c *fiber.Ctx) error {
	var req channelRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if err := s.checkChannel(c, &req); err != nil {
		return err
	}
	ch := store.Channel{ID: req.ID, Type: req.Type, Name: req.Name, Credentials: req.Credentials, Settings: req.Settings,
		DefaultFlow: req.DefaultFlow, DefaultSkill: req.DefaultSkill, Enabled: req.Enabled == nil || *req.Enabled}
	created, err := s.cfg.Store.ChannelCreate(c.UserContext(), ch, by(c))
	if err != nil {
		return err
	}
	s.announceChannel(c.UserContext(), created.ID)
	c.Set(fiber.HeaderLocation, "/api/v1/channels/"+created.ID)
	return c.Status(fiber.StatusCreated).JSON(showChannel(created))
}

func (s *Server) updateChannel(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id := param(c, "id")
	current, err := s.cfg.Store.ChannelGet(ctx, id)
	if err != nil {
		return err
	}
	// Fields left out keep their values: the request is read over the current ones.
	req := channelRequest{Name: current.Name, DefaultFlow: current.DefaultFlow, DefaultSkill: current.DefaultSkill}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.ID == "" {
		req.ID = id
	}
	if req.ID != id {
		return fieldError("id", "a channel's id cannot change")
	}
	if req.Type == "" {
		req.Type = current.Type
	}
	if req.Type != current.Type {
		return fieldError("type", "a channel's type cannot change; create another channel")
	}
	if err := s.checkChannel(c, &req); err != nil {
		return err
	}
	enabled := current.Enabled
	if req.Enabled != nil {
		enabled = *req.Enabled
	}
	values := req.Settings
	if values == nil {
		values = current.Settings
	}
	ch := store.Channel{ID: id, Type: req.Type, Name: req.Name, Credentials: req.Credentials, Settings: values,
		DefaultFlow: req.DefaultFlow, DefaultSkill: req.DefaultSkill, Enabled: enabled}
	updated, err := s.cfg.Store.ChannelUpdate(ctx, ch, by(c))
	if err != nil {
		return err
	}
	s.announceChannel(ctx, id)
	return c.JSON(showChannel(updated))
}

func (s *Server) deleteChannel(c *fiber.Ctx) error {
	if err := s.cfg.Store.ChannelDelete(c.UserContext(), param(c, "id"), by(c)); err != nil {
		return err
	}
	s.announceChannel(c.UserContext(), param(c, "id"))
	return c.SendStatus(fiber.StatusNoContent)
}

// announceChannel tells every node that a channel changed, once the change is committed and
// before it is acknowledged: the next webhook of the channel, on any node, sees the change.
func (s *Server) announceChannel(ctx context.Context, id string) {
	var err error
	if s.cfg.Dispatcher != nil {
		err = s.cfg.Dispatcher.AnnounceChannelChange(ctx, id)
	} else {
		err = s.cfg.Store.Bus().Publish(ctx, store.TopicChannel, id)
	}
	if err != nil {
		// the change is saved; nodes whose bus reconnects forget every channel they cached
		s.log.ErrorContext(ctx, "announce a channel change to the other nodes", "channel", id, "err", err)
	}
}

func (s *Server) listSkills(c *fiber.Ctx) error {
	out, err := s.cfg.Store.SkillList(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *Server) getSkill(c *fiber.Ctx) error {
	sk, err := s.cfg.Store.SkillGet(c.UserContext(), param(c, "name"))
	if err != nil {
		return err
	}
	return c.JSON(sk)
}

func (s *Server) putSkill(c *fiber.Ctx) error {
	name := param(c, "name")
	if err := engine.Formats["skill"].Check(name); err != nil {
		return fieldError("name", "%v", err)
	}
	// the body is checked against the spec of skill settings, which names the field
	var body map[string]any
	if len(c.Body()) > 0 {
		if err := decodeJSON(c, &body); err != nil {
			return err
		}
	}
	req, problems := settings.ParseSkill(body)
	if err := firstProblem(problems); err != nil {
		return err
	}
	sk, err := s.cfg.Store.SkillPut(c.UserContext(), store.Skill{Name: name, Description: req.Description,
		Dispositions: req.Dispositions, RequireAccept: req.RequireAccept, SkillRouting: store.SkillRouting{
			Strategy: req.Strategy, AssignmentLimit: req.AssignmentLimit, AssignmentWindow: int(req.AssignmentWindow / time.Second),
			RouterURL: req.RouterURL, RouterTimeout: req.RouterTimeout.String(), Groups: req.Groups}}, by(c))
	if err != nil {
		return err
	}
	return c.JSON(sk)
}

func (s *Server) deleteSkill(c *fiber.Ctx) error {
	if err := s.cfg.Store.SkillDelete(c.UserContext(), param(c, "name"), by(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) listAgents(c *fiber.Ctx) error {
	out, err := s.cfg.Store.AgentList(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *Server) getAgent(c *fiber.Ctx) error {
	a, err := s.cfg.Store.AgentGet(c.UserContext(), param(c, "id"))
	if err != nil {
		return err
	}
	return c.JSON(a)
}

type agentRequest struct {
	Name            string         `json:"name"`
	Skills          map[string]int `json:"skills"`
	Capacity        int            `json:"capacity"`
	ChannelCapacity map[string]int `json:"channel_capacity"`
	Groups          []string       `json:"groups"`
	Blending        *bool          `json:"blending"`
}

func (s *Server) putAgent(c *fiber.Ctx) error {
	id := param(c, "id") // of its form: checkRequest checked it
	var req agentRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	names := slices.Sorted(maps.Keys(req.Skills))
	for _, skill := range names {
		level := req.Skills[skill]
		if level < 1 || level > 20 {
			return fieldError("skills."+skill, "proficiency %d in %s: give a level from 1 to 20", level, skill)
		}
		if err := s.checkSkill(c, skill, "skills."+skill); err != nil {
			return err
		}
	}
	if req.Capacity == 0 {
		req.Capacity = 1
	}
	if req.Capacity < 1 || req.Capacity > 100 {
		return fieldError("capacity", "capacity %d: an agent takes from 1 to 100 conversations at once", req.Capacity)
	}
	for _, t := range slices.Sorted(maps.Keys(req.ChannelCapacity)) {
		if !slices.Contains(store.ChannelTypes, t) {
			// not a type: a channel's id
			if _, err := s.cfg.Store.ChannelGet(c.UserContext(), t); errors.Is(err, store.ErrNotFound) {
				return fieldError("channel_capacity."+t, "%q is neither a channel type (facebook, instagram, twitter, webchat) nor the id of a channel", t)
			} else if err != nil {
				return err
			}
		}
		if n := req.ChannelCapacity[t]; n < 0 || n > req.Capacity {
			return fieldError("channel_capacity."+t, "%d is not between 0 and the agent's capacity, %d", n, req.Capacity)
		}
	}
	a := store.Agent{ID: id, Name: firstNonEmpty(req.Name, id), Skills: req.Skills, Capacity: req.Capacity,
		ChannelCapacity: req.ChannelCapacity, Groups: req.Groups, Blending: req.Blending == nil || *req.Blending}
	out, err := s.cfg.Store.AgentPut(c.UserContext(), a, by(c))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *Server) deleteAgent(c *fiber.Ctx) error {
	if err := s.cfg.Store.AgentDelete(c.UserContext(), param(c, "id"), by(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) listCalendars(c *fiber.Ctx) error {
	out, err := s.cfg.Store.CalendarList(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *Server) getCalendar(c *fiber.Ctx) error {
	cal, err := s.cfg.Store.CalendarGet(c.UserContext(), param(c, "name"))
	if err != nil {
		return err
	}
	return c.JSON(cal)
}

type calendarRequest struct {
	Timezone string              `json:"timezone"`
	Open     map[string][]string `json:"open"`
	Special  []string            `json:"special"`
	Country  string              `json:"country"`
}

func (s *Server) putCalendar(c *fiber.Ctx) error {
	name := param(c, "name") // of its form: checkRequest checked it
	var req calendarRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	def := engine.CalendarDef{Name: name, Timezone: req.Timezone, Open: req.Open, Special: req.Special, Country: req.Country}
	if err := blocks.CheckCalendar(&def); err != nil {
		var pe *engine.ParamError
		if errors.As(err, &pe) {
			field := pe.Path
			if field == "dates" || len(field) > 5 && field[:6] == "dates[" {
				field = "special" + field[5:]
			}
			return fieldError(field, "%s", pe.Message)
		}
		return fieldError("timezone", "%v", err)
	}
	out, err := s.cfg.Store.CalendarPut(c.UserContext(), store.Calendar{CalendarDef: def}, by(c))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *Server) deleteCalendar(c *fiber.Ctx) error {
	if err := s.cfg.Store.CalendarDelete(c.UserContext(), param(c, "name"), by(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) listSwitches(c *fiber.Ctx) error {
	out, err := s.cfg.Store.SwitchList(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(out)
}

type switchRequest struct {
	On *bool `json:"on"`
}

func (s *Server) setSwitch(c *fiber.Ctx) error {
	name := param(c, "name")
	if err := engine.Formats["switch-name"].Check(name); err != nil {
		return fieldError("name", "%v", err)
	}
	var req switchRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.On == nil {
		return fieldError("on", "say whether the switch is on: {\"on\": true}")
	}
	out, err := s.cfg.Store.SwitchSet(c.UserContext(), name, *req.On, by(c))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *Server) listContacts(c *fiber.Ctx) error {
	limit, err := queryInt(c, "limit", 100)
	if err != nil {
		return err
	}
	offset, err := queryInt(c, "offset", 0)
	if err != nil {
		return err
	}
	out, err := s.cfg.Store.ContactList(c.UserContext(), store.ContactListParams{Query: c.Query("q"), Limit: limit, Offset: offset})
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func queryInt(c *fiber.Ctx, name string, def int) (int, error) {
	v := c.Query(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fieldError(name, "%s %q is not a number", name, v)
	}
	return n, nil
}

func (s *Server) getContact(c *fiber.Ctx) error {
	ct, err := s.cfg.Store.ContactGet(c.UserContext(), param(c, "id"))
	if err != nil {
		return err
	}
	return c.JSON(ct)
}

type contactRequest struct {
	Name       *string        `json:"name"`
	VIP        *bool          `json:"vip"`
	Attributes map[string]any `json:"attributes"`
	Tags       []string       `json:"tags"`
}

func (s *Server) updateContact(c *fiber.Ctx) error {
	ctx := c.UserContext()
	ct, err := s.cfg.Store.ContactGet(ctx, param(c, "id"))
	if err != nil {
		return err
	}
	var req contactRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.Name != nil {
		ct.Name = *req.Name
	}
	if req.VIP != nil {
		ct.VIP = *req.VIP
	}
	if req.Attributes != nil {
		ct.Attributes = req.Attributes
	}
	if req.Tags != nil {
		ct.Tags = req.Tags
	}
	out, err := s.cfg.Store.ContactUpdate(ctx, ct, by(c))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *Server) listTokens(c *fiber.Ctx) error {
	out, err := s.cfg.Store.TokenList(c.UserContext())
	if err != nil {
		return err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CreatedAt.Before(out[j].CreatedAt) })
	return c.JSON(out)
}

type tokenRequest struct {
	Name  string `json:"name"`
	Role  string `json:"role"`
	Agent string `json:"agent"`
}

func (s *Server) createToken(c *fiber.Ctx) error {
	var req tokenRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if !slices.Contains(store.Roles, req.Role) {
		return fieldError("role", "role %q: use admin, designer, supervisor or agent", req.Role)
	}
	if req.Role == store.RoleAgent {
		if req.Agent == "" {
			return fieldError("agent", "an agent token speaks for an agent: name the agent's id")
		}
		if _, err := s.cfg.Store.AgentGet(c.UserContext(), req.Agent); errors.Is(err, store.ErrNotFound) {
			return fieldError("agent", "there is no agent %q", req.Agent)
		} else if err != nil {
			return err
		}
	} else if req.Agent != "" {
		return fieldError("agent", "only agent tokens name an agent")
	}
	if req.Name == "" {
		req.Name = req.Role
	}
	secret, hash := NewToken()
	t, err := s.cfg.Store.TokenCreate(c.UserContext(), store.Token{Name: req.Name, Role: req.Role, Agent: req.Agent, Hash: hash}, by(c))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"token": t, "secret": secret})
}

func (s *Server) deleteToken(c *fiber.Ctx) error {
	if err := s.cfg.Store.TokenDelete(c.UserContext(), param(c, "id"), by(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) listAudit(c *fiber.Ctx) error {
	limit, err := queryInt(c, "limit", 100)
	if err != nil {
		return err
	}
	before, err := queryInt(c, "before", 0)
	if err != nil {
		return err
	}
	out, err := s.cfg.Store.AuditList(c.UserContext(), store.AuditListParams{Object: c.Query("object"),
		ObjectID: c.Query("object_id"), Limit: limit, Before: int64(before)})
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *Server) blocksCatalogue(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"blocks": flows.Catalogue(s.cfg.Registry), "environment": engine.EnvFields, "functions": engine.Helpers})
}

func (s *Server) flowSchema(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "application/schema+json")
	return c.Send(flows.Schema(s.cfg.Registry))
}
