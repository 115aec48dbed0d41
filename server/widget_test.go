package server_test

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/server"
)

// The widget is served at /widget.js, revalidated, and at its versioned path, cached for ever,
// gzipped to clients that take it; it stays small.
func TestWidgetIsServedAndCached(t *testing.T) {
	t.Parallel()
	app := server.New(server.Config{Registry: engine.DefaultRegistry(), Logger: discardLogger()}).App()
	get := func(path string, header ...string) (int, map[string]string, string) {
		req := httptest.NewRequest("GET", path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := app.Test(req, -1)
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		h := map[string]string{}
		for k := range resp.Header {
			h[k] = resp.Header.Get(k)
		}
		return resp.StatusCode, h, string(b)
	}
	status, h, body := get("/widget.js")
	require.Equal(t, 200, status)
	require.Equal(t, "text/javascript; charset=utf-8", h["Content-Type"])
	require.Equal(t, "public, max-age=300", h["Cache-Control"])
	require.Contains(t, body, "attachShadow")

	status, h, _ = get(server.WidgetPath(), "Accept-Encoding", "gzip")
	require.Equal(t, 200, status)
	require.Equal(t, "public, max-age=31536000, immutable", h["Cache-Control"])
	require.Equal(t, "gzip", h["Content-Encoding"])
	status, _, _ = get(server.WidgetPath(), "If-None-Match", h["Etag"])
	require.Equal(t, 304, status)
	status, _, body = get("/widget/0123456789ab/widget.js")
	require.Equal(t, 404, status, "an old version is not served as the new one")
	require.Contains(t, body, server.WidgetPath())

	plain, gzipped := server.WidgetSizes()
	t.Logf("widget: %d bytes, %d gzipped", plain, gzipped)
	require.Less(t, gzipped, 10<<10, "the widget stays well under a typical chat widget's size")

	for lang, words := range map[string]string{"en": "Web chat demo", "es": "Demo del chat web", "it": "Demo della chat web", "fr": "Démo du chat web"} {
		status, _, body := get("/demo/webchat?lang=" + lang)
		require.Equal(t, 200, status, lang)
		require.Contains(t, body, words, lang)
		require.Contains(t, body, `<html lang="`+lang+`">`)
		require.Contains(t, body, `src="`+server.WidgetPath()+`" data-channel="webchat-demo"`)
	}
	status, _, body = get("/demo/webchat?lang=de")
	require.Equal(t, 400, status)
	require.True(t, strings.Contains(body, `"field":"lang"`), body)
	status, _, _ = get("/demo/webchat?channel=../x")
	require.Equal(t, 400, status)
}
