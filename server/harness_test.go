package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/server"
	"github.com/switchboardhq/switchboard/store"
	"github.com/switchboardhq/switchboard/store/storetest"
)

// backend opens a fresh, migrated database for one test.
type backend struct {
	name string
	open func(t testing.TB) store.Store
	// url names a fresh, migrated database, for tests that open and close it themselves.
	url func(t testing.TB) string
}

// backends are the databases every API test runs on.
var backends = []backend{
	{"sqlite", func(t testing.TB) store.Store { return storetest.OpenSQLite(t) }, storetest.MigratedSQLiteURL},
	{"postgres", func(t testing.TB) store.Store { return storetest.OpenPostgres(t) }, storetest.MigratedPostgresURL},
}

// eachBackend runs test once per database, each on its own server and database.
func eachBackend(t *testing.T, test func(t *testing.T, api *testAPI)) {
	t.Helper()
	eachBackendWith(t, nil, test)
}

// eachBackendWith is eachBackend with a change to the server's configuration.
func eachBackendWith(t *testing.T, configure func(*server.Config), test func(t *testing.T, api *testAPI)) {
	t.Helper()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			test(t, startAPI(t, b.open(t), configure))
		})
	}
}

// testAPI is a server listening on a loopback port, with an admin token.
type testAPI struct {
	url    string
	store  store.Store
	admin  string
	client *http.Client
	// served receives what Serve returned, once it returns.
	served chan error
}

// startAPI starts a server on 127.0.0.1:0 and shuts it down when the test ends.
func startAPI(t *testing.T, st store.Store, configure func(*server.Config)) *testAPI {
	t.Helper()
	cfg := server.Config{Store: st, Registry: engine.DefaultRegistry(), Logger: discardLogger()}
	if configure != nil {
		configure(&cfg)
	}
	srv := server.New(cfg)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	api := &testAPI{url: "http://" + ln.Addr().String(), store: st, served: make(chan error, 1),
		client: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{}}}
	go func() { api.served <- srv.Serve(ln) }()
	t.Cleanup(func() {
		api.client.CloseIdleConnections()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-api.served; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	api.admin = api.storeToken(t, "test admin", store.RoleAdmin, "")
	return api
}

// storeToken makes a token in the store directly, as `switchboard token create` does.
func (a *testAPI) storeToken(t *testing.T, name, role, agent string) string {
	t.Helper()
	secret, hash := server.NewToken()
	_, err := a.store.TokenCreate(context.Background(), store.Token{Name: name, Role: role, Agent: agent, Hash: hash}, "test")
	require.NoError(t, err)
	return secret
}

// tokens returns a token of each role, made through the API; the agent token speaks for a new agent.
func (a *testAPI) tokens(t *testing.T) map[string]string {
	t.Helper()
	a.call(t, "PUT", "/api/v1/agents/token-agent", withJSON(map[string]any{"name": "Token Agent"})).expect(t, 200)
	out := map[string]string{store.RoleAdmin: a.admin}
	for _, role := range []string{store.RoleDesigner, store.RoleSupervisor, store.RoleAgent} {
		req := map[string]any{"name": "test " + role, "role": role}
		if role == store.RoleAgent {
			req["agent"] = "token-agent"
		}
		var created struct {
			Secret string `json:"secret"`
		}
		a.call(t, "POST", "/api/v1/tokens", withJSON(req)).expect(t, 201).decode(t, &created)
		out[role] = created.Secret
	}
	return out
}

// callOption changes a request.
type callOption func(*http.Request) error

// withToken sends a token instead of the admin's; "" sends none.
func withToken(secret string) callOption {
	return func(r *http.Request) error {
		if secret == "" {
			r.Header.Del("Authorization")
		} else {
			r.Header.Set("Authorization", "Bearer "+secret)
		}
		return nil
	}
}

// withJSON sends v as a JSON body.
func withJSON(v any) callOption {
	return func(r *http.Request) error {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		return withBody("application/json", string(b))(r)
	}
}

// withBody sends text as the body, with a content type ("" sends none).
func withBody(contentType, text string) callOption {
	return func(r *http.Request) error {
		r.Body = io.NopCloser(strings.NewReader(text))
		r.ContentLength = int64(len(text))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(text)), nil }
		if contentType != "" {
			r.Header.Set("Content-Type", contentType)
		}
		return nil
	}
}

// withHeader sets a request header.
func withHeader(name, value string) callOption {
	return func(r *http.Request) error {
		r.Header.Set(name, value)
		return nil
	}
}

// reply is a response, read whole.
type reply struct {
	req    *http.Request
	Status int
	Header http.Header
	Body   []byte
}

// call sends a request as the admin (unless an option says otherwise), and checks the answer
// against the OpenAPI document when the route is in it.
func (a *testAPI) call(t *testing.T, method, path string, opts ...callOption) *reply {
	t.Helper()
	req, err := http.NewRequest(method, a.url+path, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+a.admin)
	for _, o := range opts {
		require.NoError(t, o(req))
	}
	var sent []byte
	if req.GetBody != nil {
		body, _ := req.GetBody()
		sent, _ = io.ReadAll(body)
	}
	resp, err := a.client.Do(req)
	require.NoError(t, err, "%s %s", method, path)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	r := &reply{req: req, Status: resp.StatusCode, Header: resp.Header, Body: body}
	_, err = openAPI()
	require.NoError(t, err, "openapi.yaml")
	if err := checkAgainstOpenAPI(req, sent, resp, body); err != nil {
		t.Errorf("%s %s answered %d, which the OpenAPI document does not describe: %v\nbody: %s", method, path, resp.StatusCode, err, clip(body))
	}
	return r
}

// statusOf sends a request and returns its status without reading the body, for answers that
// do not end (event streams).
func (a *testAPI) statusOf(t *testing.T, method, path, token string) int {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, a.url+path, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := a.client.Do(req)
	require.NoError(t, err, "%s %s", method, path)
	resp.Body.Close()
	return resp.StatusCode
}

// expect checks the status.
func (r *reply) expect(t *testing.T, status int) *reply {
	t.Helper()
	require.Equal(t, status, r.Status, "%s %s: want %d, got %d: %s", r.req.Method, r.req.URL.Path, status, r.Status, clip(r.Body))
	return r
}

// decode reads the JSON body into v.
func (r *reply) decode(t *testing.T, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(r.Body, v), "%s %s: the body is not the JSON expected: %s", r.req.Method, r.req.URL.Path, r.Body)
}

// object returns the JSON body as a map.
func (r *reply) object(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	r.decode(t, &m)
	return m
}

// list returns the JSON body as a list of objects.
func (r *reply) list(t *testing.T) []map[string]any {
	t.Helper()
	var l []map[string]any
	r.decode(t, &l)
	return l
}

// apiError is the API's error body.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field"`
	} `json:"error"`
	Diagnostics []diagnostic     `json:"diagnostics"`
	Current     *flowBody        `json:"current"`
	Differences *json.RawMessage `json:"differences"`
}

// fails checks the answer is a JSON error with a status, a code and a message, and returns it.
func (r *reply) fails(t *testing.T, status int, code string) apiError {
	t.Helper()
	r.expect(t, status)
	require.Contains(t, r.Header.Get("Content-Type"), "application/json", "errors are JSON")
	var e apiError
	r.decode(t, &e)
	require.Equal(t, code, e.Error.Code, "error code of %s", r.Body)
	require.NotEmpty(t, e.Error.Message, "an error says what is wrong: %s", r.Body)
	return e
}

// invalid checks the answer is a 400 naming a field, and returns its message.
func (r *reply) invalid(t *testing.T, field string) string {
	t.Helper()
	e := r.fails(t, 400, "invalid")
	require.Equal(t, field, e.Error.Field, "the field named by %s", r.Body)
	return e.Error.Message
}

// diagnostic is a flow diagnostic as the API shows it.
type diagnostic struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
	Severity string `json:"severity"`
	Code     string `json:"code"`
	Path     string `json:"path"`
	Message  string `json:"message"`
}

// flowBody is a flow's draft as the API shows it.
type flowBody struct {
	ID            string       `json:"id"`
	Name          string       `json:"name"`
	Description   string       `json:"description"`
	Source        string       `json:"source"`
	Format        string       `json:"format"`
	Revision      int64        `json:"revision"`
	LatestVersion int          `json:"latest_version"`
	UpdatedBy     string       `json:"updated_by"`
	Diagnostics   []diagnostic `json:"diagnostics"`
}

// flowVersion is a published version as the API shows it.
type flowVersion struct {
	FlowID  string `json:"flow_id"`
	Version int    `json:"version"`
	Source  string `json:"source"`
	Format  string `json:"format"`
	Author  string `json:"author"`
	Message string `json:"message"`
}

// fixture reads a file of testdata/flows.
func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "flows", name))
	require.NoError(t, err)
	return string(b)
}

// createFlow creates a flow from a fixture's source and returns its draft.
func (a *testAPI) createFlow(t *testing.T, source string) flowBody {
	t.Helper()
	var f flowBody
	a.call(t, "POST", "/api/v1/flows", withJSON(map[string]any{"source": source})).expect(t, 201).decode(t, &f)
	return f
}

// publish publishes a flow's draft and returns the version.
func (a *testAPI) publish(t *testing.T, id string) flowVersion {
	t.Helper()
	var v flowVersion
	a.call(t, "POST", "/api/v1/flows/"+id+"/publish").expect(t, 201).decode(t, &v)
	return v
}

// getFlow returns a flow's draft and its ETag.
func (a *testAPI) getFlow(t *testing.T, id string) (flowBody, string) {
	t.Helper()
	var f flowBody
	r := a.call(t, "GET", "/api/v1/flows/"+id).expect(t, 200)
	r.decode(t, &f)
	return f, r.Header.Get("ETag")
}

// dialRefused tells whether a TCP connection to addr is refused.
func dialRefused(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err == nil {
		c.Close()
		return false
	}
	var op *net.OpError
	return errors.As(err, &op) && strings.Contains(err.Error(), "refused")
}

// prettyDiagnostics prints diagnostics for failure messages.
func prettyDiagnostics(ds []diagnostic) string {
	var b bytes.Buffer
	for _, d := range ds {
		fmt.Fprintf(&b, "%s:%d:%d: %s: %s [%s]\n", d.File, d.Line, d.Column, d.Severity, d.Message, d.Code)
	}
	return b.String()
}

// discardLogger keeps the server's request logs out of test output.
func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// clip shortens a body for failure messages.
func clip(b []byte) string {
	const most = 2000
	if len(b) > most {
		return string(b[:most]) + "…"
	}
	return string(b)
}
