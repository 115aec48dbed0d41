package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
)

type flowRow struct {
	ID            string    `db:"id"`
	Name          string    `db:"name"`
	Description   string    `db:"description"`
	Source        string    `db:"source"`
	Format        string    `db:"format"`
	Revision      int64     `db:"revision"`
	LatestVersion int       `db:"latest_version"`
	CreatedAt     timestamp `db:"created_at"`
	UpdatedAt     timestamp `db:"updated_at"`
	UpdatedBy     string    `db:"updated_by"`
}

func (r flowRow) flow() Flow {
	return Flow{ID: r.ID, Name: r.Name, Description: r.Description, Source: r.Source, Format: r.Format,
		Revision: r.Revision, LatestVersion: r.LatestVersion, CreatedAt: r.CreatedAt.Time,
		UpdatedAt: r.UpdatedAt.Time, UpdatedBy: r.UpdatedBy}
}

type flowVersionRow struct {
	FlowID    string    `db:"flow_id"`
	Version   int       `db:"version"`
	Source    string    `db:"source"`
	Format    string    `db:"format"`
	Author    string    `db:"author"`
	Message   string    `db:"message"`
	CreatedAt timestamp `db:"created_at"`
}

func (r flowVersionRow) version() FlowVersion {
	return FlowVersion{FlowID: r.FlowID, Version: r.Version, Source: r.Source, Format: r.Format,
		Author: r.Author, Message: r.Message, CreatedAt: r.CreatedAt.Time}
}

const (
	flowColumns        = `id, name, description, source, format, revision, latest_version, created_at, updated_at, updated_by`
	flowVersionColumns = `flow_id, version, source, format, author, message, created_at`
)

// Flow formats.
var flowFormats = []string{"yaml", "json"}

// checkFormat validates a flow format; "" is allowed and means a default.
func checkFormat(id, format string) error {
	if format != "" && format != "yaml" && format != "json" {
		return invalid("flow %s: format %q is not one of %s", id, format, strings.Join(flowFormats, ", "))
	}
	return nil
}

// FlowList returns every flow's draft, by id.
func (s *sqlStore) FlowList(ctx context.Context) ([]Flow, error) {
	var rows []flowRow
	if err := list(ctx, s.read, &rows, `SELECT `+flowColumns+` FROM flows ORDER BY id`); err != nil {
		return nil, fmt.Errorf("flow list: %w", err)
	}
	out := make([]Flow, len(rows))
	for i, r := range rows {
		out[i] = r.flow()
	}
	return out, nil
}

// FlowGet returns a flow's draft; ErrNotFound when there is none.
func (s *sqlStore) FlowGet(ctx context.Context, id string) (Flow, error) {
	return s.flowGet(ctx, s.read, id, "")
}

func (s *sqlStore) flowGet(ctx context.Context, q sqlx.ExtContext, id, lock string) (Flow, error) {
	var r flowRow
	if err := get(ctx, q, &r, `SELECT `+flowColumns+` FROM flows WHERE id = ?`+lock, id); err != nil {
		return Flow{}, s.fail(err, "flow %s", id)
	}
	return r.flow(), nil
}

// FlowCreate stores a new flow at revision 1 without published versions; the format is
// "yaml" when empty. ErrExists when the id is taken, ErrInvalid without an id.
func (s *sqlStore) FlowCreate(ctx context.Context, f Flow, by string) (Flow, error) {
	if f.ID == "" {
		return Flow{}, invalid("flow: no id")
	}
	if err := checkFormat(f.ID, f.Format); err != nil {
		return Flow{}, err
	}
	if f.Format == "" {
		f.Format = "yaml"
	}
	now := s.now()
	var r flowRow
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		err := get(ctx, tx, &r, `INSERT INTO flows (`+flowColumns+`)
			VALUES (?, ?, ?, ?, ?, 1, 0, ?, ?, ?) RETURNING `+flowColumns,
			f.ID, f.Name, f.Description, f.Source, f.Format, s.ts(now), s.ts(now), by)
		if err != nil {
			return s.fail(err, "flow %s", f.ID)
		}
		return s.audit(ctx, tx, now, by, auditFlow, "create", f.ID, map[string]any{"name": f.Name, "format": f.Format})
	})
	return r.flow(), err
}

// FlowUpdateDraft replaces a draft's name, description and source, and its format unless
// empty, and bumps its revision. With IfRevision set, a draft at another revision is left
// alone: ErrStale with the current draft. ErrNotFound when there is no such flow.
func (s *sqlStore) FlowUpdateDraft(ctx context.Context, p FlowUpdateParams) (Flow, error) {
	if err := checkFormat(p.ID, p.Format); err != nil {
		return Flow{}, err
	}
	now := s.now()
	var r flowRow
	var stale bool
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		// The condition on the revision makes the check and the write one statement, so two
		// writers from the same revision cannot both succeed.
		err := get(ctx, tx, &r, `UPDATE flows SET name = ?, description = ?, source = ?,
				format = coalesce(nullif(?, ''), format), revision = revision + 1, updated_at = ?, updated_by = ?
			WHERE id = ? AND (? = 0 OR revision = ?) RETURNING `+flowColumns,
			p.Name, p.Description, p.Source, p.Format, s.ts(now), p.By, p.ID, p.IfRevision, p.IfRevision)
		if err != nil {
			err = s.fail(err, "flow %s", p.ID)
			if p.IfRevision != 0 && isNotFound(err) {
				// Missing, or at another revision: tell which.
				if err := get(ctx, tx, &r, `SELECT `+flowColumns+` FROM flows WHERE id = ?`, p.ID); err != nil {
					return s.fail(err, "flow %s", p.ID)
				}
				stale = true
				return fmt.Errorf("flow %s: draft is at revision %d, not %d: %w", p.ID, r.Revision, p.IfRevision, ErrStale)
			}
			return err
		}
		return s.audit(ctx, tx, now, p.By, auditFlow, "update", p.ID, map[string]any{"revision": r.Revision})
	})
	if err != nil && !stale {
		return Flow{}, err
	}
	return r.flow(), err
}

// FlowDelete deletes a flow and its versions. ErrInUse while a channel has it as its default
// flow; ErrNotFound when there is no such flow.
func (s *sqlStore) FlowDelete(ctx context.Context, id, by string) error {
	now := s.now()
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		var users []string
		if err := list(ctx, tx, &users, `SELECT id FROM channels WHERE default_flow = ? ORDER BY id`, id); err != nil {
			return fmt.Errorf("flow %s: %w", id, err)
		}
		if len(users) > 0 {
			return fmt.Errorf("flow %s is the default flow of channel %s: %w", id, strings.Join(users, ", "), ErrInUse)
		}
		if _, err := exec(ctx, tx, `DELETE FROM flow_versions WHERE flow_id = ?`, id); err != nil {
			return fmt.Errorf("flow %s: %w", id, err)
		}
		n, err := exec(ctx, tx, `DELETE FROM flows WHERE id = ?`, id)
		if err != nil {
			return fmt.Errorf("flow %s: %w", id, err)
		}
		if err := notFound(n, "flow %s", id); err != nil {
			return err
		}
		return s.audit(ctx, tx, now, by, auditFlow, "delete", id, nil)
	})
}

// FlowPublish stores the next version of a flow: its latest version plus one. Source and
// Format default to the draft's when empty; Name and Description replace the flow's when
// given. The draft becomes the published source, at a new revision.
//
// Publishes of one flow take turns: on PostgreSQL the transaction locks the flow's row before
// reading its latest version (SELECT … FOR UPDATE), and SQLite runs one transaction at a time.
// The (flow_id, version) primary key backs this: a duplicate version fails, it is never lost.
func (s *sqlStore) FlowPublish(ctx context.Context, p FlowPublishParams) (FlowVersion, error) {
	if err := checkFormat(p.ID, p.Format); err != nil {
		return FlowVersion{}, err
	}
	now := s.now()
	var v flowVersionRow
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		f, err := s.flowGet(ctx, tx, p.ID, s.dialect.lockRow)
		if err != nil {
			return err
		}
		source, format := p.Source, p.Format
		if source == "" {
			source = f.Source
		}
		if format == "" {
			format = f.Format
		}
		name, description := f.Name, f.Description
		if p.Name != "" {
			name = p.Name
		}
		if p.Description != "" {
			description = p.Description
		}
		version := f.LatestVersion + 1
		err = get(ctx, tx, &v, `INSERT INTO flow_versions (`+flowVersionColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING `+flowVersionColumns,
			p.ID, version, source, format, p.Author, p.Message, s.ts(now))
		if err != nil {
			return s.fail(err, "flow %s version %d", p.ID, version)
		}
		_, err = exec(ctx, tx, `UPDATE flows SET latest_version = ?, source = ?, format = ?, name = ?, description = ?,
				revision = revision + 1, updated_at = ?, updated_by = ?
			WHERE id = ?`,
			version, source, format, name, description, s.ts(now), p.Author, p.ID)
		if err != nil {
			return fmt.Errorf("flow %s: %w", p.ID, err)
		}
		return s.audit(ctx, tx, now, p.Author, auditFlow, "publish", p.ID, map[string]any{"version": version, "message": p.Message})
	})
	if err != nil {
		return FlowVersion{}, err
	}
	return v.version(), nil
}

// FlowVersionList returns a flow's published versions, newest first; ErrNotFound when there is
// no such flow.
func (s *sqlStore) FlowVersionList(ctx context.Context, id string) ([]FlowVersion, error) {
	var rows []flowVersionRow
	if err := list(ctx, s.read, &rows, `SELECT `+flowVersionColumns+` FROM flow_versions
		WHERE flow_id = ? ORDER BY version DESC`, id); err != nil {
		return nil, fmt.Errorf("flow %s versions: %w", id, err)
	}
	if len(rows) == 0 {
		if _, err := s.FlowGet(ctx, id); err != nil {
			return nil, err
		}
	}
	out := make([]FlowVersion, len(rows))
	for i, r := range rows {
		out[i] = r.version()
	}
	return out, nil
}

// FlowVersionGet returns a version of a flow, the latest for version 0; ErrNotFound when the
// flow or the version does not exist.
func (s *sqlStore) FlowVersionGet(ctx context.Context, id string, version int) (FlowVersion, error) {
	var r flowVersionRow
	var err error
	if version == 0 {
		err = get(ctx, s.read, &r, `SELECT `+flowVersionColumns+` FROM flow_versions
			WHERE flow_id = ? ORDER BY version DESC LIMIT 1`, id)
		if err != nil {
			return FlowVersion{}, s.fail(err, "flow %s: no published version", id)
		}
		return r.version(), nil
	}
	err = get(ctx, s.read, &r, `SELECT `+flowVersionColumns+` FROM flow_versions WHERE flow_id = ? AND version = ?`, id, version)
	if err != nil {
		return FlowVersion{}, s.fail(err, "flow %s version %d", id, version)
	}
	return r.version(), nil
}
