package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/pressly/goose/v3"

	"github.com/switchboardhq/switchboard/engine"
)

// sqlStore is the Store both databases share: the SQL is written once with ? placeholders
// (rebound to $n for PostgreSQL) and a dialect supplies what differs.
type sqlStore struct {
	db *sqlx.DB
	// read serves reads outside transactions: db itself on PostgreSQL, a pool of read-only
	// connections on SQLite, whose one writing connection they do not wait for (WAL lets
	// readers and the writer work at once).
	read    *sqlx.DB
	dialect *dialect
	clock   engine.Clock
	// secrets encrypts channel credentials at rest; nil keeps them in plain text.
	secrets    *Keyring
	migrations *goose.Provider
	bus        Bus
	closeBus   func()

	stmtMu sync.Mutex
	stmts  map[string]*sqlx.Stmt // prepared on db, by query; nil while being prepared
	// readStmts are prepared on read, by query (each connection of the pool prepares its own
	// copy the first time it runs one).
	readStmts map[string]*sqlx.Stmt
	closed    bool // set by Close, under stmtMu

	// deadlocks counts the deadlocks the database broke in batches; log hears of each.
	deadlocks atomic.Int64
	log       *slog.Logger
}

// readStatement returns a statement prepared on the read pool, preparing it the first time
// (outside the lock, which transactions on the writing connection take too).
func (s *sqlStore) readStatement(query string) *sqlx.Stmt {
	s.stmtMu.Lock()
	st, seen := s.readStmts[query]
	s.stmtMu.Unlock()
	if seen {
		return st
	}
	st, err := s.read.Preparex(s.read.Rebind(query))
	if err != nil {
		st = nil // the plain path keeps working, and reports what is wrong
	}
	s.stmtMu.Lock()
	defer s.stmtMu.Unlock()
	if prev, seen := s.readStmts[query]; seen || s.closed {
		if st != nil {
			st.Close() // another caller prepared it first, or the store closed meanwhile
		}
		return prev
	}
	if s.readStmts == nil {
		s.readStmts = map[string]*sqlx.Stmt{}
	}
	s.readStmts[query] = st
	return st
}

// statement returns a statement prepared on the writing connection, or nil when it is not
// prepared yet. It is called inside transactions, which hold SQLite's one writing connection,
// so it never waits for it: a statement seen for the first time is prepared in the background,
// once the connection is free, and used from then on.
func (s *sqlStore) statement(query string) *sqlx.Stmt {
	s.stmtMu.Lock()
	defer s.stmtMu.Unlock()
	if st, seen := s.stmts[query]; seen {
		return st
	}
	if s.stmts == nil {
		s.stmts = map[string]*sqlx.Stmt{}
	}
	s.stmts[query] = nil
	go func() {
		st, err := s.db.Preparex(s.db.Rebind(query))
		if err != nil {
			return // the plain path keeps working, and reports what is wrong
		}
		s.stmtMu.Lock()
		defer s.stmtMu.Unlock()
		if s.stmts == nil { // the store closed meanwhile
			st.Close()
			return
		}
		s.stmts[query] = st
	}()
	return nil
}

// dialect is what differs between SQLite and PostgreSQL.
type dialect struct {
	// name is what Store.Dialect returns and the folder of the dialect's migrations.
	name string
	// lockRow ends a SELECT of a row the transaction goes on to change, so that concurrent
	// transactions wait for it ("" where transactions are serialised anyway).
	lockRow string
	// skipLocked ends the subquery of a claim: rows other transactions hold are passed over,
	// so several nodes claim different rows ("" where transactions are serialised anyway).
	skipLocked string
	// ilike is the case-insensitive LIKE operator.
	ilike string
	// isUnique tells a unique-constraint violation.
	isUnique func(error) bool
	// isDeadlock tells a transaction the database chose to break a deadlock (nil where
	// transactions are serialised anyway).
	isDeadlock func(error) bool
	// explain gives the database's detail of an error, such as the waits a deadlock closed
	// (nil where there is none)
	explain func(error) string
	// time is the value a timestamp is written as.
	time func(time.Time) any
	// hasTable asks whether the table named by the argument exists.
	hasTable string
	// goose is the dialect goose migrates.
	goose goose.Dialect
}

var _ Store = (*sqlStore)(nil)

func (s *sqlStore) Dialect() string { return s.dialect.name }

func (s *sqlStore) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

func (s *sqlStore) Close() error {
	s.stmtMu.Lock()
	for _, stmts := range []map[string]*sqlx.Stmt{s.stmts, s.readStmts} {
		for _, st := range stmts {
			if st != nil {
				st.Close()
			}
		}
	}
	s.stmts, s.readStmts, s.closed = nil, nil, true
	s.stmtMu.Unlock()
	if s.closeBus != nil {
		s.closeBus()
	}
	if s.read != s.db {
		s.read.Close()
	}
	return s.db.Close()
}

// Bus returns the notifications between the nodes that share the database.
func (s *sqlStore) Bus() Bus { return s.bus }

// now is the time the store writes: the clock's, in UTC, truncated to the microseconds both
// databases keep, so what is read back equals what was written.
func (s *sqlStore) now() time.Time { return dbTime(s.clock.Now()) }

func dbTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// ts is a time as a query argument.
func (s *sqlStore) ts(t time.Time) any { return s.dialect.time(dbTime(t)) }

// inTx runs fn in a transaction, committed when fn returns nil and rolled back otherwise. fn
// must use tx only: SQLite's pool has one connection, which the transaction holds.
func (s *sqlStore) inTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// get, list and exec run a query written with ? placeholders.
func get(ctx context.Context, q sqlx.ExtContext, dest any, query string, args ...any) error {
	return sqlx.GetContext(ctx, q, dest, q.Rebind(query), args...)
}

func list(ctx context.Context, q sqlx.ExtContext, dest any, query string, args ...any) error {
	return sqlx.SelectContext(ctx, q, dest, q.Rebind(query), args...)
}

func exec(ctx context.Context, q sqlx.ExtContext, query string, args ...any) (int64, error) {
	res, err := q.ExecContext(ctx, q.Rebind(query), args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// fail gives a database error its context: a missing row is ErrNotFound, a unique violation
// ErrExists.
func (s *sqlStore) fail(err error, format string, args ...any) error {
	what := fmt.Sprintf(format, args...)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	case s.dialect.isUnique(err):
		return fmt.Errorf("%s: %w", what, ErrExists)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// notFound is ErrNotFound for a write that changed no row.
func notFound(n int64, format string, args ...any) error {
	if n == 0 {
		return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), ErrNotFound)
	}
	return nil
}

// invalid is ErrInvalid with a reason.
func invalid(format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), ErrInvalid)
}

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
