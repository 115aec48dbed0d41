package server_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http/httptest"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/server"
	"github.com/switchboardhq/switchboard/store"
	"github.com/switchboardhq/switchboard/store/storetest"
)

func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			// a store this test closes itself, once
			st, err := store.Open(context.Background(), b.url(t), store.Options{Migrate: true})
			require.NoError(t, err)
			healthAndReadiness(t, startAPI(t, st, nil))
		})
	}
}

func healthAndReadiness(t *testing.T, api *testAPI) {
	require.Equal(t, map[string]any{"status": "ok", "version": "dev"}, api.call(t, "GET", "/healthz", withToken("")).expect(t, 200).object(t))

	ready := api.call(t, "GET", "/readyz", withToken("")).expect(t, 200).object(t)
	require.Equal(t, "ready", ready["status"])
	require.Equal(t, api.store.Dialect(), ready["database"])
	require.Greater(t, ready["schema"], 0.0)

	require.NoError(t, api.store.Close())
	down := api.call(t, "GET", "/readyz", withToken("")).expect(t, 503).object(t)
	require.Equal(t, "unavailable", down["status"])
	require.NotEmpty(t, down["database"], "it says what is wrong with the database")
	api.call(t, "GET", "/healthz", withToken("")).expect(t, 200)
	api.call(t, "GET", "/api/v1/flows").fails(t, 500, "internal")
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, api *testAPI) {
		api.call(t, "GET", "/api/v1/flows").expect(t, 200)
		api.call(t, "GET", "/api/v1/flows").expect(t, 200)
		api.call(t, "GET", "/api/v1/flows/nope").expect(t, 404)
		api.call(t, "GET", "/api/v1/nope").expect(t, 404)

		r := api.call(t, "GET", "/metrics", withToken("")).expect(t, 200)
		require.Contains(t, r.Header.Get("Content-Type"), "text/plain")
		text := string(r.Body)
		require.Contains(t, text, `switchboard_http_requests_total{method="GET",route="/api/v1/flows",status="200"} 2`)
		require.Contains(t, text, `switchboard_http_requests_total{method="GET",route="/api/v1/flows/:id",status="404"} 1`, "routes are labelled by their pattern")
		require.Contains(t, text, `switchboard_http_requests_total{method="GET",route="other",status="404"} 1`, "unknown paths share one label")
		require.Regexp(t, regexp.MustCompile(`switchboard_http_request_duration_seconds_count\{method="GET",route="/api/v1/flows"\} 2`), text)
		require.Contains(t, text, "go_goroutines")
		require.Contains(t, text, `switchboard_build_info{commit="",go_version="`+runtime.Version()+`",version="dev"} 1`)
	})
}

// TestBuildInfo: the build a server is given is on /healthz and /metrics.
func TestBuildInfo(t *testing.T) {
	t.Parallel()
	srv := server.New(server.Config{Store: storetest.OpenSQLite(t), Registry: engine.DefaultRegistry(), Logger: discardLogger(),
		Build: server.BuildInfo{Version: "1.2.3", Commit: "0123abc", Date: "2026-12-01T10:00:00Z", GoVersion: "go1.26.0"}})
	get := func(path string) string {
		resp, err := srv.App().Test(httptest.NewRequest("GET", path, nil), -1)
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, 200, resp.StatusCode, path)
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return string(body)
	}
	require.JSONEq(t, `{"status": "ok", "version": "1.2.3"}`, get("/healthz"))
	require.Contains(t, get("/metrics"), `switchboard_build_info{commit="0123abc",go_version="go1.26.0",version="1.2.3"} 1`)
}

func TestErrorsAreJSONEverywhere(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, api *testAPI) {
		for _, c := range []struct{ method, path string }{
			{"GET", "/api/v1/nope"},
			{"GET", "/api/v1/flows/greeting/nope"},
			{"PATCH", "/api/v1/flows/greeting"},
			{"DELETE", "/api/v1/flows"},
			{"POST", "/api/v1/openapi.json"},
			{"GET", "/api/v2/flows"},
			{"GET", "/api"},
			{"GET", "/webhooks/nope"},
			{"GET", "/agent/nope"},
		} {
			t.Run(c.method+" "+c.path, func(t *testing.T) {
				e := api.call(t, c.method, c.path).fails(t, 404, "not_found")
				require.NotContains(t, e.Error.Message, "<", "not HTML")
			})
		}
		e := api.call(t, "PUT", "/api/v1/nope").fails(t, 404, "not_found")
		require.Contains(t, e.Error.Message, "PUT /api/v1/nope")
		require.Contains(t, e.Error.Message, "/api/v1/openapi.json")
	})
}

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	eachBackendWith(t, func(c *server.Config) { c.BodyLimit = 4096 }, func(t *testing.T, api *testAPI) {
		small := flowWith("small", "hi")
		api.call(t, "POST", "/api/v1/validate", withJSON(map[string]any{"source": small})).expect(t, 200)

		big := small + "# " + strings.Repeat("padding ", 1000) + "\n"
		e := api.call(t, "POST", "/api/v1/validate", withJSON(map[string]any{"source": big})).fails(t, 413, "too_large")
		require.Contains(t, e.Error.Message, "larger")
		api.call(t, "POST", "/api/v1/flows/import", withBody("application/yaml", big)).fails(t, 413, "too_large")
		api.call(t, "POST", "/api/v1/flows", withJSON(map[string]any{"source": big})).fails(t, 413, "too_large")
		require.Empty(t, api.call(t, "GET", "/api/v1/flows").expect(t, 200).list(t))
	})
}

func TestEditorPlaceholder(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, api *testAPI) {
		for _, path := range []string{"/", "/flows/x", "/flows/x/versions/2"} {
			r := api.call(t, "GET", path, withToken("")).expect(t, 200)
			require.Contains(t, r.Header.Get("Content-Type"), "text/html")
			require.Equal(t, "no-cache", r.Header.Get("Cache-Control"))
			require.Contains(t, string(r.Body), "Switchboard is running")
			require.Contains(t, string(r.Body), "make build", "the page says how to build the editor")
		}
	})
}

func TestEditorFiles(t *testing.T) {
	t.Parallel()
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	_, _ = w.Write([]byte("console.log('editor')"))
	require.NoError(t, w.Close())
	files := fstest.MapFS{
		"index.html":            {Data: []byte("<!doctype html><title>Switchboard editor</title>")},
		"favicon.svg":           {Data: []byte("<svg/>")},
		"assets/app-1a2b.js":    {Data: []byte("console.log('editor')")},
		"assets/app-1a2b.js.gz": {Data: gz.Bytes()},
	}
	eachBackendWith(t, func(c *server.Config) { c.Editor = files }, func(t *testing.T, api *testAPI) {
		for _, path := range []string{"/", "/index.html", "/flows/x", "/channels"} {
			r := api.call(t, "GET", path, withToken("")).expect(t, 200)
			require.Equal(t, "<!doctype html><title>Switchboard editor</title>", string(r.Body), path)
			require.Equal(t, "no-cache", r.Header.Get("Cache-Control"))
		}

		r := api.call(t, "GET", "/assets/app-1a2b.js", withToken("")).expect(t, 200)
		require.Equal(t, "console.log('editor')", string(r.Body))
		require.Contains(t, r.Header.Get("Content-Type"), "javascript")
		require.Equal(t, "public, max-age=31536000, immutable", r.Header.Get("Cache-Control"))
		require.Empty(t, r.Header.Get("Content-Encoding"))

		r = api.call(t, "GET", "/assets/app-1a2b.js", withToken(""), withHeader("Accept-Encoding", "gzip")).expect(t, 200)
		require.Equal(t, "gzip", r.Header.Get("Content-Encoding"))
		require.Equal(t, gz.Bytes(), r.Body, "the precompressed copy")
		require.Contains(t, r.Header.Get("Content-Type"), "javascript")

		r = api.call(t, "GET", "/favicon.svg", withToken("")).expect(t, 200)
		require.Equal(t, "public, max-age=3600", r.Header.Get("Cache-Control"))

		api.call(t, "GET", "/assets/missing.js", withToken("")).fails(t, 404, "not_found")
		api.call(t, "GET", "/api/v1/nope", withToken("")).fails(t, 404, "not_found")
		api.call(t, "GET", "/assets", withToken("")).expect(t, 200) // a directory is the editor's route, never a listing
	})
}
