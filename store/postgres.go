package store

import (
	"context"
	"errors"
	"fmt"
	neturl "net/url"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"
	"github.com/pressly/goose/v3"
)

var postgresDialect = &dialect{
	name:       "postgres",
	lockRow:    " FOR UPDATE",
	skipLocked: " FOR UPDATE SKIP LOCKED",
	ilike:      "ILIKE",
	isUnique: func(err error) bool {
		var e *pq.Error
		return errors.As(err, &e) && e.Code == pqerror.UniqueViolation
	},
	isDeadlock: func(err error) bool {
		var e *pq.Error
		return errors.As(err, &e) && e.Code == "40P01"
	},
	explain: func(err error) string {
		var e *pq.Error
		if !errors.As(err, &e) {
			return ""
		}
		return e.Detail + " " + e.Where
	},
	time:     func(t time.Time) any { return t },
	hasTable: "SELECT to_regclass(?) IS NOT NULL",
	goose:    goose.DialectPostgres,
}

// withBinaryParameters turns on the driver's binary_parameters unless the URL says otherwise: a
// query with arguments then takes one round trip to the server instead of two. The store sends
// JSON as text, and []byte only to bytea columns, which is what the mode sends as binary.
func withBinaryParameters(raw string) string {
	u, err := neturl.Parse(raw)
	if err != nil || u.Scheme == "" {
		return raw
	}
	q := u.Query()
	if q.Has("binary_parameters") {
		return raw
	}
	q.Set("binary_parameters", "yes")
	u.RawQuery = q.Encode()
	return u.String()
}

// openPostgres opens a PostgreSQL database by its URL. Options in the URL (sslmode,
// search_path, application_name...) pass to the server.
func openPostgres(ctx context.Context, url string, opts Options) (*sqlStore, error) {
	db, err := sqlx.Open(driverName(opts, "postgres"), withBinaryParameters(url))
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	conns := opts.MaxConns
	if conns <= 0 {
		conns = DefaultMaxConns
	}
	db.SetMaxOpenConns(conns)
	// as many idle as open: a connection closed after a burst costs PostgreSQL a new backend process
	db.SetMaxIdleConns(conns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	return newSQLStore(db, postgresDialect, opts)
}
