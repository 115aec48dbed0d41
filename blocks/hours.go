package blocks

import (
	"github.com/switchboardhq/switchboard/engine"
)

// atParam is the time a calendar block checks.
var atParam = engine.Param{Name: "at", Kind: engine.KindExpression, Default: "now",
	Description: "the time to check: now (the clock), or another time such as interaction.time",
	Example:     "interaction.time"}

var hoursSpec = engine.Spec{
	Type:     "calendar.hours",
	Title:    "Opening hours",
	Category: "calendar",
	Description: "Tells whether the contact centre is open: weekly opening hours in an IANA time zone, " +
		"several ranges a day, ranges that run past midnight (22:00-02:00), written inline or kept as a " +
		"named calendar by an admin.",
	Params: []engine.Param{
		{Name: "timezone", Kind: engine.KindString, Format: "timezone",
			Description: "the IANA time zone the hours are in (inline hours)", Example: "America/Argentina/Buenos_Aires"},
		{Name: "open", Kind: engine.KindMap, KeyFormat: "weekdays",
			Description: "days and their opening ranges; days not listed are closed (inline hours)",
			Example:     map[string]any{"mon-fri": []string{"09:00-13:00", "14:00-18:00"}, "sat": []string{"10:00-13:00"}},
			Elem: &engine.Param{Kind: engine.KindList, Description: "time ranges HH:MM-HH:MM",
				Elem: &engine.Param{Kind: engine.KindString, Format: "clock-range", Description: "a time range"}}},
		{Name: "calendar", Kind: engine.KindString, Refers: "calendar", Format: "flow-id",
			Description: "the name of a calendar kept by an admin, instead of inline hours", Example: "support-hours"},
		atParam,
	},
	Exits: []string{"open", "closed"},
	Examples: []engine.Example{{Title: "Weekdays with a lunch break, Saturday mornings", YAML: `type: calendar.hours
params:
  timezone: America/Argentina/Buenos_Aires
  open: {mon-fri: ["09:00-13:00", "14:00-18:00"], sat: ["10:00-13:00"]}
next: {open: topic, closed: closed-reply}
`}, {Title: "A night shift", YAML: `type: calendar.hours
params:
  timezone: Europe/Madrid
  open: {mon-fri: ["22:00-06:00"]}
next: {open: route, closed: later}
`}},
	Build: buildHours,
}

func buildHours(p *engine.Params) (engine.Block, error) {
	b := &hours{at: p.Expression("at"), calendar: p.String("calendar")}
	inline := p.Has("timezone") || p.Has("open")
	switch {
	case b.calendar != "" && inline:
		return nil, engine.ParamErrorf("calendar", "give either a named calendar or timezone and open, not both")
	case b.calendar != "":
		return b, nil
	case !p.Has("timezone"):
		return nil, engine.ParamErrorf("", "give the hours as timezone and open, or name a calendar")
	}
	loc, err := engine.LoadLocation(p.String("timezone"))
	if err != nil {
		return nil, engine.ParamErrorf("timezone", "%v", err)
	}
	if b.inline, err = newWeeklyHours(loc, p.Entries("open")); err != nil {
		return nil, err
	}
	return b, nil
}

type hours struct {
	at       *engine.Expression
	inline   *weeklyHours
	calendar string
	named    namedCalendars
}

var _ engine.Block = (*hours)(nil)

func (b *hours) Run(c *engine.Context) engine.Result {
	t, err := moment(c, b.at)
	if err != nil {
		return engine.Fail(err)
	}
	h := b.inline
	if b.calendar != "" {
		cc, err := b.named.get(c, b.calendar)
		if err != nil {
			return engine.Fail(err)
		}
		h = cc.hours
	}
	if !t.IsZero() && h.Open(t) {
		return engine.Next("open")
	}
	return engine.Next("closed")
}
