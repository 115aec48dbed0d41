package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/switchboardhq/switchboard/engine"
)

// Webchat is the storage of web chat mailboxes: the messages a visitor of a web chat without a
// callback_url wrote and was answered, numbered per visitor, and the files visitors attached.
// The widget reads a mailbox after the last number it saw, so every message reaches it once and
// in order, across reconnects.
type Webchat interface {
	// WebchatList returns up to limit messages of a visitor's mailbox numbered after after,
	// oldest first.
	WebchatList(ctx context.Context, channelID, visitor string, after int64, limit int) ([]WebchatMessage, error)
	// WebchatLast returns the highest number of a visitor's mailbox, 0 when it is empty.
	WebchatLast(ctx context.Context, channelID, visitor string) (int64, error)
	// WebchatFilePut stores a visitor's file and deletes that visitor's oldest files beyond
	// keep.
	WebchatFilePut(ctx context.Context, f WebchatFile, keep int) (WebchatFile, error)
	// WebchatFileGet returns a file with its data; ErrNotFound when there is none.
	WebchatFileGet(ctx context.Context, id string) (WebchatFile, error)
	// WebchatKey returns the key that signs visitor tokens, storing candidate as that key when
	// there is none yet: racing nodes all get the one stored first.
	WebchatKey(ctx context.Context, candidate []byte) ([]byte, error)
}

// WebchatTx is what a transaction writes of web chat mailboxes.
type WebchatTx interface {
	// WebchatAppend numbers and stores a message in its visitor's mailbox, unless the mailbox
	// holds one with the same key already: then it returns that one, and created is false.
	// The mailbox keeps its newest keep messages (all when keep is 0).
	WebchatAppend(ctx context.Context, m WebchatMessage, keep int) (stored WebchatMessage, created bool, err error)
	// WebchatMarkDelivered marks a visitor's replies up to a number delivered to the widget,
	// and returns how many it marked.
	WebchatMarkDelivered(ctx context.Context, channelID, visitor string, upTo int64) (int64, error)
}

// WebchatVisitorPrefix starts the ids of the visitors the server makes for the widget: only
// they have a mailbox.
const WebchatVisitorPrefix = "v_"

// IsWebchatVisitor tells whether a web chat customer is a visitor of the widget.
func IsWebchatVisitor(customer string) bool { return strings.HasPrefix(customer, WebchatVisitorPrefix) }

// Directions of web chat messages.
const (
	WebchatIn  = "in"
	WebchatOut = "out"
)

// WebchatMessage is one message of a visitor's mailbox.
type WebchatMessage struct {
	ChannelID string `json:"-"`
	Visitor   string `json:"-"`
	// Seq numbers the visitor's messages from 1; it is the stream's event id.
	Seq int64 `json:"id"`
	// Key is the widget's id of a visitor's message, or the action id of a reply.
	Key         string              `json:"key"`
	Direction   string              `json:"direction"`
	Text        string              `json:"text"`
	Attachments []engine.Attachment `json:"attachments"`
	// Agent is the agent who wrote a reply; empty for the flow's.
	Agent string `json:"agent,omitempty"`
	// Delivered tells that the widget acknowledged a reply.
	Delivered bool      `json:"delivered"`
	CreatedAt time.Time `json:"created_at"`
}

// WebchatFile is a file a visitor attached.
type WebchatFile struct {
	ID          string    `json:"id"`
	ChannelID   string    `json:"channel_id"`
	Visitor     string    `json:"-"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	Data        []byte    `json:"-"`
	CreatedAt   time.Time `json:"created_at"`
}

type webchatRow struct {
	ChannelID   string    `db:"channel_id"`
	Visitor     string    `db:"visitor"`
	Seq         int64     `db:"seq"`
	Key         string    `db:"key"`
	Direction   string    `db:"direction"`
	Text        string    `db:"text"`
	Attachments string    `db:"attachments"`
	Agent       string    `db:"agent"`
	Delivered   bool      `db:"delivered"`
	CreatedAt   timestamp `db:"created_at"`
}

const webchatColumns = `channel_id, visitor, seq, key, direction, text, attachments, agent, delivered, created_at`

func (r webchatRow) message() (WebchatMessage, error) {
	m := WebchatMessage{ChannelID: r.ChannelID, Visitor: r.Visitor, Seq: r.Seq, Key: r.Key, Direction: r.Direction,
		Text: r.Text, Agent: r.Agent, Delivered: r.Delivered, CreatedAt: r.CreatedAt.Time}
	if err := fromJSON(r.Attachments, &m.Attachments); err != nil {
		return WebchatMessage{}, fmt.Errorf("web chat message %d attachments: %w", r.Seq, err)
	}
	if m.Attachments == nil {
		m.Attachments = []engine.Attachment{}
	}
	return m, nil
}

var _ Webchat = (*sqlStore)(nil)

func (s *sqlStore) WebchatList(ctx context.Context, channelID, visitor string, after int64, limit int) ([]WebchatMessage, error) {
	if limit <= 0 {
		limit = 100
	}
	var rows []webchatRow
	if err := list(ctx, s.read, &rows, `SELECT `+webchatColumns+` FROM webchat_messages
		WHERE channel_id = ? AND visitor = ? AND seq > ? ORDER BY seq LIMIT ?`, channelID, visitor, after, limit); err != nil {
		return nil, fmt.Errorf("web chat mailbox of %s: %w", visitor, err)
	}
	out := make([]WebchatMessage, 0, len(rows))
	for _, r := range rows {
		m, err := r.message()
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

func (s *sqlStore) WebchatLast(ctx context.Context, channelID, visitor string) (int64, error) {
	var last int64
	if err := get(ctx, s.read, &last, `SELECT coalesce(max(seq), 0) FROM webchat_messages WHERE channel_id = ? AND visitor = ?`,
		channelID, visitor); err != nil {
		return 0, fmt.Errorf("web chat mailbox of %s: %w", visitor, err)
	}
	return last, nil
}

func (p pipe) WebchatAppend(ctx context.Context, m WebchatMessage, keep int) (WebchatMessage, bool, error) {
	switch {
	case m.ChannelID == "" || m.Visitor == "":
		return WebchatMessage{}, false, invalid("web chat message: no channel or visitor")
	case m.Key == "":
		return WebchatMessage{}, false, invalid("web chat message: no key")
	case m.Direction != WebchatIn && m.Direction != WebchatOut:
		return WebchatMessage{}, false, invalid("web chat message: direction %q", m.Direction)
	}
	attachments, err := jsonArg(m.Attachments, "[]")
	if err != nil {
		return WebchatMessage{}, false, err
	}
	m.CreatedAt = dbTime(p.s.now())
	// The number is the mailbox's highest plus one. A writer that races another for it (the
	// visitor's post and the flow's reply) meets the other's row on the primary key: on
	// PostgreSQL the insert waits for the other to commit and then does nothing, and the next
	// attempt reads the number after it. So numbers become visible in order.
	for attempt := 0; ; attempt++ {
		var r webchatRow
		err := p.get(ctx, &r, `SELECT `+webchatColumns+` FROM webchat_messages WHERE channel_id = ? AND visitor = ? AND key = ?`,
			m.ChannelID, m.Visitor, m.Key)
		if err == nil {
			stored, err := r.message()
			return stored, false, err
		}
		if !isNotFound(p.s.fail(err, "web chat message")) {
			return WebchatMessage{}, false, fmt.Errorf("web chat message %s: %w", m.Key, err)
		}
		if attempt == 5 {
			return WebchatMessage{}, false, fmt.Errorf("web chat mailbox of %s: other writers took every number tried", m.Visitor)
		}
		if err := p.get(ctx, &m.Seq, `SELECT coalesce(max(seq), 0) + 1 FROM webchat_messages WHERE channel_id = ? AND visitor = ?`,
			m.ChannelID, m.Visitor); err != nil {
			return WebchatMessage{}, false, fmt.Errorf("web chat mailbox of %s: %w", m.Visitor, err)
		}
		n, err := p.exec(ctx, `INSERT INTO webchat_messages (`+webchatColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT DO NOTHING`,
			m.ChannelID, m.Visitor, m.Seq, m.Key, m.Direction, m.Text, attachments, m.Agent, false, p.s.ts(m.CreatedAt))
		if err != nil {
			return WebchatMessage{}, false, p.s.fail(err, "web chat message %s", m.Key)
		}
		if n == 1 {
			break
		}
	}
	if keep > 0 && m.Seq > int64(keep) {
		if _, err := p.exec(ctx, `DELETE FROM webchat_messages WHERE channel_id = ? AND visitor = ? AND seq <= ?`,
			m.ChannelID, m.Visitor, m.Seq-int64(keep)); err != nil {
			return WebchatMessage{}, false, fmt.Errorf("web chat mailbox of %s: %w", m.Visitor, err)
		}
	}
	if m.Attachments == nil {
		m.Attachments = []engine.Attachment{}
	}
	return m, true, nil
}

func (p pipe) WebchatMarkDelivered(ctx context.Context, channelID, visitor string, upTo int64) (int64, error) {
	n, err := p.exec(ctx, `UPDATE webchat_messages SET delivered = ? WHERE channel_id = ? AND visitor = ? AND seq <= ?
		AND direction = 'out' AND delivered = ?`, true, channelID, visitor, upTo, false)
	if err != nil {
		return 0, fmt.Errorf("web chat mailbox of %s: %w", visitor, err)
	}
	return n, nil
}

type webchatFileRow struct {
	ID          string    `db:"id"`
	ChannelID   string    `db:"channel_id"`
	Visitor     string    `db:"visitor"`
	Name        string    `db:"name"`
	ContentType string    `db:"content_type"`
	Size        int64     `db:"size"`
	Data        []byte    `db:"data"`
	CreatedAt   timestamp `db:"created_at"`
}

func (r webchatFileRow) file() WebchatFile {
	return WebchatFile{ID: r.ID, ChannelID: r.ChannelID, Visitor: r.Visitor, Name: r.Name, ContentType: r.ContentType,
		Size: r.Size, Data: r.Data, CreatedAt: r.CreatedAt.Time}
}

func (s *sqlStore) WebchatFilePut(ctx context.Context, f WebchatFile, keep int) (WebchatFile, error) {
	if f.ID == "" || f.ChannelID == "" || f.Visitor == "" {
		return WebchatFile{}, invalid("web chat file: no id, channel or visitor")
	}
	f.Size = int64(len(f.Data))
	f.CreatedAt = dbTime(s.now())
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := exec(ctx, tx, `INSERT INTO webchat_files (id, channel_id, visitor, name, content_type, size, data, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, f.ID, f.ChannelID, f.Visitor, f.Name, f.ContentType, f.Size, f.Data,
			s.ts(f.CreatedAt)); err != nil {
			return s.fail(err, "web chat file %s", f.ID)
		}
		if keep <= 0 {
			return nil
		}
		_, err := exec(ctx, tx, `DELETE FROM webchat_files WHERE id IN (SELECT id FROM webchat_files
			WHERE channel_id = ? AND visitor = ? ORDER BY created_at DESC, id LIMIT 1000000 OFFSET ?)`, f.ChannelID, f.Visitor, keep)
		return err
	})
	if err != nil {
		return WebchatFile{}, err
	}
	return f, nil
}

func (s *sqlStore) WebchatFileGet(ctx context.Context, id string) (WebchatFile, error) {
	var r webchatFileRow
	if err := get(ctx, s.read, &r, `SELECT id, channel_id, visitor, name, content_type, size, data, created_at
		FROM webchat_files WHERE id = ?`, id); err != nil {
		return WebchatFile{}, s.fail(err, "web chat file %s", id)
	}
	return r.file(), nil
}

// pruneWebchat deletes web chat messages and files stored before a time.
func (s *sqlStore) pruneWebchat(ctx context.Context, before time.Time, limit int, pruned Pruned) (int, error) {
	n, err := s.deleteBatch(ctx, PruneWebchat, pruned, `DELETE FROM webchat_files WHERE id IN (
		SELECT id FROM webchat_files WHERE created_at < ? ORDER BY created_at LIMIT ?)`, s.ts(before), limit)
	if err != nil {
		return 0, err
	}
	m, err := s.deleteBatch(ctx, PruneWebchat, pruned, `DELETE FROM webchat_messages WHERE (channel_id, visitor, seq) IN (
		SELECT channel_id, visitor, seq FROM webchat_messages WHERE created_at < ? ORDER BY created_at LIMIT ?)`,
		s.ts(before), limit)
	return max(n, m), err
}

func (s *sqlStore) WebchatKey(ctx context.Context, candidate []byte) ([]byte, error) {
	if len(candidate) < 32 {
		return nil, invalid("web chat key: %d bytes; give at least 32", len(candidate))
	}
	if _, err := exec(ctx, s.db, `INSERT INTO webchat_keys (id, secret, created_at) VALUES ('visitor', ?, ?)
		ON CONFLICT (id) DO NOTHING`, candidate, s.ts(s.now())); err != nil {
		return nil, fmt.Errorf("web chat key: %w", err)
	}
	var key []byte
	if err := get(ctx, s.db, &key, `SELECT secret FROM webchat_keys WHERE id = 'visitor'`); err != nil {
		return nil, fmt.Errorf("web chat key: %w", err)
	}
	return key, nil
}
