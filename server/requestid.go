package server

import (
	"crypto/rand"
	"encoding/hex"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboardhq/switchboard/telemetry"
)

// HeaderRequestID carries a request's id, taken from the request when valid, and always
// echoed in the response.
const HeaderRequestID = "X-Request-Id"

// maxRequestID bounds the length of a request id taken from a request.
const maxRequestID = 128

// validRequestID reports whether id, from a request, may be kept: 1 to 128 letters, digits
// and - _ . : / + =, so that it cannot forge a log line or a header.
func validRequestID(id string) bool {
	if id == "" || len(id) > maxRequestID {
		return false
	}
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case r == '-', r == '_', r == '.', r == ':', r == '/', r == '+', r == '=':
		default:
			return false
		}
	}
	return true
}

// newRequestID makes a request id: 16 random bytes in hex.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read does not fail
	return hex.EncodeToString(b[:])
}

// requestID gives every request an id, echoes it in X-Request-Id and puts it in the request's
// context, where the log handler finds it for every line logged with that context.
func (s *Server) requestID(c *fiber.Ctx) error {
	id := c.Get(HeaderRequestID)
	if !validRequestID(id) {
		id = newRequestID()
	}
	c.Set(HeaderRequestID, id)
	c.SetUserContext(telemetry.WithRequestID(c.UserContext(), id))
	return c.Next()
}
