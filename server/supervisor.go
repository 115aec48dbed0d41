package server

import (
	"bufio"
	"encoding/json"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboardhq/switchboard/routing"
	"github.com/switchboardhq/switchboard/store"
)

// The supervisor API: live statistics, the queue, and the history of conversations.
func (s *Server) supervisorRoutes(api fiber.Router, oversee fiber.Handler) {
	api.Get("/stats", oversee, s.stats)
	api.Get("/stats/stream", oversee, s.statsStream)
	api.Get("/queue", oversee, s.queue)
	api.Get("/agent-states", oversee, s.agentStates)
	api.Put("/agents/:id/state", oversee, s.needACD, s.setAgentState)
	api.Get("/conversations", oversee, s.listConversations)
	api.Get("/conversations/:id", oversee, s.getConversation)
	api.Post("/conversations/:id/reassign", oversee, s.needACD, s.reassign)
}

// period reads from and to (RFC 3339); by default, from midnight UTC to now (at midnight, the
// day that ended).
func (s *Server) period(c *fiber.Ctx) (from, to time.Time, err error) {
	now := s.cfg.Clock.Now()
	to = now
	y, m, d := now.UTC().Date()
	from = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if !now.After(from) { // at midnight itself, the day that just ended
		from = from.AddDate(0, 0, -1)
	}
	if v := c.Query("from"); v != "" {
		if from, err = time.Parse(time.RFC3339, v); err != nil {
			return from, to, fieldError("from", "from %q is not a time such as 2026-11-17T00:00:00Z", v)
		}
	}
	if v := c.Query("to"); v != "" {
		if to, err = time.Parse(time.RFC3339, v); err != nil {
			return from, to, fieldError("to", "to %q is not a time such as 2026-11-18T00:00:00Z", v)
		}
	}
	if !to.After(from) {
		return from, to, fieldError("to", "the period must end after it starts")
	}
	return from, to, nil
}

func (s *Server) stats(c *fiber.Ctx) error {
	from, to, err := s.period(c)
	if err != nil {
		return err
	}
	st, err := routing.Compute(c.UserContext(), s.cfg.Store, from, to, s.cfg.Clock.Now())
	if err != nil {
		return err
	}
	return c.JSON(st)
}

// statsStream sends the statistics as server-sent events every interval (2 s by default), the
// period ending at each moment.
func (s *Server) statsStream(c *fiber.Ctx) error {
	from, _, err := s.period(c)
	if err != nil {
		return err
	}
	every := 2 * time.Second
	if v := c.Query("interval"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 500*time.Millisecond {
			return fieldError("interval", "interval %q: give a duration of at least 500ms", v)
		}
		every = d
	}
	ctx := c.UserContext()
	done := s.done
	streamHeaders(c)
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		ticker := time.NewTicker(every)
		defer ticker.Stop()
		for {
			now := s.cfg.Clock.Now()
			if now.After(from) {
				st, err := routing.Compute(ctx, s.cfg.Store, from, now, now)
				if err != nil {
					fmt.Fprintf(w, "event: error\ndata: %q\n\n", err.Error())
				} else {
					data, _ := json.Marshal(st)
					fmt.Fprintf(w, "event: stats\ndata: %s\n\n", data)
				}
				if w.Flush() != nil {
					return
				}
			}
			select {
			case <-ticker.C:
			case <-done:
				return
			}
		}
	})
	return nil
}

// listConversations searches the history: by the period they opened in, channel, skill,
// agent, contact, disposition and status.
func (s *Server) listConversations(c *fiber.Ctx) error {
	p := store.ConversationListParams{ChannelID: c.Query("channel"), Skill: c.Query("skill"), Agent: c.Query("agent"),
		ContactID: c.Query("contact"), Disposition: c.Query("disposition"), Status: c.Query("status")}
	var err error
	if v := c.Query("from"); v != "" {
		if p.From, err = time.Parse(time.RFC3339, v); err != nil {
			return fieldError("from", "from %q is not a time such as 2026-11-17T00:00:00Z", v)
		}
	}
	if v := c.Query("to"); v != "" {
		if p.To, err = time.Parse(time.RFC3339, v); err != nil {
			return fieldError("to", "to %q is not a time such as 2026-11-18T00:00:00Z", v)
		}
	}
	if p.Limit, err = queryInt(c, "limit", 100); err != nil {
		return err
	}
	if p.Offset, err = queryInt(c, "offset", 0); err != nil {
		return err
	}
	out, err := s.cfg.Store.ConversationList(c.UserContext(), p)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *Server) getConversation(c *fiber.Ctx) error {
	t, err := s.transcriptOf(c, param(c, "id"))
	if err != nil {
		return err
	}
	return c.JSON(t)
}
