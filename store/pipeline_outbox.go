package store

// The outbox: network actions waiting to be sent, with their attempts and results.

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

type outboxRow struct {
	ID             int64          `db:"id"`
	ActionID       string         `db:"action_id"`
	ChannelID      string         `db:"channel_id"`
	ConversationID string         `db:"conversation_id"`
	SessionID      string         `db:"session_id"`
	WaitSeq        int64          `db:"wait_seq"`
	Type           string         `db:"type"`
	Action         string         `db:"action"`
	PrivateTarget  sql.NullString `db:"private_target"`
	Status         string         `db:"status"`
	Attempts       int            `db:"attempts"`
	NextAttemptAt  timestamp      `db:"next_attempt_at"`
	FirstAttemptAt nullTimestamp  `db:"first_attempt_at"`
	LastError      string         `db:"last_error"`
	ExternalID     string         `db:"external_id"`
	CreatedAt      timestamp      `db:"created_at"`
	DoneAt         nullTimestamp  `db:"done_at"`
	AttemptStarted nullTimestamp  `db:"attempt_started_at"`
}

const outboxColumns = `id, action_id, channel_id, conversation_id, session_id, wait_seq, type, action, private_target, status,
	attempts, next_attempt_at, first_attempt_at, last_error, external_id, created_at, done_at, attempt_started_at`

func (r outboxRow) item() (OutboxItem, error) {
	o := OutboxItem{ID: r.ID, ActionID: r.ActionID, ChannelID: r.ChannelID, ConversationID: r.ConversationID,
		SessionID: r.SessionID, WaitSeq: r.WaitSeq, PrivateTarget: r.PrivateTarget.String, Status: r.Status,
		Attempts: r.Attempts, NextAttemptAt: r.NextAttemptAt.Time, FirstAttemptAt: r.FirstAttemptAt.Time,
		LastError: r.LastError, ExternalID: r.ExternalID, CreatedAt: r.CreatedAt.Time, DoneAt: r.DoneAt.Time,
		AttemptStartedAt: r.AttemptStarted.Time}
	if err := fromJSON(r.Action, &o.Action); err != nil {
		return OutboxItem{}, fmt.Errorf("outbox %d action: %w", r.ID, err)
	}
	return o, nil
}

func (p pipe) OutboxInsert(ctx context.Context, o OutboxItem) (OutboxItem, error) {
	action, err := jsonArg(o.Action, "{}")
	if err != nil {
		return OutboxItem{}, invalid("outbox %s action: %v", o.ActionID, err)
	}
	now := p.s.now()
	if o.NextAttemptAt.IsZero() {
		o.NextAttemptAt = now
	}
	var target any
	if o.PrivateTarget != "" {
		target = o.PrivateTarget
	}
	var id int64
	err = p.get(ctx, &id, `INSERT INTO outbox (action_id, channel_id, conversation_id, session_id, wait_seq, type, action,
		private_target, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		o.ActionID, o.ChannelID, o.ConversationID, o.SessionID, o.WaitSeq, string(o.Action.Type), action, target,
		p.s.ts(o.NextAttemptAt), p.s.ts(now))
	if err != nil {
		return OutboxItem{}, p.s.fail(err, "outbox action %s", o.ActionID)
	}
	o.ID, o.Status, o.CreatedAt, o.NextAttemptAt = id, OutboxPending, now, dbTime(o.NextAttemptAt)
	return o, nil
}

func (p pipe) OutboxGet(ctx context.Context, actionID string) (OutboxItem, error) {
	var r outboxRow
	if err := p.get(ctx, &r, `SELECT `+outboxColumns+` FROM outbox WHERE action_id = ?`, actionID); err != nil {
		return OutboxItem{}, p.s.fail(err, "outbox action %s", actionID)
	}
	return r.item()
}

func (p pipe) OutboxFinish(ctx context.Context, id int64, status, externalID, lastError string) error {
	if status != OutboxSent && status != OutboxFailed {
		return invalid("outbox %d: status %q", id, status)
	}
	now := p.s.now()
	n, err := p.exec(ctx, `UPDATE outbox SET status = ?, external_id = ?, last_error = ?, done_at = ?, lease_until = NULL,
		first_attempt_at = coalesce(first_attempt_at, ?) WHERE id = ?`,
		status, externalID, lastError, p.s.ts(now), p.s.ts(now), id)
	if err != nil {
		return fmt.Errorf("outbox %d: %w", id, err)
	}
	return notFound(n, "outbox %d", id)
}

func (p pipe) OutboxRetry(ctx context.Context, id int64, next time.Time, lastError string) error {
	now := p.s.now()
	n, err := p.exec(ctx, `UPDATE outbox SET next_attempt_at = ?, last_error = ?, lease_until = NULL, attempt_started_at = NULL,
		first_attempt_at = coalesce(first_attempt_at, ?) WHERE id = ? AND status = 'pending'`,
		p.s.ts(next), lastError, p.s.ts(now), id)
	if err != nil {
		return fmt.Errorf("outbox %d: %w", id, err)
	}
	return notFound(n, "pending outbox %d", id)
}

// OutboxRequeue puts a failed send back in the queue, due at once, with a new retry period.
// The mark of an attempt whose outcome was unknown stays, so the network is read back before
// the send goes again. ErrNotFound when the row is not failed.
func (p pipe) OutboxRequeue(ctx context.Context, id int64) error {
	now := p.s.now()
	n, err := p.exec(ctx, `UPDATE outbox SET status = 'pending', next_attempt_at = ?, first_attempt_at = NULL, done_at = NULL,
		lease_until = NULL WHERE id = ? AND status = 'failed'`, p.s.ts(now), id)
	if err != nil {
		return fmt.Errorf("outbox %d: %w", id, err)
	}
	return notFound(n, "failed outbox %d", id)
}

func (p pipe) OutboxReconcileLater(ctx context.Context, id int64, next time.Time, lastError string) error {
	now := p.s.now()
	n, err := p.exec(ctx, `UPDATE outbox SET next_attempt_at = ?, last_error = ?, lease_until = NULL,
		attempt_started_at = coalesce(attempt_started_at, ?), first_attempt_at = coalesce(first_attempt_at, ?)
		WHERE id = ? AND status = 'pending'`,
		p.s.ts(next), lastError, p.s.ts(now), p.s.ts(now), id)
	if err != nil {
		return fmt.Errorf("outbox %d: %w", id, err)
	}
	return notFound(n, "pending outbox %d", id)
}

// OutboxAttemptStart records, durably and before the network is called, that the attempt of
// a claimed row begins; it holds the row until leaseUntil. It is ErrNotFound when the row is no
// longer this claim's: another claim counted an attempt since (attempts moved on), or it is done.
func (s *sqlStore) OutboxAttemptStart(ctx context.Context, id int64, attempts int, leaseUntil time.Time) error {
	now := s.now()
	n, err := exec(ctx, s.db, `UPDATE outbox SET attempt_started_at = ?, lease_until = ?, first_attempt_at = coalesce(first_attempt_at, ?)
		WHERE id = ? AND attempts = ? AND status = 'pending'`,
		s.ts(now), s.ts(leaseUntil), s.ts(now), id, attempts)
	if err != nil {
		return fmt.Errorf("outbox %d: start an attempt: %w", id, err)
	}
	return notFound(n, "outbox %d claimed by attempt %d", id, attempts)
}

func (s *sqlStore) OutboxGet(ctx context.Context, actionID string) (OutboxItem, error) {
	return s.pipe().OutboxGet(ctx, actionID)
}

func (s *sqlStore) OutboxByPrivateTarget(ctx context.Context, channelID, target string) (OutboxItem, error) {
	var r outboxRow
	err := get(ctx, s.read, &r, `SELECT `+outboxColumns+` FROM outbox WHERE channel_id = ? AND private_target = ?`, channelID, target)
	if err != nil {
		return OutboxItem{}, s.fail(err, "private reply to %s", target)
	}
	return r.item()
}

// PipelineCounts counts what is in flight.
func (s *sqlStore) PipelineCounts(ctx context.Context) (PipelineCounts, error) {
	var c PipelineCounts
	err := get(ctx, s.read, &c, `SELECT
		(SELECT count(*) FROM webhook_events WHERE status = 'pending') AS pending_events,
		(SELECT count(*) FROM sessions WHERE status = 'waiting') AS waiting_sessions,
		(SELECT count(*) FROM outbox WHERE status = 'pending') AS pending_outbox,
		(SELECT count(*) FROM conversations WHERE status = 'open') AS open_conversations`)
	if err != nil {
		return c, fmt.Errorf("pipeline counts: %w", err)
	}
	return c, nil
}
