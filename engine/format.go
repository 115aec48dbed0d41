package engine

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // IANA zones even on machines without a zoneinfo database
)

// Format is a named check on string parameter values.
type Format struct {
	// Description says what a valid value looks like, for the docs.
	Description string
	// Pattern is a regular expression for the JSON Schema; Check has the last word.
	Pattern string
	// Check returns an error that says what is wrong and how to write it.
	Check func(s string) error
}

// Formats are the formats parameters may name. Custom blocks may add their own at init time.
var Formats = map[string]*Format{
	"identifier": {
		Description: "a variable name: a letter or _, then letters, digits or _",
		Pattern:     `^[A-Za-z_][A-Za-z0-9_]{0,63}$`,
		Check:       patternCheck(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`, "a variable name like customer_tier"),
	},
	"exit": {
		Description: "an exit name: lower case letters, digits and _, starting with a letter",
		Pattern:     `^[a-z][a-z0-9_]{0,31}$`,
		Check:       patternCheck(ExitPattern.String(), "an exit name like billing or no_agents"),
	},
	"flow-id": {
		Description: "a flow id: lower case letters, digits, - and _",
		Pattern:     `^[a-z0-9][a-z0-9_-]{0,63}$`,
		Check:       patternCheck(`^[a-z0-9][a-z0-9_-]{0,63}$`, "a flow id like facebook-care"),
	},
	"skill": {
		Description: "a skill name: 2 to 30 letters, digits, -, _, . or :",
		Pattern:     `^[A-Za-z0-9_.:-]{2,30}$`,
		Check:       patternCheck(`^[A-Za-z0-9_.:-]{2,30}$`, "a skill name of 2 to 30 letters, digits, -, _, . or :, like billing"),
	},
	"switch-name": {
		Description: "an emergency switch name: lower case letters, digits, -, _ and .",
		Pattern:     `^[a-z0-9][a-z0-9_.-]{0,63}$`,
		Check:       patternCheck(`^[a-z0-9][a-z0-9_.-]{0,63}$`, "a switch name like storm or outage.payments"),
	},
	"timezone": {
		Description: "an IANA time zone such as America/Argentina/Buenos_Aires or UTC",
		Pattern:     `^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$`,
		Check: func(s string) error {
			if _, err := LoadLocation(s); err != nil {
				return err
			}
			return nil
		},
	},
	"clock-range": {
		Description: "a time range HH:MM-HH:MM; a range that ends before it starts runs past midnight",
		Pattern:     clockRangePattern,
		Check: func(s string) error {
			_, err := ParseClockRange(s)
			return err
		},
	},
	"weekdays": {
		Description: "days of the week: mon, mon-fri, sat,sun or mon-wed,fri",
		Pattern:     weekdaysPattern(),
		Check: func(s string) error {
			_, err := ParseWeekdays(s)
			return err
		},
	},
	"date-spec": {
		Description: "a date 2026-12-25, a range 2026-12-24..2026-12-31, a yearly date 12-25 or a yearly range 12-24..12-31",
		Pattern:     dateSpecPattern,
		Check: func(s string) error {
			_, err := ParseDateSpec(s)
			return err
		},
	},
	"country": {
		Description: "an ISO 3166-1 alpha-2 country code in upper case, such as AR or ES",
		Pattern:     `^[A-Z]{2}$`,
		Check:       patternCheck(`^[A-Z]{2}$`, "an upper-case ISO country code like AR"),
	},
	"header-name": {
		Description: "an HTTP header name",
		Pattern:     "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$",
		Check:       patternCheck("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$", "an HTTP header name like X-Api-Key"),
	},
}

// The patterns of formats whose Check does more than a pattern can (a range that starts and
// ends at the same time, the 31st of a short month, a zone that does not exist): the JSON Schema
// rejects what it can, `switchboard validate` the rest.
const (
	clockStart        = `([01][0-9]|2[0-3]):[0-5][0-9]`
	clockRangePattern = `^\s*` + clockStart + `\s*-\s*(` + clockStart + `|24:00)\s*$`
	monthDay          = `(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])`
	dateSpecPattern   = `^\s*(` + monthDay + `\s*(\.\.\s*` + monthDay + `\s*)?` +
		`|[0-9]{4}-` + monthDay + `\s*(\.\.\s*[0-9]{4}-` + monthDay + `\s*)?)$`
)

// weekdaysPattern spells the day names in any case, as ParseWeekdays reads them: JSON Schema
// patterns have no case-insensitive flag.
func weekdaysPattern() string {
	names := make([]string, len(weekdayNames))
	for i, n := range weekdayNames {
		var b strings.Builder
		for _, r := range n {
			b.WriteString("[" + string(r) + strings.ToUpper(string(r)) + "]")
		}
		names[i] = b.String()
	}
	day := "(" + strings.Join(names, "|") + ")"
	part := `\s*` + day + `(-` + day + `)?\s*`
	return "^" + part + "(," + part + ")*$"
}

func patternCheck(pattern, want string) func(string) error {
	re := regexp.MustCompile(pattern)
	return func(s string) error {
		if !re.MatchString(s) {
			return fmt.Errorf("%q is not %s", s, want)
		}
		return nil
	}
}

// LoadLocation loads an IANA time zone, refusing the empty name and "Local", which would
// make a flow behave differently on another machine.
func LoadLocation(name string) (*time.Location, error) {
	if name == "" || name == "Local" {
		return nil, fmt.Errorf("%q is not an IANA time zone; write one such as America/Argentina/Buenos_Aires or UTC", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q; write an IANA zone such as America/Argentina/Buenos_Aires or UTC", name)
	}
	return loc, nil
}

// ParseDuration reads a duration such as 90s, 15m, 1h30m or 7d (days of 24 hours).
func ParseDuration(s string) (time.Duration, error) {
	bad := fmt.Errorf("%q is not a duration; write one such as 90s, 15m, 1h30m or 7d", s)
	if s == "" {
		return 0, bad
	}
	var days time.Duration
	if i := strings.IndexByte(s, 'd'); i > 0 {
		n, err := strconv.Atoi(s[:i])
		if err != nil || n < 0 || n > int(math.MaxInt64/int64(24*time.Hour)) { // more would overflow
			return 0, bad
		}
		days = time.Duration(n) * 24 * time.Hour
		s = s[i+1:]
		if s == "" {
			return days, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 || d > math.MaxInt64-days {
		return 0, bad
	}
	return days + d, nil
}

// ClockRange is a daily opening range in minutes since midnight. End ≤ Start means the range
// runs past midnight into the next day.
type ClockRange struct{ Start, End int }

// Overnight tells whether the range runs past midnight.
func (r ClockRange) Overnight() bool { return r.End <= r.Start }

// ParseClockRange reads "HH:MM-HH:MM". 24:00 is allowed as an end.
func ParseClockRange(s string) (ClockRange, error) {
	from, to, ok := strings.Cut(s, "-")
	if !ok {
		return ClockRange{}, fmt.Errorf("%q is not a time range; write one such as 09:00-18:00", s)
	}
	start, err := parseClock(strings.TrimSpace(from), false)
	if err != nil {
		return ClockRange{}, err
	}
	end, err := parseClock(strings.TrimSpace(to), true)
	if err != nil {
		return ClockRange{}, err
	}
	if start == end {
		return ClockRange{}, fmt.Errorf("%q is empty; a range must start and end at different times (00:00-24:00 is the whole day)", s)
	}
	return ClockRange{Start: start, End: end}, nil
}

func parseClock(s string, end bool) (int, error) {
	if len(s) != 5 || s[2] != ':' || !isDigits(s[:2]) || !isDigits(s[3:]) {
		return 0, fmt.Errorf("%q is not a time of day; write HH:MM from 00:00 to 23:59", s)
	}
	h, err1 := strconv.Atoi(s[:2])
	m, err2 := strconv.Atoi(s[3:])
	if err1 != nil || err2 != nil || m > 59 || h > 24 || (h == 24 && (m != 0 || !end)) {
		return 0, fmt.Errorf("%q is not a time of day; write HH:MM from 00:00 to 23:59 (24:00 only as an end)", s)
	}
	return h*60 + m, nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

var weekdayNames = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// ParseWeekdays reads "mon", "mon-fri", "sat,sun" or "mon-wed,fri" into a set of weekdays.
// Ranges wrap around the week: "fri-mon" is Friday to Monday.
func ParseWeekdays(s string) ([7]bool, error) {
	var set [7]bool
	bad := fmt.Errorf("%q is not a set of days; write mon, mon-fri, sat,sun or mon-wed,fri (days: mon tue wed thu fri sat sun)", s)
	for part := range strings.SplitSeq(s, ",") {
		from, to, isRange := strings.Cut(strings.TrimSpace(part), "-")
		a := dayIndex(from)
		if a < 0 {
			return set, bad
		}
		if !isRange {
			set[a] = true
			continue
		}
		b := dayIndex(to)
		if b < 0 {
			return set, bad
		}
		for d := a; ; d = (d + 1) % 7 {
			set[d] = true
			if d == b {
				break
			}
		}
	}
	return set, nil
}

func dayIndex(s string) int {
	for i, n := range weekdayNames {
		if strings.EqualFold(s, n) {
			return i
		}
	}
	return -1
}

// DateSpec is one entry of a list of special days: a date, a range of dates, or the same for
// every year (Year 0).
type DateSpec struct {
	Yearly   bool
	From, To time.Time // dates at midnight UTC; for yearly specs the year is 2000 (a leap year)

	from, to int // From and To as dateKey, kept by ParseDateSpec; 0 when not kept
}

// dateKey orders calendar dates as integers.
func dateKey(y int, m time.Month, day int) int { return y<<9 | int(m)<<5 | day }

// keys returns From and To as dateKey.
func (d DateSpec) keys() (from, to int) {
	if d.from == 0 && d.to == 0 {
		y, m, day := d.From.Date()
		from = dateKey(y, m, day)
		y, m, day = d.To.Date()
		return from, dateKey(y, m, day)
	}
	return d.from, d.to
}

// ParseDateSpec reads 2026-12-25, 2026-12-24..2026-12-31, 12-25 or 12-24..12-31.
func ParseDateSpec(s string) (DateSpec, error) {
	bad := fmt.Errorf("%q is not a date; write 2026-12-25, 2026-12-24..2026-12-31, 12-25 (every year) or 12-24..12-31", s)
	from, to, isRange := strings.Cut(s, "..")
	if !isRange {
		to = from
	}
	a, yearlyA, err := parseDate(strings.TrimSpace(from))
	if err != nil {
		return DateSpec{}, bad
	}
	b, yearlyB, err := parseDate(strings.TrimSpace(to))
	if err != nil || yearlyA != yearlyB {
		return DateSpec{}, bad
	}
	if b.Before(a) && !yearlyA {
		return DateSpec{}, fmt.Errorf("%q ends before it starts", s)
	}
	d := DateSpec{Yearly: yearlyA, From: a, To: b}
	d.from, d.to = d.keys()
	return d, nil
}

func parseDate(s string) (time.Time, bool, error) {
	if len(s) == 5 {
		t, err := time.Parse("2006-01-02", "2000-"+s)
		return t, true, err
	}
	t, err := time.Parse("2006-01-02", s)
	return t, false, err
}

// Contains tells whether the calendar date of t (read in its own location) is in the spec.
// A yearly range that ends before it starts wraps over New Year (12-24..01-06).
func (d DateSpec) Contains(t time.Time) bool {
	y, m, day := t.Date()
	return d.ContainsDate(y, m, day)
}

// ContainsDate tells whether the calendar date y-m-day is in the spec.
func (d DateSpec) ContainsDate(y int, m time.Month, day int) bool {
	from, to := d.keys()
	if d.Yearly {
		y = 2000
	}
	date := dateKey(y, m, day)
	if d.Yearly && to < from {
		return date >= from || date <= to
	}
	return date >= from && date <= to
}
