package server_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/store"
)

// concretePath fills an operation's path parameters with names of things that do not exist.
func concretePath(path string) string {
	return strings.NewReplacer("{id}", "nope", "{name}", "nope", "{version}", "1").Replace(path)
}

func TestAuthEveryOperationNeedsAValidToken(t *testing.T) {
	t.Parallel()
	spec, err := openAPI()
	require.NoError(t, err)
	eachBackend(t, func(t *testing.T, api *testAPI) {
		for _, o := range spec.operations() {
			if len(o.roles(t)) == 0 {
				continue
			}
			path := concretePath(o.path)
			t.Run(o.method+" "+o.path, func(t *testing.T) {
				r := api.call(t, o.method, path, withToken(""))
				e := r.fails(t, 401, "unauthorized")
				require.Contains(t, e.Error.Message, "Bearer")
				require.Contains(t, r.Header.Get("WWW-Authenticate"), "Bearer")
				api.call(t, o.method, path, withToken("sbt_notatoken")).fails(t, 401, "unauthorized")
				api.call(t, o.method, path, withHeader("Authorization", "Basic "+api.admin)).fails(t, 401, "unauthorized")
				api.call(t, o.method, path, withHeader("Authorization", "Bearer ")).fails(t, 401, "unauthorized")
			})
		}
	})
}

// TestAuthRolesAreTheDocumentedOnes sends every documented operation with a token of each role:
// roles the operation's x-roles does not name get 403, the others get past authorization.
func TestAuthRolesAreTheDocumentedOnes(t *testing.T) {
	t.Parallel()
	spec, err := openAPI()
	require.NoError(t, err)
	eachBackend(t, func(t *testing.T, api *testAPI) {
		tokens := api.tokens(t)
		for _, o := range spec.operations() {
			allowed := o.roles(t)
			if len(allowed) == 0 {
				continue
			}
			for _, role := range store.Roles {
				t.Run(role+" "+o.method+" "+o.path, func(t *testing.T) {
					if slices.Contains(allowed, role) && o.streams() {
						// an event stream does not end: read its status only
						status := api.statusOf(t, o.method, concretePath(o.path), tokens[role])
						require.NotContains(t, []int{401, 403}, status, "a %s token may %s %s", role, o.method, o.path)
						return
					}
					r := api.call(t, o.method, concretePath(o.path), withToken(tokens[role]))
					if slices.Contains(allowed, role) {
						require.NotContains(t, []int{401, 403}, r.Status, "a %s token may %s %s: %s", role, o.method, o.path, r.Body)
						return
					}
					e := r.fails(t, 403, "forbidden")
					require.Contains(t, e.Error.Message, "a "+role+" token cannot do this")
				})
			}
		}
	})
}

func TestAuthRoleTable(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, api *testAPI) {
		tokens := api.tokens(t)
		api.createFlow(t, fixture(t, "greeting.yaml"))
		api.call(t, "PUT", "/api/v1/agents/ana", withJSON(map[string]any{})).expect(t, 200)
		source := fixture(t, "greeting.yaml")

		cases := []struct {
			role, method, path string
			body               any
			want               int
		}{
			// designers edit flows, and read the rest
			{"designer", "GET", "/api/v1/flows", nil, 200},
			{"designer", "POST", "/api/v1/flows", map[string]any{"id": "by-designer"}, 201},
			{"designer", "POST", "/api/v1/flows/greeting/validate", nil, 200},
			{"designer", "POST", "/api/v1/flows/greeting/simulate", map[string]any{}, 200},
			{"designer", "GET", "/api/v1/channels", nil, 200},
			{"designer", "POST", "/api/v1/channels", map[string]any{"id": "c", "type": "webchat"}, 403},
			{"designer", "PUT", "/api/v1/channels/c", map[string]any{"name": "C"}, 403},
			{"designer", "DELETE", "/api/v1/channels/c", nil, 403},
			{"designer", "GET", "/api/v1/tokens", nil, 403},
			{"designer", "POST", "/api/v1/tokens", map[string]any{"role": "admin"}, 403},
			{"designer", "DELETE", "/api/v1/tokens/t_x", nil, 403},
			{"designer", "GET", "/api/v1/audit", nil, 403},
			{"designer", "PUT", "/api/v1/skills/billing", nil, 403},
			{"designer", "PUT", "/api/v1/agents/bob", map[string]any{}, 403},
			{"designer", "PUT", "/api/v1/calendars/hours", map[string]any{"timezone": "UTC"}, 403},
			{"designer", "PUT", "/api/v1/emergency/outage", map[string]any{"on": true}, 403},
			{"designer", "PUT", "/api/v1/contacts/c_x", map[string]any{"vip": true}, 403},
			// supervisors oversee: switches and contacts, but not flows
			{"supervisor", "GET", "/api/v1/flows/greeting", nil, 200},
			{"supervisor", "GET", "/api/v1/flows/greeting/export", nil, 200},
			{"supervisor", "POST", "/api/v1/flows", map[string]any{"id": "by-supervisor"}, 403},
			{"supervisor", "PUT", "/api/v1/flows/greeting", map[string]any{"source": source}, 403},
			{"supervisor", "DELETE", "/api/v1/flows/greeting", nil, 403},
			{"supervisor", "POST", "/api/v1/flows/greeting/publish", nil, 403},
			{"supervisor", "POST", "/api/v1/flows/greeting/rollback", map[string]any{"version": 1}, 403},
			{"supervisor", "POST", "/api/v1/flows/greeting/simulate", map[string]any{}, 403},
			{"supervisor", "POST", "/api/v1/flows/import", nil, 403},
			{"supervisor", "POST", "/api/v1/validate", map[string]any{"source": source}, 403},
			{"supervisor", "PUT", "/api/v1/emergency/outage", map[string]any{"on": true}, 200},
			{"supervisor", "POST", "/api/v1/channels", map[string]any{"id": "c", "type": "webchat"}, 403},
			{"supervisor", "GET", "/api/v1/tokens", nil, 403},
			// agents use the agent API, not this one
			{"agent", "GET", "/api/v1/flows", nil, 403},
			{"agent", "GET", "/api/v1/blocks", nil, 403},
			{"agent", "GET", "/api/v1/agents/ana", nil, 403},
			{"agent", "GET", "/api/v1/contacts", nil, 403},
			{"agent", "PUT", "/api/v1/emergency/outage", map[string]any{"on": false}, 403},
			// admins do everything
			{"admin", "POST", "/api/v1/channels", map[string]any{"id": "c", "type": "webchat"}, 201},
			{"admin", "GET", "/api/v1/audit", nil, 200},
			{"admin", "POST", "/api/v1/flows/greeting/publish", nil, 201},
		}
		for _, c := range cases {
			t.Run(c.role+" "+c.method+" "+c.path, func(t *testing.T) {
				opts := []callOption{withToken(tokens[c.role])}
				if c.body != nil {
					opts = append(opts, withJSON(c.body))
				}
				r := api.call(t, c.method, c.path, opts...)
				if c.want == http.StatusForbidden {
					r.fails(t, 403, "forbidden")
					return
				}
				r.expect(t, c.want)
			})
		}
	})
}
