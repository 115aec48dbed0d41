package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/blocks"
	"github.com/switchboardhq/switchboard/store/storetest"
)

// output is a writer a running command writes to while the test reads it.
type output struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{}
}

func newOutput() *output { return &output{changed: make(chan struct{}, 1)} }

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	n, err := o.buf.Write(p)
	o.mu.Unlock()
	select {
	case o.changed <- struct{}{}:
	default:
	}
	return n, err
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// running is `switchboard serve` running in the test.
type running struct {
	stdout, stderr *output
	stop           context.CancelFunc
	// exited closes when serve returns; code is then its exit code.
	exited chan struct{}
	code   int
	url    string
}

// startServe runs serve on a free port and waits until it says where it listens.
func startServe(t *testing.T, args ...string) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{stdout: newOutput(), stderr: newOutput(), stop: cancel, exited: make(chan struct{})}
	env := Env{Stdin: strings.NewReader(""), Stdout: r.stdout, Stderr: r.stderr, Registry: blocks.NewRegistry()}
	go func() {
		defer close(r.exited)
		r.code = Run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--log-level", "debug"}, args...), env)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.exited:
		case <-time.After(30 * time.Second):
			t.Errorf("serve did not stop")
		}
	})
	m := r.waitFor(t, regexp.MustCompile(`Switchboard is listening on (http://127\.0\.0\.1:\d+) `))
	r.url = m[1]
	return r
}

// waitFor waits until serve's standard output matches re, and returns the match.
func (r *running) waitFor(t *testing.T, re *regexp.Regexp) []string {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		if m := re.FindStringSubmatch(r.stdout.String()); m != nil {
			return m
		}
		select {
		case <-r.stdout.changed:
		case <-r.exited:
			t.Fatalf("serve exited with %d before printing %s\nstdout:\n%s\nstderr:\n%s", r.code, re, r.stdout, r.stderr)
		case <-deadline:
			t.Fatalf("serve did not print %s in 30s\nstdout:\n%s\nstderr:\n%s", re, r.stdout, r.stderr)
		}
	}
}

// shutdown cancels serve's context and returns its exit code.
func (r *running) shutdown(t *testing.T) int {
	t.Helper()
	r.stop()
	select {
	case <-r.exited:
		return r.code
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not stop in 30s after its context was cancelled\nstderr:\n%s", r.stderr)
	}
	return -1
}

// get calls the running server with a token.
func (r *running) get(t *testing.T, path, token string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", r.url+path, nil)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, body
}

// runSwitchboard runs a command to its end.
func runSwitchboard(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errs bytes.Buffer
	code = Run(context.Background(), args, Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errs, Registry: blocks.NewRegistry()})
	return code, out.String(), errs.String()
}

// databases are the two the command line's server tests run on, each a new database per test.
var databases = []struct {
	name string
	url  func(t testing.TB) string
}{
	{"sqlite", func(t testing.TB) string { return filepath.Join(t.TempDir(), "switchboard.db") }},
	{"postgres", storetest.PostgresURL},
}

var adminToken = regexp.MustCompile(`An admin API token was created\. It is shown only this once; keep it:\n\n    (sbt_[a-z0-9]+)\n`)

func TestServe(t *testing.T) {
	t.Parallel()
	for _, db := range databases {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			url := db.url(t)

			// a fresh database: a token shown once, the example flows published, ready
			first := startServe(t, "--db", url, "--flows", "../examples/flows")
			m := adminToken.FindStringSubmatch(first.stdout.String())
			require.NotNil(t, m, "serve prints an admin token on a fresh database:\n%s", first.stdout)
			admin := m[1]
			require.Contains(t, first.stdout.String(), "curl -H 'Authorization: Bearer "+admin+"' "+first.url+"/api/v1/flows",
				"the hint names the address the server listens on")

			status, body := first.get(t, "/readyz", "")
			require.Equal(t, 200, status, "%s", body)
			require.Contains(t, string(body), `"status":"ready"`)

			status, body = first.get(t, "/api/v1/flows", admin)
			require.Equal(t, 200, status, "%s", body)
			var flows []struct {
				ID            string `json:"id"`
				LatestVersion int    `json:"latest_version"`
			}
			require.NoError(t, json.Unmarshal(body, &flows))
			var ids []string
			for _, f := range flows {
				ids = append(ids, f.ID)
				require.Equal(t, 1, f.LatestVersion, "flow %s is published", f.ID)
			}
			require.Equal(t, exampleFlowIDs(t), ids)
			require.Contains(t, first.stderr.String(), "published flows")

			// a token made by the command line works against the running server
			code, stdout, stderr := runSwitchboard(t, "token", "create", "--role", "designer", "--name", "Flow team", "--db", url)
			require.Equal(t, ExitOK, code, stderr)
			designer := strings.TrimSpace(stdout)
			require.Regexp(t, `^sbt_[a-z0-9]+$`, designer)
			require.Contains(t, stderr, "created designer token")
			status, body = first.get(t, "/api/v1/flows/facebook-care", designer)
			require.Equal(t, 200, status, "%s", body)
			status, _ = first.get(t, "/api/v1/tokens", designer)
			require.Equal(t, 403, status, "a designer token is a designer's")

			code, stdout, _ = runSwitchboard(t, "migrate", "--db", url)
			require.Equal(t, ExitOK, code)
			require.Regexp(t, `^the (sqlite|postgres) schema is up to date \(version \d+\)\n$`, stdout)

			require.Equal(t, ExitOK, first.shutdown(t), "cancelling the context stops serve with exit code 0\nstderr:\n%s", first.stderr)
			require.Contains(t, first.stderr.String(), "stopped")

			// the same database again: no new token, the flows as they were
			second := startServe(t, "--db", url, "--flows", "../examples/flows")
			require.NotContains(t, second.stdout.String(), "sbt_", "no new token on a database that has tokens")
			status, body = second.get(t, "/api/v1/flows", admin)
			require.Equal(t, 200, status, "%s", body)
			require.NoError(t, json.Unmarshal(body, &flows))
			require.Len(t, flows, len(ids))
			for _, f := range flows {
				require.Equal(t, 1, f.LatestVersion, "flow %s is not published again", f.ID)
			}
			status, _ = second.get(t, "/api/v1/flows", designer)
			require.Equal(t, 200, status)
			require.Equal(t, ExitOK, second.shutdown(t))
		})
	}
}

func TestServeRefusesBadFlags(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, args := range [][]string{
		{"serve", "--db", filepath.Join(dir, "a.db"), "--log-level", "loud"},
		{"serve", "--db", filepath.Join(dir, "b.db"), "--log-format", "xml"},
		{"serve", "--db", "mysql://localhost/switchboard"},
		{"serve", "--db", filepath.Join(dir, "c.db"), "--addr", "127.0.0.1:not-a-port"},
	} {
		t.Run(strings.Join(args[1:], " "), func(t *testing.T) {
			code, _, stderr := runSwitchboard(t, args...)
			require.Equal(t, ExitUsage, code, stderr)
			require.NotEmpty(t, stderr)
		})
	}
}

// A pool too small for the committers is refused before anything starts, naming the flag.
func TestServeRefusesATinyPool(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "pool.db")
	code, _, stderr := runSwitchboard(t, "serve", "--db", db, "--db-max-conns", "2")
	require.Equal(t, ExitUsage, code, stderr)
	require.Contains(t, stderr, "--db-max-conns 2: must be at least 4")
	require.NoFileExists(t, db)
}

// exampleFlowIDs lists the ids of the example flows, by file name.
func exampleFlowIDs(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../examples/flows/*.yaml")
	require.NoError(t, err)
	var ids []string
	for _, f := range files {
		if strings.HasSuffix(f, ".test.yaml") {
			continue
		}
		ids = append(ids, strings.TrimSuffix(filepath.Base(f), ".yaml"))
	}
	slices.Sort(ids)
	require.NotEmpty(t, ids)
	return ids
}
