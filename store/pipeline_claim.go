package store

// Claiming work: sessions whose deadline passed and outbox rows due to be sent are leased to
// one node at a time (payloads to process: pipeline_queue.go).

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// SessionClaimDue leases waiting sessions whose deadline passed.
func (s *sqlStore) SessionClaimDue(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Session, error) {
	var rows []sessionRow
	err := list(ctx, s.db, &rows, `UPDATE sessions SET lease_until = ?
		WHERE id IN (SELECT id FROM sessions WHERE status = 'waiting' AND deadline IS NOT NULL AND deadline <= ?
			AND (lease_until IS NULL OR lease_until < ?) ORDER BY deadline LIMIT ?`+s.dialect.skipLocked+`)
		RETURNING `+sessionColumns,
		s.ts(now.Add(lease)), s.ts(now), s.ts(now), limit)
	if err != nil {
		return nil, fmt.Errorf("claim due sessions: %w", err)
	}
	out := make([]Session, 0, len(rows))
	for _, r := range rows {
		sess, err := r.session()
		if err != nil {
			return nil, err
		}
		out = append(out, sess)
	}
	return out, nil
}

// OutboxClaimDue leases pending rows whose next attempt is due and counts the attempt.
func (s *sqlStore) OutboxClaimDue(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]OutboxItem, error) {
	return s.claimOutbox(ctx, now, lease, limit, nil)
}

// claimOutbox leases pending rows whose next attempt is due, passing over the rows of the
// channels in except, and counts the attempt.
func (s *sqlStore) claimOutbox(ctx context.Context, now time.Time, lease time.Duration, limit int, except []string) ([]OutboxItem, error) {
	args := []any{s.ts(now.Add(lease)), s.ts(now), s.ts(now)}
	passOver := ""
	if len(except) > 0 {
		passOver = " AND channel_id NOT IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(except)), ", ") + ")"
		for _, id := range except {
			args = append(args, id)
		}
	}
	var rows []outboxRow
	err := list(ctx, s.db, &rows, `UPDATE outbox SET lease_until = ?, attempts = attempts + 1
		WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?
			AND (lease_until IS NULL OR lease_until < ?)`+passOver+` ORDER BY next_attempt_at LIMIT ?`+s.dialect.skipLocked+`)
		RETURNING `+outboxColumns,
		append(args, limit)...)
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

// NextDue returns the earliest pending deadline.
func (s *sqlStore) NextDue(ctx context.Context) (time.Time, error) {
	var times []nullTimestamp
	err := list(ctx, s.read, &times, `SELECT min(deadline) FROM sessions WHERE status = 'waiting' AND deadline IS NOT NULL
		UNION ALL SELECT min(next_attempt_at) FROM outbox WHERE status = 'pending'`)
	if err != nil {
		return time.Time{}, fmt.Errorf("next due: %w", err)
	}
	var next time.Time
	for _, t := range times {
		if t.Time != nil && (next.IsZero() || t.Time.Before(next)) {
			next = *t.Time
		}
	}
	return next, nil
}
