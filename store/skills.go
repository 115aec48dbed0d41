package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

type skillRow struct {
	Name          string    `db:"name"`
	Description   string    `db:"description"`
	Dispositions  string    `db:"dispositions"`
	RequireAccept bool      `db:"require_accept"`
	Routing       string    `db:"routing"`
	CreatedAt     timestamp `db:"created_at"`
	UpdatedAt     timestamp `db:"updated_at"`
}

func (r skillRow) skill() (Skill, error) {
	sk := Skill{Name: r.Name, Description: r.Description, Dispositions: []string{}, RequireAccept: r.RequireAccept,
		CreatedAt: r.CreatedAt.Time, UpdatedAt: r.UpdatedAt.Time}
	if err := fromJSON(r.Dispositions, &sk.Dispositions); err != nil {
		return Skill{}, fmt.Errorf("skill %s dispositions: %w", r.Name, err)
	}
	if err := fromJSON(r.Routing, &sk.SkillRouting); err != nil {
		return Skill{}, fmt.Errorf("skill %s routing: %w", r.Name, err)
	}
	return sk, nil
}

const skillColumns = `name, description, dispositions, require_accept, routing, created_at, updated_at`

// SkillList returns the skills by name.
func (s *sqlStore) SkillList(ctx context.Context) ([]Skill, error) {
	var rows []skillRow
	if err := list(ctx, s.read, &rows, `SELECT `+skillColumns+` FROM skills ORDER BY name`); err != nil {
		return nil, fmt.Errorf("skill list: %w", err)
	}
	out := make([]Skill, len(rows))
	for i, r := range rows {
		sk, err := r.skill()
		if err != nil {
			return nil, err
		}
		out[i] = sk
	}
	return out, nil
}

// SkillGet returns a skill; ErrNotFound when there is none.
func (s *sqlStore) SkillGet(ctx context.Context, name string) (Skill, error) {
	var r skillRow
	if err := get(ctx, s.read, &r, `SELECT `+skillColumns+` FROM skills WHERE name = ?`, name); err != nil {
		return Skill{}, s.fail(err, "skill %s", name)
	}
	return r.skill()
}

// SkillPut creates or replaces a skill; a replaced skill keeps its creation time.
func (s *sqlStore) SkillPut(ctx context.Context, sk Skill, by string) (Skill, error) {
	if sk.Name == "" {
		return Skill{}, invalid("skill: no name")
	}
	now := s.now()
	var r skillRow
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		err := get(ctx, tx, &r, `INSERT INTO skills (`+skillColumns+`, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET description = excluded.description, dispositions = excluded.dispositions,
				require_accept = excluded.require_accept, routing = excluded.routing, updated_at = excluded.updated_at, updated_by = excluded.updated_by
			RETURNING `+skillColumns,
			sk.Name, sk.Description, mustJSON(sk.Dispositions, "[]"), sk.RequireAccept, mustJSON(sk.SkillRouting, "{}"), s.ts(now), s.ts(now), by)
		if err != nil {
			return s.fail(err, "skill %s", sk.Name)
		}
		return s.audit(ctx, tx, now, by, auditSkill, "put", sk.Name, map[string]any{"require_accept": sk.RequireAccept, "strategy": sk.Strategy})
	})
	if err != nil {
		return Skill{}, err
	}
	return r.skill()
}

// SkillDelete deletes a skill; ErrNotFound when there is none. Agents and channels naming it
// keep the name.
func (s *sqlStore) SkillDelete(ctx context.Context, name, by string) error {
	return s.deleteAudited(ctx, `DELETE FROM skills WHERE name = ?`, by, auditSkill, name)
}
