package blocks_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/sim"
)

// at reads an RFC 3339 time.
func at(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	require.NoError(t, err)
	return v
}

// hoursExit runs a calendar.hours block with these parameters (a YAML flow mapping) at a time.
func hoursExit(t *testing.T, params string, when time.Time) string {
	t.Helper()
	f := around(t, "webchat", "b:\n  type: calendar.hours\n  params: "+params+"\n")
	o := play(t, f, sim.Scenario{Interaction: message("hola"), At: when})
	require.Nil(t, o.Error)
	return exitOf(t, o, "b")
}

func TestHours(t *testing.T) {
	t.Parallel()
	const (
		office = `{timezone: America/Argentina/Buenos_Aires, open: {mon-fri: ["09:00-13:00", "14:00-18:00"], sat: ["10:00-13:00"]}}`
		night  = `{timezone: Europe/Madrid, open: {fri: ["22:00-02:00"]}}`
		split  = `{timezone: UTC, open: {mon-fri: ["09:00-12:00"], mon: ["15:00-17:00"]}}`
		always = `{timezone: UTC, open: {mon-sun: ["00:00-24:00"]}}`
	)
	tests := []struct {
		name   string
		params string
		at     string
		exit   string
	}{
		{"a weekday morning", office, "2026-11-16T10:00:00-03:00", "open"},
		{"the first minute", office, "2026-11-16T09:00:00-03:00", "open"},
		{"a minute before opening", office, "2026-11-16T08:59:00-03:00", "closed"},
		{"the lunch break", office, "2026-11-16T13:30:00-03:00", "closed"},
		{"the second range of the day", office, "2026-11-16T14:00:00-03:00", "open"},
		{"a range ends before its end minute", office, "2026-11-16T17:59:59-03:00", "open"},
		{"closing time", office, "2026-11-16T18:00:00-03:00", "closed"},
		{"Saturday morning", office, "2026-11-21T12:59:00-03:00", "open"},
		{"Saturday afternoon", office, "2026-11-21T13:00:00-03:00", "closed"},
		{"Sunday", office, "2026-11-22T10:00:00-03:00", "closed"},

		{"a night shift before midnight", night, "2026-11-20T23:00:00+01:00", "open"},
		{"at its start", night, "2026-11-20T22:00:00+01:00", "open"},
		{"before its start", night, "2026-11-20T21:59:00+01:00", "closed"},
		{"past midnight, the next day", night, "2026-11-21T01:00:00+01:00", "open"},
		{"after it ends, the next day", night, "2026-11-21T03:00:00+01:00", "closed"},
		{"at its end", night, "2026-11-21T02:00:00+01:00", "closed"},
		{"early on the range's own day", night, "2026-11-20T01:00:00+01:00", "closed"},
		{"the night after an unlisted day", night, "2026-11-22T01:00:00+01:00", "closed"},

		{"a day named by two keys gets both", split, "2026-11-16T16:00:00Z", "open"},
		{"the other days only their own", split, "2026-11-17T16:00:00Z", "closed"},
		{"the shared range", split, "2026-11-17T10:00:00Z", "open"},

		{"a day until 24:00", always, "2026-11-16T23:59:00Z", "open"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.exit, hoursExit(t, tt.params, at(t, tt.at)), "at %s", tt.at)
		})
	}
}

func TestHoursTimeZones(t *testing.T) {
	t.Parallel()
	// 13:00 UTC on a Monday is 10:00 in Buenos Aires, 14:00 in Madrid, 22:00 in Tokyo and
	// 05:00 in Los Angeles.
	instant := at(t, "2026-11-16T13:00:00Z")
	tests := []struct {
		zone string
		exit string
	}{
		{"America/Argentina/Buenos_Aires", "open"},
		{"Europe/Madrid", "open"},
		{"UTC", "open"},
		{"Asia/Tokyo", "closed"},
		{"America/Los_Angeles", "closed"},
	}
	for _, tt := range tests {
		t.Run(tt.zone, func(t *testing.T) {
			t.Parallel()
			params := `{timezone: ` + tt.zone + `, open: {mon-fri: ["09:00-18:00"]}}`
			require.Equal(t, tt.exit, hoursExit(t, params, instant))
		})
	}
}

func TestHoursAt(t *testing.T) {
	t.Parallel()
	const hours = `timezone: UTC, open: {mon-fri: ["09:00-18:00"]}`
	openNow := at(t, "2026-11-16T10:00:00Z")
	sunday := at(t, "2026-11-15T10:00:00Z")
	tests := []struct {
		name string
		at   string // the at parameter; "" leaves it out
		exit string
	}{
		{"now by default", "", "open"},
		{"now", "now", "open"},
		{"the interaction's time", "interaction.time", "closed"},
		{"a time written as text", `'"2026-11-16T10:00:00Z"'`, "open"},
		{"a time an expression moves", "interaction.time + duration('24h')", "open"},
		{"text that is not a time", `'"yesterday"'`, "closed"},
		{"nothing", "vars.missing", "closed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			params := "{" + hours + "}"
			if tt.at != "" {
				params = "{" + hours + ", at: " + tt.at + "}"
			}
			f := around(t, "webchat", "b:\n  type: calendar.hours\n  params: "+params+"\n")
			in := message("hola")
			in.Time = sunday // written on Sunday, handled on Monday
			o := play(t, f, sim.Scenario{Interaction: in, At: openNow})
			require.Nil(t, o.Error)
			require.Equal(t, tt.exit, exitOf(t, o, "b"))
		})
	}
}

func TestHoursZeroTimeIsClosed(t *testing.T) {
	t.Parallel()
	// The zero time is a Monday at midnight: a calendar open all week must still say closed.
	f := around(t, "webchat", `b:
  type: calendar.hours
  params: {timezone: UTC, open: {mon-sun: ["00:00-24:00"]}, at: interaction.time}
`)
	rt := &engine.Runtime{Clock: engine.NewManualClock(at(t, "2026-11-16T10:00:00Z"))}
	s, trace := rt.Start(t.Context(), f, webchat("hola"), engine.StartOptions{})
	require.Equal(t, engine.StatusEnded, s.Status, s.Error)
	require.Equal(t, "closed", trace[1].Exit, "an interaction without a time is closed")
}

func TestHoursAtMustBeATime(t *testing.T) {
	t.Parallel()
	f := around(t, "webchat", "b:\n  type: calendar.hours\n  params: {timezone: UTC, open: {mon: [\"09:00-18:00\"]}, at: 42}\n")
	o := play(t, f, sim.Scenario{Interaction: message("hola")})
	require.Equal(t, engine.StatusFailed, o.Status)
	require.Contains(t, errorOf(o), "block b (calendar.hours): at gave 42")
}

func TestHoursNamedCalendar(t *testing.T) {
	t.Parallel()
	f := around(t, "webchat", "b:\n  type: calendar.hours\n  params: {calendar: support}\n")
	calendars := map[string]*engine.CalendarDef{"support": {
		Name: "support", Timezone: "America/Argentina/Buenos_Aires",
		Open: map[string][]string{"mon-fri": {"09:00-18:00"}, "sat": {"22:00-02:00"}},
	}}
	tests := []struct {
		at   string
		exit string
	}{
		{"2026-11-16T10:00:00-03:00", "open"},
		{"2026-11-16T08:00:00-03:00", "closed"},
		{"2026-11-16T10:00:00Z", "closed"}, // 07:00 in Buenos Aires
		{"2026-11-22T01:00:00-03:00", "open"},
		{"2026-11-22T03:00:00-03:00", "closed"},
	}
	for _, tt := range tests {
		o := play(t, f, sim.Scenario{Interaction: message("hola"), At: at(t, tt.at), Calendars: calendars})
		require.Nil(t, o.Error)
		require.Equal(t, tt.exit, exitOf(t, o, "b"), "at %s", tt.at)
	}

	o := play(t, f, sim.Scenario{Interaction: message("hola")})
	require.Equal(t, engine.StatusFailed, o.Status)
	require.Contains(t, errorOf(o), `block b (calendar.hours): calendar "support": not found`)

	bad := map[string]*engine.CalendarDef{"support": {Timezone: "Mars/Olympus", Open: map[string][]string{"mon": {"09:00-18:00"}}}}
	o = play(t, f, sim.Scenario{Interaction: message("hola"), Calendars: bad})
	require.Equal(t, engine.StatusFailed, o.Status)
	require.Contains(t, errorOf(o), `calendar "support": unknown time zone "Mars/Olympus"`)
}

func TestHoursNamedCalendarPerScenario(t *testing.T) {
	t.Parallel()
	// One loaded flow, two worlds whose calendars share a name and a version: each scenario
	// sees its own calendar, as flow tests that run one flow against many scenarios expect.
	f := around(t, "webchat", "b:\n  type: calendar.hours\n  params: {calendar: support}\n")
	weekdays := map[string]*engine.CalendarDef{"support": {Timezone: "UTC", Open: map[string][]string{"mon-fri": {"09:00-18:00"}}}}
	weekends := map[string]*engine.CalendarDef{"support": {Timezone: "UTC", Open: map[string][]string{"sat,sun": {"09:00-18:00"}}}}
	monday := at(t, "2026-11-16T10:00:00Z")
	for range 2 {
		o := play(t, f, sim.Scenario{Interaction: message("hola"), At: monday, Calendars: weekdays})
		require.Equal(t, "open", exitOf(t, o, "b"))
		o = play(t, f, sim.Scenario{Interaction: message("hola"), At: monday, Calendars: weekends})
		require.Equal(t, "closed", exitOf(t, o, "b"))
	}
}

func TestHoursNamedCalendarChanges(t *testing.T) {
	t.Parallel()
	f := around(t, "webchat", "b:\n  type: calendar.hours\n  params: {calendar: support}\n")
	calendars := engine.MemoryCalendars{"support": {Timezone: "UTC", Open: map[string][]string{"mon": {"09:00-18:00"}}, Version: 1}}
	rt := &engine.Runtime{Calendars: calendars, Clock: engine.NewManualClock(at(t, "2026-11-16T10:00:00Z"))}
	exit := func() string {
		s, trace := rt.Start(t.Context(), f, webchat("hola"), engine.StartOptions{})
		require.Equal(t, engine.StatusEnded, s.Status, s.Error)
		return trace[1].Exit
	}
	require.Equal(t, "open", exit())
	calendars["support"] = &engine.CalendarDef{Timezone: "UTC", Open: map[string][]string{"tue": {"09:00-18:00"}}, Version: 2}
	require.Equal(t, "closed", exit(), "a new version of the calendar is read")
}

func TestHoursBuildErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, params, path, message string
	}{
		{"a calendar and inline hours", `{calendar: support, timezone: UTC}`, "blocks.b.params.calendar", "not both"},
		{"no hours", `{at: now}`, "blocks.b.params", "give the hours as timezone and open, or name a calendar"},
		{"a bad range", `{timezone: UTC, open: {mon: ["09:00-09:00"]}}`, "blocks.b.params.open.mon[0]", "is empty"},
		{"a bad zone", `{timezone: Mars/Olympus, open: {mon: ["09:00-18:00"]}}`, "blocks.b.params.timezone", "unknown time zone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			errs := loadErrors(t, flowDoc("test", "webchat", "b:\n  type: calendar.hours\n  params: "+tt.params+"\n"))
			require.Len(t, errs, 1, diagText(errs))
			require.Contains(t, errs[0].Message, tt.message)
			// flows places an error on the whole params at "blocks.b.params." (trailing dot).
			require.Equal(t, tt.path, strings.TrimSuffix(errs[0].Path, "."))
		})
	}
}
