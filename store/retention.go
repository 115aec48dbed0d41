package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// Retention prunes what grows without bound: processed webhook payloads, the dedupe keys of
// events, closed conversations with their interactions and sessions, sent and failed outbox
// rows, and audit entries. Each kind goes once it is older than its policy says, in batches of
// a bounded number of rows per statement, so that pruning never holds the database long.
type Retention interface {
	// RetentionPrune deletes, batch by batch, the rows the policy lets go at p.Now, and returns
	// how many of each kind it deleted. A kind whose batch was full is pruned again, up to
	// p.MaxBatches batches per kind; what is left waits for the next call.
	RetentionPrune(ctx context.Context, p RetentionPruneParams) (Pruned, error)
}

// Kinds of pruned rows, as Pruned and the metrics name them.
const (
	PrunePayloads      = "payloads"
	PruneEventKeys     = "event_keys"
	PruneConversations = "conversations"
	PruneInteractions  = "interactions"
	PruneSessions      = "sessions"
	PruneOutbox        = "outbox"
	PruneAudit         = "audit"
	PruneProfiles      = "profiles"
	PruneWebchat       = "webchat"
)

// PruneKinds lists the kinds of pruned rows in the order they are pruned.
var PruneKinds = []string{PrunePayloads, PruneEventKeys, PruneConversations, PruneInteractions, PruneSessions,
	PruneOutbox, PruneAudit, PruneProfiles, PruneWebchat}

// MinEventKeyRetention is the shortest time the dedupe keys of events may be kept: longer than
// any network redelivers an event (Meta retries for 36 hours, X's replay reaches 5 days back),
// so that a late redelivery is still recognised.
const MinEventKeyRetention = 7 * 24 * time.Hour

// RetentionPolicy says how long each kind is kept; zero keeps it forever.
type RetentionPolicy struct {
	// Payloads is how long a processed (done or failed) raw webhook payload is kept after it
	// was processed. Pending payloads are never pruned.
	Payloads time.Duration
	// EventKeys is how long the dedupe key of an event is kept after it was first seen: zero, or
	// at least MinEventKeyRetention.
	EventKeys time.Duration
	// Conversations is how long a closed conversation, with its interactions and ended
	// sessions, is kept after it closed. Open conversations, and those with a running or
	// waiting session or a pending send, are never pruned.
	Conversations time.Duration
	// Outbox is how long a sent or finally failed outbox row is kept after it finished.
	// Pending rows (new, in flight or waiting for a retry) are never pruned.
	Outbox time.Duration
	// Audit is how long an audit entry is kept.
	Audit time.Duration
	// Profiles is how long a customer's cached network profile is kept after it was last
	// looked up.
	Profiles time.Duration
	// Webchat is how long a web chat visitor's messages and files are kept after they were
	// stored.
	Webchat time.Duration
}

// DefaultRetention is the policy serve applies unless told otherwise.
var DefaultRetention = RetentionPolicy{
	Payloads:      30 * 24 * time.Hour,
	EventKeys:     30 * 24 * time.Hour,
	Conversations: 365 * 24 * time.Hour,
	Outbox:        30 * 24 * time.Hour,
	Audit:         365 * 24 * time.Hour,
	Profiles:      90 * 24 * time.Hour,
	Webchat:       30 * 24 * time.Hour,
}

// Check tells whether a policy can be applied: no negative duration, and dedupe keys kept long
// enough for redeliveries. The error names the field.
func (p RetentionPolicy) Check() error {
	for _, f := range []struct {
		name string
		d    time.Duration
	}{{"payloads", p.Payloads}, {"event_keys", p.EventKeys}, {"conversations", p.Conversations},
		{"outbox", p.Outbox}, {"audit", p.Audit}, {"profiles", p.Profiles}, {"webchat", p.Webchat}} {
		if f.d < 0 {
			return invalid("retention of %s: %s is negative (0 keeps forever)", f.name, inDays(f.d))
		}
	}
	if p.EventKeys > 0 && p.EventKeys < MinEventKeyRetention {
		return invalid("retention of event_keys: %s is shorter than %s, the longest a network may redeliver an event",
			inDays(p.EventKeys), inDays(MinEventKeyRetention))
	}
	return nil
}

// inDays writes a duration of whole days as days (30d), and others as Go does (36h0m0s).
func inDays(d time.Duration) string {
	if d != 0 && d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}

// RetentionPruneParams are what one round of pruning applies.
type RetentionPruneParams struct {
	Policy RetentionPolicy
	// Now is the time the ages are counted from.
	Now time.Time
	// Batch is the most rows one statement deletes (500 when zero).
	Batch int
	// MaxBatches is the most batches of each kind one call runs (20 when zero).
	MaxBatches int
}

// Pruned counts the rows deleted, by kind (PrunePayloads...); kinds with none are absent.
type Pruned map[string]int

// Total is the number of rows deleted.
func (p Pruned) Total() int {
	n := 0
	for _, c := range p {
		n += c
	}
	return n
}

// Defaults of RetentionPruneParams.
const (
	DefaultPruneBatch      = 500
	DefaultPruneMaxBatches = 20
)

var _ Retention = (*sqlStore)(nil)

// RetentionPrune prunes each kind the policy bounds.
func (s *sqlStore) RetentionPrune(ctx context.Context, p RetentionPruneParams) (Pruned, error) {
	if err := p.Policy.Check(); err != nil {
		return nil, err
	}
	if p.Now.IsZero() {
		return nil, invalid("retention: now is not set")
	}
	if p.Batch <= 0 {
		p.Batch = DefaultPruneBatch
	}
	if p.MaxBatches <= 0 {
		p.MaxBatches = DefaultPruneMaxBatches
	}
	pruned := Pruned{}
	kinds := []struct {
		kind  string
		keep  time.Duration
		batch func(ctx context.Context, before time.Time, limit int, pruned Pruned) (int, error)
	}{
		{PrunePayloads, p.Policy.Payloads, s.prunePayloads},
		{PruneEventKeys, p.Policy.EventKeys, s.pruneEventKeys},
		{PruneConversations, p.Policy.Conversations, s.pruneConversations},
		{PruneOutbox, p.Policy.Outbox, s.pruneOutbox},
		{PruneAudit, p.Policy.Audit, s.pruneAudit},
		{PruneProfiles, p.Policy.Profiles, s.pruneProfiles},
		{PruneWebchat, p.Policy.Webchat, s.pruneWebchat},
	}
	for _, k := range kinds {
		if k.keep == 0 {
			continue
		}
		before := p.Now.Add(-k.keep)
		for range p.MaxBatches {
			n, err := k.batch(ctx, before, p.Batch, pruned)
			if err != nil {
				return pruned, fmt.Errorf("prune %s: %w", k.kind, err)
			}
			if n < p.Batch {
				break
			}
		}
	}
	for kind, n := range pruned {
		if n == 0 {
			delete(pruned, kind)
		}
	}
	return pruned, nil
}

// deleteBatch runs one batch's delete and counts what it deleted under kind.
func (s *sqlStore) deleteBatch(ctx context.Context, kind string, pruned Pruned, query string, args ...any) (int, error) {
	n, err := exec(ctx, s.db, query, args...)
	if err != nil {
		return 0, err
	}
	pruned[kind] += int(n)
	return int(n), nil
}

// prunePayloads deletes processed payloads: pending ones are the queue of work to do. The
// dedupe of events does not read payloads (it has event_keys), so a payload may go before its
// event's key.
func (s *sqlStore) prunePayloads(ctx context.Context, before time.Time, limit int, pruned Pruned) (int, error) {
	return s.deleteBatch(ctx, PrunePayloads, pruned, `DELETE FROM webhook_events WHERE id IN (
		SELECT id FROM webhook_events WHERE status IN ('done', 'failed') AND processed_at < ?
		ORDER BY processed_at LIMIT ?)`, s.ts(before), limit)
}

// pruneEventKeys deletes the dedupe keys (and tombstones of removed comments) first seen before
// a time.
func (s *sqlStore) pruneEventKeys(ctx context.Context, before time.Time, limit int, pruned Pruned) (int, error) {
	return s.deleteBatch(ctx, PruneEventKeys, pruned, `DELETE FROM event_keys WHERE (channel_id, key) IN (
		SELECT channel_id, key FROM event_keys WHERE seen_at < ? ORDER BY seen_at LIMIT ?)`, s.ts(before), limit)
}

// pruneOutbox deletes sent and finally failed sends; pending ones, whether new, in flight or
// waiting for a retry, stay.
func (s *sqlStore) pruneOutbox(ctx context.Context, before time.Time, limit int, pruned Pruned) (int, error) {
	return s.deleteBatch(ctx, PruneOutbox, pruned, `DELETE FROM outbox WHERE id IN (
		SELECT id FROM outbox WHERE status IN ('sent', 'failed') AND done_at < ? ORDER BY done_at LIMIT ?)`,
		s.ts(before), limit)
}

func (s *sqlStore) pruneAudit(ctx context.Context, before time.Time, limit int, pruned Pruned) (int, error) {
	return s.deleteBatch(ctx, PruneAudit, pruned, `DELETE FROM audit_log WHERE id IN (
		SELECT id FROM audit_log WHERE at < ? ORDER BY at LIMIT ?)`, s.ts(before), limit)
}

// pruneConversations deletes a batch of conversations closed before a time, with their
// interactions and sessions, in one transaction. A conversation with a running or waiting
// session, or a send still pending, stays. On PostgreSQL the conversations are locked first,
// skipping any another transaction holds, so that nothing is added to one while it goes.
func (s *sqlStore) pruneConversations(ctx context.Context, before time.Time, limit int, pruned Pruned) (int, error) {
	var n int
	counts := Pruned{}
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var ids []string
		err := list(ctx, tx, &ids, `SELECT c.id FROM conversations c
			WHERE c.status = 'closed' AND c.closed_at < ?
				AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.conversation_id = c.id AND s.status IN ('running', 'waiting'))
				AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.conversation_id = c.id AND o.status = 'pending')
			ORDER BY c.closed_at LIMIT ?`+s.dialect.skipLocked, s.ts(before), limit)
		if err != nil || len(ids) == 0 {
			return err
		}
		n = len(ids)
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")
		args := make([]any, len(ids))
		for i, id := range ids {
			args[i] = id
		}
		// agents' read marks go with their conversations, uncounted
		if _, err := exec(ctx, tx, `DELETE FROM agent_reads WHERE conversation_id IN (`+marks+`)`, args...); err != nil {
			return fmt.Errorf("agent_reads: %w", err)
		}
		for _, d := range []struct{ kind, table string }{
			{PruneInteractions, "interactions"}, {PruneSessions, "sessions"},
		} {
			deleted, err := exec(ctx, tx, `DELETE FROM `+d.table+` WHERE conversation_id IN (`+marks+`)`, args...)
			if err != nil {
				return fmt.Errorf("%s: %w", d.table, err)
			}
			counts[d.kind] = int(deleted)
		}
		deleted, err := exec(ctx, tx, `DELETE FROM conversations WHERE id IN (`+marks+`)`, args...)
		if err != nil {
			return err
		}
		counts[PruneConversations] = int(deleted)
		return nil
	})
	if err != nil {
		return 0, err
	}
	for kind, c := range counts {
		pruned[kind] += c
	}
	return n, nil
}
