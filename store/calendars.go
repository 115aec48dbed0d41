package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

type calendarRow struct {
	Name       string    `db:"name"`
	Definition string    `db:"definition"`
	Version    int64     `db:"version"`
	UpdatedAt  timestamp `db:"updated_at"`
}

func (r calendarRow) calendar() (Calendar, error) {
	var c Calendar
	if err := fromJSON(r.Definition, &c.CalendarDef); err != nil {
		return Calendar{}, fmt.Errorf("calendar %s: %w", r.Name, err)
	}
	c.Name, c.Version, c.UpdatedAt = r.Name, r.Version, r.UpdatedAt.Time
	return c, nil
}

const calendarColumns = `name, definition, version, updated_at`

// CalendarList returns the calendars by name.
func (s *sqlStore) CalendarList(ctx context.Context) ([]Calendar, error) {
	var rows []calendarRow
	if err := list(ctx, s.read, &rows, `SELECT `+calendarColumns+` FROM calendars ORDER BY name`); err != nil {
		return nil, fmt.Errorf("calendar list: %w", err)
	}
	out := make([]Calendar, len(rows))
	for i, r := range rows {
		c, err := r.calendar()
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

// CalendarGet returns a calendar; ErrNotFound when there is none.
func (s *sqlStore) CalendarGet(ctx context.Context, name string) (Calendar, error) {
	var r calendarRow
	if err := get(ctx, s.read, &r, `SELECT `+calendarColumns+` FROM calendars WHERE name = ?`, name); err != nil {
		return Calendar{}, s.fail(err, "calendar %s", name)
	}
	return r.calendar()
}

// CalendarPut creates a calendar at version 1 or replaces one and bumps its version; the
// Version given is ignored. ErrInvalid without a name or with an unknown time zone.
func (s *sqlStore) CalendarPut(ctx context.Context, c Calendar, by string) (Calendar, error) {
	if c.Name == "" {
		return Calendar{}, invalid("calendar: no name")
	}
	if _, err := time.LoadLocation(c.Timezone); err != nil {
		return Calendar{}, invalid("calendar %s: time zone %q: %v", c.Name, c.Timezone, err)
	}
	def := c.CalendarDef
	def.Version = 0
	definition, err := jsonArg(def, "{}")
	if err != nil {
		return Calendar{}, invalid("calendar %s: %v", c.Name, err)
	}
	now := s.now()
	var r calendarRow
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		err := get(ctx, tx, &r, `INSERT INTO calendars (name, definition, version, created_at, updated_at, updated_by)
			VALUES (?, ?, 1, ?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET definition = excluded.definition, version = calendars.version + 1,
				updated_at = excluded.updated_at, updated_by = excluded.updated_by
			RETURNING `+calendarColumns,
			c.Name, definition, s.ts(now), s.ts(now), by)
		if err != nil {
			return s.fail(err, "calendar %s", c.Name)
		}
		return s.audit(ctx, tx, now, by, auditCalendar, "put", c.Name, map[string]any{"version": r.Version, "timezone": c.Timezone})
	})
	if err != nil {
		return Calendar{}, err
	}
	return r.calendar()
}

// CalendarDelete deletes a calendar; ErrNotFound when there is none.
func (s *sqlStore) CalendarDelete(ctx context.Context, name, by string) error {
	return s.deleteAudited(ctx, `DELETE FROM calendars WHERE name = ?`, by, auditCalendar, name)
}
