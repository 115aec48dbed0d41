package server

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboardhq/switchboard/dispatch"
	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/flows"
	"github.com/switchboardhq/switchboard/sim"
	"github.com/switchboardhq/switchboard/store"
)

// simulateRequest runs an interaction through a flow: its draft (or unsaved source), or a
// published version, at a chosen time, with agents, a contact and emergency switches as in
// `switchboard run`. Switches and named calendars not given are read from the store.
type simulateRequest struct {
	// InteractionID replays a stored interaction: its text, author, kind and time.
	InteractionID int64                 `json:"interaction_id"`
	Source        string                `json:"source"`
	Format        string                `json:"format"`
	Version       int                   `json:"version"`
	Interaction   json.RawMessage       `json:"interaction"`
	At            string                `json:"at"`
	Contact       *engine.Contact       `json:"contact"`
	Agents        []*engine.MemoryAgent `json:"agents"`
	Emergency     map[string]bool       `json:"emergency"`
	DefaultSkill  string                `json:"default_skill"`
	Vars          map[string]any        `json:"vars"`
	QueueLimit    int                   `json:"queue_limit"`
	Fail          []engine.ActionType   `json:"fail"`
	Seed          uint64                `json:"seed"`
	Events        []simulateEvent       `json:"events"`
}

// simulateEvent is a follow-up; advance is a duration such as "15m".
type simulateEvent struct {
	Advance string              `json:"advance,omitempty"`
	Reply   *engine.Interaction `json:"reply,omitempty"`
	Assign  string              `json:"assign,omitempty"`
	Close   *sim.Close          `json:"close,omitempty"`
}

func (s *Server) simulateFlow(c *fiber.Ctx) error {
	// The run stops at its deadline, or when the server's shutdown stops waiting for it.
	ctx, cancel := context.WithCancel(c.UserContext())
	defer cancel()
	defer context.AfterFunc(s.life, cancel)()
	id := param(c, "id")
	var req simulateRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	var flow *engine.Flow
	switch {
	case req.Version > 0:
		f, err := s.flows.LoadFlow(ctx, id, req.Version)
		if err != nil {
			return err
		}
		flow = f
	default:
		source, format := req.Source, req.Format
		if source == "" {
			f, err := s.cfg.Store.FlowGet(ctx, id)
			if err != nil {
				return err
			}
			source, format = f.Source, f.Format
		}
		format, err := formatOf(format, source)
		if err != nil {
			return err
		}
		f, diags := flows.Load(dispatch.SourceName(id, format), []byte(source), s.cfg.Registry)
		if f == nil {
			e := errorf(fiber.StatusUnprocessableEntity, "invalid_flow", "the flow has errors; fix them to simulate it")
			e.Extra = map[string]any{"diagnostics": nonNil(diags)}
			return e
		}
		flow = f
	}
	sc, err := s.scenario(c, req)
	if err != nil {
		return err
	}
	out, err := sim.Run(ctx, flow, sc, s.flows)
	if err != nil {
		return errorf(fiber.StatusUnprocessableEntity, "invalid_scenario", "%v", err)
	}
	return c.JSON(out)
}

func (s *Server) scenario(c *fiber.Ctx, req simulateRequest) (sim.Scenario, error) {
	ctx := c.UserContext()
	sc := sim.Scenario{Contact: req.Contact, Agents: req.Agents, DefaultSkill: req.DefaultSkill, Vars: req.Vars,
		QueueLimit: req.QueueLimit, Failures: req.Fail, Seed: req.Seed, Emergency: map[string]bool{},
		Calendars: map[string]*engine.CalendarDef{}, Limits: s.cfg.Limits}
	if sc.Seed == 0 {
		sc.Seed = 1
	}
	switch {
	case req.InteractionID != 0 && len(req.Interaction) > 0:
		return sc, fieldError("interaction_id", "give an interaction or the id of a stored one, not both")
	case req.InteractionID != 0:
		in, err := s.cfg.Store.InteractionGet(ctx, req.InteractionID)
		if errors.Is(err, store.ErrNotFound) {
			return sc, fieldError("interaction_id", "there is no stored interaction %d", req.InteractionID)
		}
		if err != nil {
			return sc, err
		}
		if in.Direction != store.Inbound {
			return sc, fieldError("interaction_id", "interaction %d is one of ours; replay a customer's", req.InteractionID)
		}
		ch, err := s.cfg.Store.ChannelGet(ctx, in.ChannelID)
		if err != nil {
			return sc, err
		}
		sc.Interaction = in.Engine(ch.Type)
		if req.At == "" {
			sc.At = in.At
		}
	case len(req.Interaction) > 0:
		in, err := sim.DecodeInteraction(req.Interaction)
		if err != nil {
			return sc, fieldError("interaction", "%v", err)
		}
		sc.Interaction = in
	}
	switch {
	case req.At != "":
		t, err := time.Parse(time.RFC3339, req.At)
		if err != nil {
			return sc, fieldError("at", "%q is not a time such as 2026-11-17T10:00:00-03:00", req.At)
		}
		sc.At = t
	case sc.At.IsZero() && sc.Interaction.Time.IsZero():
		sc.At = s.cfg.Clock.Now()
	}
	switches, err := s.cfg.Store.SwitchList(ctx)
	if err != nil {
		return sc, err
	}
	for _, sw := range switches {
		sc.Emergency[sw.Name] = sw.On
	}
	for name, on := range req.Emergency {
		sc.Emergency[name] = on
	}
	calendars, err := s.cfg.Store.CalendarList(ctx)
	if err != nil {
		return sc, err
	}
	for _, cal := range calendars {
		def := cal.CalendarDef
		sc.Calendars[cal.Name] = &def
	}
	for i, ev := range req.Events {
		var e sim.Event
		n := 0
		if ev.Advance != "" {
			d, err := engine.ParseDuration(ev.Advance)
			if err != nil {
				return sc, fieldError("events", "events[%d].advance: %v", i, err)
			}
			e.Advance, n = d, n+1
		}
		if ev.Reply != nil {
			e.Reply, n = ev.Reply, n+1
		}
		if ev.Assign != "" {
			e.Assign, n = strings.TrimSpace(ev.Assign), n+1
		}
		if ev.Close != nil {
			e.Close, n = ev.Close, n+1
		}
		if n != 1 {
			return sc, fieldError("events", "events[%d] must be one of advance, reply, assign or close", i)
		}
		sc.Events = append(sc.Events, e)
	}
	return sc, nil
}
