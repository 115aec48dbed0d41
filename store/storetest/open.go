package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/switchboardhq/switchboard/store"
)

// PostgresEnv names the environment variable with the URL of the PostgreSQL database tests
// use, such as postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
const PostgresEnv = "SWITCHBOARD_TEST_POSTGRES"

// OpenSQLite returns a new, migrated store in a SQLite file under t.TempDir(), closed when the
// test ends. Options, when given, set its clock and logger.
func OpenSQLite(t testing.TB, opts ...store.Options) store.Store {
	t.Helper()
	return open(t, MigratedSQLiteURL(t), opts)
}

// OpenPostgres returns a new, migrated store in a schema of the database PostgresEnv names
// that holds no rows (MigratedPostgresURL). Without the variable the test is skipped, or fails when
// CI=true: CI must never skip PostgreSQL silently. Options, when given, set its clock and logger.
func OpenPostgres(t testing.TB, opts ...store.Options) store.Store {
	t.Helper()
	return open(t, MigratedPostgresURL(t), opts)
}

// SQLiteURL returns the URL of a new SQLite file under t.TempDir().
func SQLiteURL(t testing.TB) string {
	return "sqlite:" + filepath.Join(t.TempDir(), "switchboard.db")
}

// MigratedSQLiteURL returns the URL of a new SQLite file under t.TempDir() that holds every
// migration and no rows: a copy of a database migrated once per test process. Migrating runs
// each migration's statements through a SQLite compiled from C to Go, which the race detector
// slows to seconds; a copy costs a file write.
func MigratedSQLiteURL(t testing.TB) string {
	t.Helper()
	image, err := sqliteTemplate()
	if err != nil {
		t.Fatalf("migrated SQLite template: %v", err)
	}
	path := filepath.Join(t.TempDir(), "switchboard.db")
	if err := os.WriteFile(path, image, 0o600); err != nil {
		t.Fatalf("migrated SQLite copy: %v", err)
	}
	return "sqlite:" + path
}

// sqliteTemplate migrates a SQLite database in a directory of its own and returns the bytes of
// its VACUUM INTO copy: one file, without a write-ahead log beside it.
var sqliteTemplate = sync.OnceValues(func() ([]byte, error) {
	dir, err := os.MkdirTemp("", "switchboard-template-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	url := "sqlite:" + filepath.Join(dir, "migrated.db")
	s, err := store.Open(ctx, url, store.Options{Migrate: true})
	if err != nil {
		return nil, err
	}
	if err := s.Close(); err != nil {
		return nil, err
	}
	out := filepath.Join(dir, "template.db")
	if err := store.BackupSQLite(ctx, url, out); err != nil {
		return nil, err
	}
	return os.ReadFile(out)
})

// PostgresURL returns the URL of a new, empty schema of the database PostgresEnv names, dropped
// when the test ends; it skips or fails the test as OpenPostgres does.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := NeedPostgres(t)
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	schema := "switchboard_test_" + hex.EncodeToString(b)
	admin := func(query string) {
		t.Helper()
		db, err := sql.Open("postgres", base)
		if err != nil {
			t.Fatalf("postgres: %v", err)
		}
		defer db.Close()
		if _, err := db.ExecContext(context.Background(), query); err != nil {
			t.Fatalf("postgres: %s: %v", query, err)
		}
	}
	admin("CREATE SCHEMA " + schema)
	t.Cleanup(func() { admin("DROP SCHEMA " + schema + " CASCADE") })
	return urlOf(t, base, schema)
}

// NeedPostgres returns the URL PostgresEnv holds. Without one it skips the test, or fails it
// when CI=true: CI must never skip PostgreSQL silently.
func NeedPostgres(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
			t.Fatalf("%s is not set, and CI must test PostgreSQL: set it to a database URL such as "+
				"postgres://postgres@127.0.0.1:5432/test?sslmode=disable", PostgresEnv)
		}
		t.Skipf("skipping PostgreSQL: %s is not set (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)", PostgresEnv)
	}
	return base
}

func open(t testing.TB, url string, opts []store.Options) store.Store {
	t.Helper()
	var o store.Options
	if len(opts) > 0 {
		o = opts[0]
	}
	o.Migrate = true
	if o.MaxConns == 0 {
		// the packages' tests share one PostgreSQL of 100 connections, many stores at a time
		o.MaxConns = 8
	}
	s, err := store.Open(context.Background(), url, o)
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Backend is a kind of database the tests run on: URL names a fresh, migrated one without rows
// for a test, which the test opens with Migrate: on SQLite a copy of a migrated database
// (MigratedSQLiteURL), on PostgreSQL an emptied schema of the process's pool
// (MigratedPostgresURL).
type Backend struct {
	Name string
	URL  func(t testing.TB) string
}

// Backends are the databases every suite that touches one runs on.
var Backends = []Backend{
	{"sqlite", MigratedSQLiteURL},
	{"postgres", MigratedPostgresURL},
}

// EachBackend runs test once per database, as parallel subtests named after it.
func EachBackend(t *testing.T, test func(t *testing.T, b Backend)) {
	t.Helper()
	for _, b := range Backends {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			test(t, b)
		})
	}
}
