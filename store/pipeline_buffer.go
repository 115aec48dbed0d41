package store

// The batch writer's buffer. The writes of a batch's units whose results the units do not need
// (event keys, payloads stored done, interactions, conversation and session updates) wait in
// memory and are written when the batch commits: one multi-row statement per table, tables and
// rows in a fixed order (by table, then by key), which is also the order in which the batch
// locks rows. On PostgreSQL this saves a round trip per write; on SQLite, which has no network
// between, it saves the work each statement costs the driver and the engine (binding, stepping,
// a statement journal), which is most of what a small write costs. Reads inside the batch see
// the buffered writes: the buffer answers them, or is written out first.
//
// A buffered write that fails when written (an event key seen before, a session whose version
// moved on, a row that is gone) is not attributed by guesswork: the batch is rolled back and run
// again with that one write sent to the database at once, where it fails as it would have,
// inside the unit that made it.

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
)

// errReplay rolls a batch back to run it again: a buffered write failed when written, and is
// sent at once the next time.
var errReplay = errors.New("a buffered write failed; the batch runs again")

// maxRowsPerStatement bounds the rows of one multi-row statement (PostgreSQL takes at most
// 65535 parameters, SQLite 32766; an interaction has 17).
const maxRowsPerStatement = 1000

// writeBuffer holds the buffered writes of one run of a batch.
type writeBuffer struct {
	// direct are the writes (by key) that go to the database at once: they failed when
	// written from the buffer in an earlier run of this batch. Kept across runs.
	direct map[string]bool
	// ids are the identities allocated for this batch, by table, and how many each run used
	// (PostgreSQL: taken from the sequences, which no rollback gives back).
	ids  map[string][]int64
	used map[string]int
	// last is the last identity given out, by table (SQLite: counted on from the table's
	// sequence as this transaction reads it; read again after every write of the buffer).
	last map[string]int64
	// replay is set when the buffer failed to write: the run is rolled back whatever its
	// units did with the error.
	replay bool

	keys          []bufferedKey
	keySeen       map[string]bool
	events        []*WebhookEvent
	conversations map[string]*Conversation
	sessions      map[string]*bufferedSession
	interactions  map[int64]*bufferedInteraction
}

type bufferedKey struct {
	channelID, key string
	seen           any
}

type bufferedSession struct {
	row Session
	// ifVersion is the version the row must have when written; row.Version is the one it gets.
	ifVersion int64
	state     string
}

type bufferedInteraction struct {
	i Interaction
	// insert tells a new row from an update of a stored one.
	insert bool
}

func newWriteBuffer() *writeBuffer {
	return &writeBuffer{direct: map[string]bool{}, ids: map[string][]int64{}, used: map[string]int{}, last: map[string]int64{}}
}

// reset empties the buffer for another run of the batch.
func (b *writeBuffer) reset() {
	b.replay = false
	b.written()
}

// written empties the buffer once what it held is written: the run goes on.
func (b *writeBuffer) written() {
	clear(b.used)
	clear(b.last)
	b.keys, b.events = b.keys[:0], b.events[:0]
	b.keySeen = map[string]bool{}
	b.conversations = map[string]*Conversation{}
	b.sessions = map[string]*bufferedSession{}
	b.interactions = map[int64]*bufferedInteraction{}
}

func (b *writeBuffer) dirty() bool {
	return len(b.keys)+len(b.events)+len(b.conversations)+len(b.sessions)+len(b.interactions) > 0
}

// bufferedTables are the tables the buffer writes: a statement of the batch that touches one
// (other than the reads the buffer answers) waits for the buffer to be written first.
var bufferedTables = []string{"event_keys", "webhook_events", "conversations", "sessions", "interactions"}

func touchesBuffered(query string) bool {
	for _, t := range bufferedTables {
		if strings.Contains(query, t) {
			return true
		}
	}
	return false
}

func eventKeyID(channelID, key string) string { return "k:" + channelID + "\x00" + key }

// buffering tells whether this pipe buffers writes.
func (p pipe) buffering() bool { return p.b != nil }

// raw is the pipe without its buffer: statements that go to the database as they are.
func (p pipe) raw() pipe { return pipe{s: p.s, q: p.q} }

// unbuffered is the pipe without its buffer, nor prepared statements: for the buffer's own
// statements, whose shape changes with the number of rows.
func (p pipe) unbuffered() pipe { return pipe{s: p.s, q: p.q, unprepared: true} }

// nextID allocates an identity of a table for a buffered insert. On PostgreSQL identities are
// taken from the table's sequence for the whole batch at once, and used again by the batch's
// next run. On SQLite the transaction holds the only writer's lock, so it counts on from the
// largest identity the table ever gave (its AUTOINCREMENT sequence, or its largest row); rows
// inserted with their identities move the sequence on as ever.
func (p pipe) nextID(ctx context.Context, table string, want int) (int64, error) {
	b := p.b
	if p.s.dialect != postgresDialect {
		last, ok := b.last[table]
		if !ok {
			err := p.raw().get(ctx, &last, `SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = ?), 0),
				coalesce((SELECT max(id) FROM `+table+`), 0))`, table)
			if err != nil {
				return 0, fmt.Errorf("allocate %s ids: %w", table, err)
			}
		}
		b.last[table] = last + 1
		return last + 1, nil
	}
	if b.used[table] == len(b.ids[table]) {
		var ids []int64
		err := p.raw().list(ctx, &ids, `SELECT nextval(pg_get_serial_sequence('`+table+`', 'id')) FROM generate_series(1, ?)`,
			max(want, 16))
		if err != nil {
			return 0, fmt.Errorf("allocate %s ids: %w", table, err)
		}
		b.ids[table] = append(b.ids[table], ids...)
	}
	id := b.ids[table][b.used[table]]
	b.used[table]++
	return id, nil
}

// flush writes what the buffer holds, table by table in the lock order, and empties it. A write
// that fails marks itself to be sent at once, and flush returns errReplay.
func (p pipe) flush(ctx context.Context) error {
	b := p.b
	if b == nil || !b.dirty() {
		return nil
	}
	r := p.unbuffered()
	if p.s.dialect != postgresDialect {
		r = p.raw() // a few shapes (chunks), each prepared once
	}
	failed := false
	fail := func(key string) {
		b.direct[key] = true
		failed = true
	}

	// event keys, by channel and key
	slices.SortFunc(b.keys, func(x, y bufferedKey) int {
		return strings.Compare(x.channelID+"\x00"+x.key, y.channelID+"\x00"+y.key)
	})
	for chunk := range chunks(p, b.keys) {
		var args []any
		values := make([]string, len(chunk))
		for i, k := range chunk {
			values[i] = "(?, ?, " + p.typed("timestamptz") + ")"
			args = append(args, k.channelID, k.key, k.seen)
		}
		var written []struct {
			ChannelID string `db:"channel_id"`
			Key       string `db:"key"`
		}
		err := r.list(ctx, &written, `INSERT INTO event_keys (channel_id, key, seen_at) VALUES `+strings.Join(values, ", ")+
			` ON CONFLICT DO NOTHING RETURNING channel_id, key`, args...)
		if err != nil {
			return p.flushFailed(fmt.Errorf("event keys: %w", err))
		}
		got := map[string]bool{}
		for _, w := range written {
			got[eventKeyID(w.ChannelID, w.Key)] = true
		}
		for _, k := range chunk {
			if id := eventKeyID(k.channelID, k.key); !got[id] {
				fail(id)
			}
		}
	}

	// payloads, by id
	slices.SortFunc(b.events, func(x, y *WebhookEvent) int { return compareInt(x.ID, y.ID) })
	for chunk := range chunks(p, b.events) {
		var args []any
		values := make([]string, len(chunk))
		for i, e := range chunk {
			values[i] = p.row("bigint", "", "timestamptz", "bytea", "", "timestamptz")
			var processed any
			if e.Status != "pending" {
				processed = p.s.ts(e.ReceivedAt)
			}
			args = append(args, e.ID, e.ChannelID, p.s.ts(e.ReceivedAt), e.Body, e.Status, processed)
		}
		if _, err := r.exec(ctx, `INSERT INTO webhook_events (id, channel_id, received_at, body, status, processed_at)
			`+p.overriding()+`VALUES `+strings.Join(values, ", "), args...); err != nil {
			return p.flushFailed(fmt.Errorf("webhook events: %w", err))
		}
	}

	// conversations, by id. SQLite rewrites the entries of every index whose columns or
	// condition an UPDATE sets, even to the same value: there the status, which the index of
	// open conversations depends on, is set by a second statement, and only where it changed.
	ids := sortedKeys(b.conversations)
	now := p.s.ts(p.s.now())
	statusApart := p.s.dialect != postgresDialect
	for chunk := range chunks(p, ids) {
		var args, statusArgs []any
		values := make([]string, len(chunk))
		statusValues := make([]string, 0, len(chunk))
		for i, id := range chunk {
			c := b.conversations[id]
			values[i] = p.row("", "", "", "", "", "boolean", "jsonb", "", "timestamptz", "timestamptz", "timestamptz", "timestamptz")
			args = append(args, c.ID, c.ContactID, c.Status, c.Agent, c.Skill, c.Important, mustJSON(c.Tags, "[]"), c.Disposition,
				p.s.nullTS(c.ClosedAt), p.s.nullTS(c.LastInboundAt), p.s.nullTS(c.LastOutboundAt), p.s.nullTS(c.FirstResponseAt))
			if statusApart {
				statusValues = append(statusValues, "(?, ?)")
				statusArgs = append(statusArgs, c.ID, c.Status)
			}
		}
		setStatus := "status = v.status, "
		if statusApart {
			setStatus = ""
		}
		var written []string
		query, qargs := p.updateFrom("conversations AS c", `contact_id = v.contact_id, `+setStatus+`agent = v.agent,
			skill = v.skill, important = v.important, tags = v.tags, disposition = v.disposition, closed_at = v.closed_at,
			last_inbound_at = v.last_inbound_at, last_outbound_at = v.last_outbound_at, first_response_at = v.first_response_at,
			updated_at = `+p.typed("timestamptz"), []any{now}, values, args, `id, contact_id, status, agent, skill, important,
			tags, disposition, closed_at, last_inbound_at, last_outbound_at, first_response_at`, `c.id = v.id RETURNING `+p.returning("c"))
		err := r.list(ctx, &written, query, qargs...)
		if err != nil {
			return p.flushFailed(fmt.Errorf("conversations: %w", err))
		}
		for _, id := range missing(chunk, written) {
			fail("c:" + id)
		}
		if statusApart {
			query, qargs := p.updateFrom("conversations AS c", "status = v.status", nil, statusValues, statusArgs, "id, status",
				"c.id = v.id AND c.status <> v.status")
			if _, err := r.exec(ctx, query, qargs...); err != nil {
				return p.flushFailed(fmt.Errorf("conversations: %w", err))
			}
		}
	}

	// sessions, by id
	ids = sortedKeys(b.sessions)
	for chunk := range chunks(p, ids) {
		var args []any
		values := make([]string, len(chunk))
		for i, id := range chunk {
			s := b.sessions[id]
			values[i] = p.row("", "bigint", "bigint", "", "", "timestamptz", "bigint", "jsonb")
			args = append(args, s.row.ID, s.ifVersion, s.row.Version, s.row.Status, s.row.WaitKind, p.s.nullTS(s.row.Deadline),
				s.row.Seq, s.state)
		}
		var written []string
		query, qargs := p.updateFrom("sessions AS s", `status = v.status, wait_kind = v.wait_kind, deadline = v.deadline,
			seq = v.seq, version = v.version, state = v.state, lease_until = NULL, updated_at = `+p.typed("timestamptz"),
			[]any{now}, values, args, "id, if_version, version, status, wait_kind, deadline, seq, state",
			"s.id = v.id AND s.version = v.if_version RETURNING "+p.returning("s"))
		err := r.list(ctx, &written, query, qargs...)
		if err != nil {
			return p.flushFailed(fmt.Errorf("sessions: %w", err))
		}
		for _, id := range missing(chunk, written) {
			fail("s:" + id)
		}
	}

	// interactions, new ones then changed ones, by id
	var inserts, updates []*bufferedInteraction
	for _, id := range sortedKeys(b.interactions) {
		if bi := b.interactions[id]; bi.insert {
			inserts = append(inserts, bi)
		} else {
			updates = append(updates, bi)
		}
	}
	for chunk := range chunks(p, inserts) {
		var args []any
		values := make([]string, len(chunk))
		for i, bi := range chunk {
			in := bi.i
			values[i] = p.row("bigint", "", "", "", "", "", "boolean", "jsonb", "", "", "", "jsonb", "timestamptz", "timestamptz", "", "", "")
			args = append(args, in.ID, in.ConversationID, in.ChannelID, directionColumn[in.Direction], in.ExternalID, in.Kind, in.Public,
				mustJSON(in.Author, "{}"), in.Text, in.Thread, in.Parent, mustJSON(in.Attachments, "[]"), p.s.ts(in.At),
				p.s.ts(in.CreatedAt), in.ActionID, in.Agent, in.Status)
		}
		if _, err := r.exec(ctx, `INSERT INTO interactions (id, conversation_id, channel_id, direction, external_id, kind, public,
			author, text, thread, parent, attachments, at, created_at, action_id, agent, status)
			`+p.overriding()+`VALUES `+strings.Join(values, ", "), args...); err != nil {
			return p.flushFailed(fmt.Errorf("interactions: %w", err))
		}
	}
	for chunk := range chunks(p, updates) {
		var args []any
		values := make([]string, len(chunk))
		ids := make([]string, len(chunk))
		for i, bi := range chunk {
			values[i] = p.row("bigint", "", "", "")
			args = append(args, bi.i.ID, bi.i.ExternalID, bi.i.Status, bi.i.Text)
			ids[i] = fmt.Sprint(bi.i.ID)
		}
		var written []int64
		query, qargs := p.updateFrom("interactions AS i", "external_id = v.external_id, status = v.status, text = v.text", nil,
			values, args, "id, external_id, status, text", "i.id = v.id RETURNING "+p.returning("i"))
		err := r.list(ctx, &written, query, qargs...)
		if err != nil {
			return p.flushFailed(fmt.Errorf("interactions: %w", err))
		}
		got := make([]string, len(written))
		for i, id := range written {
			got[i] = fmt.Sprint(id)
		}
		for _, id := range missing(ids, got) {
			fail("i:" + id)
		}
	}

	if failed {
		b.replay = true
		return errReplay
	}
	b.written()
	return nil
}

// maxRowsPrepared bounds the rows of one multi-row statement on SQLite, where the buffer's
// statements are prepared once for each of their few shapes: rows go in chunks whose sizes are
// powers of two, up to this.
const maxRowsPrepared = 64

// chunks splits the rows of one multi-row statement. On SQLite, where parsing a statement of
// many rows costs about as much as running it, chunks have the few sizes of powers of two, so
// that each shape is prepared once and kept; PostgreSQL parses them as they come.
func chunks[T any](p pipe, rows []T) iter.Seq[[]T] {
	if p.s.dialect == postgresDialect {
		return slices.Chunk(rows, maxRowsPerStatement)
	}
	return func(yield func([]T) bool) {
		for len(rows) > 0 {
			n := maxRowsPrepared
			for n > len(rows) {
				n /= 2
			}
			if !yield(rows[:n:n]) {
				return
			}
			rows = rows[n:]
		}
	}
}

// typed is a placeholder of the buffer's statements: with its type on PostgreSQL, whose VALUES
// lists do not take their types from the table written; as it is on SQLite.
func (p pipe) typed(typ string) string {
	if typ == "" || p.s.dialect != postgresDialect {
		return "?"
	}
	return "?::" + typ
}

// row is a row of a VALUES list of placeholders, typed as typed does.
func (p pipe) row(types ...string) string {
	var sb strings.Builder
	sb.WriteByte('(')
	for i, t := range types {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(p.typed(t))
	}
	sb.WriteByte(')')
	return sb.String()
}

// updateFrom is an UPDATE of table (with its alias) that sets set (with setArgs) from the rows
// of a VALUES list (with valueArgs) named v, whose columns are named columns, where where holds.
// PostgreSQL names the columns of the list after it (FROM (VALUES …) AS v (columns)); SQLite
// names them only in a WITH before the UPDATE, so its placeholders come first.
func (p pipe) updateFrom(table, set string, setArgs []any, values []string, valueArgs []any, columns, where string) (string, []any) {
	list := "VALUES " + strings.Join(values, ", ")
	if p.s.dialect == postgresDialect {
		return `UPDATE ` + table + ` SET ` + set + ` FROM (` + list + `) AS v (` + columns + `) WHERE ` + where,
			append(slices.Clip(setArgs), valueArgs...)
	}
	return `WITH v (` + columns + `) AS (` + list + `) UPDATE ` + table + ` SET ` + set + ` FROM v WHERE ` + where,
		append(slices.Clip(valueArgs), setArgs...)
}

// overriding lets an insert give an identity column its value: PostgreSQL asks for it.
func (p pipe) overriding() string {
	if p.s.dialect == postgresDialect {
		return "OVERRIDING SYSTEM VALUE "
	}
	return ""
}

// returning names the id of the rows an UPDATE … FROM changed: qualified by the updated table's
// alias on PostgreSQL (the VALUES list has an id too); SQLite returns the updated table's only.
func (p pipe) returning(alias string) string {
	if p.s.dialect == postgresDialect {
		return alias + ".id"
	}
	return "id"
}

// flushFailed gives up buffering for the batch: a statement of the buffer failed as a whole
// (a row that breaks a constraint), so the batch runs again with every write sent at once, and
// the unit that made the bad one fails alone.
func (p pipe) flushFailed(err error) error {
	p.b.direct["*"] = true
	p.b.replay = true
	return fmt.Errorf("%w: %w", errReplay, err)
}

// sendsDirect tells whether the write of a key goes to the database at once.
func (p pipe) sendsDirect(key string) bool {
	return p.b == nil || p.b.direct["*"] || p.b.direct[key]
}

func compareInt(x, y int64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func sortedKeys[K string | int64, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// missing returns the keys of want that got lacks.
func missing(want, got []string) []string {
	seen := make(map[string]bool, len(got))
	for _, g := range got {
		seen[g] = true
	}
	var out []string
	for _, w := range want {
		if !seen[w] {
			out = append(out, w)
		}
	}
	return out
}
