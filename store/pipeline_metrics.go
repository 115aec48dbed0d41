package store

// Pipeline metrics: what the outbox holds per channel and how far processing of stored webhook
// payloads lags, read for /metrics. Each read is bounded by the number of channels.

import (
	"context"
	"fmt"
	"time"
)

// PipelineMetrics is a reading of the pipeline's queues.
type PipelineMetrics struct {
	// Outbox holds one entry per channel with pending rows, by channel id. Sends that failed
	// for good are counted as they fail (dispatch.Metrics.SendDone), not read here: finished
	// rows are many, and no index tells the failed ones apart.
	Outbox []ChannelOutbox
	// PendingPayloads counts the stored webhook payloads not processed yet; OldestPayload is
	// when the oldest of them was received, nil when there is none.
	PendingPayloads int
	OldestPayload   *time.Time
}

// ChannelOutbox counts a channel's outbox rows.
type ChannelOutbox struct {
	ChannelID string `db:"channel_id"`
	// Pending rows wait for their first attempt; InFlight ones are leased to a node sending
	// them; Retrying ones failed at least once and wait for another attempt.
	Pending  int `db:"pending"`
	InFlight int `db:"in_flight"`
	Retrying int `db:"retrying"`
}

// PipelineMetrics reads the pending outbox per channel and the backlog of pending payloads, each
// from its partial index of pending rows.
func (s *sqlStore) PipelineMetrics(ctx context.Context, now time.Time) (PipelineMetrics, error) {
	out := PipelineMetrics{Outbox: []ChannelOutbox{}}
	err := list(ctx, s.read, &out.Outbox, `SELECT channel_id,
		sum(CASE WHEN attempts = 0 AND NOT leased THEN 1 ELSE 0 END) AS pending,
		sum(CASE WHEN leased THEN 1 ELSE 0 END) AS in_flight,
		sum(CASE WHEN attempts > 0 AND NOT leased THEN 1 ELSE 0 END) AS retrying
		FROM (SELECT channel_id, attempts, (lease_until IS NOT NULL AND lease_until >= ?) AS leased
			FROM outbox WHERE status = 'pending') AS o
		GROUP BY channel_id ORDER BY channel_id`, s.ts(now))
	if err != nil {
		return out, fmt.Errorf("outbox metrics: %w", err)
	}
	var backlog struct {
		Pending int           `db:"pending"`
		Oldest  nullTimestamp `db:"oldest"`
	}
	if err := get(ctx, s.read, &backlog, `SELECT count(*) AS pending, min(received_at) AS oldest
		FROM webhook_events WHERE status = 'pending'`); err != nil {
		return out, fmt.Errorf("payload backlog: %w", err)
	}
	out.PendingPayloads, out.OldestPayload = backlog.Pending, backlog.Oldest.Time
	return out, nil
}
