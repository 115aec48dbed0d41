package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

type agentRow struct {
	ID              string    `db:"id"`
	Name            string    `db:"name"`
	Skills          string    `db:"skills"`
	Capacity        int       `db:"capacity"`
	ChannelCapacity string    `db:"channel_capacity"`
	Groups          string    `db:"groups"`
	Blending        bool      `db:"blending"`
	CreatedAt       timestamp `db:"created_at"`
	UpdatedAt       timestamp `db:"updated_at"`
}

func (r agentRow) agent() (Agent, error) {
	a := Agent{ID: r.ID, Name: r.Name, Skills: map[string]int{}, Capacity: r.Capacity, ChannelCapacity: map[string]int{},
		Groups: []string{}, Blending: r.Blending, CreatedAt: r.CreatedAt.Time, UpdatedAt: r.UpdatedAt.Time}
	for _, c := range []struct {
		text string
		v    any
	}{{r.Skills, &a.Skills}, {r.ChannelCapacity, &a.ChannelCapacity}, {r.Groups, &a.Groups}} {
		if err := fromJSON(c.text, c.v); err != nil {
			return Agent{}, fmt.Errorf("agent %s: %w", r.ID, err)
		}
	}
	return a, nil
}

const agentColumns = `id, name, skills, capacity, channel_capacity, groups, blending, created_at, updated_at`

// AgentList returns the agents by id.
func (s *sqlStore) AgentList(ctx context.Context) ([]Agent, error) {
	var rows []agentRow
	if err := list(ctx, s.read, &rows, `SELECT `+agentColumns+` FROM agents ORDER BY id`); err != nil {
		return nil, fmt.Errorf("agent list: %w", err)
	}
	out := make([]Agent, len(rows))
	for i, r := range rows {
		a, err := r.agent()
		if err != nil {
			return nil, err
		}
		out[i] = a
	}
	return out, nil
}

// AgentGet returns an agent; ErrNotFound when there is none.
func (s *sqlStore) AgentGet(ctx context.Context, id string) (Agent, error) {
	var r agentRow
	if err := get(ctx, s.read, &r, `SELECT `+agentColumns+` FROM agents WHERE id = ?`, id); err != nil {
		return Agent{}, s.fail(err, "agent %s", id)
	}
	return r.agent()
}

// AgentPut creates or replaces an agent; a replaced agent keeps its creation time. ErrInvalid
// without an id or with a negative capacity.
func (s *sqlStore) AgentPut(ctx context.Context, a Agent, by string) (Agent, error) {
	if a.ID == "" {
		return Agent{}, invalid("agent: no id")
	}
	if a.Capacity < 0 {
		return Agent{}, invalid("agent %s: capacity %d is negative", a.ID, a.Capacity)
	}
	now := s.now()
	var r agentRow
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		err := get(ctx, tx, &r, `INSERT INTO agents (`+agentColumns+`, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, skills = excluded.skills, capacity = excluded.capacity,
				channel_capacity = excluded.channel_capacity, groups = excluded.groups, blending = excluded.blending,
				updated_at = excluded.updated_at, updated_by = excluded.updated_by
			RETURNING `+agentColumns,
			a.ID, a.Name, mustJSON(a.Skills, "{}"), a.Capacity, mustJSON(a.ChannelCapacity, "{}"), mustJSON(a.Groups, "[]"),
			a.Blending, s.ts(now), s.ts(now), by)
		if err != nil {
			return s.fail(err, "agent %s", a.ID)
		}
		return s.audit(ctx, tx, now, by, auditAgent, "put", a.ID, map[string]any{"name": a.Name, "capacity": a.Capacity})
	})
	if err != nil {
		return Agent{}, err
	}
	return r.agent()
}

// AgentDelete deletes an agent; ErrNotFound when there is none. The agent's tokens stay until
// they are deleted.
func (s *sqlStore) AgentDelete(ctx context.Context, id, by string) error {
	return s.deleteAudited(ctx, `DELETE FROM agents WHERE id = ?`, by, auditAgent, id)
}
