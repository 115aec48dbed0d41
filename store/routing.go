package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"
)

// Routing is the ACD's storage: agents' states, the queue, and leases.
type Routing interface {
	AgentStateList(ctx context.Context) ([]AgentState, error)
	AgentStateGet(ctx context.Context, agentID string) (AgentState, error)
	// QueueList returns queue entries, oldest first.
	QueueList(ctx context.Context, p QueueListParams) ([]QueueEntry, error)
	QueueGet(ctx context.Context, ref string) (QueueEntry, error)
	// QueueAssignments counts, per agent and skill, the conversations assigned since a time
	// and the offers ringing now, with the latest of their times.
	QueueAssignments(ctx context.Context, since time.Time) ([]AgentAssignments, error)
	// LeaseAcquire takes a named lease for a holder, or renews it when the holder has it
	// already; false when another holder's lease has not run out.
	LeaseAcquire(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	// LeaseRelease gives a lease up.
	LeaseRelease(ctx context.Context, name, holder string) error
}

// Queue entry statuses.
const (
	QueueQueued    = "queued"
	QueueOffered   = "offered"
	QueueAssigned  = "assigned"
	QueueClosed    = "closed"
	QueueWithdrawn = "withdrawn"
)

// QueueOpen are the statuses of entries not finished yet.
var QueueOpen = []string{QueueQueued, QueueOffered, QueueAssigned}

// AgentState is where an agent stands.
type AgentState struct {
	AgentID string `json:"agent"`
	// State is offline, available, busy or break.
	State  string    `json:"state"`
	Reason string    `json:"reason"`
	Since  time.Time `json:"since"`
	// IdleSince is when the agent last finished a conversation.
	IdleSince *time.Time `json:"idle_since"`
	UpdatedAt time.Time  `json:"updated_at"`
}

// QueueEntry is a conversation's request for an agent, from its queueing to its closing.
type QueueEntry struct {
	Ref            string     `json:"ref"`
	SessionID      string     `json:"session_id"`
	ConversationID string     `json:"conversation_id"`
	ChannelID      string     `json:"channel_id"`
	ChannelType    string     `json:"channel_type"`
	Skill          string     `json:"skill"`
	Priority       int        `json:"priority"`
	Public         bool       `json:"public"`
	EnqueuedAt     time.Time  `json:"enqueued_at"`
	PreferredAgent string     `json:"preferred_agent"`
	PreferredUntil *time.Time `json:"preferred_until"`
	Status         string     `json:"status"`
	Agent          string     `json:"agent"`
	// Offers counts the offers made to agents.
	Offers         int        `json:"offers"`
	OfferedAt      *time.Time `json:"offered_at"`
	OfferExpiresAt *time.Time `json:"offer_expires_at"`
	// Excluded are the agents who rejected it or let it ring out.
	Excluded    []string   `json:"excluded"`
	AssignedAt  *time.Time `json:"assigned_at"`
	ClosedAt    *time.Time `json:"closed_at"`
	WithdrawnAt *time.Time `json:"withdrawn_at"`
	Disposition string     `json:"disposition"`
	// Escalation are the steps that widen the request as it waits (route.skill's escalation).
	Escalation []EscalationStep `json:"escalation,omitempty"`
	// Step is the escalation step (from 1) the entry was at when it was offered or assigned; 0
	// when it had none.
	Step int `json:"step"`
	// Requeues counts the times it went back to the queue unanswered (auto_requeue).
	Requeues  int       `json:"requeues"`
	UpdatedAt time.Time `json:"updated_at"`
}

// EscalationStep is a step of a queue entry's escalation: from After seconds since it was
// queued, agents need MinProficiency (0 keeps the step before's), agents of Skills may take it
// too, and Priority is added.
type EscalationStep struct {
	After          float64  `json:"after"`
	MinProficiency int      `json:"min_proficiency,omitempty"`
	Skills         []string `json:"skills,omitempty"`
	Priority       int      `json:"priority,omitempty"`
}

// AgentAssignments are the recent new conversations of an agent in a skill.
type AgentAssignments struct {
	Agent string    `db:"agent"`
	Skill string    `db:"skill"`
	N     int       `db:"n"`
	Last  time.Time `db:"-"`
}

// QueueListParams filter queue entries.
type QueueListParams struct {
	Statuses  []string
	Skill     string
	Agent     string
	ChannelID string
	// From and To bound the enqueueing time.
	From, To time.Time
}

// RoutingTx is the ACD's writes inside a pipeline transaction.
type RoutingTx interface {
	QueueInsert(ctx context.Context, e QueueEntry) error
	// QueueGet reads an entry, locking it until the transaction ends (on PostgreSQL).
	QueueGet(ctx context.Context, ref string) (QueueEntry, error)
	// QueueUpdate writes an entry if its status is still ifStatus; ErrStale otherwise.
	QueueUpdate(ctx context.Context, e QueueEntry, ifStatus string) error
	// QueueOfConversation returns the conversation's open entry; ErrNotFound when none.
	QueueOfConversation(ctx context.Context, conversationID string) (QueueEntry, error)
	// AgentStateGet reads an agent's state, locking it until the transaction ends (on
	// PostgreSQL); an agent never logged in is offline.
	AgentStateGet(ctx context.Context, agentID string) (AgentState, error)
	AgentStateSet(ctx context.Context, s AgentState) (AgentState, error)
	// AgentGet reads an agent: its skills, capacity and blending; ErrNotFound when there is none.
	AgentGet(ctx context.Context, id string) (Agent, error)
	// AgentLoad counts the conversations offered or assigned to an agent, by channel.
	AgentLoad(ctx context.Context, agentID string) ([]ChannelLoad, error)
	// ContactSetLastAgent records who last served a contact: its preferred agent.
	ContactSetLastAgent(ctx context.Context, contactID, agent string) error
}

type agentStateRow struct {
	AgentID   string        `db:"agent_id"`
	State     string        `db:"state"`
	Reason    string        `db:"reason"`
	Since     timestamp     `db:"since"`
	IdleSince nullTimestamp `db:"idle_since"`
	UpdatedAt timestamp     `db:"updated_at"`
}

const agentStateColumns = `agent_id, state, reason, since, idle_since, updated_at`

func (r agentStateRow) state() AgentState {
	return AgentState{AgentID: r.AgentID, State: r.State, Reason: r.Reason, Since: r.Since.Time, IdleSince: r.IdleSince.Time,
		UpdatedAt: r.UpdatedAt.Time}
}

func (s *sqlStore) AgentStateList(ctx context.Context) ([]AgentState, error) {
	var rows []agentStateRow
	if err := list(ctx, s.read, &rows, `SELECT `+agentStateColumns+` FROM agent_states ORDER BY agent_id`); err != nil {
		return nil, fmt.Errorf("agent states: %w", err)
	}
	out := make([]AgentState, len(rows))
	for i, r := range rows {
		out[i] = r.state()
	}
	return out, nil
}

// AgentStateGet returns an agent's state; an agent never logged in is offline.
func (s *sqlStore) AgentStateGet(ctx context.Context, agentID string) (AgentState, error) {
	return s.pipe().AgentStateGet(ctx, agentID)
}

func (p pipe) AgentStateGet(ctx context.Context, agentID string) (AgentState, error) {
	var r agentStateRow
	err := p.get(ctx, &r, `SELECT `+agentStateColumns+` FROM agent_states WHERE agent_id = ?`+p.lock(), agentID)
	if errors.Is(err, sql.ErrNoRows) {
		return AgentState{AgentID: agentID, State: "offline"}, nil
	}
	if err != nil {
		return AgentState{}, fmt.Errorf("agent %s state: %w", agentID, err)
	}
	return r.state(), nil
}

func (p pipe) AgentGet(ctx context.Context, id string) (Agent, error) {
	var r agentRow
	if err := p.get(ctx, &r, `SELECT `+agentColumns+` FROM agents WHERE id = ?`, id); err != nil {
		return Agent{}, p.s.fail(err, "agent %s", id)
	}
	return r.agent()
}

func (p pipe) AgentLoad(ctx context.Context, agentID string) ([]ChannelLoad, error) {
	var rows []ChannelLoad
	err := p.list(ctx, &rows, `SELECT channel_type, channel_id, count(*) AS n FROM queue_entries
		WHERE agent = ? AND status IN ('offered', 'assigned') GROUP BY channel_type, channel_id ORDER BY channel_id`, agentID)
	if err != nil {
		return nil, fmt.Errorf("agent %s load: %w", agentID, err)
	}
	return rows, nil
}

// ChannelLoad counts an agent's conversations on one channel.
type ChannelLoad struct {
	ChannelType string `db:"channel_type"`
	ChannelID   string `db:"channel_id"`
	N           int    `db:"n"`
}

func (p pipe) AgentStateSet(ctx context.Context, st AgentState) (AgentState, error) {
	now := p.s.now()
	if st.Since.IsZero() {
		st.Since = now
	}
	st.Since, st.UpdatedAt = dbTime(st.Since), now
	_, err := p.exec(ctx, `INSERT INTO agent_states (`+agentStateColumns+`) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (agent_id) DO UPDATE SET state = excluded.state, reason = excluded.reason, since = excluded.since,
			idle_since = excluded.idle_since, updated_at = excluded.updated_at`,
		st.AgentID, st.State, st.Reason, p.s.ts(st.Since), p.s.nullTS(st.IdleSince), p.s.ts(now))
	if err != nil {
		return AgentState{}, p.s.fail(err, "agent %s state", st.AgentID)
	}
	return st, nil
}

func (p pipe) ContactSetLastAgent(ctx context.Context, contactID, agent string) error {
	n, err := p.exec(ctx, `UPDATE contacts SET last_agent = ?, updated_at = ? WHERE id = ?`, agent, p.s.ts(p.s.now()), contactID)
	if err != nil {
		return p.s.fail(err, "contact %s", contactID)
	}
	return notFound(n, "contact %s", contactID)
}

type queueRow struct {
	Ref            string        `db:"ref"`
	SessionID      string        `db:"session_id"`
	ConversationID string        `db:"conversation_id"`
	ChannelID      string        `db:"channel_id"`
	ChannelType    string        `db:"channel_type"`
	Skill          string        `db:"skill"`
	Priority       int           `db:"priority"`
	Public         bool          `db:"public"`
	EnqueuedAt     timestamp     `db:"enqueued_at"`
	PreferredAgent string        `db:"preferred_agent"`
	PreferredUntil nullTimestamp `db:"preferred_until"`
	Status         string        `db:"status"`
	Agent          string        `db:"agent"`
	Offers         int           `db:"offers"`
	OfferedAt      nullTimestamp `db:"offered_at"`
	OfferExpiresAt nullTimestamp `db:"offer_expires_at"`
	Excluded       string        `db:"excluded"`
	AssignedAt     nullTimestamp `db:"assigned_at"`
	ClosedAt       nullTimestamp `db:"closed_at"`
	WithdrawnAt    nullTimestamp `db:"withdrawn_at"`
	Disposition    string        `db:"disposition"`
	Escalation     string        `db:"escalation"`
	Step           int           `db:"step"`
	Requeues       int           `db:"requeues"`
	UpdatedAt      timestamp     `db:"updated_at"`
}

const queueColumns = `ref, session_id, conversation_id, channel_id, channel_type, skill, priority, public, enqueued_at,
	preferred_agent, preferred_until, status, agent, offers, offered_at, offer_expires_at, excluded, assigned_at, closed_at,
	withdrawn_at, disposition, escalation, step, requeues, updated_at`

func (r queueRow) entry() (QueueEntry, error) {
	e := QueueEntry{Ref: r.Ref, SessionID: r.SessionID, ConversationID: r.ConversationID, ChannelID: r.ChannelID,
		ChannelType: r.ChannelType, Skill: r.Skill, Priority: r.Priority, Public: r.Public, EnqueuedAt: r.EnqueuedAt.Time,
		PreferredAgent: r.PreferredAgent, PreferredUntil: r.PreferredUntil.Time, Status: r.Status, Agent: r.Agent,
		Offers: r.Offers, OfferedAt: r.OfferedAt.Time, OfferExpiresAt: r.OfferExpiresAt.Time, Excluded: []string{},
		AssignedAt: r.AssignedAt.Time, ClosedAt: r.ClosedAt.Time, WithdrawnAt: r.WithdrawnAt.Time,
		Disposition: r.Disposition, Step: r.Step, Requeues: r.Requeues, UpdatedAt: r.UpdatedAt.Time}
	if err := fromJSON(r.Excluded, &e.Excluded); err != nil {
		return QueueEntry{}, fmt.Errorf("queue entry %s: %w", r.Ref, err)
	}
	if err := fromJSON(r.Escalation, &e.Escalation); err != nil {
		return QueueEntry{}, fmt.Errorf("queue entry %s escalation: %w", r.Ref, err)
	}
	if len(e.Escalation) == 0 {
		e.Escalation = nil
	}
	return e, nil
}

func (p pipe) QueueInsert(ctx context.Context, e QueueEntry) error {
	if e.Status == "" {
		e.Status = QueueQueued
	}
	_, err := p.exec(ctx, `INSERT INTO queue_entries (`+queueColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Ref, e.SessionID, e.ConversationID, e.ChannelID, e.ChannelType, e.Skill, e.Priority, e.Public, p.s.ts(e.EnqueuedAt),
		e.PreferredAgent, p.s.nullTS(e.PreferredUntil), e.Status, e.Agent, e.Offers, p.s.nullTS(e.OfferedAt),
		p.s.nullTS(e.OfferExpiresAt), mustJSON(e.Excluded, "[]"), p.s.nullTS(e.AssignedAt), p.s.nullTS(e.ClosedAt),
		p.s.nullTS(e.WithdrawnAt), e.Disposition, mustJSON(e.Escalation, "[]"), e.Step, e.Requeues, p.s.ts(p.s.now()))
	if err != nil {
		return p.s.fail(err, "queue entry %s", e.Ref)
	}
	return nil
}

func (p pipe) QueueGet(ctx context.Context, ref string) (QueueEntry, error) {
	var r queueRow
	if err := p.get(ctx, &r, `SELECT `+queueColumns+` FROM queue_entries WHERE ref = ?`+p.lock(), ref); err != nil {
		return QueueEntry{}, p.s.fail(err, "queue entry %s", ref)
	}
	return r.entry()
}

// lock locks a row read in a transaction.
func (p pipe) lock() string {
	if _, inTx := p.q.(*sqlx.Tx); inTx {
		return p.s.dialect.lockRow
	}
	return ""
}

func (p pipe) QueueUpdate(ctx context.Context, e QueueEntry, ifStatus string) error {
	n, err := p.exec(ctx, `UPDATE queue_entries SET skill = ?, priority = ?, preferred_agent = ?, preferred_until = ?,
		status = ?, agent = ?, offers = ?, offered_at = ?, offer_expires_at = ?, excluded = ?, assigned_at = ?, closed_at = ?,
		withdrawn_at = ?, disposition = ?, escalation = ?, step = ?, requeues = ?, updated_at = ? WHERE ref = ? AND status = ?`,
		e.Skill, e.Priority, e.PreferredAgent, p.s.nullTS(e.PreferredUntil), e.Status, e.Agent, e.Offers, p.s.nullTS(e.OfferedAt),
		p.s.nullTS(e.OfferExpiresAt), mustJSON(e.Excluded, "[]"), p.s.nullTS(e.AssignedAt), p.s.nullTS(e.ClosedAt),
		p.s.nullTS(e.WithdrawnAt), e.Disposition, mustJSON(e.Escalation, "[]"), e.Step, e.Requeues, p.s.ts(p.s.now()), e.Ref, ifStatus)
	if err != nil {
		return p.s.fail(err, "queue entry %s", e.Ref)
	}
	if n == 0 {
		return fmt.Errorf("queue entry %s is no longer %s: %w", e.Ref, ifStatus, ErrStale)
	}
	return nil
}

func (p pipe) QueueOfConversation(ctx context.Context, conversationID string) (QueueEntry, error) {
	var r queueRow
	err := p.get(ctx, &r, `SELECT `+queueColumns+` FROM queue_entries WHERE conversation_id = ?
		AND status IN ('queued', 'offered', 'assigned') ORDER BY enqueued_at DESC LIMIT 1`, conversationID)
	if err != nil {
		return QueueEntry{}, p.s.fail(err, "open queue entry of conversation %s", conversationID)
	}
	return r.entry()
}

func (s *sqlStore) QueueGet(ctx context.Context, ref string) (QueueEntry, error) {
	return s.pipe().QueueGet(ctx, ref)
}

func (s *sqlStore) QueueList(ctx context.Context, p QueueListParams) ([]QueueEntry, error) {
	query := `SELECT ` + queueColumns + ` FROM queue_entries WHERE 1 = 1`
	var args []any
	if len(p.Statuses) > 0 {
		q, a, err := sqlx.In(` AND status IN (?)`, p.Statuses)
		if err != nil {
			return nil, err
		}
		query += q
		args = append(args, a...)
	}
	for _, f := range []struct{ column, value string }{{"skill", p.Skill}, {"agent", p.Agent}, {"channel_id", p.ChannelID}} {
		if f.value != "" {
			query += " AND " + f.column + " = ?"
			args = append(args, f.value)
		}
	}
	if !p.From.IsZero() {
		query += " AND enqueued_at >= ?"
		args = append(args, s.ts(p.From))
	}
	if !p.To.IsZero() {
		query += " AND enqueued_at < ?"
		args = append(args, s.ts(p.To))
	}
	query += " ORDER BY enqueued_at, ref"
	var rows []queueRow
	if err := list(ctx, s.db, &rows, query, args...); err != nil {
		return nil, fmt.Errorf("queue list: %w", err)
	}
	out := make([]QueueEntry, 0, len(rows))
	for _, r := range rows {
		e, err := r.entry()
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

func (s *sqlStore) QueueAssignments(ctx context.Context, since time.Time) ([]AgentAssignments, error) {
	var rows []struct {
		Agent string    `db:"agent"`
		Skill string    `db:"skill"`
		N     int       `db:"n"`
		Last  timestamp `db:"last"`
	}
	err := list(ctx, s.db, &rows, `SELECT agent, skill, count(*) AS n, MAX(at) AS last FROM (
			SELECT agent, skill, assigned_at AS at FROM queue_entries WHERE assigned_at >= ?
			UNION ALL
			SELECT agent, skill, offered_at AS at FROM queue_entries WHERE status = 'offered' AND offered_at IS NOT NULL
		) recent WHERE agent <> '' GROUP BY agent, skill ORDER BY agent, skill`, s.ts(since))
	if err != nil {
		return nil, fmt.Errorf("queue assignments: %w", err)
	}
	out := make([]AgentAssignments, len(rows))
	for i, r := range rows {
		out[i] = AgentAssignments{Agent: r.Agent, Skill: r.Skill, N: r.N, Last: r.Last.Time}
	}
	return out, nil
}

func (s *sqlStore) LeaseAcquire(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	now := s.now()
	n, err := exec(ctx, s.db, `INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
		WHERE leases.holder = excluded.holder OR leases.expires_at < ?`,
		name, holder, s.ts(now.Add(ttl)), s.ts(now))
	if err != nil {
		return false, fmt.Errorf("lease %s: %w", name, err)
	}
	return n == 1, nil
}

func (s *sqlStore) LeaseRelease(ctx context.Context, name, holder string) error {
	_, err := exec(ctx, s.db, `DELETE FROM leases WHERE name = ? AND holder = ?`, name, holder)
	if err != nil {
		return fmt.Errorf("lease %s: %w", name, err)
	}
	return nil
}

// Open tells whether an entry is not finished yet: queued, offered or assigned.
func (e QueueEntry) Open() bool { return slices.Contains(QueueOpen, e.Status) }
