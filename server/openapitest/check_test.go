package openapitest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// answer is a response of status with a JSON body.
func answer(status int, body string) (*http.Response, []byte) {
	rec := httptest.NewRecorder()
	rec.Header().Set("Content-Type", "application/json")
	rec.WriteHeader(status)
	return rec.Result(), []byte(body)
}

func TestCheckReadsBodiesAgainstTheirSchemas(t *testing.T) {
	spec, err := Load()
	require.NoError(t, err)
	health := httptest.NewRequest(http.MethodGet, "/healthz", nil)
	resp, body := answer(200, `{"status":"ok","version":"0.1.0"}`)
	require.NoError(t, spec.Check(health, nil, resp, body))
	for name, bad := range map[string]string{
		"a value its const refuses": `{"status":"down","version":"0.1.0"}`,
		"a required field missing":  `{"status":"ok"}`,
		"an undocumented field":     `{"status":"ok","version":"0.1.0","extra":1}`,
		"not JSON":                  `{"status":`,
	} {
		resp, body := answer(200, bad)
		require.Error(t, spec.Check(health, nil, resp, body), name)
	}

	// a referenced schema, through a referenced response: the skill of GET /api/v1/skills/{name}
	skill := httptest.NewRequest(http.MethodGet, "/api/v1/skills/billing", nil)
	resp, body = answer(404, `{"error":{"code":"not_found","message":"no skill billing"}}`)
	require.NoError(t, spec.Check(skill, nil, resp, body))
	resp, body = answer(404, `{"error":{"code":404}}`)
	require.Error(t, spec.Check(skill, nil, resp, body), "a code that is not a string")

	// the body of a request the server took
	sent := `{"text":"hola","visibility":"loudly"}`
	reply := httptest.NewRequest(http.MethodPost, "/api/v1/agent/conversations/c1/reply", strings.NewReader(sent))
	reply.Header.Set("Content-Type", "application/json")
	resp, body = answer(202, `{}`)
	err = spec.Check(reply, []byte(sent), resp, body)
	require.Error(t, err)
	require.Contains(t, err.Error(), "the request the server took")
}
