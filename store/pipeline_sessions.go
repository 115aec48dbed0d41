package store

// Sessions: the stored state of flow runs that wait for something.

import (
	"context"
	"fmt"
)

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

// fields are where the columns of sessionColumns go, in their order.
func (r *sessionRow) fields() []any {
	return []any{&r.ID, &r.ConversationID, &r.FlowID, &r.FlowVersion, &r.Status, &r.WaitKind, &r.Deadline, &r.Seq, &r.Version,
		&r.State, &r.CreatedAt, &r.UpdatedAt}
}

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
	if p.buffering() {
		if bs, ok := p.b.sessions[id]; ok {
			return bs.row, nil
		}
		p = p.raw()
	}
	var r sessionRow
	if err := p.get(ctx, &r, `SELECT `+sessionColumns+` FROM sessions WHERE id = ?`, id); err != nil {
		return Session{}, p.s.fail(err, "session %s", id)
	}
	return r.session()
}

func (p pipe) SessionActive(ctx context.Context, conversationID string) (Session, error) {
	if p.buffering() && !p.b.holdsSessionOf(conversationID) {
		p = p.raw()
	}
	var r sessionRow
	err := p.get(ctx, &r, `SELECT `+sessionColumns+` FROM sessions WHERE conversation_id = ? AND status IN ('running', 'waiting')`,
		conversationID)
	if err != nil {
		return Session{}, p.s.fail(err, "active session of conversation %s", conversationID)
	}
	return r.session()
}

func (p pipe) SessionInsert(ctx context.Context, s Session) (Session, error) {
	if p.buffering() && !p.b.holdsSessionOf(s.ConversationID) {
		p = p.raw() // a new row, which nothing the buffer holds changes
	}
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
	if p.buffering() && !p.sendsDirect("s:"+s.ID) {
		bs, ok := p.b.sessions[s.ID]
		switch {
		case !ok:
			bs = &bufferedSession{ifVersion: ifVersion}
			p.b.sessions[s.ID] = bs
		case bs.row.Version != ifVersion:
			// changed earlier in this batch: its version is the one that change gave it
			return Session{}, fmt.Errorf("session %s (version %d): %w", s.ID, ifVersion, ErrStale)
		}
		s.Version, s.UpdatedAt = ifVersion+1, now
		bs.row, bs.state = s, state
		return s, nil
	}
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

// holdsSessionOf tells whether the buffer holds a change of a session of a conversation.
func (b *writeBuffer) holdsSessionOf(conversationID string) bool {
	for _, bs := range b.sessions {
		if bs.row.ConversationID == conversationID {
			return true
		}
	}
	return false
}

func (s *sqlStore) SessionGet(ctx context.Context, id string) (Session, error) {
	return s.pipe().SessionGet(ctx, id)
}

func (s *sqlStore) SessionActive(ctx context.Context, conversationID string) (Session, error) {
	return s.pipe().SessionActive(ctx, conversationID)
}
