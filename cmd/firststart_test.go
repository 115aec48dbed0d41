package cmd

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/blocks"
)

// TestServeBindsBeforeTheDatabase: on a port that is taken, serve fails before it makes the
// database, so the first admin token is not made (and lost) by a start that cannot serve.
func TestServeBindsBeforeTheDatabase(t *testing.T) {
	t.Parallel()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer busy.Close()
	db := filepath.Join(t.TempDir(), "switchboard.db")
	code, stdout, stderr := runSwitchboard(t, "serve", "--addr", busy.Addr().String(), "--db", db, "--flows", "")
	require.Equal(t, ExitUsage, code, stderr)
	require.Contains(t, stderr, "listen on "+busy.Addr().String())
	require.NotContains(t, stdout, "sbt_")
	_, err = os.Stat(db)
	require.ErrorIs(t, err, os.ErrNotExist, "serve made the database before it could listen")
}

var tokenHint = regexp.MustCompile(`No admin token has been used on this database yet\. To make one \(shown once\):\n\n    switchboard token create --role admin --db (\S+)\n`)

// TestServeSaysHowToGetAnAdminToken: until an admin token is used, every start says how to make
// one, naming the database so that the command works from any folder; the command does.
func TestServeSaysHowToGetAnAdminToken(t *testing.T) {
	t.Parallel()
	for _, db := range databases {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			url := db.url(t)
			first := startServe(t, "--db", url, "--flows", "")
			require.NotNil(t, adminToken.FindStringSubmatch(first.stdout.String()), first.stdout.String())
			require.Equal(t, ExitOK, first.shutdown(t))

			// the token was never used (say, lost): the next start says how to make another
			second := startServe(t, "--db", url, "--flows", "")
			m := tokenHint.FindStringSubmatch(second.stdout.String())
			require.NotNil(t, m, "a start before any admin token was used says how to make one:\n%s", second.stdout)
			require.Equal(t, shellQuote(url), m[1], "the hint names the database as the shell reads it, a SQLite file by its absolute path")
			code, stdout, stderr := runSwitchboard(t, "token", "create", "--role", "admin", "--db", url)
			require.Equal(t, ExitOK, code, stderr)
			admin := strings.TrimSpace(stdout)
			status, body := second.get(t, "/api/v1/tokens", admin)
			require.Equal(t, 200, status, "%s", body)
			require.Equal(t, ExitOK, second.shutdown(t))

			// an admin token was used: no more hints, in text or in JSON logs
			third := startServe(t, "--db", url, "--flows", "")
			require.NotContains(t, third.stdout.String(), "No admin token")
			require.Equal(t, ExitOK, third.shutdown(t))
		})
	}
}

// TestServeSaysHowToGetAnAdminTokenInJSONLogs: with JSON logs the hint is a log line on
// standard error, and standard output stays empty.
func TestServeSaysHowToGetAnAdminTokenInJSONLogs(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "switchboard.db")
	code, _, stderr := runSwitchboard(t, "token", "create", "--role", "designer", "--db", db, "--create")
	require.Equal(t, ExitOK, code, stderr)
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{stdout: newOutput(), stderr: newOutput(), stop: cancel, exited: make(chan struct{})}
	env := Env{Stdin: strings.NewReader(""), Stdout: r.stdout, Stderr: r.stderr, Registry: blocks.NewRegistry()}
	go func() {
		defer close(r.exited)
		r.code = Run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--log-format", "json", "--flows", "", "--db", db}, env)
	}()
	deadline := time.After(30 * time.Second)
	for !strings.Contains(r.stderr.String(), `"msg":"Switchboard is listening on`) {
		select {
		case <-r.stderr.changed:
		case <-r.exited:
			t.Fatalf("serve exited with %d\nstderr:\n%s", r.code, r.stderr)
		case <-deadline:
			t.Fatalf("serve did not say where it listens in 30s\nstderr:\n%s", r.stderr)
		}
	}
	require.Equal(t, ExitOK, r.shutdown(t))
	require.Empty(t, r.stdout.String(), "nothing on standard output with JSON logs")
	var hint bool
	sc := bufio.NewScanner(strings.NewReader(r.stderr.String()))
	for sc.Scan() {
		var rec map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &rec), "every line of stderr is JSON: %s", sc.Text())
		msg, _ := rec["msg"].(string)
		hint = hint || tokenHint.FindStringSubmatch(msg+"\n") != nil && strings.Contains(msg, "--db "+db)
	}
	require.True(t, hint, "the hint is a log line on stderr:\n%s", r.stderr)
}

// TestTokenCreateNeedsAnExistingDatabase: token create does not make a database unless told to
// (--create), and names the database it wrote to.
func TestTokenCreateNeedsAnExistingDatabase(t *testing.T) {
	t.Parallel()
	for _, db := range databases {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			url := db.url(t)
			code, stdout, stderr := runSwitchboard(t, "token", "create", "--role", "admin", "--db", url)
			require.Equal(t, ExitUsage, code, stderr)
			require.Empty(t, stdout)
			require.Contains(t, stderr, "--db: ")
			require.Contains(t, stderr, "--create to make a new one")
			if db.name == "sqlite" {
				require.Contains(t, stderr, "the SQLite database "+url+" does not exist")
				_, err := os.Stat(url)
				require.ErrorIs(t, err, os.ErrNotExist, "token create made the database it refused")
			} else {
				require.Contains(t, stderr, "has no Switchboard schema")
			}

			code, stdout, stderr = runSwitchboard(t, "token", "create", "--role", "admin", "--db", url, "--create")
			require.Equal(t, ExitOK, code, stderr)
			require.Regexp(t, `^sbt_[a-z0-9]+\n$`, stdout)
			require.Regexp(t, `^created admin token \S+ \(admin\) in the (SQLite|PostgreSQL) database `, stderr)
			require.Contains(t, stderr, dbArgument(url))

			// the database exists now: no --create needed, and serve takes the token
			code, _, stderr = runSwitchboard(t, "token", "create", "--role", "designer", "--db", url)
			require.Equal(t, ExitOK, code, stderr)
			r := startServe(t, "--db", url, "--flows", "")
			require.NotContains(t, r.stdout.String(), "sbt_", "the database has tokens: serve makes none")
			status, body := r.get(t, "/api/v1/tokens", strings.TrimSpace(stdout))
			require.Equal(t, 200, status, "%s", body)
		})
	}
}

// TestSQLiteDatabaseNames: messages name a SQLite file by its absolute path, whatever the
// folder, and a PostgreSQL database without its password.
func TestSQLiteDatabaseNames(t *testing.T) {
	t.Parallel()
	wd, err := os.Getwd()
	require.NoError(t, err)
	for in, want := range map[string]string{
		"switchboard.db":                     "the SQLite database " + filepath.Join(wd, "switchboard.db"),
		"/var/lib/sb.db":                     "the SQLite database /var/lib/sb.db",
		"sqlite:///var/lib/sb.db":            "the SQLite database /var/lib/sb.db",
		"file:/var/lib/sb.db?cache=shared":   "the SQLite database /var/lib/sb.db",
		"postgres://sb:secret@db:5432/sb":    "the PostgreSQL database postgres://sb:***@db:5432/sb",
		"file::memory:?cache=shared":         "the database file::memory:?cache=shared",
		"postgresql://sb@db/sb?sslmode=none": "the PostgreSQL database postgresql://sb@db/sb?sslmode=none",
	} {
		require.Equal(t, want, databaseName(in), in)
	}
	require.Equal(t, "/var/lib/sb.db", shellQuote("/var/lib/sb.db"))
	require.Equal(t, `'/srv/my files/sb.db'`, shellQuote("/srv/my files/sb.db"))
	require.Equal(t, `'postgres://sb:***@db/sb'`, shellQuote("postgres://sb:***@db/sb"))
}
