package store_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/store"
	"github.com/switchboardhq/switchboard/store/storetest"
)

func TestSQLite(t *testing.T) {
	storetest.Run(t, func(t *testing.T, opts store.Options) store.Store { return storetest.OpenSQLite(t, opts) })
}

func TestSQLiteMigrate(t *testing.T) {
	testMigrate(t, storetest.SQLiteURL(t))
}

// TestSQLiteNames opens SQLite by each form of name Open accepts.
func TestSQLiteNames(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{
		":memory:",
		filepath.Join(dir, "plain.db"),
		"sqlite:" + filepath.Join(dir, "prefixed.db"),
		"file:" + filepath.Join(dir, "uri.db") + "?mode=rwc",
	} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s, err := store.Open(ctx, name, store.Options{Migrate: true})
			require.NoError(t, err)
			defer s.Close()
			require.Equal(t, "sqlite", s.Dialect())
			_, err = s.FlowCreate(ctx, store.Flow{ID: "main", Source: "x"}, "ann")
			require.NoError(t, err)
			_, err = s.FlowGet(ctx, "main")
			require.NoError(t, err, "the database keeps what was written (one connection for :memory:)")
		})
	}
}

func TestOpenErrors(t *testing.T) {
	for _, url := range []string{"", "mysql://root@localhost/db"} {
		_, err := store.Open(context.Background(), url, store.Options{})
		require.ErrorIs(t, err, store.ErrInvalid, "%q", url)
	}
	_, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "missing", "dir.db"), store.Options{})
	require.Error(t, err, "a SQLite file in a folder that does not exist")
}

// testMigrate checks a new database's migration status before and after migrating.
func testMigrate(t *testing.T, url string) {
	ctx := context.Background()
	s, err := store.Open(ctx, url, store.Options{})
	require.NoError(t, err)
	defer s.Close()
	applied, latest, err := s.MigrationStatus(ctx)
	require.NoError(t, err)
	require.Zero(t, applied, "a new database")
	require.Positive(t, latest)
	require.NoError(t, s.Migrate(ctx))
	applied, latest2, err := s.MigrationStatus(ctx)
	require.NoError(t, err)
	require.Equal(t, latest, latest2)
	require.Equal(t, latest, applied)
}
