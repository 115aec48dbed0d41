package storetest

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"modernc.org/sqlite"
)

// Statements counts what a store sends its database through a counting driver: every
// statement, and every round trip (a statement, a BEGIN, a COMMIT or a ROLLBACK, each of which
// the drivers send as one message and wait for).
type Statements struct {
	statements, roundTrips atomic.Int64
}

// Counts returns the statements and round trips counted so far.
func (s *Statements) Counts() (statements, roundTrips int64) {
	return s.statements.Load(), s.roundTrips.Load()
}

// Reset starts counting afresh.
func (s *Statements) Reset() {
	s.statements.Store(0)
	s.roundTrips.Store(0)
}

var (
	countingMu sync.Mutex
	countingN  int
)

// CountingDriver registers a driver that wraps the dialect's ("postgres" or "sqlite") and counts
// into the returned Statements; pass its name as store.Options.Driver.
func CountingDriver(dialect string) (name string, counts *Statements) {
	var (
		inner driver.Driver
		bind  int
	)
	switch dialect {
	case "postgres":
		inner, bind = &pq.Driver{}, sqlx.DOLLAR
	case "sqlite":
		inner, bind = &sqlite.Driver{}, sqlx.QUESTION
	default:
		panic(fmt.Sprintf("storetest: no counting driver for %q", dialect))
	}
	countingMu.Lock()
	countingN++
	name = fmt.Sprintf("counting-%s-%d", dialect, countingN)
	countingMu.Unlock()
	counts = &Statements{}
	sql.Register(name, countingDriver{inner: inner, counts: counts})
	sqlx.BindDriver(name, bind)
	return name, counts
}

type countingDriver struct {
	inner  driver.Driver
	counts *Statements
}

func (d countingDriver) Open(name string) (driver.Conn, error) {
	c, err := d.inner.Open(name)
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: c, counts: d.counts}, nil
}

// countingConn counts what goes through a connection; it offers the optional interfaces
// database/sql uses and forwards them, or falls back as the driver would.
type countingConn struct {
	driver.Conn
	counts *Statements
}

func (c *countingConn) count() {
	c.counts.statements.Add(1)
	c.counts.roundTrips.Add(1)
}

func (c *countingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	c.counts.roundTrips.Add(1)
	var (
		tx  driver.Tx
		err error
	)
	if b, ok := c.Conn.(driver.ConnBeginTx); ok {
		tx, err = b.BeginTx(ctx, opts)
	} else {
		tx, err = c.Conn.Begin() //nolint:staticcheck // drivers without BeginTx
	}
	if err != nil {
		return nil, err
	}
	return countingTx{Tx: tx, counts: c.counts}, nil
}

func (c *countingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	c.counts.roundTrips.Add(1)
	var (
		st  driver.Stmt
		err error
	)
	if p, ok := c.Conn.(driver.ConnPrepareContext); ok {
		st, err = p.PrepareContext(ctx, query)
	} else {
		st, err = c.Conn.Prepare(query)
	}
	if err != nil {
		return nil, err
	}
	return &countingStmt{Stmt: st, counts: c.counts}, nil
}

func (c *countingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	e, ok := c.Conn.(driver.ExecerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	c.count()
	return e.ExecContext(ctx, query, args)
}

func (c *countingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	q, ok := c.Conn.(driver.QueryerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	c.count()
	return q.QueryContext(ctx, query, args)
}

func (c *countingConn) CheckNamedValue(v *driver.NamedValue) error {
	if n, ok := c.Conn.(driver.NamedValueChecker); ok {
		return n.CheckNamedValue(v)
	}
	return driver.ErrSkip
}

func (c *countingConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *countingConn) IsValid() bool {
	if v, ok := c.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

func (c *countingConn) Ping(ctx context.Context) error {
	if p, ok := c.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

type countingTx struct {
	driver.Tx
	counts *Statements
}

func (t countingTx) Commit() error {
	t.counts.roundTrips.Add(1)
	return t.Tx.Commit()
}

func (t countingTx) Rollback() error {
	t.counts.roundTrips.Add(1)
	return t.Tx.Rollback()
}

type countingStmt struct {
	driver.Stmt
	counts *Statements
}

func (s *countingStmt) count() {
	s.counts.statements.Add(1)
	s.counts.roundTrips.Add(1)
}

func (s *countingStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	s.count()
	if e, ok := s.Stmt.(driver.StmtExecContext); ok {
		return e.ExecContext(ctx, args)
	}
	values, err := plainValues(args)
	if err != nil {
		return nil, err
	}
	return s.Stmt.Exec(values) //nolint:staticcheck // drivers without ExecContext
}

func (s *countingStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	s.count()
	if q, ok := s.Stmt.(driver.StmtQueryContext); ok {
		return q.QueryContext(ctx, args)
	}
	values, err := plainValues(args)
	if err != nil {
		return nil, err
	}
	return s.Stmt.Query(values) //nolint:staticcheck // drivers without QueryContext
}

func plainValues(args []driver.NamedValue) ([]driver.Value, error) {
	out := make([]driver.Value, len(args))
	for i, a := range args {
		if a.Name != "" {
			return nil, fmt.Errorf("counting driver: named argument %s", a.Name)
		}
		out[i] = a.Value
	}
	return out, nil
}
