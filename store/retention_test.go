package store_test

import (
	"testing"

	"github.com/switchboardhq/switchboard/store/storetest"
)

func TestSQLiteRetention(t *testing.T) {
	storetest.RunRetention(t, storetest.SQLiteURL)
}

// TestPostgresRetention runs the retention suite on PostgreSQL; it skips without
// SWITCHBOARD_TEST_POSTGRES, and fails without it when CI=true.
func TestPostgresRetention(t *testing.T) {
	storetest.NeedPostgres(t)
	storetest.RunRetention(t, storetest.PostgresURL)
}
