package store

// The payload queue: stored webhook payloads are the queue itself. A node claims a batch of
// pending payloads with a lease, renews the lease while it processes them, and marks each done
// (WebhookEventFinish) or releases it until a later attempt (WebhookEventRetry). A payload whose
// node died is claimable again once its lease runs out. On PostgreSQL claims skip the rows
// another node is claiming (FOR UPDATE SKIP LOCKED), so every node takes its own batches.

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"
)

// WebhookEventClaim leases pending payloads whose next attempt is due.
func (s *sqlStore) WebhookEventClaim(ctx context.Context, lease time.Duration, limit int) ([]WebhookEvent, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("claim webhook events: limit %d: give a positive number", limit)
	}
	now := s.now()
	var rows []webhookEventRow
	err := list(ctx, s.db, &rows, `UPDATE webhook_events SET lease_until = ?, attempts = attempts + 1
		WHERE id IN (SELECT id FROM webhook_events WHERE status = 'pending'
			AND (lease_until IS NULL OR lease_until < ?) AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
			ORDER BY id LIMIT ?`+s.dialect.skipLocked+`)
		RETURNING `+webhookEventColumns,
		s.ts(now.Add(lease)), s.ts(now), s.ts(now), limit)
	if err != nil {
		return nil, fmt.Errorf("claim webhook events: %w", err)
	}
	out := make([]WebhookEvent, len(rows))
	for i, r := range rows {
		out[i] = WebhookEvent{ID: r.ID, ChannelID: r.ChannelID, ReceivedAt: r.ReceivedAt.Time, Body: r.Body,
			Status: r.Status, Attempts: r.Attempts, Error: r.Error}
	}
	// RETURNING gives no order: the queue hands out the oldest first
	slices.SortFunc(out, func(a, b WebhookEvent) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// WebhookEventExtend renews the leases of pending payloads.
func (s *sqlStore) WebhookEventExtend(ctx context.Context, ids []int64, lease time.Duration) error {
	if len(ids) == 0 {
		return nil
	}
	query, args, err := sqlx.In(`UPDATE webhook_events SET lease_until = ? WHERE status = 'pending' AND id IN (?)`,
		s.ts(s.now().Add(lease)), ids)
	if err != nil {
		return fmt.Errorf("extend webhook event leases: %w", err)
	}
	if _, err := exec(ctx, s.db, query, args...); err != nil {
		return fmt.Errorf("extend webhook event leases: %w", err)
	}
	return nil
}

// WebhookEventRetry releases a pending payload until next.
func (s *sqlStore) WebhookEventRetry(ctx context.Context, id int64, next time.Time, lastError string) error {
	// a payload finished meanwhile (by another delivery of it) stays finished
	_, err := exec(ctx, s.db, `UPDATE webhook_events SET lease_until = NULL, next_attempt_at = ?, error = ?
		WHERE id = ? AND status = 'pending'`, s.ts(next), lastError, id)
	if err != nil {
		return fmt.Errorf("webhook event %d: %w", id, err)
	}
	return nil
}
