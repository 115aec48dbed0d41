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
// in a new schema; it skips without the variable, and fails without it when CI=true.
func TestPostgres(t *testing.T) {
	storetest.NeedPostgres(t)
	storetest.Run(t, func(t *testing.T, opts store.Options) store.Store { return storetest.OpenPostgres(t, opts) })
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
