package store

// Conversations and their interactions: the transcript of every customer.

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"github.com/switchboardhq/switchboard/engine"
)

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

// fields are where the columns of conversationColumns go, in their order: the pipeline's hot
// reads scan them without sqlx's mapping of columns to fields by name.
func (r *conversationRow) fields() []any {
	return []any{&r.ID, &r.ChannelID, &r.Customer, &r.ContactID, &r.Status, &r.Agent, &r.Skill, &r.Important, &r.Tags,
		&r.Disposition, &r.OpenedAt, &r.ClosedAt, &r.LastInboundAt, &r.LastOutboundAt, &r.FirstResponseAt, &r.UpdatedAt}
}

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
	if p.buffering() && !p.b.holdsCustomer(c.ChannelID, c.Customer) {
		p = p.raw() // a new row, which nothing the buffer holds changes
	}
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
	if p.buffering() {
		if c, ok := p.b.conversations[id]; ok {
			return copyConversation(*c), nil
		}
		p = p.raw()
	}
	var r conversationRow
	if err := p.scan(ctx, `SELECT `+conversationColumns+` FROM conversations WHERE id = ?`, r.fields(), id); err != nil {
		return Conversation{}, p.s.fail(err, "conversation %s", id)
	}
	return r.conversation()
}

func (p pipe) ConversationFind(ctx context.Context, channelID, customer string) (Conversation, error) {
	if p.buffering() && !p.b.holdsCustomer(channelID, customer) {
		p = p.raw()
	}
	var r conversationRow
	err := p.get(ctx, &r, `SELECT `+conversationColumns+` FROM conversations
		WHERE channel_id = ? AND customer = ? AND status = 'open'`, channelID, customer)
	if err != nil {
		return Conversation{}, p.s.fail(err, "open conversation with %s on %s", customer, channelID)
	}
	return r.conversation()
}

func (p pipe) ConversationUpdate(ctx context.Context, c Conversation) error {
	if p.buffering() && !p.sendsDirect("c:"+c.ID) {
		c = copyConversation(c)
		p.b.conversations[c.ID] = &c
		return nil
	}
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

// copyConversation is a conversation that shares nothing with c.
func copyConversation(c Conversation) Conversation {
	c.Tags = append([]string{}, c.Tags...)
	return c
}

// holdsCustomer tells whether the buffer holds a change of a conversation of a customer.
func (b *writeBuffer) holdsCustomer(channelID, customer string) bool {
	for _, c := range b.conversations {
		if c.ChannelID == channelID && c.Customer == customer {
			return true
		}
	}
	return false
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

const interactionColumns = `id, conversation_id, channel_id, direction, external_id, kind, public, author, text, thread,
	parent, attachments, at, created_at, action_id, agent, status`

// interactionColumnsOf is interactionColumns qualified by a table alias, for joins.
func interactionColumnsOf(alias string) string {
	cols := strings.Split(interactionColumns, ",")
	for i, c := range cols {
		cols[i] = alias + "." + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}

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
	if p.buffering() && !p.sendsDirect("*") {
		id, err := p.nextID(ctx, "interactions", 0)
		if err != nil {
			return Interaction{}, err
		}
		i.ID, i.At, i.CreatedAt = id, dbTime(i.At), now
		if i.Attachments == nil {
			i.Attachments = []engine.Attachment{}
		}
		p.b.interactions[id] = &bufferedInteraction{i: i, insert: true}
		return i, nil
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
	if p.buffering() {
		return p.b.interactionOverlay(p.raw().InteractionByAction(ctx, actionID))(func(i Interaction) bool {
			return i.ActionID == actionID
		})
	}
	var r interactionRow
	err := p.get(ctx, &r, `SELECT `+interactionColumns+` FROM interactions WHERE action_id = ? ORDER BY id LIMIT 1`, actionID)
	if err != nil {
		return Interaction{}, p.s.fail(err, "interaction of action %s", actionID)
	}
	return r.interaction()
}

func (p pipe) InteractionByExternal(ctx context.Context, channelID, externalID string) (Interaction, error) {
	if p.buffering() {
		return p.b.interactionOverlay(p.raw().InteractionByExternal(ctx, channelID, externalID))(func(i Interaction) bool {
			return i.ChannelID == channelID && i.ExternalID == externalID
		})
	}
	var r interactionRow
	err := p.get(ctx, &r, `SELECT `+interactionColumns+` FROM interactions WHERE channel_id = ? AND external_id = ?
		ORDER BY id LIMIT 1`, channelID, externalID)
	if err != nil {
		return Interaction{}, p.s.fail(err, "interaction %s on %s", externalID, channelID)
	}
	return r.interaction()
}

func (p pipe) InteractionUpdate(ctx context.Context, i Interaction) error {
	if p.buffering() {
		if bi, ok := p.b.interactions[i.ID]; ok {
			bi.i.ExternalID, bi.i.Status, bi.i.Text = i.ExternalID, i.Status, i.Text
			return nil
		}
		if !p.sendsDirect(fmt.Sprint("i:", i.ID)) {
			p.b.interactions[i.ID] = &bufferedInteraction{i: i}
			return nil
		}
	}
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

// interactionOverlay answers a read of one interaction inside a batch: the stored one (read
// from the database) as the buffer changed it, or one the buffer holds that matches, whichever
// has the lower id, as the database's ORDER BY id would.
func (b *writeBuffer) interactionOverlay(stored Interaction, err error) func(match func(Interaction) bool) (Interaction, error) {
	return func(match func(Interaction) bool) (Interaction, error) {
		if err != nil && !isNotFound(err) {
			return Interaction{}, err
		}
		found := err == nil
		if found {
			if bi, ok := b.interactions[stored.ID]; ok {
				stored.ExternalID, stored.Status, stored.Text = bi.i.ExternalID, bi.i.Status, bi.i.Text
				found = match(stored)
			}
		}
		for _, bi := range b.interactions {
			// an update holds the whole row it changes, as the unit read it
			if match(bi.i) && (!found || bi.i.ID < stored.ID) {
				stored, found = bi.i, true
			}
		}
		if !found {
			if err == nil {
				err = fmt.Errorf("interaction: %w", ErrNotFound)
			}
			return Interaction{}, err
		}
		return stored, nil
	}
}

func (s *sqlStore) ConversationGet(ctx context.Context, id string) (Conversation, error) {
	return s.pipe().ConversationGet(ctx, id)
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
	var rows []struct {
		interactionRow
		LastError sql.NullString `db:"last_error"`
	}
	// an outbound message's last error is its outbox row's: why its send failed, or why the
	// last attempt did while it is retried
	if err := list(ctx, s.read, &rows, `SELECT `+interactionColumnsOf("i")+`, o.last_error AS last_error
		FROM interactions i LEFT JOIN outbox o ON i.action_id <> '' AND o.action_id = i.action_id
		WHERE i.conversation_id = ? ORDER BY i.id`, conversationID); err != nil {
		return nil, fmt.Errorf("interactions of %s: %w", conversationID, err)
	}
	out := make([]Interaction, 0, len(rows))
	for _, r := range rows {
		i, err := r.interaction()
		if err != nil {
			return nil, err
		}
		if i.Direction == Outbound && i.Status != OutboxSent && i.Status != "delivered" && i.Status != "read" {
			i.Error = r.LastError.String
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

// directionColumn is how the database spells a direction, and directionOf how the model does.
var (
	directionColumn = map[string]string{Inbound: "in", Outbound: "out"}
	directionOf     = map[string]string{"in": Inbound, "out": Outbound}
)

// InboundState is what handling a customer's message reads before its transaction.
type InboundState struct {
	// Conversation is the customer's open conversation on the channel; nil when none.
	Conversation *Conversation
	// Session is the conversation's running or waiting session; nil when none.
	Session *Session
	// KeySeen and RemovedSeen tell whether the message's event key, and the tombstone of its
	// removal, were recorded.
	KeySeen, RemovedSeen bool
}

type inboundRow struct {
	HasConversation bool            `db:"has_conversation"`
	HasSession      bool            `db:"has_session"`
	KeySeen         bool            `db:"key_seen"`
	RemovedSeen     bool            `db:"removed_seen"`
	C               conversationRow `db:"c"`
	S               sessionRow      `db:"s"`
}

func (r *inboundRow) fields() []any {
	return append(append([]any{&r.HasConversation, &r.HasSession, &r.KeySeen, &r.RemovedSeen}, r.C.fields()...), r.S.fields()...)
}

// inboundQuery reads a customer's open conversation, its active session and two event keys at
// once; the columns of the rows a LEFT JOIN may leave out read as zero values, zero being the
// dialect's zero time.
func inboundQuery(zero string) string {
	q := `SELECT c.id IS NOT NULL AS has_conversation, s.id IS NOT NULL AS has_session,
	EXISTS (SELECT 1 FROM event_keys WHERE channel_id = ? AND key = ?) AS key_seen,
	EXISTS (SELECT 1 FROM event_keys WHERE channel_id = ? AND key = ?) AS removed_seen`
	nullable := func(alias, columns string, zero map[string]string) {
		for _, col := range strings.Split(columns, ",") {
			col = strings.TrimSpace(col)
			expr := alias + "." + col
			if z, ok := zero[col]; ok {
				expr = "coalesce(" + expr + ", " + z + ")"
			}
			q += ", " + expr + ` AS "` + alias + "." + col + `"`
		}
	}
	nullable("c", conversationColumns, map[string]string{"id": "''", "channel_id": "''", "customer": "''", "contact_id": "''",
		"status": "''", "agent": "''", "skill": "''", "important": "false", "tags": "'[]'", "disposition": "''",
		"opened_at": zero, "updated_at": zero})
	nullable("s", sessionColumns, map[string]string{"id": "''", "conversation_id": "''", "flow_id": "''", "flow_version": "0",
		"status": "''", "wait_kind": "''", "seq": "0", "version": "0", "state": "'{}'", "created_at": zero, "updated_at": zero})
	return q + ` FROM (SELECT 1 AS one) AS one
	LEFT JOIN conversations c ON c.channel_id = ? AND c.customer = ? AND c.status = 'open'
	LEFT JOIN sessions s ON s.conversation_id = c.id AND s.status IN ('running', 'waiting')`
}

var (
	inboundQuerySQLite   = inboundQuery("'" + time.Unix(0, 0).UTC().Format(sqliteTime) + "'")
	inboundQueryPostgres = inboundQuery("TIMESTAMPTZ '1970-01-01 00:00:00+00'")
)

// InboundState reads, in one query, the customer's open conversation on a channel, its active
// session, and whether the event key and the removal tombstone were recorded (removedKey ""
// reads as not recorded).
func (s *sqlStore) InboundState(ctx context.Context, channelID, customer, key, removedKey string) (InboundState, error) {
	// On SQLite, read on the writing connection between its transactions: its cache holds the
	// pages its transactions wrote, where every other connection starts each read from cold
	// (SQLite drops a connection's cache whenever another wrote), and reading them costs more
	// than the query itself.
	p, query := s.pipe(), inboundQueryPostgres
	if s.dialect != postgresDialect {
		p.q, query = s.db, inboundQuerySQLite
	}
	var r inboundRow
	err := p.scan(ctx, query, r.fields(), channelID, key, channelID, removedKey, channelID, customer)
	if err != nil {
		return InboundState{}, fmt.Errorf("open conversation with %s on %s: %w", customer, channelID, err)
	}
	st := InboundState{KeySeen: r.KeySeen, RemovedSeen: r.RemovedSeen && removedKey != ""}
	if r.HasConversation {
		c, err := r.C.conversation()
		if err != nil {
			return InboundState{}, err
		}
		st.Conversation = &c
	}
	if r.HasSession {
		sess, err := r.S.session()
		if err != nil {
			return InboundState{}, err
		}
		st.Session = &sess
	}
	return st, nil
}
