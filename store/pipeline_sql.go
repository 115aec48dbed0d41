package store

// The batch writer: the pipeline's queries on a connection or inside a transaction, and the
// transactions that commit many units of work at once.

import (
	"context"
	"errors"

	"github.com/jmoiron/sqlx"
)

var _ Pipeline = (*sqlStore)(nil)

// pipe runs the pipeline's queries on the database or inside a transaction.
type pipe struct {
	s *sqlStore
	q sqlx.ExtContext
	// b buffers the writes of a batch of several units; nil elsewhere.
	b *writeBuffer
	// unprepared runs statements as they come, without preparing them.
	unprepared bool
}

var _ Tx = pipe{}

func (s *sqlStore) pipe() pipe { return pipe{s: s, q: s.read} }

// get, list and exec run a query of the pipeline. Inside a SQLite transaction they use a
// statement prepared once: SQLite parses a statement anew each time it is not, which costs
// more than running it, and the pipeline runs the same few statements for every message.
func (p pipe) get(ctx context.Context, dest any, query string, args ...any) error {
	if err := p.flushFor(ctx, query); err != nil {
		return err
	}
	if stmt := p.prepared(ctx, query); stmt != nil {
		return stmt.GetContext(ctx, dest, args...)
	}
	return get(ctx, p.q, dest, query, args...)
}

// scan runs a query of one row and reads its columns into dest, in their order: the hot reads
// do without sqlx's mapping of columns to fields by name, which costs more than the read.
func (p pipe) scan(ctx context.Context, query string, dest []any, args ...any) error {
	if err := p.flushFor(ctx, query); err != nil {
		return err
	}
	if stmt := p.prepared(ctx, query); stmt != nil {
		return stmt.QueryRowContext(ctx, args...).Scan(dest...)
	}
	return p.q.QueryRowxContext(ctx, p.q.Rebind(query), args...).Scan(dest...)
}

func (p pipe) list(ctx context.Context, dest any, query string, args ...any) error {
	if err := p.flushFor(ctx, query); err != nil {
		return err
	}
	if stmt := p.prepared(ctx, query); stmt != nil {
		return stmt.SelectContext(ctx, dest, args...)
	}
	return list(ctx, p.q, dest, query, args...)
}

func (p pipe) exec(ctx context.Context, query string, args ...any) (int64, error) {
	if err := p.flushFor(ctx, query); err != nil {
		return 0, err
	}
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

// flushFor writes the buffer out before a statement that touches what it holds.
func (p pipe) flushFor(ctx context.Context, query string) error {
	if p.b == nil {
		return nil
	}
	if p.b.replay { // the run is rolled back whatever comes next
		return errReplay
	}
	if !p.b.dirty() || !touchesBuffered(query) {
		return nil
	}
	return p.flush(ctx)
}

// prepared returns the statement to run a query with: inside a transaction, the transaction's
// form of a statement prepared on the writing pool; outside, one prepared on the read pool. A
// statement prepared once is parsed and planned once per connection: SQLite parses a statement
// anew each time it is not, which costs more than running it, and PostgreSQL plans it, which
// costs more than running the pipeline's short queries. On SQLite's writing connection between
// transactions (InboundState) it is the writing connection's statement. It returns nil for the
// statements of the buffer on PostgreSQL (pipe.unbuffered), whose shape changes with the number
// of rows.
func (p pipe) prepared(ctx context.Context, query string) *sqlx.Stmt {
	if p.unprepared {
		return nil
	}
	if p.q == sqlx.ExtContext(p.s.read) && (p.s.read != p.s.db || p.s.dialect == postgresDialect) {
		return p.s.readStatement(query)
	}
	if p.q == sqlx.ExtContext(p.s.db) && p.s.read != p.s.db {
		return p.s.statement(query) // SQLite's writing connection, between transactions
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

// InTxBatch runs the units one after the other in one transaction, without a savepoint each.
// When a unit fails, the transaction is rolled back and run again without it (its error is
// kept at its index), so one failing unit costs one more transaction and the others commit
// as if it had never run: units must be safe to run more than once. The writes of a batch of
// several units are buffered and written at commit (pipeline_buffer.go).
func (s *sqlStore) InTxBatch(ctx context.Context, fns []func(Tx) error) []error {
	errs := make([]error, len(fns))
	var b *writeBuffer
	if len(fns) > 1 {
		b = newWriteBuffer()
	}
	// each run commits, takes one more unit out, or sends one more buffered write at once
	for range 3*len(fns) + 3 {
		if b != nil {
			b.reset()
		}
		err := s.inTx(ctx, func(tx *sqlx.Tx) error {
			p := pipe{s: s, q: tx, b: b}
			for i, fn := range fns {
				if errs[i] != nil {
					continue
				}
				err := fn(p)
				if b != nil && b.replay {
					return errReplay
				}
				if err != nil {
					errs[i] = err
					return errUnitFailed
				}
			}
			return p.flush(ctx)
		})
		s.noteDeadlocks(err, errs)
		switch {
		case err == nil:
			return errs
		case errors.Is(err, errUnitFailed), errors.Is(err, errReplay):
			continue
		}
		// the transaction itself failed (begin, commit, the connection): no unit committed
		for i := range errs {
			if errs[i] == nil {
				errs[i] = err
			}
		}
		return errs
	}
	for i := range errs {
		if errs[i] == nil {
			errs[i] = errors.New("the batch kept failing to commit")
		}
	}
	return errs
}

// errUnitFailed rolls back a batch in which a unit failed, to run it again without that unit.
var errUnitFailed = errors.New("a unit of the batch failed")

// noteDeadlocks counts and logs the deadlocks PostgreSQL broke in a run of a batch: the lock
// order of dispatch/doc.go is meant to leave none.
func (s *sqlStore) noteDeadlocks(err error, errs []error) {
	if s.dialect.isDeadlock == nil {
		return
	}
	for _, e := range append([]error{err}, errs...) {
		if e != nil && s.dialect.isDeadlock(e) {
			s.deadlocks.Add(1)
			detail := ""
			if s.dialect.explain != nil {
				detail = s.dialect.explain(e)
			}
			s.log.Warn("the database broke a deadlock; the batch's work is tried again", "err", e, "detail", detail)
			break
		}
	}
}

// Deadlocks counts the deadlocks the database broke in the pipeline's batches since the store
// opened.
func (s *sqlStore) Deadlocks() int64 { return s.deadlocks.Load() }
