package server

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboardhq/switchboard/store"
)

const tokenKey = "token"

// TokenPrefix starts every API token, so a leaked one is easy to recognise.
const TokenPrefix = "sbt_"

// NewToken returns a new random token secret and the hash the store keeps of it.
func NewToken() (secret, hash string) {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		panic("switchboard: no randomness for a token: " + err.Error()) // the OS is broken
	}
	secret = TokenPrefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
	return secret, HashToken(secret)
}

// HashToken returns the hash under which a token is stored.
func HashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// auth admits requests with a bearer token of one of the roles: 401 without a valid token,
// 403 with one of another role; then it checks the request (checkRequest).
func (s *Server) auth(roles ...string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		header := c.Get(fiber.HeaderAuthorization)
		secret, ok := strings.CutPrefix(header, "Bearer ")
		if !ok || secret == "" {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="switchboard"`)
			return errorf(fiber.StatusUnauthorized, "unauthorized", "send an API token: Authorization: Bearer sbt_...")
		}
		t, err := s.cfg.Store.TokenByHash(c.UserContext(), HashToken(strings.TrimSpace(secret)), s.cfg.Clock.Now())
		if errors.Is(err, store.ErrNotFound) {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="switchboard", error="invalid_token"`)
			return errorf(fiber.StatusUnauthorized, "unauthorized", "the API token is not valid (it may have been deleted)")
		}
		if err != nil {
			return err
		}
		if !slices.Contains(roles, t.Role) {
			return errorf(fiber.StatusForbidden, "forbidden", "a %s token cannot do this; it needs the role %s", t.Role, strings.Join(roles, " or "))
		}
		c.Locals(tokenKey, t)
		return s.checkRequest(c)
	}
}
