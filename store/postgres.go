package store

import (
	"context"
	"errors"
	"fmt"
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
	time:     func(t time.Time) any { return t },
	hasTable: "SELECT to_regclass(?) IS NOT NULL",
	goose:    goose.DialectPostgres,
}

// openPostgres opens a PostgreSQL database by its URL. Options in the URL (sslmode,
// search_path, application_name...) pass to the server.
func openPostgres(ctx context.Context, url string, opts Options) (*sqlStore, error) {
	db, err := sqlx.Open("postgres", url)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	db.SetMaxOpenConns(32)
	db.SetMaxIdleConns(8)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	return newSQLStore(db, postgresDialect, opts)
}
