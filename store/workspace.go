package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// auditWorkspace names the workspace's settings in the audit log.
const auditWorkspace = "workspace"

type workspaceRow struct {
	Settings  string    `db:"settings"`
	UpdatedAt timestamp `db:"updated_at"`
	UpdatedBy string    `db:"updated_by"`
}

// WorkspaceSettingsGet returns the workspace's settings as the admin stored them; an empty
// map when they were never set.
func (s *sqlStore) WorkspaceSettingsGet(ctx context.Context) (map[string]any, error) {
	var r workspaceRow
	err := get(ctx, s.read, &r, `SELECT settings, updated_at, updated_by FROM workspace_settings WHERE id = 1`)
	out := map[string]any{}
	if err != nil {
		if err = s.fail(err, "workspace settings"); errors.Is(err, ErrNotFound) {
			return out, nil
		}
		return nil, err
	}
	if err := fromJSON(r.Settings, &out); err != nil {
		return nil, fmt.Errorf("workspace settings: %w", err)
	}
	return out, nil
}

// WorkspaceSettingsPut replaces the workspace's settings; the caller has checked them.
func (s *sqlStore) WorkspaceSettingsPut(ctx context.Context, settings map[string]any, by string) error {
	now := s.now()
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		_, err := exec(ctx, tx, `INSERT INTO workspace_settings (id, settings, updated_at, updated_by) VALUES (1, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			mustJSON(settings, "{}"), s.ts(now), by)
		if err != nil {
			return s.fail(err, "workspace settings")
		}
		names := make([]string, 0, len(settings))
		for k := range settings {
			names = append(names, k)
		}
		return s.audit(ctx, tx, now, by, auditWorkspace, "put", "settings", map[string]any{"settings": names})
	})
}
