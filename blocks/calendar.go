package blocks

import (
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/rickar/cal/v2"

	"github.com/switchboardhq/switchboard/engine"
)

// weeklyHours are opening hours per weekday in one zone.
type weeklyHours struct {
	loc  *time.Location
	days [7][]engine.ClockRange // by time.Weekday
}

// newWeeklyHours reads a mapping of day sets to time ranges ("mon-fri": ["09:00-13:00"]).
// A day named by several keys gets the ranges of all of them.
func newWeeklyHours(loc *time.Location, open []engine.Entry) (*weeklyHours, error) {
	h := &weeklyHours{loc: loc}
	for _, e := range open {
		days, err := engine.ParseWeekdays(e.Key)
		if err != nil {
			return nil, engine.ParamErrorf("open."+e.Key, "%v", err)
		}
		var ranges []engine.ClockRange
		for i, v := range e.Value.([]any) {
			r, err := engine.ParseClockRange(v.(string))
			if err != nil {
				return nil, engine.ParamErrorf(fmt.Sprintf("open.%s[%d]", e.Key, i), "%v", err)
			}
			ranges = append(ranges, r)
		}
		for d, on := range days {
			if on {
				h.days[d] = append(h.days[d], ranges...)
			}
		}
	}
	return h, nil
}

// Open tells whether t falls in an opening range: one of its own day, or one of the day before
// that runs past midnight.
func (h *weeklyHours) Open(t time.Time) bool {
	t = t.In(h.loc)
	hour, mins, _ := t.Clock()
	minute := hour*60 + mins
	day := t.Weekday()
	for _, r := range h.days[day] {
		if r.Overnight() {
			if minute >= r.Start {
				return true
			}
		} else if minute >= r.Start && minute < r.End {
			return true
		}
	}
	for _, r := range h.days[(day+6)%7] {
		if r.Overnight() && minute < r.End {
			return true
		}
	}
	return false
}

// specialDays are listed dates and a country's public holidays, read in one zone.
type specialDays struct {
	loc      *time.Location
	dates    []engine.DateSpec
	holidays []*cal.Holiday
}

// Special tells whether the local date of t is a special day, and names the holiday when it is one.
func (s *specialDays) Special(t time.Time) (bool, string) {
	y, m, d := t.In(s.loc).Date()
	for _, spec := range s.dates {
		if spec.ContainsDate(y, m, d) {
			return true, ""
		}
	}
	for _, h := range s.holidays {
		// the observed date is the day off: a holiday moved to a Monday leaves its own date a working day
		_, observed := h.Calc(y)
		if !observed.IsZero() && observed.Year() == y && observed.Month() == m && observed.Day() == d {
			return true, h.Name
		}
	}
	return false, ""
}

// moment evaluates a block's `at` expression to the time it checks. A time that cannot be read
// is the zero time, which no calendar counts as open or special.
func moment(c *engine.Context, at *engine.Expression) (time.Time, error) {
	t, ok, err := c.EvalTime(at)
	if err != nil || ok {
		return t, err
	}
	v, err := c.Eval(at)
	if err != nil {
		return time.Time{}, err
	}
	switch t := v.(type) {
	case string:
		parsed, err := time.Parse(time.RFC3339, t)
		if err != nil {
			return time.Time{}, nil
		}
		return parsed, nil
	case nil:
		return time.Time{}, nil
	}
	return time.Time{}, fmt.Errorf("at gave %s (%T); it must give a time such as now or interaction.time", engine.Stringify(v), v)
}

// namedCalendars compiles the named calendars a block reads, once per calendar version.
type namedCalendars struct {
	mu    sync.Mutex
	cache map[string]*compiledCalendar
}

type compiledCalendar struct {
	def     engine.CalendarDef // a copy of what was compiled
	hours   *weeklyHours
	special *specialDays
}

// sameCalendar tells whether two calendar definitions say the same. The version alone is not
// enough: two stores (two simulations of one loaded flow) may hold different calendars under
// one name and version.
func sameCalendar(a, b *engine.CalendarDef) bool {
	return a.Version == b.Version && a.Timezone == b.Timezone && a.Country == b.Country &&
		slices.Equal(a.Special, b.Special) &&
		maps.EqualFunc(a.Open, b.Open, func(x, y []string) bool { return slices.Equal(x, y) })
}

func (n *namedCalendars) get(c *engine.Context, name string) (*compiledCalendar, error) {
	src := c.Runtime().Calendars
	if src == nil {
		return nil, fmt.Errorf("calendar %q: no calendars are configured", name)
	}
	def, err := src.Calendar(c.Context(), name)
	if err != nil {
		return nil, fmt.Errorf("calendar %q: %w", name, err)
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if cc, ok := n.cache[name]; ok && sameCalendar(&cc.def, def) {
		return cc, nil
	}
	cc, err := compileCalendar(def)
	if err != nil {
		return nil, fmt.Errorf("calendar %q: %w", name, err)
	}
	if n.cache == nil {
		n.cache = map[string]*compiledCalendar{}
	}
	n.cache[name] = cc
	return cc, nil
}

// compileCalendar checks and compiles a named calendar.
func compileCalendar(def *engine.CalendarDef) (*compiledCalendar, error) {
	loc, err := engine.LoadLocation(def.Timezone)
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(def.Open))
	for k := range def.Open {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var open []engine.Entry
	for _, k := range keys {
		ranges := make([]any, len(def.Open[k]))
		for i, r := range def.Open[k] {
			ranges[i] = r
		}
		open = append(open, engine.Entry{Key: k, Value: ranges})
	}
	hours, err := newWeeklyHours(loc, open)
	if err != nil {
		return nil, err
	}
	special, err := newSpecialDays(loc, def.Special, def.Country)
	if err != nil {
		return nil, err
	}
	copied := *def
	copied.Special = slices.Clone(def.Special)
	copied.Open = make(map[string][]string, len(def.Open))
	for k, v := range def.Open {
		copied.Open[k] = slices.Clone(v)
	}
	return &compiledCalendar{def: copied, hours: hours, special: special}, nil
}

// CheckCalendar reports what is wrong with a named calendar, for the admin API.
func CheckCalendar(def *engine.CalendarDef) error {
	_, err := compileCalendar(def)
	return err
}

func newSpecialDays(loc *time.Location, dates []string, country string) (*specialDays, error) {
	s := &specialDays{loc: loc}
	for i, d := range dates {
		spec, err := engine.ParseDateSpec(d)
		if err != nil {
			return nil, engine.ParamErrorf(fmt.Sprintf("dates[%d]", i), "%v", err)
		}
		s.dates = append(s.dates, spec)
	}
	if country != "" {
		h, ok := holidays[country]
		if !ok {
			return nil, engine.ParamErrorf("country", "%v", holidayCountryFormat.Check(country))
		}
		s.holidays = h
	}
	return s, nil
}

// Calendar is a compiled named calendar: opening hours and special days in a zone.
type Calendar struct{ c *compiledCalendar }

// CompileCalendar checks and compiles a named calendar.
func CompileCalendar(def *engine.CalendarDef) (*Calendar, error) {
	c, err := compileCalendar(def)
	if err != nil {
		return nil, err
	}
	return &Calendar{c: c}, nil
}

// Open tells whether t is in opening hours and not on a special day.
func (c *Calendar) Open(t time.Time) bool {
	if special, _ := c.c.special.Special(t); special {
		return false
	}
	return c.c.hours.Open(t)
}

// WorkingTime returns how much of [from, to) falls in opening hours, special days excluded: the
// time an SLA counts. Its cost grows with the number of days crossed.
func (c *Calendar) WorkingTime(from, to time.Time) time.Duration {
	if !to.After(from) {
		return 0
	}
	loc := c.c.hours.loc
	var total time.Duration
	// Walk day by day in the calendar's zone, from the day before (its overnight ranges may
	// spill into the interval); each day's ranges are intersected with the interval.
	y, m, d := from.In(loc).Date()
	day := time.Date(y, m, d-1, 0, 0, 0, 0, loc)
	for day.Before(to) {
		dy, dm, dd := day.Date()
		if special, _ := c.c.special.Special(time.Date(dy, dm, dd, 12, 0, 0, 0, loc)); !special {
			for _, r := range c.c.hours.days[day.Weekday()] {
				// time.Date keeps wall times right across daylight saving changes
				start := time.Date(dy, dm, dd, 0, r.Start, 0, 0, loc)
				end := time.Date(dy, dm, dd, 0, r.End, 0, 0, loc)
				if r.Overnight() {
					end = time.Date(dy, dm, dd+1, 0, r.End, 0, 0, loc)
				}
				total += overlap(start, end, from, to)
			}
		}
		day = time.Date(dy, dm, dd+1, 0, 0, 0, 0, loc)
	}
	return total
}

func overlap(a0, a1, b0, b1 time.Time) time.Duration {
	start, end := a0, a1
	if b0.After(start) {
		start = b0
	}
	if b1.Before(end) {
		end = b1
	}
	if end.After(start) {
		return end.Sub(start)
	}
	return 0
}
