package cmd

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/store"
)

// waitForLog waits until serve's log matches re.
func (r *running) waitForLog(t *testing.T, re *regexp.Regexp) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for !re.MatchString(r.stderr.String()) {
		select {
		case <-r.stderr.changed:
		case <-r.exited:
			t.Fatalf("serve exited with %d before logging %s\nstderr:\n%s", r.code, re, r.stderr)
		case <-deadline:
			t.Fatalf("serve did not log %s in 30s\nstderr:\n%s", re, r.stderr)
		}
	}
}

// TestServePrunes starts serve on a database with a payload processed 40 days ago: the node
// prunes it at once, logs what it pruned and counts it in /metrics; the audit entry of the
// same day stays, as audit is kept a year.
func TestServePrunes(t *testing.T) {
	t.Parallel()
	for _, db := range databases {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			url := db.url(t)
			ctx := context.Background()
			old, err := store.Open(ctx, url, store.Options{Clock: engine.NewManualClock(time.Now().Add(-40 * 24 * time.Hour)), Migrate: true})
			require.NoError(t, err)
			ev, err := old.WebhookEventInsert(ctx, "fb", []byte(`{}`))
			require.NoError(t, err)
			require.NoError(t, old.InTx(ctx, func(tx store.Tx) error { return tx.WebhookEventFinish(ctx, ev.ID, "") }))
			_, err = old.SkillPut(ctx, store.Skill{Name: "billing"}, "ann")
			require.NoError(t, err)
			require.NoError(t, old.Close())

			r := startServe(t, "--db", url, "--flows", "", "--retain-payloads", "1d", "--prune-every", "1h")
			r.waitForLog(t, regexp.MustCompile(`msg=pruned payloads=1\n`))
			status, body := r.get(t, "/metrics", "")
			require.Equal(t, 200, status)
			require.Contains(t, string(body), `switchboard_pruned_rows_total{kind="payloads"} 1`)
			require.Contains(t, string(body), `switchboard_pruned_rows_total{kind="audit"} 0`, "audit is kept a year by default")
			require.Equal(t, ExitOK, r.shutdown(t))
		})
	}
}

func TestServeRefusesBadRetention(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		env  string
		want string
	}{
		{args: []string{"--retain-event-keys", "1d"}, want: "--retain-event-keys: 1d is shorter than 7d"},
		{args: []string{"--retain-outbox", "-1h"}, want: "--retain-outbox: -1h0m0s is negative"},
		{args: []string{"--prune-every", "0"}, want: "--prune-every 0s: give a positive duration"},
		{args: []string{"--retain-audit", "a year"}, want: `invalid argument "a year" for "--retain-audit" flag`},
		{env: "SWITCHBOARD_RETAIN_CONVERSATIONS=soon", want: `$SWITCHBOARD_RETAIN_CONVERSATIONS "soon": use a number of days`},
	} {
		t.Run(strings.Join(tc.args, " ")+tc.env, func(t *testing.T) {
			if name, value, ok := strings.Cut(tc.env, "="); ok {
				t.Setenv(name, value)
			}
			args := append([]string{"serve", "--db", filepath.Join(dir, "a.db"), "--addr", "127.0.0.1:0"}, tc.args...)
			code, _, stderr := runSwitchboard(t, args...)
			require.Equal(t, ExitUsage, code, stderr)
			require.Contains(t, stderr, tc.want)
		})
	}
}

// TestBackup backs up a database a store has open and writes to, and opens the copy.
func TestBackup(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "live.db")
	live, err := store.Open(ctx, path, store.Options{Migrate: true})
	require.NoError(t, err)
	defer live.Close()
	_, err = live.FlowCreate(ctx, store.Flow{ID: "care", Source: "switchboard: 1\n"}, "ann")
	require.NoError(t, err)
	ev, err := live.WebhookEventInsert(ctx, "fb", []byte(`{"object":"page"}`))
	require.NoError(t, err)

	out := filepath.Join(dir, "copy.db")
	code, _, stderr := runSwitchboard(t, "backup", "--db", path, out)
	require.Equal(t, ExitOK, code, stderr)
	require.Contains(t, stderr, "backed up "+path+" to "+out)
	_, err = live.FlowCreate(ctx, store.Flow{ID: "after", Source: "x"}, "ann")
	require.NoError(t, err, "the live database is still written to")

	copied, err := store.Open(ctx, out, store.Options{})
	require.NoError(t, err)
	defer copied.Close()
	applied, latest, err := copied.MigrationStatus(ctx)
	require.NoError(t, err)
	require.Equal(t, latest, applied, "the copy has the whole schema")
	f, err := copied.FlowGet(ctx, "care")
	require.NoError(t, err)
	require.Equal(t, "switchboard: 1\n", f.Source)
	_, err = copied.FlowGet(ctx, "after")
	require.ErrorIs(t, err, store.ErrNotFound, "the copy is the database as it was")
	claimed, err := copied.WebhookEventClaim(ctx, time.Minute, 10)
	require.NoError(t, err)
	require.Len(t, claimed, 1)
	require.Equal(t, ev.ID, claimed[0].ID)
	require.JSONEq(t, `{"object":"page"}`, string(claimed[0].Body))

	before, err := os.ReadFile(out)
	require.NoError(t, err)
	code, _, stderr = runSwitchboard(t, "backup", "--db", path, out)
	require.Equal(t, ExitUsage, code)
	require.Contains(t, stderr, out+" exists already: backup writes a new file and never overwrites one")
	after, err := os.ReadFile(out)
	require.NoError(t, err)
	require.Equal(t, before, after, "the existing file is left as it was")

	missing := filepath.Join(dir, "missing.db")
	code, _, stderr = runSwitchboard(t, "backup", "--db", missing, filepath.Join(dir, "none.db"))
	require.Equal(t, ExitUsage, code)
	require.Contains(t, stderr, "the database "+missing+" does not exist")
	require.NoFileExists(t, missing, "backup creates no database")
	require.NoFileExists(t, filepath.Join(dir, "none.db"))

	code, _, stderr = runSwitchboard(t, "backup", "--db", "postgres://ann:secret@db:5432/switchboard", "out.dump")
	require.Equal(t, ExitUsage, code)
	require.Contains(t, stderr, "pg_dump --format=custom --file out.dump 'postgres://ann:***@db:5432/switchboard'")
	require.NotContains(t, stderr, "secret")
}
