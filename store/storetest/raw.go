package storetest

import (
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jmoiron/sqlx"
)

// Raw is the database a store URL names, opened beside the store for a test's own queries.
// Queries are written with ? placeholders, as the store's are, and rebound for PostgreSQL.
type Raw struct {
	DB *sqlx.DB
}

// OpenRaw opens the database of a store URL (postgres://..., sqlite:PATH or a plain SQLite
// path), closed when the test ends.
func OpenRaw(t testing.TB, url string) *Raw {
	t.Helper()
	driver, dsn := "postgres", url
	if path, ok := strings.CutPrefix(url, "sqlite:"); ok {
		url = path
	}
	if !strings.HasPrefix(url, "postgres://") {
		driver, dsn = "sqlite", "file:"+url+"?_pragma=busy_timeout(10000)"
	}
	db, err := sqlx.Open(driver, dsn)
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	t.Cleanup(func() { db.Close() })
	return &Raw{DB: db}
}

// Count runs a counting query.
func (r *Raw) Count(t testing.TB, query string, args ...any) int {
	t.Helper()
	n, err := r.TryCount(query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// TryCount runs a counting query, for conditions polled while the database may be busy.
func (r *Raw) TryCount(query string, args ...any) (int, error) {
	var n int
	err := r.DB.QueryRow(r.DB.Rebind(query), args...).Scan(&n)
	return n, err
}

// Exec runs a statement and returns how many rows it changed.
func (r *Raw) Exec(t testing.TB, query string, args ...any) int64 {
	t.Helper()
	res, err := r.DB.Exec(r.DB.Rebind(query), args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// Strings returns the first column of a query's rows.
func (r *Raw) Strings(t testing.TB, query string, args ...any) []string {
	t.Helper()
	var out []string
	if err := r.DB.Select(&out, r.DB.Rebind(query), args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return out
}

// Logger is a logger for the stores, dispatchers and servers a test starts: it logs through
// t.Logf while the test runs when -v is set, and nowhere otherwise.
func Logger(t testing.TB) *slog.Logger {
	if !testing.Verbose() {
		return slog.New(slog.DiscardHandler)
	}
	w := &testWriter{t: t}
	t.Cleanup(func() { w.done.Store(true) })
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct {
	t    testing.TB
	done atomic.Bool
}

func (w *testWriter) Write(p []byte) (int, error) {
	if !w.done.Load() {
		w.t.Logf("%s", strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}
