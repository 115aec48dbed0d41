package server_test

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/server"
	"github.com/switchboardhq/switchboard/store"
)

func TestPathsAreMatchedAsSent(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, api *testAPI) {
		tokens := api.tokens(t)

		// an encoded slash stays in its segment, and the name rule says why it is refused
		msg := api.call(t, "PUT", "/api/v1/skills/a%2Fb").invalid(t, "name")
		require.Contains(t, msg, "2 to 30 letters, digits, -, _, . or :")
		msg = api.call(t, "GET", "/api/v1/agents/a%2Fb").invalid(t, "id")
		require.Contains(t, msg, "lower case letters, digits, - and _")
		api.call(t, "GET", "/api/v1/flows/a%2Fb/versions").invalid(t, "id")
		api.call(t, "GET", "/api/v1/conversations/conv%2F1").invalid(t, "id")

		// an agent's token is refused for the agents collection, naming its roles
		e := api.call(t, "GET", "/api/v1/agents/a%2Fb", withToken(tokens[store.RoleAgent])).fails(t, 403, "forbidden")
		require.Contains(t, e.Error.Message, "admin or designer or supervisor")
		e = api.call(t, "PATCH", "/api/v1/agents/ana", withToken(tokens[store.RoleAdmin])).fails(t, 404, "not_found")

		// encoded characters a name may hold are decoded
		api.call(t, "PUT", "/api/v1/skills/sales%3Atier").expect(t, 200)
		require.Equal(t, "sales:tier", api.call(t, "GET", "/api/v1/skills/sales:tier").expect(t, 200).object(t)["name"])

		// a trailing slash names no route
		for _, path := range []string{"/api/v1/skills/", "/api/v1/flows/", "/api/v1/skills/sales:tier/", "/api/v1/agent/"} {
			e = api.call(t, "GET", path).fails(t, 404, "not_found")
			require.Contains(t, e.Error.Message, "without a slash", path)
		}
		e = api.call(t, "GET", "/api/v1/agent/", withToken(tokens[store.RoleAgent])).fails(t, 404, "not_found")
	})
}

func TestBodiesAreJSONInUTF8(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, api *testAPI) {
		e := api.call(t, "PUT", "/api/v1/skills/billing", withBody("text/plain", `{"name":"x"}`)).fails(t, 415, "unsupported_media_type")
		require.Contains(t, e.Error.Message, "text/plain")
		require.Contains(t, e.Error.Message, "application/json")
		api.call(t, "POST", "/api/v1/tokens", withBody("", `{"role":"designer"}`)).fails(t, 415, "unsupported_media_type")
		api.call(t, "POST", "/api/v1/tokens", withBody("application/x-www-form-urlencoded", `{"role":"designer"}`)).fails(t, 415, "unsupported_media_type")
		api.call(t, "POST", "/api/v1/tokens", withBody("application/json; charset=utf-8", `{"role":"designer"}`)).expect(t, 201)
		e = api.call(t, "PUT", "/api/v1/skills/billing", withBody("application/json", "null")).fails(t, 400, "invalid")
		require.Contains(t, e.Error.Message, "not null")

		e = api.call(t, "POST", "/api/v1/tokens", withBody("application/json", "{\"role\":\"designer\",\"name\":\"caf\xe9\"}")).fails(t, 400, "invalid")
		require.Contains(t, e.Error.Message, "UTF-8 (at byte 30)")
		e = api.call(t, "POST", "/api/v1/flows/import", withBody("application/yaml", "id: caf\xe9\n")).fails(t, 400, "invalid")
		require.Contains(t, e.Error.Message, "UTF-8")

		// the flow import takes YAML and plain text too
		api.call(t, "POST", "/api/v1/flows/import", withBody("text/plain", fixture(t, "greeting.yaml"))).expect(t, 201)
		api.call(t, "POST", "/api/v1/flows/import", withBody("application/xml", fixture(t, "greeting.yaml"))).fails(t, 415, "unsupported_media_type")
	})
}

func TestRequestEnumerationsAreEnforced(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, api *testAPI) {
		msg := api.call(t, "POST", "/api/v1/flows", withJSON(map[string]any{"id": "x", "format": "xml"})).invalid(t, "format")
		require.Contains(t, msg, `format "xml" is not one of yaml, json`)
		api.call(t, "GET", "/api/v1/flows/x").fails(t, 404, "not_found")

		msg = api.call(t, "GET", "/api/v1/conversations?status=bogus").invalid(t, "status")
		require.Contains(t, msg, "open, closed")
		msg = api.call(t, "GET", "/api/v1/audit?object=bogus").invalid(t, "object")
		require.Contains(t, msg, "flow, channel, skill")
		api.call(t, "GET", "/api/v1/conversations?status=open").expect(t, 200)
		api.call(t, "GET", "/api/v1/audit?object=skill").expect(t, 200)

		api.createFlow(t, fixture(t, "greeting.yaml"))
		api.call(t, "GET", "/api/v1/flows/greeting/export?format=toml").invalid(t, "format")
		msg = api.call(t, "POST", "/api/v1/flows/greeting/simulate", withJSON(map[string]any{
			"interaction": map[string]any{"channel": "webchat", "kind": "fax", "text": "hi"}})).invalid(t, "interaction.kind")
		require.Contains(t, msg, "post, comment, message, mention, dm")
		api.call(t, "POST", "/api/v1/tokens", withJSON(map[string]any{"role": "root"})).invalid(t, "role")
	})
}

// TestEveryStatusTheGuardsAnswerIsDocumented walks the routes registered in the server and
// provokes each answer the guards before the handlers give (401, 400 for a path parameter,
// 415, 400 for a body not in UTF-8); the harness fails any call whose status the document does
// not list for the operation. (TestOpenAPIDocumentIsValid checks that 413 is listed where a
// body is taken; TestBodyLimit provokes it.)
func TestEveryStatusTheGuardsAnswerIsDocumented(t *testing.T) {
	t.Parallel()
	spec, err := openAPI()
	require.NoError(t, err)
	eachBackend(t, func(t *testing.T, api *testAPI) {
		tokens := api.tokens(t)
		srv := server.New(server.Config{Registry: engine.DefaultRegistry(), Logger: discardLogger()})
		walked := 0
		for _, r := range srv.App().GetRoutes(true) {
			if r.Method == http.MethodHead || !strings.HasPrefix(r.Path, "/api/v1/") || strings.HasSuffix(r.Path, "/*") || r.Path == "/api/v1/openapi.json" {
				continue
			}
			route := newFiberRoute(r.Method, r.Path)
			i := slices.IndexFunc(spec.operations(), func(o operation) bool { return route.pattern.MatchString(o.method + " " + o.path) })
			require.GreaterOrEqual(t, i, 0, "%s is documented", route.key)
			o := spec.operations()[i]
			token := tokens[o.roles(t)[0]]
			walked++
			t.Run(route.key, func(t *testing.T) {
				good := fillPath(r.Path, "")
				api.call(t, r.Method, good, withToken("")).fails(t, 401, "unauthorized")
				for _, name := range r.Params {
					if name == "+1" {
						continue // an offer's ref may hold a slash
					}
					api.call(t, r.Method, fillPath(r.Path, name), withToken(token)).invalid(t, name)
				}
				if o.op.RequestBody == nil {
					return
				}
				api.call(t, r.Method, good, withToken(token), withBody("text/csv", "a,b")).fails(t, 415, "unsupported_media_type")
				api.call(t, r.Method, good, withToken(token), withBody("application/json", "{\"text\":\"\xff\"}")).fails(t, 400, "invalid")
			})
		}
		require.Greater(t, walked, 40, "the walk covers the API")
	})
}

// fillPath gives a route's parameters values of their form, except bad's, which holds an
// encoded slash.
func fillPath(path, bad string) string {
	segments := strings.Split(path, "/")
	for i, seg := range segments {
		name := strings.TrimPrefix(seg, ":")
		switch {
		case seg == "+":
			segments[i] = "s_1%2Fw_1"
		case name == bad && seg != name:
			segments[i] = "a%2Fb"
		case seg == ":version":
			segments[i] = "1"
		case seg != name:
			segments[i] = "nope"
		}
	}
	return strings.Join(segments, "/")
}

// Requests are checked against one loaded document from many connections at once (run with
// -race).
func TestRequestChecksAreSafeForConcurrentUse(t *testing.T) {
	t.Parallel()
	api := startAPI(t, backends[0].open(t), nil)
	var wg sync.WaitGroup
	statuses := make(chan int, 80)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				for _, req := range []struct{ method, path, body string }{
					{"POST", "/api/v1/flows", `{"id":"x","format":"xml"}`},
					{"GET", "/api/v1/conversations?status=bogus", ""},
				} {
					r, err := http.NewRequest(req.method, api.url+req.path, strings.NewReader(req.body))
					if err != nil {
						statuses <- 0
						continue
					}
					r.Header.Set("Authorization", "Bearer "+api.admin)
					r.Header.Set("Content-Type", "application/json")
					resp, err := api.client.Do(r)
					if err != nil {
						statuses <- 0
						continue
					}
					resp.Body.Close()
					statuses <- resp.StatusCode
				}
			}
		}()
	}
	wg.Wait()
	close(statuses)
	for status := range statuses {
		require.Equal(t, 400, status)
	}
}
