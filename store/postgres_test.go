package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/store"
	"github.com/switchboardhq/switchboard/store/storetest"
)

// TestPostgres runs the suite against the database SWITCHBOARD_TEST_POSTGRES names, each test
// in a schema of its own that holds no rows; it skips without the variable, and fails without it
// when CI=true.
func TestPostgres(t *testing.T) {
	storetest.NeedPostgres(t)
	storetest.Run(t, func(t *testing.T, opts store.Options) store.Store { return storetest.OpenPostgres(t, opts) })
}

// TestPooledSchemaComesBackEmpty: a schema a test wrote in is kept for the process's next
// test with every row gone and its sequences restarted. The test does not run in parallel, so
// that the next schema taken is the one just given back.
func TestPooledSchemaComesBackEmpty(t *testing.T) {
	ctx := context.Background()
	var first string
	var events int
	t.Run("writes", func(t *testing.T) {
		first = storetest.MigratedPostgresURL(t)
		s, err := store.Open(ctx, first, store.Options{})
		require.NoError(t, err)
		defer s.Close()
		_, err = s.ChannelCreate(ctx, store.Channel{ID: "acme", Type: "webchat", Settings: map[string]any{}}, "test")
		require.NoError(t, err)
		raw := storetest.OpenRaw(t, first)
		require.Equal(t, 1, raw.Count(t, "SELECT count(*) FROM channels"))
		events = raw.Count(t, "SELECT count(*) FROM audit_log")
		require.Positive(t, events)
	})
	t.Run("finds it empty", func(t *testing.T) {
		url := storetest.MigratedPostgresURL(t)
		require.Equal(t, first, url, "the schema given back is the one taken next")
		raw := storetest.OpenRaw(t, url)
		for _, table := range raw.Strings(t, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'goose_db_version'") {
			require.Zero(t, raw.Count(t, "SELECT count(*) FROM "+table), table)
		}
		require.Positive(t, raw.Count(t, "SELECT count(*) FROM goose_db_version"), "the migrations stay applied")
		s, err := store.Open(ctx, url, store.Options{})
		require.NoError(t, err)
		defer s.Close()
		_, err = s.ChannelCreate(ctx, store.Channel{ID: "acme", Type: "webchat", Settings: map[string]any{}}, "test")
		require.NoError(t, err, "the same rows can be written again")
		require.Equal(t, events, raw.Count(t, "SELECT count(*) FROM audit_log WHERE id <= $1", events), "the sequences start again")
	})
}

func TestPostgresMigrate(t *testing.T) {
	testMigrate(t, storetest.PostgresURL(t))
}

// TestPostgresBusIsPerSchema checks that the nodes of one schema hear each other, and that
// another schema of the same database, another Switchboard, hears none of it.
func TestPostgresBusIsPerSchema(t *testing.T) {
	ctx := context.Background()
	url := storetest.PostgresURL(t)
	open := func(url string) store.Store {
		s, err := store.Open(ctx, url, store.Options{Migrate: true})
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		return s
	}
	one, other := open(url), open(url)
	elsewhere := open(storetest.PostgresURL(t))

	heard, cancel := other.Bus().Subscribe()
	defer cancel()
	strays, cancelStrays := elsewhere.Bus().Subscribe()
	defer cancelStrays()

	require.NoError(t, one.Bus().Publish(ctx, "agent", "ana"))
	select {
	case m := <-heard:
		require.Equal(t, store.Message{Topic: "agent", Payload: "ana"}, m)
	case <-time.After(2 * time.Minute):
		t.Fatal("another node of the schema did not hear the message")
	}
	require.NoError(t, elsewhere.Bus().Publish(ctx, "probe", ""))
	for m := range strays {
		require.Equal(t, "probe", m.Topic, "a message of another schema reached this one")
		break
	}
}
