package store

import (
	"context"
	"embed"
	"fmt"
	"hash/fnv"
	"io/fs"

	"github.com/jmoiron/sqlx"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// migrationFiles are the schema migrations, one folder per dialect, numbered 00001_….sql.
//
//go:embed migrations
var migrationFiles embed.FS

// migrationsTable is where goose records the applied migrations.
const migrationsTable = "goose_db_version"

func newSQLStore(db *sqlx.DB, d *dialect, opts Options) (*sqlStore, error) {
	s := &sqlStore{db: db, read: db, dialect: d, clock: opts.Clock}
	p, err := s.newMigrationProvider(opts)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: migrations: %w", d.name, err)
	}
	s.migrations = p
	return s, nil
}

// newMigrationProvider sets goose up without its global state: migrations from the embedded
// files only, logging to opts.Logger. On PostgreSQL, nodes starting together take turns with an
// advisory lock named after the schema, so that databases in other schemas do not wait.
func (s *sqlStore) newMigrationProvider(opts Options) (*goose.Provider, error) {
	fsys, err := fs.Sub(migrationFiles, "migrations/"+s.dialect.name)
	if err != nil {
		return nil, err
	}
	options := []goose.ProviderOption{
		goose.WithDisableGlobalRegistry(true),
		goose.WithSlog(opts.Logger),
		goose.WithVerbose(true),
		goose.WithTableName(migrationsTable),
	}
	if s.dialect == postgresDialect {
		var schema string
		if err := s.db.Get(&schema, "SELECT coalesce(current_schema(), '')"); err != nil {
			return nil, err
		}
		h := fnv.New64a()
		h.Write([]byte("switchboard migrations " + schema))
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(int64(h.Sum64())), lock.WithLockTimeout(1, 300))
		if err != nil {
			return nil, err
		}
		options = append(options, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(s.dialect.goose, s.db.DB, fsys, options...)
}

// Migrate applies the migrations not applied yet, each in a transaction.
func (s *sqlStore) Migrate(ctx context.Context) error {
	if _, err := s.migrations.Up(ctx); err != nil {
		return fmt.Errorf("migrate %s: %w", s.dialect.name, err)
	}
	return nil
}

// MigrationStatus returns the newest applied migration (0 on a new database) and the newest
// embedded one.
func (s *sqlStore) MigrationStatus(ctx context.Context) (applied, latest int64, err error) {
	sources := s.migrations.ListSources()
	latest = sources[len(sources)-1].Version
	var exists bool
	if err := get(ctx, s.db, &exists, s.dialect.hasTable, migrationsTable); err != nil {
		return 0, latest, fmt.Errorf("migration status: %w", err)
	}
	if !exists {
		return 0, latest, nil
	}
	applied, err = s.migrations.GetDBVersion(ctx)
	if err != nil {
		return 0, latest, fmt.Errorf("migration status: %w", err)
	}
	return applied, latest, nil
}
