package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"
)

type tokenRow struct {
	ID         string        `db:"id"`
	Name       string        `db:"name"`
	Role       string        `db:"role"`
	Agent      string        `db:"agent"`
	Hash       string        `db:"hash"`
	CreatedAt  timestamp     `db:"created_at"`
	LastUsedAt nullTimestamp `db:"last_used_at"`
}

func (r tokenRow) token() Token {
	return Token{ID: r.ID, Name: r.Name, Role: r.Role, Agent: r.Agent, Hash: r.Hash, CreatedAt: r.CreatedAt.Time,
		LastUsedAt: r.LastUsedAt.Time}
}

const tokenColumns = `id, name, role, agent, hash, created_at, last_used_at`

// tokenUseInterval is how stale a token's last use may get before TokenByHash writes it again,
// so that a busy token does not cost a write per request.
const tokenUseInterval = time.Minute

// TokenCreate stores a token by the hash of its secret, with a new id ("t_" and a random UUID)
// unless it has one. ErrInvalid without a hash or with an unknown role; ErrExists when the
// hash or the id is taken. The audit entry has no actor: the interface names none.
func (s *sqlStore) TokenCreate(ctx context.Context, t Token, by string) (Token, error) {
	if t.Hash == "" {
		return Token{}, invalid("token %q: no hash", t.Name)
	}
	if !slices.Contains(Roles, t.Role) {
		return Token{}, invalid("token %q: role %q is not one of %s", t.Name, t.Role, strings.Join(Roles, ", "))
	}
	if t.ID == "" {
		t.ID = "t_" + uuid.NewString()
	}
	now := s.now()
	var r tokenRow
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		err := get(ctx, tx, &r, `INSERT INTO tokens (`+tokenColumns+`) VALUES (?, ?, ?, ?, ?, ?, NULL) RETURNING `+tokenColumns,
			t.ID, t.Name, t.Role, t.Agent, t.Hash, s.ts(now))
		if err != nil {
			return s.fail(err, "token %s", t.ID)
		}
		return s.audit(ctx, tx, now, by, auditToken, "create", t.ID, map[string]any{"name": t.Name, "role": t.Role, "agent": t.Agent})
	})
	if err != nil {
		return Token{}, err
	}
	return r.token(), nil
}

// TokenByHash returns the token with the hash and records now (the store's clock when zero)
// as its last use, when the last recorded use is a minute older or more. ErrNotFound for an
// unknown hash.
func (s *sqlStore) TokenByHash(ctx context.Context, hash string, now time.Time) (Token, error) {
	if now.IsZero() {
		now = s.clock.Now()
	}
	now = dbTime(now)
	_, err := exec(ctx, s.db, `UPDATE tokens SET last_used_at = ? WHERE hash = ? AND (last_used_at IS NULL OR last_used_at <= ?)`,
		s.ts(now), hash, s.ts(now.Add(-tokenUseInterval)))
	if err != nil {
		return Token{}, fmt.Errorf("token by hash: %w", err)
	}
	var r tokenRow
	if err := get(ctx, s.read, &r, `SELECT `+tokenColumns+` FROM tokens WHERE hash = ?`, hash); err != nil {
		return Token{}, s.fail(err, "token with that hash")
	}
	return r.token(), nil
}

// TokenList returns the tokens, oldest first.
func (s *sqlStore) TokenList(ctx context.Context) ([]Token, error) {
	var rows []tokenRow
	if err := list(ctx, s.read, &rows, `SELECT `+tokenColumns+` FROM tokens ORDER BY created_at, id`); err != nil {
		return nil, fmt.Errorf("token list: %w", err)
	}
	out := make([]Token, len(rows))
	for i, r := range rows {
		out[i] = r.token()
	}
	return out, nil
}

// TokenDelete deletes a token; ErrNotFound when there is none, and ErrInUse for the last
// admin token, without which nobody could manage the server through the API. The admin tokens
// are locked before the delete, so that two deletes of the last two cannot both succeed.
func (s *sqlStore) TokenDelete(ctx context.Context, id, by string) error {
	now := s.now()
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		var admins []string
		if err := list(ctx, tx, &admins, `SELECT id FROM tokens WHERE role = ?`+s.dialect.lockRow, RoleAdmin); err != nil {
			return fmt.Errorf("token %s: admin tokens: %w", id, err)
		}
		var r tokenRow
		if err := get(ctx, tx, &r, `DELETE FROM tokens WHERE id = ? RETURNING `+tokenColumns, id); err != nil {
			return s.fail(err, "token %s", id)
		}
		if r.Role == RoleAdmin && len(admins) <= 1 {
			return fmt.Errorf("token %s is the last admin token; create another admin token before deleting it: %w", id, ErrInUse)
		}
		return s.audit(ctx, tx, now, by, auditToken, "delete", id, map[string]any{"name": r.Name, "role": r.Role})
	})
}

// TokenCount returns how many tokens there are.
func (s *sqlStore) TokenCount(ctx context.Context) (int, error) {
	var n int
	if err := get(ctx, s.read, &n, `SELECT count(*) FROM tokens`); err != nil {
		return 0, fmt.Errorf("token count: %w", err)
	}
	return n, nil
}
