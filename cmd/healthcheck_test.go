package cmd

import (
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestHealthcheck(t *testing.T) {
	t.Parallel()
	r := startServe(t, "--db", filepath.Join(t.TempDir(), "switchboard.db"), "--flows", "")
	code, stdout, stderr := runSwitchboard(t, "healthcheck", "--url", r.url+"/readyz")
	require.Equal(t, ExitOK, code, stderr)
	require.Contains(t, stdout, "healthy: GET "+r.url+"/readyz answered 200 OK")

	unready := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"status":"unavailable"}`))
	}))
	defer unready.Close()
	code, _, stderr = runSwitchboard(t, "healthcheck", "--url", unready.URL+"/readyz")
	require.Equal(t, ExitProblems, code)
	require.Contains(t, stderr, `answered 503 Service Unavailable: {"status":"unavailable"}`)

	closed, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := closed.Addr().String()
	require.NoError(t, closed.Close())
	code, _, stderr = runSwitchboard(t, "healthcheck", "--url", "http://"+addr+"/readyz")
	require.Equal(t, ExitProblems, code, "nothing listens: not healthy")
	require.Contains(t, stderr, "not healthy")

	code, _, stderr = runSwitchboard(t, "healthcheck", "--url", "127.0.0.1:8080/readyz")
	require.Equal(t, ExitUsage, code)
	require.Contains(t, stderr, "--url")
}
