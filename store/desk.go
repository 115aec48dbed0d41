package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"
)

// Desk is the storage of the agent workspace: how far each agent has read each conversation,
// and the canned responses agents insert in their replies.
type Desk interface {
	// ReadMarkSet records that an agent has read a conversation up to a time; a mark never
	// moves back.
	ReadMarkSet(ctx context.Context, agentID, conversationID string, at time.Time) error
	// ReadMarkGet returns how far an agent has read a conversation; the zero time when never.
	ReadMarkGet(ctx context.Context, agentID, conversationID string) (time.Time, error)

	// CannedList returns the canned responses that match p, by title, at most p.Limit.
	CannedList(ctx context.Context, p CannedListParams) ([]CannedResponse, error)
	CannedGet(ctx context.Context, id string) (CannedResponse, error)
	// CannedCreate stores a new canned response with a new id ("cr_" and a random UUID).
	CannedCreate(ctx context.Context, c CannedResponse, by string) (CannedResponse, error)
	// CannedUpdate replaces a canned response; ErrNotFound when there is none.
	CannedUpdate(ctx context.Context, c CannedResponse, by string) (CannedResponse, error)
	CannedDelete(ctx context.Context, id, by string) error

	// AuditRecord appends an entry to the audit log for a change made elsewhere: a
	// supervisor's reassignment of a conversation. Its At is now.
	AuditRecord(ctx context.Context, actor, object, verb, objectID string, detail map[string]any) error
}

// CannedResponse is a text an agent inserts in a reply: for every conversation, or only those
// of a channel, a skill, or both.
type CannedResponse struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Shortcut string `json:"shortcut"`
	// Text is a flow template: {{ contact.name }} and the like are filled in for the agent.
	Text string `json:"text"`
	// Channel and Skill, when set, limit the response to conversations of that channel, skill.
	Channel   string    `json:"channel,omitempty"`
	Skill     string    `json:"skill,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// CannedListParams filter canned responses.
type CannedListParams struct {
	// Scoped, when set, keeps the responses that apply to a conversation of Channel and Skill:
	// theirs and the global ones.
	Scoped         bool
	Channel, Skill string
	// Query matches the title, the shortcut or the text, ignoring case.
	Query string
	// Limit is 200 when zero or more.
	Limit int
}

// MaxCannedList is the most canned responses a list returns.
const MaxCannedList = 200

const auditCanned = "canned_response"

type cannedRow struct {
	ID        string    `db:"id"`
	Title     string    `db:"title"`
	Shortcut  string    `db:"shortcut"`
	Text      string    `db:"text"`
	ChannelID string    `db:"channel_id"`
	Skill     string    `db:"skill"`
	CreatedAt timestamp `db:"created_at"`
	UpdatedAt timestamp `db:"updated_at"`
}

const cannedColumns = `id, title, shortcut, text, channel_id, skill, created_at, updated_at`

func (r cannedRow) canned() CannedResponse {
	return CannedResponse{ID: r.ID, Title: r.Title, Shortcut: r.Shortcut, Text: r.Text, Channel: r.ChannelID, Skill: r.Skill,
		CreatedAt: r.CreatedAt.Time, UpdatedAt: r.UpdatedAt.Time}
}

func (s *sqlStore) ReadMarkSet(ctx context.Context, agentID, conversationID string, at time.Time) error {
	_, err := exec(ctx, s.db, `INSERT INTO agent_reads (agent_id, conversation_id, read_at) VALUES (?, ?, ?)
		ON CONFLICT (agent_id, conversation_id) DO UPDATE SET read_at = excluded.read_at
		WHERE agent_reads.read_at < excluded.read_at`, agentID, conversationID, s.ts(at))
	if err != nil {
		return fmt.Errorf("read mark of %s on %s: %w", agentID, conversationID, err)
	}
	return nil
}

func (s *sqlStore) ReadMarkGet(ctx context.Context, agentID, conversationID string) (time.Time, error) {
	var at []timestamp
	if err := list(ctx, s.read, &at, `SELECT read_at FROM agent_reads WHERE agent_id = ? AND conversation_id = ?`,
		agentID, conversationID); err != nil {
		return time.Time{}, fmt.Errorf("read mark of %s on %s: %w", agentID, conversationID, err)
	}
	if len(at) == 0 {
		return time.Time{}, nil
	}
	return at[0].Time, nil
}

func (s *sqlStore) CannedList(ctx context.Context, p CannedListParams) ([]CannedResponse, error) {
	if p.Limit <= 0 || p.Limit > MaxCannedList {
		p.Limit = MaxCannedList
	}
	where, args := []string{"1 = 1"}, []any{}
	if p.Scoped {
		where = append(where, `channel_id IN ('', ?) AND skill IN ('', ?)`)
		args = append(args, p.Channel, p.Skill)
	}
	if q := strings.TrimSpace(p.Query); q != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.ToLower(q)) + "%"
		where = append(where, `(LOWER(title) LIKE ? ESCAPE '\' OR LOWER(shortcut) LIKE ? ESCAPE '\' OR LOWER(text) LIKE ? ESCAPE '\')`)
		args = append(args, like, like, like)
	}
	args = append(args, p.Limit)
	var rows []cannedRow
	if err := list(ctx, s.read, &rows, `SELECT `+cannedColumns+` FROM canned_responses WHERE `+strings.Join(where, " AND ")+
		` ORDER BY title, id LIMIT ?`, args...); err != nil {
		return nil, fmt.Errorf("canned responses: %w", err)
	}
	out := make([]CannedResponse, len(rows))
	for i, r := range rows {
		out[i] = r.canned()
	}
	return out, nil
}

func (s *sqlStore) CannedGet(ctx context.Context, id string) (CannedResponse, error) {
	var r cannedRow
	if err := get(ctx, s.read, &r, `SELECT `+cannedColumns+` FROM canned_responses WHERE id = ?`, id); err != nil {
		return CannedResponse{}, s.fail(err, "canned response %s", id)
	}
	return r.canned(), nil
}

func (s *sqlStore) CannedCreate(ctx context.Context, c CannedResponse, by string) (CannedResponse, error) {
	if strings.TrimSpace(c.Title) == "" || strings.TrimSpace(c.Text) == "" {
		return CannedResponse{}, invalid("canned response: a title and a text are needed")
	}
	c.ID = "cr_" + uuid.NewString()
	now := s.now()
	var r cannedRow
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := get(ctx, tx, &r, `INSERT INTO canned_responses (`+cannedColumns+`, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			RETURNING `+cannedColumns, c.ID, c.Title, c.Shortcut, c.Text, c.Channel, c.Skill, s.ts(now), s.ts(now), by); err != nil {
			return s.fail(err, "canned response %s", c.ID)
		}
		return s.audit(ctx, tx, now, by, auditCanned, "create", c.ID, map[string]any{"title": c.Title})
	})
	if err != nil {
		return CannedResponse{}, err
	}
	return r.canned(), nil
}

func (s *sqlStore) CannedUpdate(ctx context.Context, c CannedResponse, by string) (CannedResponse, error) {
	if strings.TrimSpace(c.Title) == "" || strings.TrimSpace(c.Text) == "" {
		return CannedResponse{}, invalid("canned response: a title and a text are needed")
	}
	now := s.now()
	var r cannedRow
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := get(ctx, tx, &r, `UPDATE canned_responses SET title = ?, shortcut = ?, text = ?, channel_id = ?, skill = ?,
			updated_at = ?, updated_by = ? WHERE id = ? RETURNING `+cannedColumns,
			c.Title, c.Shortcut, c.Text, c.Channel, c.Skill, s.ts(now), by, c.ID); err != nil {
			return s.fail(err, "canned response %s", c.ID)
		}
		return s.audit(ctx, tx, now, by, auditCanned, "update", c.ID, map[string]any{"title": c.Title})
	})
	if err != nil {
		return CannedResponse{}, err
	}
	return r.canned(), nil
}

func (s *sqlStore) CannedDelete(ctx context.Context, id, by string) error {
	return s.deleteAudited(ctx, `DELETE FROM canned_responses WHERE id = ?`, by, auditCanned, id)
}

func (s *sqlStore) AuditRecord(ctx context.Context, actor, object, verb, objectID string, detail map[string]any) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error { return s.audit(ctx, tx, s.now(), actor, object, verb, objectID, detail) })
}
