package server

import (
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
)

// accessLog logs one line per request when Config.AccessLog is set: method, path, route,
// status, duration (seconds in the logs), bytes of the response body, remote address, and the
// request id the log handler adds from the context. It runs outside observe, which has turned
// a handler's error into its response by the time the line is written.
func (s *Server) accessLog(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	route := ""
	if r := c.Route(); r != nil {
		route = r.Path
	}
	s.log.LogAttrs(c.UserContext(), slog.LevelInfo, "access",
		slog.String("method", c.Method()),
		slog.String("path", c.Path()),
		slog.String("route", route),
		slog.Int("status", c.Response().StatusCode()),
		slog.Duration("duration", time.Since(start)),
		slog.Int("bytes", len(c.Response().Body())),
		slog.String("remote", c.Context().RemoteAddr().String()),
	)
	return err
}
