package store

// Send lanes: the outbox as per-channel lanes claim it. A lane that is full or paused (its
// network asked us to slow down) takes no more rows, so the claim passes its channel over, and
// rows claimed for a lane that filled up meanwhile go back at once rather than waiting for
// their lease to run out.

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// OutboxClaimDueExcept leases pending rows whose next attempt is due, as OutboxClaimDue does,
// passing over the rows of the channels in except.
func (s *sqlStore) OutboxClaimDueExcept(ctx context.Context, now time.Time, lease time.Duration, limit int, except []string) ([]OutboxItem, error) {
	return s.claimOutbox(ctx, now, lease, limit, except)
}

// OutboxRelease gives claimed rows back without an attempt: their lease ends and the attempt
// their claim counted is taken back. They are due again at once, or at notBefore when it is
// later than their next attempt (a lane paused by its network). Only the rows still held by
// the claims given are released: a row whose lease ran out and that another node claimed since
// (its attempts count moved on) stays with that node, whatever it is doing with it.
func (s *sqlStore) OutboxRelease(ctx context.Context, claims []OutboxItem, notBefore time.Time) error {
	if len(claims) == 0 {
		return nil
	}
	at := s.ts(notBefore)
	var held strings.Builder
	args := []any{at, at}
	for i, c := range claims {
		if i > 0 {
			held.WriteString(" OR ")
		}
		held.WriteString("(id = ? AND attempts = ?)")
		args = append(args, c.ID, c.Attempts)
	}
	query := `UPDATE outbox SET lease_until = NULL, attempts = attempts - 1,
		next_attempt_at = CASE WHEN next_attempt_at < ? THEN ? ELSE next_attempt_at END
		WHERE (` + held.String() + `) AND status = 'pending' AND lease_until IS NOT NULL AND attempts > 0`
	if _, err := exec(ctx, s.db, query, args...); err != nil {
		return fmt.Errorf("release outbox rows: %w", err)
	}
	return nil
}
