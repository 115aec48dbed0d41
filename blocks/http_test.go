package blocks_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/blocks"
	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/sim"
)

// received is what a test server saw of one request.
type received struct {
	method, path string
	query        map[string][]string
	header       http.Header
	body         []byte
}

// server starts a test server that records the requests it gets and answers with handle.
func server(t *testing.T, handle http.HandlerFunc) (*httptest.Server, func() []received) {
	t.Helper()
	var mu sync.Mutex
	var got []received
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, received{method: r.Method, path: r.URL.Path, query: r.URL.Query(), header: r.Header.Clone(), body: body})
		mu.Unlock()
		handle(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []received {
		mu.Lock()
		defer mu.Unlock()
		return append([]received(nil), got...)
	}
}

// httpFlow loads a flow with vars base (the server's URL) and token, whose block b is an http
// block with these parameters (YAML lines) and whose exits lead to ok, failed and slow.
func httpFlow(t *testing.T, base string, params ...string) *engine.Flow {
	t.Helper()
	return load(t, registry, fmt.Sprintf(`switchboard: 1
id: test
name: test
vars: {base: %q, token: s3cr3t}
blocks:
  in:
    type: webchat.trigger
    next: {message: b}
  b:
    type: http
    params:
      %s
    next: {ok: ok, error: failed, timeout: slow}
  ok: {type: end}
  failed: {type: end}
  slow: {type: end}
`, base, strings.Join(params, "\n      ")))
}

func withHandle(in engine.Interaction, handle string) engine.Interaction {
	in.Author.Handle = handle
	return in
}

func TestHTTPGet(t *testing.T) {
	t.Parallel()
	srv, requests := server(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Trace", "abc")
		fmt.Fprint(w, `{"name": "Ana García", "vip": true, "orders": [101, 102]}`)
	})
	f := httpFlow(t, srv.URL,
		`url: "{{ vars.base }}/customers?handle={{ url_escape(interaction.author.handle) }}&channel={{ interaction.channel }}"`,
		`headers: {Authorization: "Bearer {{ vars.token }}", X-Api-Version: "2"}`,
		`save_as: crm`)
	o := play(t, f, sim.Scenario{Interaction: withHandle(message("hola"), "@ana maría&co=1"), HTTP: srv.Client()})
	require.Nil(t, o.Error)
	require.Equal(t, "ok", exitOf(t, o, "b"))

	got := requests()
	require.Len(t, got, 1)
	r := got[0]
	require.Equal(t, "GET", r.method)
	require.Equal(t, "/customers", r.path)
	require.Equal(t, map[string][]string{"handle": {"@ana maría&co=1"}, "channel": {"webchat"}}, r.query, "url_escape keeps the handle one value")
	require.Equal(t, "Bearer s3cr3t", r.header.Get("Authorization"))
	require.Equal(t, "2", r.header.Get("X-Api-Version"))
	require.Equal(t, "Switchboard", r.header.Get("User-Agent"))
	require.Equal(t, "application/json", r.header.Get("Accept"))
	require.Empty(t, r.header.Get("Content-Type"), "a GET sends no body")
	require.Empty(t, r.body)

	crm, ok := o.Vars["crm"].(map[string]any)
	require.True(t, ok, "save_as holds {status, headers, body}: %#v", o.Vars["crm"])
	require.Equal(t, 200, crm["status"])
	require.Equal(t, map[string]any{"name": "Ana García", "vip": true, "orders": []any{101.0, 102.0}}, crm["body"])
	headers := crm["headers"].(map[string]any)
	require.Equal(t, "abc", headers["x-trace"], "header names are lower case")
	require.Equal(t, "application/json", headers["content-type"])

	calls := actionsOf(o, engine.ActionHTTP)
	require.Len(t, calls, 1)
	require.Equal(t, "GET", calls[0].Method)
	require.Equal(t, 200, calls[0].Status)
	require.True(t, strings.HasPrefix(calls[0].URL, srv.URL+"/customers?handle=%40ana+mar%C3%ADa%26co%3D1&"), calls[0].URL)
}

func TestHTTPResponseVisibleToLaterBlocks(t *testing.T) {
	t.Parallel()
	srv, _ := server(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"customer": {"tier": "gold", "open_cases": 2}}`)
	})
	f := load(t, registry, fmt.Sprintf(`switchboard: 1
id: test
name: test
vars: {base: %q}
blocks:
  in:
    type: webchat.trigger
    next: {message: b}
  b:
    type: http
    params: {url: "{{ vars.base }}/c"}
    next: {ok: vip}
  vip:
    type: condition
    params: {when: 'vars.response.body.customer.tier == "gold" && vars.response.body.customer.open_cases > 1'}
`, srv.URL))
	o := play(t, f, sim.Scenario{Interaction: message("hola"), HTTP: srv.Client()})
	require.Nil(t, o.Error)
	require.Equal(t, "true", exitOf(t, o, "vip"), "the default save_as is response")
}

func TestHTTPPostJSONBody(t *testing.T) {
	t.Parallel()
	srv, requests := server(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusCreated)
		fmt.Fprint(w, `{"case": "C-7"}`)
	})
	f := httpFlow(t, srv.URL,
		`url: "{{ vars.base }}/cases"`,
		`method: POST`,
		`body: '{"handle": interaction.author.handle, "text": interaction.text, "tags": ["web", interaction.kind], "vip": contact.vip, "count": 2}'`)
	o := play(t, f, sim.Scenario{Interaction: withHandle(message("mi \"factura\" ñ"), "@ana"), HTTP: srv.Client()})
	require.Nil(t, o.Error)
	require.Equal(t, "ok", exitOf(t, o, "b"), "201 is a success")

	r := requests()[0]
	require.Equal(t, "POST", r.method)
	require.Equal(t, "application/json", r.header.Get("Content-Type"))
	var body map[string]any
	require.NoError(t, json.Unmarshal(r.body, &body), "the body is JSON: %s", r.body)
	require.Equal(t, map[string]any{"handle": "@ana", "text": "mi \"factura\" ñ", "tags": []any{"web", "message"}, "vip": false, "count": 2.0}, body)
	require.Equal(t, map[string]any{"case": "C-7"}, o.Vars["response"].(map[string]any)["body"])
}

func TestHTTPErrorStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status int
		body   string
		want   any
	}{
		{404, `{"error": "no such customer"}`, map[string]any{"error": "no such customer"}},
		{500, "internal error", "internal error"},
		{302, "", ""},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			t.Parallel()
			srv, _ := server(t, func(w http.ResponseWriter, r *http.Request) {
				if tt.status == 302 {
					w.Header().Set("Location", "/elsewhere")
				}
				w.WriteHeader(tt.status)
				fmt.Fprint(w, tt.body)
			})
			client := srv.Client()
			client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			f := httpFlow(t, srv.URL, `url: "{{ vars.base }}/x"`)
			o := play(t, f, sim.Scenario{Interaction: message("hola"), HTTP: client})
			require.Nil(t, o.Error)
			require.Equal(t, "error", exitOf(t, o, "b"))
			require.Equal(t, []string{"in", "b", "failed"}, o.Path)
			resp := o.Vars["response"].(map[string]any)
			require.Equal(t, tt.status, resp["status"])
			require.Equal(t, tt.want, resp["body"])
			require.Empty(t, stepOf(t, o, "b").Error, "an answer, even a bad one, is no block error")
		})
	}
}

func TestHTTPTimeout(t *testing.T) {
	t.Parallel()
	srv, requests := server(t, func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // never answers; returns when the client gives up
	})
	f := httpFlow(t, srv.URL, `url: "{{ vars.base }}/slow"`, `timeout: 50ms`)
	o := play(t, f, sim.Scenario{Interaction: message("hola"), HTTP: srv.Client()})
	require.Nil(t, o.Error)
	require.Equal(t, "timeout", exitOf(t, o, "b"))
	require.Equal(t, []string{"in", "b", "slow"}, o.Path)
	require.Equal(t, map[string]any{"status": 0, "error": "timeout"}, o.Vars["response"])
	// a busy machine may reach the 50 ms before the request reaches the server
	require.LessOrEqual(t, len(requests()), 1, "a call that timed out is not made again")
}

func TestHTTPResponseSizeLimit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		size int
		exit string
	}{
		{blocks.MaxHTTPResponse, "ok"},
		{blocks.MaxHTTPResponse + 1, "error"},
		{3 * blocks.MaxHTTPResponse, "error"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.size), func(t *testing.T) {
			t.Parallel()
			srv, _ := server(t, func(w http.ResponseWriter, r *http.Request) {
				_, _ = w.Write([]byte(strings.Repeat("x", tt.size)))
			})
			f := httpFlow(t, srv.URL, `url: "{{ vars.base }}/big"`)
			o := play(t, f, sim.Scenario{Interaction: message("hola"), HTTP: srv.Client()})
			require.Nil(t, o.Error)
			require.Equal(t, tt.exit, exitOf(t, o, "b"))
			if tt.exit == "error" {
				require.Contains(t, stepOf(t, o, "b").Error, "the answer is larger than 1048576 bytes")
				require.NotContains(t, o.Vars, "response", "nothing of a too large answer is kept")
				return
			}
			require.Len(t, o.Vars["response"].(map[string]any)["body"], tt.size)
		})
	}
}

// refusing is an HTTP client whose every request fails to connect.
type refusing struct{}

func (refusing) Do(r *http.Request) (*http.Response, error) {
	return nil, &url.Error{Op: r.Method, URL: r.URL.String(), Err: errors.New("connect: connection refused")}
}

func TestHTTPConnectionRefused(t *testing.T) {
	t.Parallel()
	f := httpFlow(t, "https://crm.example.com", `url: "{{ vars.base }}/gone"`)
	o := play(t, f, sim.Scenario{Interaction: message("hola"), HTTP: refusing{}})
	require.Nil(t, o.Error)
	require.Equal(t, "error", exitOf(t, o, "b"))
	require.Contains(t, stepOf(t, o, "b").Error, "GET https://crm.example.com/gone: ")
	require.Contains(t, stepOf(t, o, "b").Error, "connection refused")
	require.NotContains(t, o.Vars, "response")
}

func TestHTTPURLs(t *testing.T) {
	t.Parallel()
	for _, target := range []string{"ftp://example.com/file", "example.com/api", "file:///etc/passwd", "https://"} {
		errs := loadErrors(t, flowDoc("test", "webchat", "b:\n  type: http\n  params: {url: \""+target+"\"}\n"))
		require.Len(t, errs, 1, diagText(errs))
		require.Equal(t, "blocks.b.params.url", errs[0].Path, target)
		require.Contains(t, errs[0].Message, "is not an http or https URL")
	}

	errs := loadErrors(t, flowDoc("test", "webchat", "b:\n  type: http\n  params: {url: \"https://example.com\", body: '{\"a\": 1}'}\n"))
	require.Len(t, errs, 1, diagText(errs))
	require.Equal(t, "blocks.b.params.body", errs[0].Path)
	require.Contains(t, errs[0].Message, "a GET request has no body")

	// A URL from a template is checked when it is rendered.
	f := httpFlow(t, "ftp://example.com", `url: "{{ vars.base }}/x"`)
	o := play(t, f, sim.Scenario{Interaction: message("hola")})
	require.Equal(t, "error", exitOf(t, o, "b"))
	require.Equal(t, `"ftp://example.com/x" is not an http or https URL`, stepOf(t, o, "b").Error)
	require.Empty(t, o.Actions, "nothing is sent")
}
