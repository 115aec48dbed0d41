package engine_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
)

func TestParseDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want time.Duration
		bad  bool
	}{
		{in: "90s", want: 90 * time.Second},
		{in: "15m", want: 15 * time.Minute},
		{in: "1h30m", want: 90 * time.Minute},
		{in: "1.5h", want: 90 * time.Minute},
		{in: "250ms", want: 250 * time.Millisecond},
		{in: "7d", want: 7 * 24 * time.Hour},
		{in: "1d12h", want: 36 * time.Hour},
		{in: "0d", want: 0},
		{in: "0s", want: 0},
		{in: "106751d", want: 106751 * 24 * time.Hour},
		{in: "", bad: true},
		{in: "15", bad: true},
		{in: "15 minutes", bad: true},
		{in: "1 day", bad: true},
		{in: "-5m", bad: true},
		{in: "-1d", bad: true},
		{in: "1d-1h", bad: true},
		{in: "d", bad: true},
		{in: "1dd", bad: true},
		{in: "1h1d", bad: true},
		{in: "1w", bad: true},
		{in: "106752d", bad: true},               // past the largest duration
		{in: "106751d24h", bad: true},            // the sum is past it too
		{in: "99999999999999999999d", bad: true}, // not even an int
		{in: "2562048h", bad: true},
	}
	for _, tt := range tests {
		d, err := engine.ParseDuration(tt.in)
		if tt.bad {
			require.Error(t, err, "%q", tt.in)
			require.ErrorContains(t, err, "is not a duration; write one such as 90s, 15m, 1h30m or 7d")
			continue
		}
		require.NoError(t, err, "%q", tt.in)
		require.Equal(t, tt.want, d, "%q", tt.in)
	}
}

func TestParseClockRange(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in        string
		want      engine.ClockRange
		overnight bool
		err       string
	}{
		{in: "09:00-18:00", want: engine.ClockRange{Start: 540, End: 1080}},
		{in: "00:00-24:00", want: engine.ClockRange{Start: 0, End: 1440}},
		{in: "18:30-24:00", want: engine.ClockRange{Start: 1110, End: 1440}},
		{in: "22:00-06:00", want: engine.ClockRange{Start: 1320, End: 360}, overnight: true},
		{in: "23:59-00:00", want: engine.ClockRange{Start: 1439, End: 0}, overnight: true},
		{in: " 09:00 - 18:00 ", want: engine.ClockRange{Start: 540, End: 1080}},
		{in: "09:00", err: `"09:00" is not a time range; write one such as 09:00-18:00`},
		{in: "09:00-25:00", err: `"25:00" is not a time of day`},
		{in: "25:00-26:00", err: `"25:00" is not a time of day`},
		{in: "24:00-06:00", err: `"24:00" is not a time of day; write HH:MM from 00:00 to 23:59 (24:00 only as an end)`},
		{in: "09:00-24:01", err: `"24:01" is not a time of day`},
		{in: "09:60-10:00", err: `"09:60" is not a time of day`},
		{in: "9:00-18:00", err: `"9:00" is not a time of day`},
		{in: "09.00-18.00", err: `"09.00" is not a time of day`},
		{in: "+9:00-18:00", err: `"+9:00" is not a time of day`},
		{in: "08:00-09:+1", err: `"09:+1" is not a time of day`},
		{in: "aa:bb-18:00", err: `"aa:bb" is not a time of day`},
		{in: "09:00-18:00-20:00", err: `"18:00-20:00" is not a time of day`},
		{in: "10:00-10:00", err: `"10:00-10:00" is empty; a range must start and end at different times (00:00-24:00 is the whole day)`},
		{in: "00:00-00:00", err: `is empty`},
		{in: "", err: `"" is not a time range`},
	}
	for _, tt := range tests {
		r, err := engine.ParseClockRange(tt.in)
		if tt.err != "" {
			require.ErrorContains(t, err, tt.err, "%q", tt.in)
			continue
		}
		require.NoError(t, err, "%q", tt.in)
		require.Equal(t, tt.want, r, "%q", tt.in)
		require.Equal(t, tt.overnight, r.Overnight(), "%q", tt.in)
	}
}

func TestParseWeekdays(t *testing.T) {
	t.Parallel()
	days := func(ds ...time.Weekday) [7]bool {
		var set [7]bool
		for _, d := range ds {
			set[d] = true
		}
		return set
	}
	tests := []struct {
		in   string
		want [7]bool
		bad  bool
	}{
		{in: "mon", want: days(time.Monday)},
		{in: "sun", want: days(time.Sunday)},
		{in: "mon-fri", want: days(time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday)},
		{in: "sat,sun", want: days(time.Saturday, time.Sunday)},
		{in: "mon-wed,fri", want: days(time.Monday, time.Tuesday, time.Wednesday, time.Friday)},
		{in: "fri-mon", want: days(time.Friday, time.Saturday, time.Sunday, time.Monday)},
		{in: "sat-sun", want: days(time.Saturday, time.Sunday)},
		{in: "sun-sat", want: days(time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday)},
		{in: "tue-mon", want: days(time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday)},
		{in: "wed-wed", want: days(time.Wednesday)},
		{in: "Mon-FRI", want: days(time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday)},
		{in: "mon, wed", want: days(time.Monday, time.Wednesday)},
		{in: "mon,mon-tue", want: days(time.Monday, time.Tuesday)},
		{in: "", bad: true},
		{in: "monday", bad: true},
		{in: "lun", bad: true},
		{in: "mon-", bad: true},
		{in: "-fri", bad: true},
		{in: "mon,", bad: true},
		{in: "mon-fri-sat", bad: true},
		{in: "mon;tue", bad: true},
	}
	for _, tt := range tests {
		got, err := engine.ParseWeekdays(tt.in)
		if tt.bad {
			require.ErrorContains(t, err, "is not a set of days; write mon, mon-fri, sat,sun or mon-wed,fri", "%q", tt.in)
			continue
		}
		require.NoError(t, err, "%q", tt.in)
		require.Equal(t, tt.want, got, "%q", tt.in)
	}
}

func TestDateSpec(t *testing.T) {
	t.Parallel()
	buenosAires, err := engine.LoadLocation("America/Argentina/Buenos_Aires")
	require.NoError(t, err)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }
	tests := []struct {
		spec   string
		yearly bool
		in     []time.Time
		out    []time.Time
	}{
		{spec: "2026-12-25", in: []time.Time{day(2026, 12, 25), time.Date(2026, 12, 25, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 25, 23, 59, 59, 0, time.UTC)},
			out: []time.Time{day(2026, 12, 24), day(2026, 12, 26), day(2027, 12, 25), day(2025, 12, 25)}},
		{spec: "2026-12-24..2026-12-31", in: []time.Time{day(2026, 12, 24), day(2026, 12, 28), day(2026, 12, 31)},
			out: []time.Time{day(2026, 12, 23), day(2027, 1, 1), day(2027, 12, 25)}},
		{spec: "2026-12-30..2027-01-02", in: []time.Time{day(2026, 12, 31), day(2027, 1, 1), day(2027, 1, 2)},
			out: []time.Time{day(2027, 1, 3), day(2026, 1, 1)}},
		{spec: "12-25", yearly: true, in: []time.Time{day(2026, 12, 25), day(1999, 12, 25), day(2100, 12, 25)},
			out: []time.Time{day(2026, 12, 24), day(2026, 12, 26)}},
		{spec: "12-24..12-31", yearly: true, in: []time.Time{day(2026, 12, 24), day(2031, 12, 31)},
			out: []time.Time{day(2026, 12, 23), day(2027, 1, 1)}},
		{spec: "12-24..01-06", yearly: true, // wraps over New Year
			in:  []time.Time{day(2026, 12, 24), day(2026, 12, 31), day(2027, 1, 1), day(2027, 1, 6), day(2030, 1, 3)},
			out: []time.Time{day(2026, 12, 23), day(2027, 1, 7), day(2026, 6, 15)}},
		{spec: "02-29", yearly: true, in: []time.Time{day(2028, 2, 29)}, out: []time.Time{day(2027, 2, 28), day(2027, 3, 1)}},
		{spec: "2026-12-31", // the calendar date where t is, not in UTC
			in:  []time.Time{time.Date(2026, 12, 31, 23, 30, 0, 0, buenosAires)},
			out: []time.Time{time.Date(2026, 12, 31, 21, 0, 0, 0, buenosAires).Add(-24 * time.Hour), time.Date(2027, 1, 1, 1, 0, 0, 0, buenosAires)}},
	}
	for _, tt := range tests {
		d, err := engine.ParseDateSpec(tt.spec)
		require.NoError(t, err, tt.spec)
		require.Equal(t, tt.yearly, d.Yearly, tt.spec)
		for _, at := range tt.in {
			require.True(t, d.Contains(at), "%s should contain %s", tt.spec, at)
		}
		for _, at := range tt.out {
			require.False(t, d.Contains(at), "%s should not contain %s", tt.spec, at)
		}
	}

	for in, msg := range map[string]string{
		"2026-12-31..2026-12-24": `"2026-12-31..2026-12-24" ends before it starts`,
		"2026-02-29":             "is not a date",
		"02-30":                  "is not a date",
		"12-25..2026-12-31":      "is not a date",
		"2026-12-24..12-31":      "is not a date",
		"25-12":                  "is not a date",
		"2026/12/25":             "is not a date",
		"":                       "is not a date",
		"12-24..":                "is not a date",
		"christmas":              `"christmas" is not a date; write 2026-12-25, 2026-12-24..2026-12-31, 12-25 (every year) or 12-24..12-31`,
	} {
		_, err := engine.ParseDateSpec(in)
		require.ErrorContains(t, err, msg, "%q", in)
	}
}

func TestLoadLocation(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"UTC", "America/Argentina/Buenos_Aires", "Europe/Madrid", "America/Sao_Paulo", "Europe/Rome", "America/Buenos_Aires"} {
		loc, err := engine.LoadLocation(name)
		require.NoError(t, err, name)
		require.Equal(t, name, loc.String())
	}
	for name, msg := range map[string]string{
		"":                 `"" is not an IANA time zone`,
		"Local":            `"Local" is not an IANA time zone`,
		"Mars/Olympus":     `unknown time zone "Mars/Olympus"; write an IANA zone such as America/Argentina/Buenos_Aires or UTC`,
		"../../etc/passwd": "unknown time zone",
		"/etc/localtime":   "unknown time zone",
		"GMT+3 ":           "unknown time zone",
	} {
		_, err := engine.LoadLocation(name)
		require.ErrorContains(t, err, msg, "%q", name)
	}
}

func TestFormats(t *testing.T) {
	t.Parallel()
	tests := []struct {
		format    string
		good      []string
		bad       []string
		patterns  bool     // the format's Pattern agrees with its Check on these values
		checkOnly []string // bad values that only Check rejects: the pattern cannot say why
	}{
		{format: "identifier", good: []string{"x", "_x", "customer_tier", "A1"}, bad: []string{"", "1st", "a-b", "a b", "ñ"}, patterns: true},
		{format: "exit", good: []string{"billing", "no_agents", "a1"}, bad: []string{"", "Billing", "no-agents", "_x", "1a"}, patterns: true},
		{format: "flow-id", good: []string{"facebook-care", "1st", "a_b"}, bad: []string{"", "-x", "Facebook"}, patterns: true},
		{format: "skill", good: []string{"billing", "es:billing", "L2.support"}, bad: []string{"", "x", "two words"}, patterns: true},
		{format: "switch-name", good: []string{"storm", "outage.payments"}, bad: []string{"Storm", ".x"}, patterns: true},
		{format: "country", good: []string{"AR", "ES"}, bad: []string{"ar", "ARG", ""}, patterns: true},
		{format: "header-name", good: []string{"X-Api-Key", "Authorization"}, bad: []string{"", "X Api", "X:Y"}, patterns: true},
		{format: "timezone", good: []string{"UTC", "America/Argentina/Buenos_Aires", "Etc/GMT+3", "America/Port-au-Prince"}, bad: []string{"", "-x", "Europe Rome", "Europe/Rome/"}, patterns: true,
			checkOnly: []string{"Local", "Nowhere/Zone"}},
		{format: "clock-range", good: []string{"09:00-18:00", "22:00-06:00", "00:00-24:00", " 09:00 - 13:00 "}, bad: []string{"09:00", "25:00-26:00", "24:00-08:00", "9:00-18:00", "09:60-10:00", "09:00-24:01"}, patterns: true,
			checkOnly: []string{"09:00-09:00"}},
		{format: "weekdays", good: []string{"mon-fri", "sat,sun", "Mon-Wed, fri", "FRI-mon"}, bad: []string{"weekdays", "", "mon-", "mon - fri", "mon,,fri", "monday"}, patterns: true},
		{format: "date-spec", good: []string{"12-25", "2026-12-24..2026-12-31", "12-24..01-06", " 12-24 .. 12-31 "}, bad: []string{"tomorrow", "13-01", "12-32", "2026-12-24..12-31", "12-24..", "2026-1-5"}, patterns: true,
			checkOnly: []string{"02-30", "2026-12-31..2026-12-24"}},
	}
	for _, tt := range tests {
		f := engine.Formats[tt.format]
		require.NotNil(t, f, tt.format)
		require.NotEmpty(t, f.Description, tt.format)
		for _, s := range tt.good {
			require.NoError(t, f.Check(s), "%s %q", tt.format, s)
		}
		for _, s := range tt.bad {
			require.Error(t, f.Check(s), "%s %q", tt.format, s)
		}
		if tt.patterns {
			re := regexpMust(t, f.Pattern)
			for _, s := range tt.good {
				require.True(t, re.MatchString(s), "%s: the schema pattern rejects %q", tt.format, s)
			}
			for _, s := range tt.bad {
				require.False(t, re.MatchString(s), "%s: the schema pattern accepts %q", tt.format, s)
			}
			for _, s := range tt.checkOnly {
				require.Error(t, f.Check(s), "%s %q", tt.format, s)
				require.True(t, re.MatchString(s), "%s: the schema pattern rejects %q, which checkOnly says it cannot", tt.format, s)
			}
		}
	}
}
