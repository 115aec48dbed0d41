package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/server"
	"github.com/switchboardhq/switchboard/store"
)

// TestGracefulShutdown holds a simulation in flight (its http block calls a service that answers
// only when the test says so), shuts the server down, and checks that new connections are refused
// while the request in flight still completes, and that Shutdown waits for it.
func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			called, release := make(chan struct{}), make(chan struct{})
			var once sync.Once
			crm := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				once.Do(func() { close(called) })
				<-release
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprint(w, `{"vip": true}`)
			}))
			defer crm.Close()
			defer func() {
				select {
				case <-release:
				default:
					close(release) // a failed test must not leave the CRM blocked
				}
			}()

			srv, api, served := serveCRMFlow(t, b.open(t), crm.URL)
			addr := strings.TrimPrefix(api.url, "http://")

			type result struct {
				status int
				body   []byte
				err    error
			}
			done := make(chan result, 1)
			go func() {
				req, _ := http.NewRequest("POST", api.url+"/api/v1/flows/crm/simulate", bytes.NewReader([]byte(`{}`)))
				req.Header.Set("Authorization", "Bearer "+api.admin)
				req.Header.Set("Content-Type", "application/json")
				resp, err := api.client.Do(req)
				if err != nil {
					done <- result{err: err}
					return
				}
				defer resp.Body.Close()
				body, err := io.ReadAll(resp.Body)
				done <- result{status: resp.StatusCode, body: body, err: err}
			}()
			select {
			case <-called:
			case r := <-done:
				t.Fatalf("the simulation finished before calling the CRM: %d %s %v", r.status, r.body, r.err)
			}

			// the simulation is in flight: shut down
			stopped := make(chan error, 1)
			go func() {
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				stopped <- srv.Shutdown(ctx)
			}()
			require.Eventually(t, func() bool { return dialRefused(addr) }, time.Minute, 5*time.Millisecond,
				"new connections are refused once shutdown starts")
			select {
			case err := <-stopped:
				t.Fatalf("Shutdown returned (%v) while a request was in flight", err)
			case r := <-done:
				t.Fatalf("the request in flight finished before the CRM answered: %d %s %v", r.status, r.body, r.err)
			default:
			}

			close(release)
			r := <-done
			require.NoError(t, r.err, "the request in flight completes")
			require.Equal(t, 200, r.status, "%s", r.body)
			var o struct {
				Status string         `json:"status"`
				Path   []string       `json:"path"`
				Exits  []string       `json:"exits"`
				Vars   map[string]any `json:"vars"`
			}
			require.NoError(t, json.Unmarshal(r.body, &o))
			require.Equal(t, "ended", o.Status)
			require.Equal(t, []string{"chat", "ask-crm", "end"}, o.Path)
			require.Equal(t, "ok", o.Exits[1])
			require.Equal(t, map[string]any{"vip": true}, o.Vars["crm"].(map[string]any)["body"])

			require.NoError(t, <-stopped, "Shutdown returns once the request is done")
			require.NoError(t, <-served, "Serve returns after Shutdown")
			require.True(t, dialRefused(addr), "the server takes no connections after")
			_, err := (&http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{}}).Get(api.url + "/healthz")
			require.Error(t, err)
		})
	}
}

// serveCRMFlow serves the API of st on a loopback port, with an admin token and the published
// flow crm, whose http block asks crmURL about the customer. served gets what Serve returns.
func serveCRMFlow(t *testing.T, st store.Store, crmURL string) (srv *server.Server, api *testAPI, served chan error) {
	t.Helper()
	srv = server.New(server.Config{Store: st, Registry: engine.DefaultRegistry(), Logger: discardLogger()})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	served = make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	api = &testAPI{url: "http://" + ln.Addr().String(), store: st, client: &http.Client{Timeout: time.Minute, Transport: &http.Transport{}}}
	api.admin = api.storeToken(t, "test admin", store.RoleAdmin, "")
	api.createFlow(t, fmt.Sprintf(`switchboard: 1
id: crm
blocks:
  chat:
    type: webchat.trigger
    next: {message: ask-crm}
  ask-crm:
    type: http
    params: {url: "%s/customers/7001", timeout: 60s, save_as: crm}
    next: {ok: end, error: end, timeout: end}
  end:
    type: end
`, crmURL))
	return srv, api, served
}
