package blocks

import (
	"github.com/switchboardhq/switchboard/engine"
)

var specialDaysSpec = engine.Spec{
	Type:     "calendar.special_days",
	Title:    "Special days",
	Category: "calendar",
	Description: "Tells whether today is a special day: listed dates, date ranges, dates that come back " +
		"every year, and a country's public holidays, read in an IANA time zone; written inline or kept " +
		"as a named calendar by an admin. A holiday's name goes into a variable when save_as is set.",
	Params: []engine.Param{
		{Name: "timezone", Kind: engine.KindString, Format: "timezone",
			Description: "the IANA time zone the dates are read in (inline days)", Example: "America/Argentina/Buenos_Aires"},
		{Name: "dates", Kind: engine.KindList,
			Description: "dates (2026-12-25), ranges (2026-12-24..2026-12-31), and yearly dates (12-25) or ranges (12-24..01-06)",
			Example:     []string{"2026-03-24", "12-24..12-26"},
			Elem:        &engine.Param{Kind: engine.KindString, Format: "date-spec", Description: "a date or range"}},
		{Name: "country", Kind: engine.KindString, Format: "holiday-country",
			Description: "also count this country's public holidays", Example: "AR"},
		{Name: "calendar", Kind: engine.KindString, Refers: "calendar", Format: "flow-id",
			Description: "the name of a calendar kept by an admin, instead of inline days", Example: "support-hours"},
		{Name: "save_as", Kind: engine.KindString, Format: "identifier",
			Description: "a variable to set to the holiday's name (empty for a listed date)", Example: "holiday"},
		atParam,
	},
	Exits:    []string{"special", "regular"},
	SetsVars: func(p *engine.Params) []string { return nonEmpty(p.String("save_as")) },
	Examples: []engine.Example{{Title: "Argentine holidays and the year-end break", YAML: `type: calendar.special_days
params:
  timezone: America/Argentina/Buenos_Aires
  country: AR
  dates: ["12-24..12-31"]
next: {special: holiday-reply, regular: hours}
`}},
	Build: buildSpecialDays,
}

func buildSpecialDays(p *engine.Params) (engine.Block, error) {
	b := &specialDaysBlock{at: p.Expression("at"), calendar: p.String("calendar"), saveAs: p.String("save_as")}
	inline := p.Has("timezone") || p.Has("dates") || p.Has("country")
	switch {
	case b.calendar != "" && inline:
		return nil, engine.ParamErrorf("calendar", "give either a named calendar or timezone with dates or country, not both")
	case b.calendar != "":
		return b, nil
	case !p.Has("timezone"):
		return nil, engine.ParamErrorf("", "give timezone with dates or country, or name a calendar")
	case !p.Has("dates") && !p.Has("country"):
		return nil, engine.ParamErrorf("", "list dates, or a country whose holidays count, or both")
	}
	loc, err := engine.LoadLocation(p.String("timezone"))
	if err != nil {
		return nil, engine.ParamErrorf("timezone", "%v", err)
	}
	if b.inline, err = newSpecialDays(loc, p.Strings("dates"), p.String("country")); err != nil {
		return nil, err
	}
	return b, nil
}

type specialDaysBlock struct {
	at       *engine.Expression
	inline   *specialDays
	calendar string
	saveAs   string
	named    namedCalendars
}

var _ engine.Block = (*specialDaysBlock)(nil)

func (b *specialDaysBlock) Run(c *engine.Context) engine.Result {
	t, err := moment(c, b.at)
	if err != nil {
		return engine.Fail(err)
	}
	s := b.inline
	if b.calendar != "" {
		cc, err := b.named.get(c, b.calendar)
		if err != nil {
			return engine.Fail(err)
		}
		s = cc.special
	}
	if t.IsZero() {
		return engine.Next("regular")
	}
	special, name := s.Special(t)
	if !special {
		return engine.Next("regular")
	}
	if b.saveAs != "" {
		c.SetVar(b.saveAs, name)
	}
	return engine.Next("special")
}
