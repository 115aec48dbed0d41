package server

import (
	"github.com/gofiber/fiber/v2"
)

// agentClaimable lists the conversations of manual skills the agent may claim.
func (s *Server) agentClaimable(c *fiber.Ctx) error {
	out, err := s.cfg.ACD.Claimable(c.UserContext(), me(c))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// agentClaim takes a claimable conversation: 204, or 409 not_yours when another agent took it
// first or it left the queue.
func (s *Server) agentClaim(c *fiber.Ctx) error {
	if err := s.cfg.ACD.Claim(c.UserContext(), me(c), offerRef(c)); err != nil {
		return routingError(err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}
