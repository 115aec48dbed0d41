package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

var sqliteDialect = &dialect{
	name:    "sqlite",
	lockRow: "", // one connection: transactions never overlap
	ilike:   "LIKE",
	isUnique: func(err error) bool {
		var e *sqlite.Error
		if !errors.As(err, &e) {
			return false
		}
		return e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	},
	time:     func(t time.Time) any { return t.Format(sqliteTime) },
	hasTable: "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = ?",
	goose:    goose.DialectSQLite3,
}

// sqlitePragmas are set on every connection: write-ahead logging (readers do not block the
// writer), enforced foreign keys, a wait for other processes holding the file, and syncing at
// checkpoints only, which WAL makes safe against corruption. Savepoints' journals and temporary
// tables stay in memory, and each connection caches up to 32 MiB of pages.
var sqlitePragmas = []string{"busy_timeout(10000)", "journal_mode(WAL)", "foreign_keys(1)", "synchronous(NORMAL)",
	"temp_store(MEMORY)", "cache_size(-32768)"}

// openSQLite opens a SQLite database: "sqlite:PATH", a "file:" URI or a plain path.
func openSQLite(ctx context.Context, name string, opts Options) (*sqlStore, error) {
	dsn := sqliteDSN(name)
	db, err := sqlx.Open(driverName(opts, "sqlite"), dsn)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", name, err)
	}
	// SQLite lets one connection write at a time. With a pool of one connection, Go's pool is
	// the queue of writers: they wait their turn in order and within their context's deadline,
	// rather than polling on SQLITE_BUSY (busy_timeout gives up under sustained load, and a
	// transaction that reads and then writes cannot wait at all: it fails to upgrade its lock).
	// Readers queue too, which the embedded database (one node, modest traffic) affords. One
	// connection also keeps one ":memory:" database. busy_timeout remains for other processes
	// opening the file, such as `switchboard migrate` or the sqlite3 shell.
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", name, err)
	}
	s, err := newSQLStore(db, sqliteDialect, opts)
	if err != nil || inMemory(name) {
		return s, err // an in-memory database lives in its one connection
	}
	read, err := sqlx.Open(driverName(opts, "sqlite"), dsn+"&_pragma=query_only(1)")
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("open sqlite %s for reading: %w", name, err)
	}
	read.SetMaxOpenConns(4)
	read.SetMaxIdleConns(4)
	s.read = read
	return s, nil
}

// inMemory tells a database name that lives in memory only.
func inMemory(name string) bool {
	return strings.Contains(name, ":memory:") || strings.Contains(name, "mode=memory")
}

// sqliteDSN adds the pragmas to a database name.
func sqliteDSN(name string) string {
	if rest, ok := strings.CutPrefix(name, "sqlite://"); ok {
		name = rest
	} else if rest, ok := strings.CutPrefix(name, "sqlite:"); ok {
		name = rest
	}
	q := url.Values{}
	for _, p := range sqlitePragmas {
		q.Add("_pragma", p)
	}
	sep := "?"
	if strings.HasPrefix(name, "file:") && strings.Contains(name, "?") {
		sep = "&"
	}
	return name + sep + q.Encode()
}

// driverName is the database/sql driver a store opens: the dialect's own unless the options
// name another (a wrapper of it).
func driverName(opts Options, own string) string {
	if opts.Driver != "" {
		return opts.Driver
	}
	return own
}
