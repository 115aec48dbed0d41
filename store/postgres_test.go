package store_test

import (
	"testing"

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
