package blocks_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/sim"
)

func TestSpecialDays(t *testing.T) {
	t.Parallel()
	const (
		listed  = `{timezone: America/Argentina/Buenos_Aires, dates: ["2026-03-24"], save_as: holiday}`
		span    = `{timezone: America/Argentina/Buenos_Aires, dates: ["2026-12-24..2026-12-31"], save_as: holiday}`
		yearly  = `{timezone: America/Argentina/Buenos_Aires, dates: ["12-25", "02-29"], save_as: holiday}`
		newYear = `{timezone: America/Argentina/Buenos_Aires, dates: ["12-24..01-06"], save_as: holiday}`
		ar      = `{timezone: America/Argentina/Buenos_Aires, country: AR, save_as: holiday}`
		es      = `{timezone: Europe/Madrid, country: ES, save_as: holiday}`
		both    = `{timezone: America/Argentina/Buenos_Aires, country: AR, dates: ["05-25", "11-17"], save_as: holiday}`
		madrid  = `{timezone: Europe/Madrid, dates: ["2026-12-25"], save_as: holiday}`
	)
	tests := []struct {
		name    string
		params  string
		at      string
		exit    string
		holiday string // the saved name, for special days
	}{
		{"a listed date", listed, "2026-03-24T12:00:00-03:00", "special", ""},
		{"the day after a listed date", listed, "2026-03-25T12:00:00-03:00", "regular", ""},
		{"a listed date in another year", listed, "2027-03-24T12:00:00-03:00", "regular", ""},

		{"the first day of a range", span, "2026-12-24T00:00:00-03:00", "special", ""},
		{"inside a range", span, "2026-12-28T12:00:00-03:00", "special", ""},
		{"the last day of a range", span, "2026-12-31T23:59:00-03:00", "special", ""},
		{"the day before a range", span, "2026-12-23T23:59:00-03:00", "regular", ""},
		{"the day after a range", span, "2027-01-01T00:00:00-03:00", "regular", ""},

		{"a yearly date", yearly, "2026-12-25T10:00:00-03:00", "special", ""},
		{"a yearly date years later", yearly, "2031-12-25T10:00:00-03:00", "special", ""},
		{"the day after a yearly date", yearly, "2026-12-26T10:00:00-03:00", "regular", ""},
		{"a yearly leap day", yearly, "2028-02-29T10:00:00-03:00", "special", ""},
		{"no leap day in a common year", yearly, "2027-03-01T10:00:00-03:00", "regular", ""},

		{"a yearly range before New Year", newYear, "2026-12-30T10:00:00-03:00", "special", ""},
		{"a yearly range after New Year", newYear, "2027-01-02T10:00:00-03:00", "special", ""},
		{"the last day of a yearly range over New Year", newYear, "2027-01-06T10:00:00-03:00", "special", ""},
		{"after a yearly range over New Year", newYear, "2027-01-07T10:00:00-03:00", "regular", ""},
		{"before a yearly range over New Year", newYear, "2026-12-23T10:00:00-03:00", "regular", ""},
		{"mid-year, outside a range over New Year", newYear, "2026-06-15T10:00:00-03:00", "regular", ""},

		{"an Argentine holiday", ar, "2026-05-25T10:00:00-03:00", "special", "Revolución de Mayo"},
		{"the day after an Argentine holiday", ar, "2026-05-26T10:00:00-03:00", "regular", ""},
		{"a holiday on the day it is observed", ar, "2026-06-19T10:00:00-03:00", "special", "Aniversario paso a la inmortalidad del General Juan Manuel Belgrano"},
		{"Argentine independence", ar, "2026-07-09T10:00:00-03:00", "special", "Día de la independencia"},
		{"a Spanish holiday", es, "2026-10-12T10:00:00+02:00", "special", "Fiesta Nacional de España"},
		{"Christmas in Spain", es, "2026-12-25T10:00:00+01:00", "special", "Navidad"},
		{"a regular Spanish day", es, "2026-10-13T10:00:00+02:00", "regular", ""},
		{"a listed date that is a holiday too", both, "2026-05-25T10:00:00-03:00", "special", ""},
		{"a listed date besides the holidays", both, "2026-11-17T10:00:00-03:00", "special", ""},

		{"the evening before, in the zone", ar, "2026-05-25T02:59:00Z", "regular", ""},
		{"midnight in the zone", ar, "2026-05-25T03:00:00Z", "special", "Revolución de Mayo"},
		{"the last minute in the zone", ar, "2026-05-26T02:59:00Z", "special", "Revolución de Mayo"},
		{"the next day in the zone", ar, "2026-05-26T03:00:00Z", "regular", ""},
		{"still the 24th in UTC, the 25th in Madrid", madrid, "2026-12-24T23:30:00Z", "special", ""},
		{"the 25th in UTC, the 26th in Madrid", madrid, "2026-12-25T23:30:00Z", "regular", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := around(t, "webchat", "b:\n  type: calendar.special_days\n  params: "+tt.params+"\n")
			o := play(t, f, sim.Scenario{Interaction: message("hola"), At: at(t, tt.at)})
			require.Nil(t, o.Error)
			require.Equal(t, tt.exit, exitOf(t, o, "b"), "at %s", tt.at)
			if tt.exit == "regular" {
				require.NotContains(t, o.Vars, "holiday")
				return
			}
			require.Contains(t, o.Vars, "holiday")
			require.Equal(t, tt.holiday, o.Vars["holiday"])
		})
	}
}

func TestSpecialDaysAt(t *testing.T) {
	t.Parallel()
	f := around(t, "webchat", "b:\n  type: calendar.special_days\n  params: {timezone: UTC, dates: [\"12-25\"], at: interaction.time}\n")
	in := message("feliz navidad")
	in.Time = at(t, "2026-12-25T10:00:00Z")
	o := play(t, f, sim.Scenario{Interaction: in, At: at(t, "2026-12-26T10:00:00Z")})
	require.Equal(t, "special", exitOf(t, o, "b"), "the day the customer wrote, not the day it is handled")

	rt := &engine.Runtime{Clock: engine.NewManualClock(at(t, "2026-12-25T10:00:00Z"))}
	zero := webchat("sin fecha")
	s, trace := rt.Start(t.Context(), f, zero, engine.StartOptions{})
	require.Equal(t, engine.StatusEnded, s.Status, s.Error)
	require.Equal(t, "regular", trace[1].Exit, "an interaction without a time is on no special day")
}

func TestSpecialDaysNamedCalendar(t *testing.T) {
	t.Parallel()
	f := around(t, "webchat", "b:\n  type: calendar.special_days\n  params: {calendar: support, save_as: holiday}\n")
	calendars := map[string]*engine.CalendarDef{"support": {
		Timezone: "America/Argentina/Buenos_Aires", Country: "AR", Special: []string{"12-24..12-31"},
	}}
	tests := []struct {
		at, exit, holiday string
	}{
		{"2026-05-25T10:00:00-03:00", "special", "Revolución de Mayo"},
		{"2026-12-26T10:00:00-03:00", "special", ""},
		{"2026-05-26T10:00:00-03:00", "regular", ""},
	}
	for _, tt := range tests {
		o := play(t, f, sim.Scenario{Interaction: message("hola"), At: at(t, tt.at), Calendars: calendars})
		require.Nil(t, o.Error)
		require.Equal(t, tt.exit, exitOf(t, o, "b"), "at %s", tt.at)
		if tt.exit == "special" {
			require.Equal(t, tt.holiday, o.Vars["holiday"])
		}
	}

	// The same flow in a world whose calendar has other days.
	other := map[string]*engine.CalendarDef{"support": {Timezone: "UTC", Special: []string{"05-26"}}}
	o := play(t, f, sim.Scenario{Interaction: message("hola"), At: at(t, "2026-05-26T10:00:00Z"), Calendars: other})
	require.Equal(t, "special", exitOf(t, o, "b"))

	o = play(t, f, sim.Scenario{Interaction: message("hola")})
	require.Equal(t, engine.StatusFailed, o.Status)
	require.Contains(t, errorOf(o), `block b (calendar.special_days): calendar "support": not found`)

	bad := map[string]*engine.CalendarDef{"support": {Timezone: "UTC", Country: "XX"}}
	o = play(t, f, sim.Scenario{Interaction: message("hola"), Calendars: bad})
	require.Equal(t, engine.StatusFailed, o.Status)
	require.Contains(t, errorOf(o), `"XX" is not a country whose holidays are known`)
}

func TestSpecialDaysBuildErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, params, path, message string
	}{
		{"a calendar and inline days", `{calendar: support, country: AR}`, "blocks.b.params.calendar", "not both"},
		{"no zone", `{country: AR}`, "blocks.b.params", "give timezone with dates or country, or name a calendar"},
		{"a zone and nothing else", `{timezone: UTC}`, "blocks.b.params", "list dates, or a country"},
		{"a range that ends before it starts", `{timezone: UTC, dates: ["2026-01-01", "2026-12-31..2026-12-01"]}`, "blocks.b.params.dates[1]", "ends before it starts"},
		{"an unknown country", `{timezone: UTC, country: XX}`, "blocks.b.params.country", `"XX" is not a country whose holidays are known`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			errs := loadErrors(t, flowDoc("test", "webchat", "b:\n  type: calendar.special_days\n  params: "+tt.params+"\n"))
			require.Len(t, errs, 1, diagText(errs))
			require.Contains(t, errs[0].Message, tt.message)
			// flows places an error on the whole params at "blocks.b.params." (trailing dot).
			require.Equal(t, tt.path, strings.TrimSuffix(errs[0].Path, "."))
		})
	}
}
