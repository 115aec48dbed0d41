package server

import (
	"context"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboardhq/switchboard/settings"
)

// The workspace's settings: what holds for every agent, such as the reasons for a break.

// workspaceSettings reads the workspace's settings; stored values that no longer fit their
// spec read as their defaults, as a channel's do.
func (s *Server) workspaceSettings(ctx context.Context) (settings.WorkspaceSettings, error) {
	m, err := s.cfg.Store.WorkspaceSettingsGet(ctx)
	if err != nil {
		return settings.WorkspaceSettings{}, err
	}
	ws, _ := settings.ParseWorkspace(m)
	return ws, nil
}

func (s *Server) getWorkspaceSettings(c *fiber.Ctx) error {
	ws, err := s.workspaceSettings(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(ws)
}

// putWorkspaceSettings replaces the workspace's settings, checked against their spec.
func (s *Server) putWorkspaceSettings(c *fiber.Ctx) error {
	var body map[string]any
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	ws, problems := settings.ParseWorkspace(body)
	if err := firstProblem(problems); err != nil {
		return err
	}
	if err := s.cfg.Store.WorkspaceSettingsPut(c.UserContext(), map[string]any{"break_reasons": ws.BreakReasons}, by(c)); err != nil {
		return err
	}
	return c.JSON(ws)
}

// checkBreakReason refuses a break with a reason the workspace does not list, naming the field.
func (s *Server) checkBreakReason(ctx context.Context, state, reason string) error {
	if state != "break" || reason == "" {
		return nil
	}
	ws, err := s.workspaceSettings(ctx)
	if err != nil {
		return err
	}
	if !slices.Contains(ws.BreakReasons, reason) {
		return fieldError("reason", "%q is not one of the workspace's break reasons (%s); an admin lists them in break_reasons", reason, strings.Join(ws.BreakReasons, ", "))
	}
	return nil
}
