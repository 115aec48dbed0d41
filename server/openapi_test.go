package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/server"
	"github.com/switchboardhq/switchboard/server/openapitest"
	"github.com/switchboardhq/switchboard/store"
)

// openAPI is the loaded and validated document, with a router that finds its operations.
var openAPI = sync.OnceValues(func() (*openAPISpec, error) {
	spec, err := openapitest.Load()
	if err != nil {
		return nil, err
	}
	return &openAPISpec{doc: spec.Doc, router: spec.Router, spec: spec}, nil
})

type openAPISpec struct {
	doc    *openapi3.T
	router routers.Router
	spec   *openapitest.Spec
}

// operation is one documented method and path.
type operation struct {
	method, path string
	op           *openapi3.Operation
}

func (s *openAPISpec) operations() []operation {
	var out []operation
	for path, item := range s.doc.Paths.Map() {
		for method, op := range item.Operations() {
			out = append(out, operation{method, path, op})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].path != out[j].path {
			return out[i].path < out[j].path
		}
		return out[i].method < out[j].method
	})
	return out
}

// streams tells whether the operation answers an event stream.
func (o operation) streams() bool {
	for _, resp := range o.op.Responses.Map() {
		if resp.Value != nil && resp.Value.Content.Get("text/event-stream") != nil {
			return true
		}
	}
	return false
}

// roles returns an operation's x-roles.
func (o operation) roles(t *testing.T) []string {
	t.Helper()
	raw, ok := o.op.Extensions["x-roles"]
	require.True(t, ok, "%s %s has no x-roles", o.method, o.path)
	var roles []string
	b, err := json.Marshal(raw)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &roles), "%s %s: x-roles is a list of role names", o.method, o.path)
	return roles
}

// checkAgainstOpenAPI checks a call against the document (openapitest.Spec.Check).
func checkAgainstOpenAPI(req *http.Request, sent []byte, resp *http.Response, body []byte) error {
	spec, err := openAPI()
	if err != nil {
		return err
	}
	return spec.spec.Check(req, sent, resp, body)
}

func TestOpenAPIDocumentIsValid(t *testing.T) {
	t.Parallel()
	spec, err := openAPI()
	require.NoError(t, err)
	require.Equal(t, "3.1.0", spec.doc.OpenAPI)
	require.Contains(t, spec.doc.Components.SecuritySchemes, "bearer")

	for _, name := range []string{"Flow", "FlowSummary", "FlowVersion", "Diagnostic", "Diff", "ValidateResponse",
		"SimulateRequest", "Outcome", "Step", "Action", "Channel", "Skill", "Agent", "Calendar", "Switch", "Contact",
		"Token", "AuditEntry", "Error"} {
		require.Contains(t, spec.doc.Components.Schemas, name, "component schema %s", name)
	}

	ids := map[string]string{}
	for _, o := range spec.operations() {
		what := o.method + " " + o.path
		require.NotEmpty(t, o.op.OperationID, "%s has an operationId", what)
		require.NotContains(t, ids, o.op.OperationID, "%s: operationId %s is also %s's", what, o.op.OperationID, ids[o.op.OperationID])
		ids[o.op.OperationID] = what
		require.NotEmpty(t, o.op.Summary, "%s has a summary", what)

		roles := o.roles(t)
		for _, r := range roles {
			require.Contains(t, store.Roles, r, "%s: x-roles names a role that does not exist", what)
		}
		secured := o.op.Security == nil || len(*o.op.Security) > 0
		if secured && o.op.Security != nil && !slices.ContainsFunc(*o.op.Security, func(r openapi3.SecurityRequirement) bool {
			_, ok := r["bearer"]
			return ok
		}) {
			// a web chat visitor's endpoint: a visitor token, which has no role
			require.Empty(t, roles, "%s takes a visitor token, so it names no roles", what)
			require.Equal(t, "webchat", o.op.Tags[0], "%s takes a visitor token: a web chat endpoint", what)
			require.NotNil(t, o.op.Responses.Status(401), "%s documents 401", what)
			continue
		}
		if !secured {
			require.Empty(t, roles, "%s needs no token, so it names no roles", what)
			continue
		}
		require.NotEmpty(t, roles, "%s needs a token of some role", what)
		require.Contains(t, o.op.Description, "Roles: "+strings.Join(roles, ", ")+".", "%s says its roles in its description", what)
		for _, status := range []int{401, 403, 500} {
			require.NotNil(t, o.op.Responses.Status(status), "%s documents %d", what, status)
		}
		if o.op.RequestBody != nil {
			require.NotNil(t, o.op.Responses.Status(413), "%s takes a body, so it documents 413", what)
			require.NotNil(t, o.op.Responses.Status(400), "%s takes a body, so it documents 400", what)
		}
		for code, resp := range o.op.Responses.Map() {
			if code[0] == '4' || code[0] == '5' {
				media := resp.Value.Content.Get("application/json")
				require.NotNil(t, media, "%s %s is JSON", what, code)
				require.Equal(t, "#/components/schemas/Error", media.Schema.Ref, "%s %s is an Error", what, code)
			}
		}
	}
}

// fiberParam matches a fiber path parameter, such as :id.
var fiberParam = regexp.MustCompile(`:([A-Za-z0-9_]+)`)

// fiberRoute is a registered route as an OpenAPI path: ":id" is "{id}", and a greedy segment
// ("+" or "*", which fiber leaves unnamed) stands for a parameter of any name.
type fiberRoute struct {
	key     string // METHOD /path
	pattern *regexp.Regexp
}

func newFiberRoute(method, path string) fiberRoute {
	if len(path) > 1 {
		path = strings.TrimSuffix(path, "/") // fiber routes /x/ and /x alike
	}
	path = fiberParam.ReplaceAllString(path, "{$1}")
	segments := strings.Split(path, "/")
	for i, seg := range segments {
		if seg == "+" || seg == "*" {
			segments[i] = "{*}"
		}
	}
	path = strings.Join(segments, "/")
	re := "^" + regexp.QuoteMeta(method+" "+path) + "$"
	re = strings.ReplaceAll(re, regexp.QuoteMeta("{*}"), `\{[^}/]+\}`)
	return fiberRoute{key: method + " " + path, pattern: regexp.MustCompile(re)}
}

func TestOpenAPIMatchesTheRoutes(t *testing.T) {
	t.Parallel()
	spec, err := openAPI()
	require.NoError(t, err)

	srv := server.New(server.Config{Registry: engine.DefaultRegistry(), Logger: discardLogger()})
	var registered []fiberRoute
	for _, r := range srv.App().GetRoutes(true) {
		if r.Method == http.MethodHead || strings.HasSuffix(r.Path, "/*") {
			continue // fiber's HEAD for each GET; the catch-alls
		}
		registered = append(registered, newFiberRoute(r.Method, r.Path))
	}
	var documented []string
	for _, o := range spec.operations() {
		documented = append(documented, o.method+" "+o.path)
	}

	var undocumented, unrouted []string
	for _, r := range registered {
		if (strings.Contains(r.key, " /api/v1/") || r.key == "GET /healthz") && !slices.ContainsFunc(documented, r.pattern.MatchString) {
			undocumented = append(undocumented, r.key)
		}
	}
	for _, d := range documented {
		if !slices.ContainsFunc(registered, func(r fiberRoute) bool { return r.pattern.MatchString(d) }) {
			unrouted = append(unrouted, d)
		}
	}
	slices.Sort(undocumented)
	slices.Sort(unrouted)
	require.Empty(t, undocumented, "routes the server registers under /api/v1 that openapi.yaml does not document")
	require.Empty(t, unrouted, "operations openapi.yaml documents that the server does not register")
	require.Greater(t, len(documented), 40, "the document covers the API")
}

func TestOpenAPIIsServedAsJSON(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, api *testAPI) {
		r := api.call(t, "GET", "/api/v1/openapi.json", withToken("")).expect(t, 200)
		require.Contains(t, r.Header.Get("Content-Type"), "application/json")
		var served any
		r.decode(t, &served)

		src, err := os.ReadFile("openapi.yaml")
		require.NoError(t, err)
		var fromYAML any
		require.NoError(t, yaml.Unmarshal(src, &fromYAML))
		b, err := json.Marshal(fromYAML)
		require.NoError(t, err)
		var want any
		require.NoError(t, json.Unmarshal(b, &want))
		require.Equal(t, want, served, "/api/v1/openapi.json is openapi.yaml as JSON")

		loaded, err := openapi3.NewLoader().LoadFromData(r.Body)
		require.NoError(t, err, "the served document loads")
		require.NoError(t, loaded.Validate(context.Background()))
	})
}

func TestFiberRoutesAsOpenAPIPaths(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		fiber, openapi string
		same           bool
	}{
		{"GET /api/v1/flows/:id", "GET /api/v1/flows/{id}", true},
		{"GET /api/v1/flows/:id", "PUT /api/v1/flows/{id}", false},
		{"GET /api/v1/flows/:id", "GET /api/v1/flows/{name}", false},
		{"GET /api/v1/flows/:id/versions/:version", "GET /api/v1/flows/{id}/versions/{version}", true},
		{"GET /api/v1/agent/", "GET /api/v1/agent", true},
		{"POST /api/v1/offers/+/accept", "POST /api/v1/offers/{ref}/accept", true},
		{"POST /api/v1/offers/+/accept", "POST /api/v1/offers/{ref}/reject", false},
		{"POST /api/v1/offers/+/accept", "POST /api/v1/offers/{ref}/x/accept", false},
	} {
		method, path, _ := strings.Cut(c.fiber, " ")
		require.Equal(t, c.same, newFiberRoute(method, path).pattern.MatchString(c.openapi), "%s as %s", c.fiber, c.openapi)
	}
}
