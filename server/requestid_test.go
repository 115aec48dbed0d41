package server_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/server"
	"github.com/switchboardhq/switchboard/store/storetest"
	"github.com/switchboardhq/switchboard/telemetry"
)

// logLines is a log the server writes as JSON while the test reads it.
type logLines struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// records returns the lines logged with message msg.
func (l *logLines) records(t *testing.T, msg string) []map[string]any {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for _, line := range bytes.Split(bytes.TrimSpace(l.buf.Bytes()), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var rec map[string]any
		require.NoError(t, json.Unmarshal(line, &rec), "%s", line)
		if rec["msg"] == msg {
			out = append(out, rec)
		}
	}
	return out
}

// startLoggedAPI starts a server logging JSON at debug level, durations in seconds.
func startLoggedAPI(t *testing.T, accessLog bool) (*testAPI, *logLines) {
	t.Helper()
	logs := &logLines{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug, ReplaceAttr: telemetry.DurationSeconds}))
	api := startAPI(t, storetest.OpenSQLite(t), func(c *server.Config) {
		c.Logger = logger
		c.AccessLog = accessLog
	})
	return api, logs
}

func (api *testAPI) getWithID(t *testing.T, path, id string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, api.url+path, nil)
	require.NoError(t, err)
	if id != "" {
		req.Header.Set(server.HeaderRequestID, id)
	}
	req.Header.Set("Authorization", "Bearer "+api.admin)
	resp, err := api.client.Do(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	return resp
}

var madeID = regexp.MustCompile(`^[0-9a-f]{32}$`)

func TestRequestIDAndAccessLog(t *testing.T) {
	t.Parallel()
	api, logs := startLoggedAPI(t, true)

	resp := api.getWithID(t, "/healthz", "edge-42:a/b")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "edge-42:a/b", resp.Header.Get(server.HeaderRequestID), "a valid incoming id is echoed")

	for _, bad := range []string{"two words", strings.Repeat("x", 129), "<script>"} {
		resp = api.getWithID(t, "/healthz", bad)
		require.Regexp(t, madeID, resp.Header.Get(server.HeaderRequestID), "an invalid id %q is replaced", bad)
	}
	resp = api.getWithID(t, "/api/v1/skills/nobody", "")
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
	missing := resp.Header.Get(server.HeaderRequestID)
	require.Regexp(t, madeID, missing, "an error answer has an id too")

	access := logs.records(t, "access")
	require.Len(t, access, 5, "one access line per request")
	first := access[0]
	require.Equal(t, "edge-42:a/b", first["request_id"])
	require.Equal(t, "GET", first["method"])
	require.Equal(t, "/healthz", first["path"])
	require.Equal(t, "/healthz", first["route"])
	require.Equal(t, float64(200), first["status"])
	require.IsType(t, float64(0), first["duration"], "the duration is a number of seconds")
	require.Greater(t, first["bytes"], float64(0))
	require.Regexp(t, `^127\.0\.0\.1:\d+$`, first["remote"])

	last := access[4]
	require.Equal(t, missing, last["request_id"])
	require.Equal(t, "/api/v1/skills/:name", last["route"])
	require.Equal(t, float64(404), last["status"])

	// the server's other lines of a request carry its id too
	var ids []any
	for _, rec := range logs.records(t, "request") {
		ids = append(ids, rec["request_id"])
		require.IsType(t, float64(0), rec["duration"])
	}
	require.Contains(t, ids, "edge-42:a/b")
	require.Contains(t, ids, missing)
}

func TestAccessLogIsOffByDefault(t *testing.T) {
	t.Parallel()
	api, logs := startLoggedAPI(t, false)
	resp := api.getWithID(t, "/healthz", "")
	require.Regexp(t, madeID, resp.Header.Get(server.HeaderRequestID))
	require.Empty(t, logs.records(t, "access"))
	require.NotEmpty(t, logs.records(t, "request"), "the debug line of each request is still written")
}
