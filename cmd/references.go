package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/flows"
)

// serverReferences answers flows.References by asking a Switchboard server over HTTP, with a
// token of any role that reads flows (admin, designer or supervisor).
type serverReferences struct {
	ctx    context.Context
	base   *url.URL
	token  string
	client *http.Client
	cache  map[string][]string
}

var _ flows.References = (*serverReferences)(nil)

func newServerReferences(ctx context.Context, server, token string) (*serverReferences, error) {
	u, err := url.Parse(server)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, usageError("--server %q: give the server's URL, like https://switchboard.example.com", server)
	}
	if token == "" {
		return nil, usageError("--server needs a --token (or $SWITCHBOARD_TOKEN) of an admin, designer or supervisor")
	}
	return &serverReferences{ctx: ctx, base: u, token: token, client: &http.Client{Timeout: 30 * time.Second},
		cache: map[string][]string{}}, nil
}

// referencePaths are where the API lists each kind of name, and the field that holds it.
var referencePaths = map[string]struct{ path, field string }{
	"skill":    {"/api/v1/skills", "name"},
	"calendar": {"/api/v1/calendars", "name"},
	"switch":   {"/api/v1/emergency", "name"},
	"flow":     {"/api/v1/flows", "id"},
}

func (r *serverReferences) Names(kind string) ([]string, error) {
	if names, ok := r.cache[kind]; ok {
		return names, nil
	}
	where, ok := referencePaths[kind]
	if !ok {
		return nil, fmt.Errorf("no names of %ss on a server", kind)
	}
	req, err := http.NewRequestWithContext(r.ctx, http.MethodGet, r.base.JoinPath(where.path).String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+r.token)
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error struct{ Message string } `json:"error"`
		}
		msg := strings.TrimSpace(string(body))
		if json.Unmarshal(body, &e) == nil && e.Error.Message != "" {
			msg = e.Error.Message
		}
		return nil, fmt.Errorf("GET %s: %s: %s", where.path, resp.Status, msg)
	}
	var list []map[string]any
	if err := json.Unmarshal(body, &list); err != nil {
		return nil, fmt.Errorf("GET %s: the answer is not a list: %w", where.path, err)
	}
	names := make([]string, 0, len(list))
	for _, x := range list {
		if name, ok := x[where.field].(string); ok {
			names = append(names, name)
		}
	}
	r.cache[kind] = names
	return names, nil
}
