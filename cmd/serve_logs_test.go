package cmd

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/blocks"
)

// With JSON logs, standard output stays empty: the banner and the admin token are JSON lines
// on stderr, as every other line there; the access log names each request's id.
func TestServeJSONLogs(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{stdout: newOutput(), stderr: newOutput(), stop: cancel, exited: make(chan struct{})}
	env := Env{Stdin: strings.NewReader(""), Stdout: r.stdout, Stderr: r.stderr, Registry: blocks.NewRegistry(),
		Getenv: func(k string) string { return map[string]string{"SWITCHBOARD_ACCESS_LOG": "true"}[k] }}
	go func() {
		defer close(r.exited)
		r.code = Run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--log-format", "json", "--flows", "",
			"--db", filepath.Join(t.TempDir(), "s.db")}, env)
	}()
	t.Cleanup(func() { r.shutdown(t) })

	listening := regexp.MustCompile(`"msg":"Switchboard is listening on (http://127\.0\.0\.1:\d+) `)
	deadline := time.After(30 * time.Second)
	var m []string
	for m == nil {
		if m = listening.FindStringSubmatch(r.stderr.String()); m != nil {
			break
		}
		select {
		case <-r.stderr.changed:
		case <-r.exited:
			t.Fatalf("serve exited with %d\nstderr:\n%s", r.code, r.stderr)
		case <-deadline:
			t.Fatalf("serve did not say where it listens in 30s\nstderr:\n%s", r.stderr)
		}
	}
	req, err := http.NewRequest(http.MethodGet, m[1]+"/readyz", nil)
	require.NoError(t, err)
	req.Header.Set("X-Request-Id", "probe-1")
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, "probe-1", resp.Header.Get("X-Request-Id"))
	require.Equal(t, ExitOK, r.shutdown(t))

	require.Empty(t, r.stdout.String(), "nothing on standard output with JSON logs")
	var token, access bool
	sc := bufio.NewScanner(strings.NewReader(r.stderr.String()))
	for sc.Scan() {
		var rec map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &rec), "every line of stderr is JSON: %s", sc.Text())
		msg, _ := rec["msg"].(string)
		token = token || regexp.MustCompile(`An admin API token was created\..*\n\n    sbt_[a-z0-9]+`).MatchString(msg)
		if msg == "access" && rec["request_id"] == "probe-1" {
			access = true
			require.Equal(t, "/readyz", rec["path"])
			require.IsType(t, float64(0), rec["duration"])
		}
	}
	require.True(t, token, "the admin token is a log line on stderr:\n%s", r.stderr)
	require.True(t, access, "SWITCHBOARD_ACCESS_LOG turns the access log on:\n%s", r.stderr)
}
