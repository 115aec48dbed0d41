package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

type switchRow struct {
	Name      string    `db:"name"`
	On        bool      `db:"is_on"`
	UpdatedAt timestamp `db:"updated_at"`
	UpdatedBy string    `db:"updated_by"`
}

func (r switchRow) sw() Switch {
	return Switch{Name: r.Name, On: r.On, UpdatedAt: r.UpdatedAt.Time, UpdatedBy: r.UpdatedBy}
}

const switchColumns = `name, is_on, updated_at, updated_by`

// SwitchList returns the switches ever set, by name.
func (s *sqlStore) SwitchList(ctx context.Context) ([]Switch, error) {
	var rows []switchRow
	if err := list(ctx, s.read, &rows, `SELECT `+switchColumns+` FROM switches ORDER BY name`); err != nil {
		return nil, fmt.Errorf("switch list: %w", err)
	}
	out := make([]Switch, len(rows))
	for i, r := range rows {
		out[i] = r.sw()
	}
	return out, nil
}

// SwitchGet returns a switch; ErrNotFound when it was never set, which callers read as off.
func (s *sqlStore) SwitchGet(ctx context.Context, name string) (Switch, error) {
	var r switchRow
	if err := get(ctx, s.read, &r, `SELECT `+switchColumns+` FROM switches WHERE name = ?`, name); err != nil {
		return Switch{}, s.fail(err, "switch %s", name)
	}
	return r.sw(), nil
}

// SwitchSet turns a switch on or off, creating it when it was never set.
func (s *sqlStore) SwitchSet(ctx context.Context, name string, on bool, by string) (Switch, error) {
	if name == "" {
		return Switch{}, invalid("switch: no name")
	}
	now := s.now()
	var r switchRow
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		err := get(ctx, tx, &r, `INSERT INTO switches (`+switchColumns+`) VALUES (?, ?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET is_on = excluded.is_on, updated_at = excluded.updated_at, updated_by = excluded.updated_by
			RETURNING `+switchColumns,
			name, on, s.ts(now), by)
		if err != nil {
			return s.fail(err, "switch %s", name)
		}
		return s.audit(ctx, tx, now, by, auditSwitch, "set", name, map[string]any{"on": on})
	})
	if err != nil {
		return Switch{}, err
	}
	return r.sw(), nil
}
