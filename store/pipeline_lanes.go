package store

// Send lanes: the outbox as per-channel lanes claim it. A lane that is full or paused (its
// network asked us to slow down) takes no more rows, so the claim passes its channel over, and
// rows claimed for a lane that filled up meanwhile go back at once rather than waiting for
// their lease to run out.

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// OutboxClaimDueExcept leases pending rows whose next attempt is due, as OutboxClaimDue does,
// passing over the rows of the channels in except.
func (s *sqlStore) OutboxClaimDueExcept(ctx context.Context, now time.Time, lease time.Duration, limit int, except []string) ([]OutboxItem, error) {
	if len(except) == 0 {
		return s.OutboxClaimDue(ctx, now, lease, limit)
	}
	inner, args, err := sqlx.In(`SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?
			AND (lease_until IS NULL OR lease_until < ?) AND channel_id NOT IN (?) ORDER BY next_attempt_at LIMIT ?`,
		s.ts(now), s.ts(now), except, limit)
	if err != nil {
		return nil, fmt.Errorf("claim due outbox: %w", err)
	}
	var rows []outboxRow
	err = list(ctx, s.db, &rows, `UPDATE outbox SET lease_until = ?, attempts = attempts + 1
		WHERE id IN (`+inner+s.dialect.skipLocked+`) RETURNING `+outboxColumns,
		append([]any{s.ts(now.Add(lease))}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("claim due outbox: %w", err)
	}
	out := make([]OutboxItem, 0, len(rows))
	for _, r := range rows {
		o, err := r.item()
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// OutboxRelease gives claimed rows back without an attempt: their lease ends and the attempt
// their claim counted is taken back. They are due again at once, or at notBefore when it is
// later than their next attempt (a lane paused by its network).
func (s *sqlStore) OutboxRelease(ctx context.Context, ids []int64, notBefore time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	at := s.ts(notBefore)
	query, args, err := sqlx.In(`UPDATE outbox SET lease_until = NULL, attempts = attempts - 1,
		next_attempt_at = CASE WHEN next_attempt_at < ? THEN ? ELSE next_attempt_at END
		WHERE id IN (?) AND status = 'pending' AND lease_until IS NOT NULL AND attempts > 0`, at, at, ids)
	if err != nil {
		return fmt.Errorf("release outbox rows: %w", err)
	}
	if _, err := exec(ctx, s.db, query, args...); err != nil {
		return fmt.Errorf("release outbox rows: %w", err)
	}
	return nil
}
