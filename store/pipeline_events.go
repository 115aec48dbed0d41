package store

// Raw webhook payloads as they are stored before they are acknowledged, and the event keys
// that let each event be handled once.

import (
	"context"
	"fmt"
	"slices"
)

// WebhookEventInsert stores a raw payload.
func (s *sqlStore) WebhookEventInsert(ctx context.Context, channelID string, body []byte) (WebhookEvent, error) {
	return pipe{s: s, q: s.db}.WebhookEventInsert(ctx, channelID, body, false)
}

func (p pipe) WebhookEventInsert(ctx context.Context, channelID string, body []byte, done bool) (WebhookEvent, error) {
	now := p.s.now()
	status := "pending"
	var processed any
	if done {
		status, processed = "done", p.s.ts(now)
	}
	if p.buffering() && !p.sendsDirect("*") {
		id, err := p.nextID(ctx, "webhook_events", 0)
		if err != nil {
			return WebhookEvent{}, err
		}
		ev := WebhookEvent{ID: id, ChannelID: channelID, ReceivedAt: now, Body: body, Status: status}
		p.b.events = append(p.b.events, &ev)
		return ev, nil
	}
	var id int64
	err := p.get(ctx, &id, `INSERT INTO webhook_events (channel_id, received_at, body, status, processed_at) VALUES (?, ?, ?, ?, ?)
		RETURNING id`, channelID, p.s.ts(now), body, status, processed)
	if err != nil {
		return WebhookEvent{}, fmt.Errorf("webhook event for %s: %w", channelID, err)
	}
	return WebhookEvent{ID: id, ChannelID: channelID, ReceivedAt: now, Body: body, Status: status}, nil
}

type webhookEventRow struct {
	ID         int64     `db:"id"`
	ChannelID  string    `db:"channel_id"`
	ReceivedAt timestamp `db:"received_at"`
	Body       []byte    `db:"body"`
	Status     string    `db:"status"`
	Attempts   int       `db:"attempts"`
	Error      string    `db:"error"`
}

const webhookEventColumns = `id, channel_id, received_at, body, status, attempts, error`

func (p pipe) WebhookEventFinish(ctx context.Context, id int64, failure string) error {
	status := "done"
	if failure != "" {
		status = "failed"
	}
	q := p
	if p.buffering() && !slices.ContainsFunc(p.b.events, func(e *WebhookEvent) bool { return e.ID == id }) {
		q = p.raw() // a stored payload: what the buffer holds does not change it
	}
	n, err := q.exec(ctx, `UPDATE webhook_events SET status = ?, error = ?, processed_at = ?, lease_until = NULL WHERE id = ?`,
		status, failure, p.s.ts(p.s.now()), id)
	if err != nil {
		return fmt.Errorf("webhook event %d: %w", id, err)
	}
	return notFound(n, "webhook event %d", id)
}

func (p pipe) EventKeyInsert(ctx context.Context, channelID, key string) error {
	if p.buffering() {
		id := eventKeyID(channelID, key)
		if p.b.keySeen[id] {
			return fmt.Errorf("event %s/%s: %w", channelID, key, ErrDuplicate)
		}
		if !p.sendsDirect(id) {
			p.b.keySeen[id] = true
			p.b.keys = append(p.b.keys, bufferedKey{channelID: channelID, key: key, seen: p.s.ts(p.s.now())})
			return nil
		}
		p = p.raw()
	}
	n, err := p.exec(ctx, `INSERT INTO event_keys (channel_id, key, seen_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
		channelID, key, p.s.ts(p.s.now()))
	if err != nil {
		return fmt.Errorf("event %s/%s: %w", channelID, key, err)
	}
	if n == 0 {
		return fmt.Errorf("event %s/%s: %w", channelID, key, ErrDuplicate)
	}
	return nil
}

func (p pipe) EventKeyExists(ctx context.Context, channelID, key string) (bool, error) {
	if p.buffering() {
		if p.b.keySeen[eventKeyID(channelID, key)] {
			return true, nil
		}
		p = p.raw()
	}
	var n int
	if err := p.get(ctx, &n, `SELECT count(*) FROM event_keys WHERE channel_id = ? AND key = ?`, channelID, key); err != nil {
		return false, fmt.Errorf("event %s/%s: %w", channelID, key, err)
	}
	return n > 0, nil
}

func (p pipe) ChannelGet(ctx context.Context, id string) (Channel, error) {
	return p.s.channelGet(ctx, p.q, id, "")
}

func (p pipe) ChannelNeedsReauth(ctx context.Context, id string) error {
	n, err := p.exec(ctx, `UPDATE channels SET needs_reauth = ?, updated_at = ? WHERE id = ?`, true, p.s.ts(p.s.now()), id)
	if err != nil {
		return fmt.Errorf("channel %s: %w", id, err)
	}
	return notFound(n, "channel %s", id)
}

func (s *sqlStore) EventKeyExists(ctx context.Context, channelID, key string) (bool, error) {
	return s.pipe().EventKeyExists(ctx, channelID, key)
}
