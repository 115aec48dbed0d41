package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/switchboardhq/switchboard/store"
)

// A test process keeps the migrated PostgreSQL schemas its tests are done with, emptied, for
// its next tests: migrating a schema costs the database about a fifth of a second of CPU,
// emptying one a few milliseconds. The schemas of a process are named after it and its
// connection holds an advisory lock named after it; a process that finds the schemas of
// another whose lock is free (it ended) drops them.

// poolLockClass is the first key of the advisory locks that say a pool's process is alive.
const poolLockClass = 0x5357 // "SW"

// poolPrefix starts the name of every pooled schema: switchboard_pool_<owner>_<n>.
const poolPrefix = "switchboard_pool_"

// poolMax bounds the schemas a process keeps; one more than it is dropped at its test's end.
const poolMax = 16

type schemaPool struct {
	base  string
	owner int32
	admin *sql.DB
	lock  *sql.Conn // holds the owner's lock

	mu   sync.Mutex
	free []string
	made int
}

var pool = struct {
	once sync.Once
	p    *schemaPool
	err  error
}{}

// thePool starts this process's pool on the database base names: it takes the owner's lock and
// drops the schemas of pools whose processes ended.
func thePool(base string) (*schemaPool, error) {
	pool.once.Do(func() {
		db, err := sql.Open("postgres", base)
		if err != nil {
			pool.err = err
			return
		}
		db.SetMaxOpenConns(4)
		var b [4]byte
		_, _ = rand.Read(b[:])
		p := &schemaPool{base: base, owner: int32(binary.BigEndian.Uint32(b[:]) & 0x7fffffff), admin: db}
		ctx := context.Background()
		// the lock is its session's: a connection of its own, kept until the process ends
		p.lock, err = db.Conn(ctx)
		if err != nil {
			pool.err = fmt.Errorf("pool lock: %w", err)
			return
		}
		if _, err := p.lock.ExecContext(ctx, "SELECT pg_advisory_lock($1, $2)", poolLockClass, p.owner); err != nil {
			pool.err = fmt.Errorf("pool lock: %w", err)
			return
		}
		if err := p.sweep(ctx); err != nil {
			pool.err = err
			return
		}
		pool.p = p
	})
	return pool.p, pool.err
}

// sweep drops the pooled schemas of processes that ended.
func (p *schemaPool) sweep(ctx context.Context) error {
	rows, err := p.admin.QueryContext(ctx, `SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1)`, poolPrefix)
	if err != nil {
		return fmt.Errorf("pool sweep: %w", err)
	}
	byOwner := map[int64][]string{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return err
		}
		owner, _, _ := strings.Cut(strings.TrimPrefix(name, poolPrefix), "_")
		if n, err := strconv.ParseInt(owner, 10, 32); err == nil && int32(n) != p.owner {
			byOwner[n] = append(byOwner[n], name)
		}
	}
	rows.Close()
	for owner, names := range byOwner {
		var free bool
		if err := p.admin.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1, $2)", poolLockClass, owner).Scan(&free); err != nil {
			return fmt.Errorf("pool sweep: %w", err)
		}
		if !free {
			continue // its process is running
		}
		for _, name := range names {
			_, _ = p.admin.ExecContext(ctx, "DROP SCHEMA IF EXISTS "+name+" CASCADE")
		}
		_, _ = p.admin.ExecContext(ctx, "SELECT pg_advisory_unlock($1, $2)", poolLockClass, owner)
	}
	return nil
}

// urlOf is the URL of base with schema first on the search path.
func urlOf(t testing.TB, base, schema string) string {
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// take returns an empty, migrated schema: one the pool keeps, or a new one.
func (p *schemaPool) take(t testing.TB) string {
	t.Helper()
	p.mu.Lock()
	if n := len(p.free); n > 0 {
		name := p.free[n-1]
		p.free = p.free[:n-1]
		p.mu.Unlock()
		return name
	}
	p.made++
	name := fmt.Sprintf("%s%d_%d", poolPrefix, p.owner, p.made)
	p.mu.Unlock()
	ctx := context.Background()
	if _, err := p.admin.ExecContext(ctx, "CREATE SCHEMA "+name); err != nil {
		t.Fatalf("postgres: create schema %s: %v", name, err)
	}
	s, err := store.Open(ctx, urlOf(t, p.base, name), store.Options{Migrate: true, MaxConns: 2})
	if err != nil {
		p.drop(name)
		t.Fatalf("postgres: migrate schema %s: %v", name, err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("postgres: %v", err)
	}
	return name
}

// emptySchema deletes every row but the record of the migrations, and restarts the
// sequences: in one transaction, without the foreign keys' and the tables' triggers (a
// superuser's session_replication_role), waiting a bounded time for locks.
const emptySchema = `DO $empty$
DECLARE r record;
BEGIN
  SET LOCAL lock_timeout = '10s';
  SET LOCAL session_replication_role = replica;
  FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = %[1]s AND tablename <> 'goose_db_version' LOOP
    EXECUTE format('DELETE FROM %%I.%%I', %[1]s, r.tablename);
  END LOOP;
  FOR r IN SELECT sequencename FROM pg_sequences WHERE schemaname = %[1]s LOOP
    EXECUTE format('ALTER SEQUENCE %%I.%%I RESTART', %[1]s, r.sequencename);
  END LOOP;
END
$empty$`

// give empties a schema a test is done with and keeps it for the next; a schema that cannot be
// emptied (a session still holds its tables, or the role may not skip triggers) is dropped.
func (p *schemaPool) give(name string) {
	p.mu.Lock()
	full := len(p.free) >= poolMax
	p.mu.Unlock()
	if full {
		p.drop(name)
		return
	}
	if _, err := p.admin.ExecContext(context.Background(), fmt.Sprintf(emptySchema, "'"+name+"'")); err != nil {
		p.drop(name)
		return
	}
	p.mu.Lock()
	p.free = append(p.free, name)
	p.mu.Unlock()
}

func (p *schemaPool) drop(name string) {
	_, _ = p.admin.ExecContext(context.Background(), "DROP SCHEMA IF EXISTS "+name+" CASCADE")
}

// MigratedPostgresURL returns the URL of a migrated schema of the database PostgresEnv names
// that holds no rows, emptied when the test ends and kept for the process's next test; it
// skips or fails the test as OpenPostgres does.
func MigratedPostgresURL(t testing.TB) string {
	t.Helper()
	base := NeedPostgres(t)
	p, err := thePool(base)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	name := p.take(t)
	t.Cleanup(func() { p.give(name) })
	return urlOf(t, base, name)
}
