package server

import (
	"context"
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/switchboardhq/switchboard/channels"
	"github.com/switchboardhq/switchboard/dispatch"
	"github.com/switchboardhq/switchboard/store"
	"github.com/switchboardhq/switchboard/telemetry"
)

// maxWait bounds how long a web chat post may wait for its session's outcome.
const maxWait = 30 * time.Second

func (s *Server) webhookRoutes() {
	s.app.Get("/webhooks/:network/:channel", s.webhookHandshake)
	s.app.Post("/webhooks/:network/:channel", s.webhookReceive)
}

// webhookChannel finds the channel a webhook names; 404 for an unknown one, one of another
// network, or one that is disabled.
func (s *Server) webhookChannel(c *fiber.Ctx) (store.Channel, error) {
	var ch store.Channel
	var err error
	if s.cfg.Dispatcher != nil {
		ch, err = s.cfg.Dispatcher.Channel(c.UserContext(), c.Params("channel"))
	} else {
		ch, err = s.cfg.Store.ChannelGet(c.UserContext(), c.Params("channel"))
	}
	if errors.Is(err, store.ErrNotFound) || (err == nil && (ch.Type != c.Params("network") || !ch.Enabled)) {
		return store.Channel{}, errorf(fiber.StatusNotFound, "not_found", "there is no enabled %s channel %q", c.Params("network"), c.Params("channel"))
	}
	return ch, err
}

// webhookHandshake answers the networks' GET: Meta's verification, X's CRC.
func (s *Server) webhookHandshake(c *fiber.Ctx) error {
	ch, err := s.webhookChannel(c)
	if err != nil {
		return err
	}
	status, ctype, body := channels.Handshake(dispatch.AdapterChannel(ch), func(k string) string { return c.Query(k) })
	c.Set(fiber.HeaderContentType, ctype)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).Send(body)
}

// webhookReceive receives a payload in a span of its own, a child of the sender's trace
// context when the request carries one (traceparent); what handles it at once (a web chat
// post with ?wait) runs in that span.
func (s *Server) webhookReceive(c *fiber.Ctx) error {
	ctx := telemetry.Propagator().Extract(c.UserContext(), fiberCarrier{c})
	ctx, span := s.tracer.Start(ctx, "webhook "+c.Params("network"), trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(attribute.String("switchboard.channel", c.Params("channel")),
			attribute.String("switchboard.request.id", telemetry.RequestID(ctx))))
	defer span.End()
	c.SetUserContext(ctx)
	err := s.receiveWebhook(c)
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	return err
}

// receiveWebhook verifies a payload's signature on its raw bytes, stores it durably, answers at
// once, and processes it afterwards. A web chat post with ?wait=2s gets its session's outcome
// in the answer when the session ends or waits within that time.
func (s *Server) receiveWebhook(c *fiber.Ctx) error {
	if s.cfg.Dispatcher == nil {
		return errorf(fiber.StatusServiceUnavailable, "unavailable", "this server does not take webhooks")
	}
	ch, err := s.webhookChannel(c)
	if err != nil {
		return err
	}
	body := c.Body()
	switch err := channels.VerifySignature(dispatch.AdapterChannel(ch), func(k string) string { return c.Get(k) }, body); {
	case errors.Is(err, channels.ErrNoSignature):
		return errorf(fiber.StatusUnauthorized, "unauthorized", "the payload is not signed")
	case err != nil:
		return errorf(fiber.StatusForbidden, "forbidden", "the payload's signature does not match")
	}
	var wait time.Duration
	if w := c.Query("wait"); w != "" {
		d, err := time.ParseDuration(w)
		if err != nil || d < 0 {
			return fieldError("wait", "wait %q: give a duration such as 2s", w)
		}
		wait = min(d, maxWait)
	}
	s.metrics.webhooks.WithLabelValues(ch.Type).Inc()
	if wait > 0 {
		return s.handleWaiting(c, ch, body, wait)
	}
	ev, err := s.cfg.Dispatcher.Ingest(c.UserContext(), ch, body)
	if err != nil {
		s.log.ErrorContext(c.UserContext(), "store a webhook payload", "channel", ch.ID, "err", err)
		return errorf(fiber.StatusServiceUnavailable, "unavailable", "the payload could not be stored; send it again")
	}
	s.cfg.Dispatcher.Submit(ev)
	if ch.Type == store.ChannelWebchat {
		return c.JSON(fiber.Map{"received": ev.ID})
	}
	return c.SendString("EVENT_RECEIVED")
}

// handleWaiting stores and handles a payload at once, in one transaction, and answers with the
// session's outcome once it ends or waits, within the wait. When the wait runs out first, the
// payload is stored on its own before the answer (202, no outcome yet) and processed in the
// background: whichever of the two commits second finds the event's key taken, so it is
// handled once.
func (s *Server) handleWaiting(c *fiber.Ctx, ch store.Channel, body []byte, wait time.Duration) error {
	type handled struct {
		ev   store.WebhookEvent
		outs []*dispatch.Outcome
		err  error
	}
	done := make(chan handled, 1)
	go func() {
		ev, outs, err := s.cfg.Dispatcher.Handle(context.WithoutCancel(c.UserContext()), ch, body)
		done <- handled{ev, outs, err}
	}()
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case h := <-done:
		if h.err != nil && h.ev.ID == 0 {
			s.log.ErrorContext(c.UserContext(), "store a webhook payload", "channel", ch.ID, "err", h.err)
			return errorf(fiber.StatusServiceUnavailable, "unavailable", "the payload could not be stored; send it again")
		}
		if h.err != nil {
			s.log.WarnContext(c.UserContext(), "a webhook payload will be processed again", "event", h.ev.ID, "err", h.err)
		}
		for _, o := range h.outs {
			if o != nil && o.Delivered != "outbound" {
				return c.JSON(fiber.Map{"received": h.ev.ID, "outcome": o})
			}
		}
		return c.JSON(fiber.Map{"received": h.ev.ID, "outcome": nil})
	case <-timer.C:
		ev, err := s.cfg.Dispatcher.Ingest(c.UserContext(), ch, body)
		if err != nil {
			s.log.ErrorContext(c.UserContext(), "store a webhook payload", "channel", ch.ID, "err", err)
			return errorf(fiber.StatusServiceUnavailable, "unavailable", "the payload could not be stored; send it again")
		}
		// processed in the background like any payload: it waits for the handling under way and
		// finds the message handled, or handles it if that failed
		s.cfg.Dispatcher.Submit(ev)
		return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"received": ev.ID, "outcome": nil})
	}
}

// fiberCarrier reads a request's trace context headers for the propagator.
type fiberCarrier struct{ c *fiber.Ctx }

func (f fiberCarrier) Get(key string) string { return f.c.Get(key) }
func (f fiberCarrier) Set(key, value string) { f.c.Set(key, value) }
func (f fiberCarrier) Keys() []string {
	var keys []string
	for k := range f.c.GetReqHeaders() {
		keys = append(keys, k)
	}
	return keys
}
