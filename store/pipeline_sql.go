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

// InTxBatch runs the units one after the other in one transaction, without a savepoint each.
// When a unit fails, the transaction is rolled back and run again without it (its error is
// kept at its index), so one failing unit costs one more transaction and the others commit
// as if it had never run: units must be safe to run more than once.
func (s *sqlStore) InTxBatch(ctx context.Context, fns []func(Tx) error) []error {
	errs := make([]error, len(fns))
	// each pass either commits or takes one more unit out, so there are at most len(fns)+1
	for left := len(fns); left > 0; left-- {
		err := s.inTx(ctx, func(tx *sqlx.Tx) error {
			p := pipe{s: s, q: tx}
			for i, fn := range fns {
				if errs[i] != nil {
					continue
				}
				if err := fn(p); err != nil {
					errs[i] = err
					return errUnitFailed
				}
			}
			return nil
		})
		if err == nil {
			return errs
		}
		if !errors.Is(err, errUnitFailed) {
			// the transaction itself failed (begin, commit, the connection): no unit committed
			for i := range errs {
				if errs[i] == nil {
					errs[i] = err
				}
			}
			return errs
		}
	}
	return errs
}

// errUnitFailed rolls back a batch in which a unit failed, to run it again without that unit.
var errUnitFailed = errors.New("a unit of the batch failed")
