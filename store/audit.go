package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// Audit objects: what AuditEntry.Object names.
const (
	auditFlow     = "flow"
	auditChannel  = "channel"
	auditSkill    = "skill"
	auditAgent    = "agent"
	auditCalendar = "calendar"
	auditSwitch   = "switch"
	auditContact  = "contact"
	auditToken    = "token"
)

// audit appends an entry to the audit log inside the transaction making the change. The
// action is object.verb ("flow.publish"); detail is a small summary that never holds secrets.
func (s *sqlStore) audit(ctx context.Context, tx *sqlx.Tx, at time.Time, actor, object, verb, objectID string, detail map[string]any) error {
	_, err := exec(ctx, tx,
		`INSERT INTO audit_log (at, actor, action, object, object_id, detail) VALUES (?, ?, ?, ?, ?, ?)`,
		s.ts(at), actor, object+"."+verb, object, objectID, mustJSON(detail, "{}"))
	if err != nil {
		return fmt.Errorf("audit %s.%s %s: %w", object, verb, objectID, err)
	}
	return nil
}

// deleteAudited runs a delete of one thing by its key, with its audit entry; ErrNotFound when
// it deleted nothing.
func (s *sqlStore) deleteAudited(ctx context.Context, query, by, object, id string) error {
	now := s.now()
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		n, err := exec(ctx, tx, query, id)
		if err != nil {
			return fmt.Errorf("%s %s: %w", object, id, err)
		}
		if err := notFound(n, "%s %s", object, id); err != nil {
			return err
		}
		return s.audit(ctx, tx, now, by, object, "delete", id, nil)
	})
}

type auditRow struct {
	ID       int64     `db:"id"`
	At       timestamp `db:"at"`
	Actor    string    `db:"actor"`
	Action   string    `db:"action"`
	Object   string    `db:"object"`
	ObjectID string    `db:"object_id"`
	Detail   string    `db:"detail"`
}

// AuditList returns entries newest first: those of an object (and an object id) when given,
// those before an id when paging, at most Limit (100 when zero, at most 1000). Detail is JSON
// with sorted keys whichever database holds it.
func (s *sqlStore) AuditList(ctx context.Context, p AuditListParams) ([]AuditEntry, error) {
	var where []string
	var args []any
	if p.Object != "" {
		where, args = append(where, "object = ?"), append(args, p.Object)
	}
	if p.ObjectID != "" {
		where, args = append(where, "object_id = ?"), append(args, p.ObjectID)
	}
	if p.Before > 0 {
		where, args = append(where, "id < ?"), append(args, p.Before)
	}
	q := `SELECT id, at, actor, action, object, object_id, detail FROM audit_log`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY id DESC LIMIT ?"
	args = append(args, pageLimit(p.Limit))
	var rows []auditRow
	if err := list(ctx, s.db, &rows, q, args...); err != nil {
		return nil, fmt.Errorf("audit list: %w", err)
	}
	out := make([]AuditEntry, len(rows))
	for i, r := range rows {
		out[i] = AuditEntry{ID: r.ID, At: r.At.Time, Actor: r.Actor, Action: r.Action, Object: r.Object,
			ObjectID: r.ObjectID, Detail: canonicalJSON(r.Detail)}
	}
	return out, nil
}

// Page sizes of lists.
const (
	defaultLimit = 100
	maxLimit     = 1000
)

// pageLimit is a list's limit: the default when not positive, never above the maximum.
func pageLimit(n int) int {
	switch {
	case n <= 0:
		return defaultLimit
	case n > maxLimit:
		return maxLimit
	}
	return n
}
