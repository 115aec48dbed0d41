package server

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboardhq/switchboard/dispatch"
	"github.com/switchboardhq/switchboard/flows"
	"github.com/switchboardhq/switchboard/settings"
	"github.com/switchboardhq/switchboard/store"
)

// checkChannelSettings refuses settings that do not fit the spec, naming the first bad one.
func (s *Server) checkChannelSettings(ctx context.Context, channelType string, m map[string]any) error {
	problems, err := settings.CheckChannel(channelType, m, func(kind, name string) (bool, error) {
		return s.exists(ctx, kind, name)
	})
	if err != nil {
		return err
	}
	return firstProblem(problems)
}

// firstProblem answers the first problem (they come sorted by field), naming its field.
func firstProblem(problems []settings.Problem) error {
	if len(problems) == 0 {
		return nil
	}
	return fieldError(problems[0].Field, "%s", problems[0].Message)
}

// exists tells whether a named calendar, skill, switch or flow is in the store.
func (s *Server) exists(ctx context.Context, kind, name string) (bool, error) {
	var err error
	switch kind {
	case settings.RefCalendar:
		_, err = s.cfg.Store.CalendarGet(ctx, name)
	case "skill":
		_, err = s.cfg.Store.SkillGet(ctx, name)
	case "flow":
		_, err = s.cfg.Store.FlowGet(ctx, name)
	default:
		return false, fmt.Errorf("cannot look up a %s", kind)
	}
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// flowTriggers returns the channel types a flow has a trigger for: those of its latest
// published version (what a channel runs), or of its draft while it has none.
func (s *Server) flowTriggers(ctx context.Context, f store.Flow) ([]string, error) {
	source, format := f.Source, f.Format
	if f.LatestVersion > 0 {
		v, err := s.cfg.Store.FlowVersionGet(ctx, f.ID, 0)
		if err != nil {
			return nil, err
		}
		source, format = v.Source, v.Format
	}
	doc, _ := flows.Parse(dispatch.SourceName(f.ID, format), []byte(source))
	out := []string{}
	if doc == nil {
		return out, nil
	}
	for _, b := range doc.Blocks {
		if spec, ok := s.cfg.Registry.Lookup(b.Type); ok && spec.Trigger != "" && !slices.Contains(out, spec.Trigger) {
			out = append(out, spec.Trigger)
		}
	}
	return out, nil
}

// checkDefaultFlow refuses a default flow with no trigger for the channel's type: no
// conversation of the channel could ever enter it.
func (s *Server) checkDefaultFlow(ctx context.Context, channelType, id string) error {
	f, err := s.cfg.Store.FlowGet(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return fieldError("default_flow", "there is no flow %q", id)
	} else if err != nil {
		return err
	}
	triggers, err := s.flowTriggers(ctx, f)
	if err != nil {
		return err
	}
	if !slices.Contains(triggers, channelType) {
		has := "no trigger at all"
		if len(triggers) > 0 {
			has = "triggers for " + strings.Join(triggers, ", ") + " only"
		}
		return fieldError("default_flow", "flow %q has no %s trigger (it has %s); a %s channel's conversations could not enter it",
			id, channelType, has, channelType)
	}
	return nil
}

// settingsSchema serves the spec of channel and skill settings, for the admin pages.
func (s *Server) settingsSchema(c *fiber.Ctx) error {
	return c.JSON(settings.Describe())
}
