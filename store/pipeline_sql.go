package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"github.com/switchboardhq/switchboard/engine"
)

var _ Pipeline = (*sqlStore)(nil)

// pipe runs the pipeline's queries on the database or inside a transaction.
type pipe struct {
	s *sqlStore
	q sqlx.ExtContext
}

var _ Tx = pipe{}

func (s *sqlStore) pipe() pipe { return pipe{s: s, q: s.read} }

// get, list and exec run a query of the pipeline. Inside a SQLite transaction they use a
// statement prepared once: SQLite parses a statement anew each time it is not, which costs
// more than running it, and the pipeline runs the same few statements for every message.
func (p pipe) get(ctx context.Context, dest any, query string, args ...any) error {
	if stmt := p.prepared(ctx, query); stmt != nil {
		return stmt.GetContext(ctx, dest, args...)
	}
	return get(ctx, p.q, dest, query, args...)
}

func (p pipe) list(ctx context.Context, dest any, query string, args ...any) error {
	if stmt := p.prepared(ctx, query); stmt != nil {
		return stmt.SelectContext(ctx, dest, args...)
	}
	return list(ctx, p.q, dest, query, args...)
}

func (p pipe) exec(ctx context.Context, query string, args ...any) (int64, error) {
	stmt := p.prepared(ctx, query)
	if stmt == nil {
		return exec(ctx, p.q, query, args...)
	}
	res, err := stmt.ExecContext(ctx, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// prepared returns the statement to run a query with on SQLite: inside a transaction, the
// transaction's form of a statement prepared on the writing connection; on the read pool, one
// prepared there. It returns nil where statements are not kept: on the writing connection
// outside transactions, and on PostgreSQL, whose driver parses and runs a statement in one
// round trip already.
func (p pipe) prepared(ctx context.Context, query string) *sqlx.Stmt {
	if p.s.dialect != sqliteDialect {
		return nil
	}
	if p.q == sqlx.ExtContext(p.s.read) && p.s.read != p.s.db {
		return p.s.readStatement(query)
	}
	tx, ok := p.q.(*sqlx.Tx)
	if !ok {
		return nil
	}
	stmt := p.s.statement(query)
	if stmt == nil {
		return nil
	}
	return tx.StmtxContext(ctx, stmt)
}

// InTx runs fn in one transaction.
func (s *sqlStore) InTx(ctx context.Context, fn func(Tx) error) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error { return fn(pipe{s: s, q: tx}) })
}

// InTxBatch runs each unit in a savepoint of one transaction.
func (s *sqlStore) InTxBatch(ctx context.Context, fns []func(Tx) error) []error {
	errs := make([]error, len(fns))
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		p := pipe{s: s, q: tx}
		for i, fn := range fns {
			if _, err := p.exec(ctx, "SAVEPOINT unit"); err != nil {
				return err
			}
			if errs[i] = fn(p); errs[i] != nil {
				if _, err := p.exec(ctx, "ROLLBACK TO SAVEPOINT unit"); err != nil {
					return err
				}
			}
			if _, err := p.exec(ctx, "RELEASE SAVEPOINT unit"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		for i := range errs {
			if errs[i] == nil {
				errs[i] = err
			}
		}
	}
	return errs
}

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

// WebhookEventClaim leases pending payloads.
func (s *sqlStore) WebhookEventClaim(ctx context.Context, before time.Time, lease time.Duration, limit int) ([]WebhookEvent, error) {
	now := s.now()
	var rows []webhookEventRow
	err := list(ctx, s.db, &rows, `UPDATE webhook_events SET lease_until = ?, attempts = attempts + 1
		WHERE id IN (SELECT id FROM webhook_events WHERE status = 'pending' AND received_at < ?
			AND (lease_until IS NULL OR lease_until < ?) ORDER BY id LIMIT ?`+s.dialect.skipLocked+`)
		RETURNING `+webhookEventColumns,
		s.ts(now.Add(lease)), s.ts(before), s.ts(now), limit)
	if err != nil {
		return nil, fmt.Errorf("claim webhook events: %w", err)
	}
	out := make([]WebhookEvent, len(rows))
	for i, r := range rows {
		out[i] = WebhookEvent{ID: r.ID, ChannelID: r.ChannelID, ReceivedAt: r.ReceivedAt.Time, Body: r.Body,
			Status: r.Status, Attempts: r.Attempts, Error: r.Error}
	}
	return out, nil
}

func (p pipe) WebhookEventFinish(ctx context.Context, id int64, failure string) error {
	status := "done"
	if failure != "" {
		status = "failed"
	}
	n, err := p.exec(ctx, `UPDATE webhook_events SET status = ?, error = ?, processed_at = ?, lease_until = NULL WHERE id = ?`,
		status, failure, p.s.ts(p.s.now()), id)
	if err != nil {
		return fmt.Errorf("webhook event %d: %w", id, err)
	}
	return notFound(n, "webhook event %d", id)
}

func (p pipe) EventKeyInsert(ctx context.Context, channelID, key string) error {
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

type conversationRow struct {
	ID              string        `db:"id"`
	ChannelID       string        `db:"channel_id"`
	Customer        string        `db:"customer"`
	ContactID       string        `db:"contact_id"`
	Status          string        `db:"status"`
	Agent           string        `db:"agent"`
	Skill           string        `db:"skill"`
	Important       bool          `db:"important"`
	Tags            string        `db:"tags"`
	Disposition     string        `db:"disposition"`
	OpenedAt        timestamp     `db:"opened_at"`
	ClosedAt        nullTimestamp `db:"closed_at"`
	LastInboundAt   nullTimestamp `db:"last_inbound_at"`
	LastOutboundAt  nullTimestamp `db:"last_outbound_at"`
	FirstResponseAt nullTimestamp `db:"first_response_at"`
	UpdatedAt       timestamp     `db:"updated_at"`
}

const conversationColumns = `id, channel_id, customer, contact_id, status, agent, skill, important, tags, disposition,
	opened_at, closed_at, last_inbound_at, last_outbound_at, first_response_at, updated_at`

func (r conversationRow) conversation() (Conversation, error) {
	c := Conversation{ID: r.ID, ChannelID: r.ChannelID, Customer: r.Customer, ContactID: r.ContactID, Status: r.Status,
		Agent: r.Agent, Skill: r.Skill, Important: r.Important, Tags: []string{}, Disposition: r.Disposition,
		OpenedAt: r.OpenedAt.Time, ClosedAt: r.ClosedAt.Time, LastInboundAt: r.LastInboundAt.Time,
		LastOutboundAt: r.LastOutboundAt.Time, FirstResponseAt: r.FirstResponseAt.Time, UpdatedAt: r.UpdatedAt.Time}
	if err := fromJSON(r.Tags, &c.Tags); err != nil {
		return Conversation{}, fmt.Errorf("conversation %s tags: %w", r.ID, err)
	}
	return c, nil
}

func (p pipe) ConversationOpen(ctx context.Context, channelID, customer, contactID string) (Conversation, bool, error) {
	now := p.s.now()
	n, err := p.exec(ctx, `INSERT INTO conversations (id, channel_id, customer, contact_id, opened_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (channel_id, customer) WHERE status = 'open' DO NOTHING`,
		"conv_"+uuid.NewString(), channelID, customer, contactID, p.s.ts(now), p.s.ts(now))
	if err != nil {
		return Conversation{}, false, fmt.Errorf("open a conversation with %s on %s: %w", customer, channelID, err)
	}
	var r conversationRow
	err = p.get(ctx, &r, `SELECT `+conversationColumns+` FROM conversations
		WHERE channel_id = ? AND customer = ? AND status = 'open'`, channelID, customer)
	if err != nil {
		return Conversation{}, false, p.s.fail(err, "conversation with %s on %s", customer, channelID)
	}
	c, err := r.conversation()
	return c, n == 1, err
}

func (p pipe) ConversationCreate(ctx context.Context, c Conversation) (Conversation, error) {
	now := p.s.now()
	c.Status, c.OpenedAt, c.UpdatedAt = ConversationOpen, now, now
	if c.Tags == nil {
		c.Tags = []string{}
	}
	_, err := p.exec(ctx, `INSERT INTO conversations (id, channel_id, customer, contact_id, opened_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)`, c.ID, c.ChannelID, c.Customer, c.ContactID, p.s.ts(now), p.s.ts(now))
	if err != nil {
		return Conversation{}, p.s.fail(err, "conversation with %s on %s", c.Customer, c.ChannelID)
	}
	return c, nil
}

func (p pipe) ConversationGet(ctx context.Context, id string) (Conversation, error) {
	var r conversationRow
	if err := p.get(ctx, &r, `SELECT `+conversationColumns+` FROM conversations WHERE id = ?`, id); err != nil {
		return Conversation{}, p.s.fail(err, "conversation %s", id)
	}
	return r.conversation()
}

func (p pipe) ConversationFind(ctx context.Context, channelID, customer string) (Conversation, error) {
	var r conversationRow
	err := p.get(ctx, &r, `SELECT `+conversationColumns+` FROM conversations
		WHERE channel_id = ? AND customer = ? AND status = 'open'`, channelID, customer)
	if err != nil {
		return Conversation{}, p.s.fail(err, "open conversation with %s on %s", customer, channelID)
	}
	return r.conversation()
}

func (p pipe) ConversationUpdate(ctx context.Context, c Conversation) error {
	tags := mustJSON(c.Tags, "[]")
	n, err := p.exec(ctx, `UPDATE conversations SET contact_id = ?, status = ?, agent = ?, skill = ?, important = ?,
		tags = ?, disposition = ?, closed_at = ?, last_inbound_at = ?, last_outbound_at = ?, first_response_at = ?, updated_at = ?
		WHERE id = ?`,
		c.ContactID, c.Status, c.Agent, c.Skill, c.Important, tags, c.Disposition, p.s.nullTS(c.ClosedAt),
		p.s.nullTS(c.LastInboundAt), p.s.nullTS(c.LastOutboundAt), p.s.nullTS(c.FirstResponseAt), p.s.ts(p.s.now()), c.ID)
	if err != nil {
		return p.s.fail(err, "conversation %s", c.ID)
	}
	return notFound(n, "conversation %s", c.ID)
}

// nullTS is a nullable time as a query argument.
func (s *sqlStore) nullTS(t *time.Time) any {
	if t == nil {
		return nil
	}
	return s.ts(*t)
}

type interactionRow struct {
	ID             int64     `db:"id"`
	ConversationID string    `db:"conversation_id"`
	ChannelID      string    `db:"channel_id"`
	Direction      string    `db:"direction"`
	ExternalID     string    `db:"external_id"`
	Kind           string    `db:"kind"`
	Public         bool      `db:"public"`
	Author         string    `db:"author"`
	Text           string    `db:"text"`
	Thread         string    `db:"thread"`
	Parent         string    `db:"parent"`
	Attachments    string    `db:"attachments"`
	At             timestamp `db:"at"`
	CreatedAt      timestamp `db:"created_at"`
	ActionID       string    `db:"action_id"`
	Agent          string    `db:"agent"`
	Status         string    `db:"status"`
}

// directionColumn is how the database spells a direction, and directionOf how the model does.
var (
	directionColumn = map[string]string{Inbound: "in", Outbound: "out"}
	directionOf     = map[string]string{"in": Inbound, "out": Outbound}
)

const interactionColumns = `id, conversation_id, channel_id, direction, external_id, kind, public, author, text, thread,
	parent, attachments, at, created_at, action_id, agent, status`

func (r interactionRow) interaction() (Interaction, error) {
	i := Interaction{ID: r.ID, ConversationID: r.ConversationID, ChannelID: r.ChannelID, Direction: directionOf[r.Direction],
		ExternalID: r.ExternalID, Kind: r.Kind, Public: r.Public, Text: r.Text, Thread: r.Thread, Parent: r.Parent,
		At: r.At.Time, CreatedAt: r.CreatedAt.Time, ActionID: r.ActionID, Agent: r.Agent, Status: r.Status}
	if err := fromJSON(r.Author, &i.Author); err != nil {
		return Interaction{}, fmt.Errorf("interaction %d author: %w", r.ID, err)
	}
	if err := fromJSON(r.Attachments, &i.Attachments); err != nil {
		return Interaction{}, fmt.Errorf("interaction %d attachments: %w", r.ID, err)
	}
	return i, nil
}

func (p pipe) InteractionInsert(ctx context.Context, i Interaction) (Interaction, error) {
	if i.Direction != Inbound && i.Direction != Outbound {
		return Interaction{}, invalid("interaction direction %q", i.Direction)
	}
	now := p.s.now()
	if i.At.IsZero() {
		i.At = now
	}
	var id int64
	err := p.get(ctx, &id, `INSERT INTO interactions (conversation_id, channel_id, direction, external_id, kind, public,
		author, text, thread, parent, attachments, at, created_at, action_id, agent, status)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		i.ConversationID, i.ChannelID, directionColumn[i.Direction], i.ExternalID, i.Kind, i.Public, mustJSON(i.Author, "{}"), i.Text,
		i.Thread, i.Parent, mustJSON(i.Attachments, "[]"), p.s.ts(i.At), p.s.ts(now), i.ActionID, i.Agent, i.Status)
	if err != nil {
		return Interaction{}, p.s.fail(err, "interaction in conversation %s", i.ConversationID)
	}
	i.ID, i.At, i.CreatedAt = id, dbTime(i.At), now
	if i.Attachments == nil {
		i.Attachments = []engine.Attachment{}
	}
	return i, nil
}

func (p pipe) InteractionByAction(ctx context.Context, actionID string) (Interaction, error) {
	var r interactionRow
	err := p.get(ctx, &r, `SELECT `+interactionColumns+` FROM interactions WHERE action_id = ? ORDER BY id LIMIT 1`, actionID)
	if err != nil {
		return Interaction{}, p.s.fail(err, "interaction of action %s", actionID)
	}
	return r.interaction()
}

func (p pipe) InteractionByExternal(ctx context.Context, channelID, externalID string) (Interaction, error) {
	var r interactionRow
	err := p.get(ctx, &r, `SELECT `+interactionColumns+` FROM interactions WHERE channel_id = ? AND external_id = ?
		ORDER BY id LIMIT 1`, channelID, externalID)
	if err != nil {
		return Interaction{}, p.s.fail(err, "interaction %s on %s", externalID, channelID)
	}
	return r.interaction()
}

func (p pipe) InteractionUpdate(ctx context.Context, i Interaction) error {
	n, err := p.exec(ctx, `UPDATE interactions SET external_id = ?, status = ?, text = ? WHERE id = ?`,
		i.ExternalID, i.Status, i.Text, i.ID)
	if err != nil {
		return p.s.fail(err, "interaction %d", i.ID)
	}
	return notFound(n, "interaction %d", i.ID)
}

func (p pipe) InteractionsMark(ctx context.Context, conversationID string, upTo time.Time, status string) error {
	// a message still pending was not sent: no watermark covers it, and marking it would
	// make the outbox take it for sent (as an echo does) and never send it
	lower := []string{"sent"}
	if status == "read" {
		lower = append(lower, "delivered")
	}
	query, args, err := sqlx.In(`UPDATE interactions SET status = ? WHERE conversation_id = ? AND direction = 'out'
		AND at <= ? AND status IN (?)`, status, conversationID, p.s.ts(upTo), lower)
	if err != nil {
		return err
	}
	if _, err := p.exec(ctx, query, args...); err != nil {
		return fmt.Errorf("mark conversation %s %s: %w", conversationID, status, err)
	}
	return nil
}

type sessionRow struct {
	ID             string        `db:"id"`
	ConversationID string        `db:"conversation_id"`
	FlowID         string        `db:"flow_id"`
	FlowVersion    int           `db:"flow_version"`
	Status         string        `db:"status"`
	WaitKind       string        `db:"wait_kind"`
	Deadline       nullTimestamp `db:"deadline"`
	Seq            int64         `db:"seq"`
	Version        int64         `db:"version"`
	State          string        `db:"state"`
	CreatedAt      timestamp     `db:"created_at"`
	UpdatedAt      timestamp     `db:"updated_at"`
}

const sessionColumns = `id, conversation_id, flow_id, flow_version, status, wait_kind, deadline, seq, version, state, created_at, updated_at`

func (r sessionRow) session() (Session, error) {
	s := Session{ID: r.ID, ConversationID: r.ConversationID, FlowID: r.FlowID, FlowVersion: r.FlowVersion, Status: r.Status,
		WaitKind: r.WaitKind, Deadline: r.Deadline.Time, Seq: r.Seq, Version: r.Version, CreatedAt: r.CreatedAt.Time,
		UpdatedAt: r.UpdatedAt.Time}
	if err := fromJSON(r.State, &s.State); err != nil {
		return Session{}, fmt.Errorf("session %s state: %w", r.ID, err)
	}
	return s, nil
}

// sessionIndex fills the columns the pipeline indexes from the engine's state.
func sessionIndex(s *Session) {
	st := &s.State
	s.ID, s.FlowID, s.FlowVersion, s.Status, s.Seq = st.ID, st.FlowID, st.FlowVersion, string(st.Status), st.Seq
	s.WaitKind, s.Deadline = "", nil
	if st.Wait != nil {
		s.WaitKind = string(st.Wait.Kind)
		if !st.Wait.Deadline.IsZero() {
			d := dbTime(st.Wait.Deadline)
			s.Deadline = &d
		}
	}
	if len(st.Stack) > 0 {
		s.FlowID, s.FlowVersion = st.Stack[0].FlowID, st.Stack[0].FlowVersion
	}
}

func (p pipe) SessionGet(ctx context.Context, id string) (Session, error) {
	var r sessionRow
	if err := p.get(ctx, &r, `SELECT `+sessionColumns+` FROM sessions WHERE id = ?`, id); err != nil {
		return Session{}, p.s.fail(err, "session %s", id)
	}
	return r.session()
}

func (p pipe) SessionActive(ctx context.Context, conversationID string) (Session, error) {
	var r sessionRow
	err := p.get(ctx, &r, `SELECT `+sessionColumns+` FROM sessions WHERE conversation_id = ? AND status IN ('running', 'waiting')`,
		conversationID)
	if err != nil {
		return Session{}, p.s.fail(err, "active session of conversation %s", conversationID)
	}
	return r.session()
}

func (p pipe) SessionInsert(ctx context.Context, s Session) (Session, error) {
	sessionIndex(&s)
	state, err := jsonArg(s.State, "{}")
	if err != nil {
		return Session{}, invalid("session %s state: %v", s.ID, err)
	}
	now := p.s.now()
	s.Version, s.CreatedAt, s.UpdatedAt = 1, now, now
	_, err = p.exec(ctx, `INSERT INTO sessions (`+sessionColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.ConversationID, s.FlowID, s.FlowVersion, s.Status, s.WaitKind, p.s.nullTS(s.Deadline), s.Seq, s.Version,
		state, p.s.ts(now), p.s.ts(now))
	if err != nil {
		return Session{}, p.s.fail(err, "session %s", s.ID)
	}
	return s, nil
}

func (p pipe) SessionUpdate(ctx context.Context, s Session, ifVersion int64) (Session, error) {
	sessionIndex(&s)
	state, err := jsonArg(s.State, "{}")
	if err != nil {
		return Session{}, invalid("session %s state: %v", s.ID, err)
	}
	now := p.s.now()
	n, err := p.exec(ctx, `UPDATE sessions SET status = ?, wait_kind = ?, deadline = ?, seq = ?, version = version + 1,
		state = ?, lease_until = NULL, updated_at = ? WHERE id = ? AND version = ?`,
		s.Status, s.WaitKind, p.s.nullTS(s.Deadline), s.Seq, state, p.s.ts(now), s.ID, ifVersion)
	if err != nil {
		return Session{}, p.s.fail(err, "session %s", s.ID)
	}
	if n == 0 {
		if _, err := p.SessionGet(ctx, s.ID); err != nil {
			return Session{}, err
		}
		return Session{}, fmt.Errorf("session %s (version %d): %w", s.ID, ifVersion, ErrStale)
	}
	s.Version, s.UpdatedAt = ifVersion+1, now
	return s, nil
}

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
}

const outboxColumns = `id, action_id, channel_id, conversation_id, session_id, wait_seq, type, action, private_target, status,
	attempts, next_attempt_at, first_attempt_at, last_error, external_id, created_at, done_at`

func (r outboxRow) item() (OutboxItem, error) {
	o := OutboxItem{ID: r.ID, ActionID: r.ActionID, ChannelID: r.ChannelID, ConversationID: r.ConversationID,
		SessionID: r.SessionID, WaitSeq: r.WaitSeq, PrivateTarget: r.PrivateTarget.String, Status: r.Status,
		Attempts: r.Attempts, NextAttemptAt: r.NextAttemptAt.Time, FirstAttemptAt: r.FirstAttemptAt.Time,
		LastError: r.LastError, ExternalID: r.ExternalID, CreatedAt: r.CreatedAt.Time, DoneAt: r.DoneAt.Time}
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
	n, err := p.exec(ctx, `UPDATE outbox SET next_attempt_at = ?, last_error = ?, lease_until = NULL,
		first_attempt_at = coalesce(first_attempt_at, ?) WHERE id = ? AND status = 'pending'`,
		p.s.ts(next), lastError, p.s.ts(now), id)
	if err != nil {
		return fmt.Errorf("outbox %d: %w", id, err)
	}
	return notFound(n, "pending outbox %d", id)
}

// OutboxClaimDue leases pending rows whose next attempt is due and counts the attempt.
func (s *sqlStore) OutboxClaimDue(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]OutboxItem, error) {
	var rows []outboxRow
	err := list(ctx, s.db, &rows, `UPDATE outbox SET lease_until = ?, attempts = attempts + 1
		WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?
			AND (lease_until IS NULL OR lease_until < ?) ORDER BY next_attempt_at LIMIT ?`+s.dialect.skipLocked+`)
		RETURNING `+outboxColumns,
		s.ts(now.Add(lease)), s.ts(now), s.ts(now), limit)
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

func (s *sqlStore) ConversationGet(ctx context.Context, id string) (Conversation, error) {
	return s.pipe().ConversationGet(ctx, id)
}

func (s *sqlStore) SessionGet(ctx context.Context, id string) (Session, error) {
	return s.pipe().SessionGet(ctx, id)
}

func (s *sqlStore) SessionActive(ctx context.Context, conversationID string) (Session, error) {
	return s.pipe().SessionActive(ctx, conversationID)
}

func (s *sqlStore) EventKeyExists(ctx context.Context, channelID, key string) (bool, error) {
	return s.pipe().EventKeyExists(ctx, channelID, key)
}

func (s *sqlStore) InteractionByAction(ctx context.Context, actionID string) (Interaction, error) {
	return s.pipe().InteractionByAction(ctx, actionID)
}

func (s *sqlStore) InteractionByExternal(ctx context.Context, channelID, externalID string) (Interaction, error) {
	return s.pipe().InteractionByExternal(ctx, channelID, externalID)
}

func (s *sqlStore) ConversationFind(ctx context.Context, channelID, customer string) (Conversation, error) {
	return s.pipe().ConversationFind(ctx, channelID, customer)
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

// ConversationList returns conversations newest first.
func (s *sqlStore) ConversationList(ctx context.Context, p ConversationListParams) ([]Conversation, error) {
	query := `SELECT ` + conversationColumns + ` FROM conversations WHERE 1 = 1`
	var args []any
	for _, f := range []struct{ column, value string }{
		{"channel_id", p.ChannelID}, {"status", p.Status}, {"agent", p.Agent}, {"skill", p.Skill},
		{"contact_id", p.ContactID}, {"disposition", p.Disposition},
	} {
		if f.value != "" {
			query += " AND " + f.column + " = ?"
			args = append(args, f.value)
		}
	}
	if !p.From.IsZero() {
		query += " AND opened_at >= ?"
		args = append(args, s.ts(p.From))
	}
	if !p.To.IsZero() {
		query += " AND opened_at < ?"
		args = append(args, s.ts(p.To))
	}
	limit := p.Limit
	if limit <= 0 {
		limit = 100
	}
	query += " ORDER BY opened_at DESC, id DESC LIMIT ? OFFSET ?"
	args = append(args, min(limit, 1000), max(p.Offset, 0))
	var rows []conversationRow
	if err := list(ctx, s.db, &rows, query, args...); err != nil {
		return nil, fmt.Errorf("conversation list: %w", err)
	}
	out := make([]Conversation, 0, len(rows))
	for _, r := range rows {
		c, err := r.conversation()
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// InteractionList returns a conversation's transcript, oldest first.
func (s *sqlStore) InteractionList(ctx context.Context, conversationID string) ([]Interaction, error) {
	var rows []interactionRow
	if err := list(ctx, s.read, &rows, `SELECT `+interactionColumns+` FROM interactions WHERE conversation_id = ? ORDER BY id`,
		conversationID); err != nil {
		return nil, fmt.Errorf("interactions of %s: %w", conversationID, err)
	}
	out := make([]Interaction, 0, len(rows))
	for _, r := range rows {
		i, err := r.interaction()
		if err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	return out, nil
}

func (s *sqlStore) InteractionGet(ctx context.Context, id int64) (Interaction, error) {
	var r interactionRow
	if err := get(ctx, s.read, &r, `SELECT `+interactionColumns+` FROM interactions WHERE id = ?`, id); err != nil {
		return Interaction{}, s.fail(err, "interaction %d", id)
	}
	return r.interaction()
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
