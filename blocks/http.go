package blocks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/engine"
)

// MaxHTTPResponse is the most of a response body the http block reads.
const MaxHTTPResponse = 1 << 20

var httpSpec = engine.Spec{
	Type:     "http",
	Title:    "HTTP request",
	Category: "integration",
	Description: "Calls an external service: a method, a URL template, headers, and a JSON body from an " +
		"expression. The response (status, headers and body, parsed when it is JSON) goes into a variable. " +
		"Leaves by ok for a 2xx answer, by error for any other answer or a failed connection, and by timeout.",
	Params: []engine.Param{
		{Name: "url", Kind: engine.KindTemplate, Required: true,
			Description: "the URL, http or https; use url_escape() for values in the query",
			Example:     "https://crm.example.com/api/customers?handle={{ url_escape(interaction.author.handle) }}"},
		{Name: "method", Kind: engine.KindEnum, Values: []string{"GET", "POST", "PUT", "PATCH", "DELETE"}, Default: "GET",
			Description: "the HTTP method"},
		{Name: "headers", Kind: engine.KindMap, KeyFormat: "header-name",
			Description: "request headers, as templates", Example: map[string]any{"Authorization": "Bearer {{ vars.crm_token }}"},
			Elem: &engine.Param{Kind: engine.KindTemplate, Description: "the header's value"}},
		{Name: "body", Kind: engine.KindExpression,
			Description: "an expression whose value is sent as the JSON body",
			Example:     `{"handle": interaction.author.handle, "text": interaction.text}`},
		{Name: "timeout", Kind: engine.KindDuration, Default: "10s", Min: engine.Bound(0.001), Max: engine.Bound(60),
			Description: "how long to wait for the answer, at most 60s"},
		{Name: "save_as", Kind: engine.KindString, Format: "identifier", Default: "response",
			Description: "the variable that receives {status, headers, body}"},
	},
	Exits:    []string{"ok", "error", "timeout"},
	SetsVars: func(p *engine.Params) []string { return nonEmpty(p.String("save_as")) },
	Examples: []engine.Example{{Title: "Ask the CRM about the customer", YAML: `type: http
params:
  url: "https://crm.example.com/api/customers/{{ url_escape(interaction.author.id) }}"
  headers: {Authorization: "Bearer {{ vars.crm_token }}"}
  timeout: 3s
  save_as: crm
next: {ok: vip-check, error: topic, timeout: topic}
`}},
	Build: func(p *engine.Params) (engine.Block, error) {
		b := &httpBlock{url: p.Template("url"), method: p.String("method"), body: p.Expression("body"),
			timeout: p.Duration("timeout"), saveAs: p.String("save_as")}
		b.headerNames, b.headerValues = entries[*engine.Template](p, "headers")
		if lit, ok := b.url.Literal(); ok {
			if err := checkURL(lit); err != nil {
				return nil, engine.ParamErrorf("url", "%v", err)
			}
		}
		if b.body != nil && b.method == "GET" {
			return nil, engine.ParamErrorf("body", "a GET request has no body; use POST, PUT or PATCH")
		}
		return b, nil
	},
}

type httpBlock struct {
	url          *engine.Template
	method       string
	headerNames  []string
	headerValues []*engine.Template
	body         *engine.Expression
	timeout      time.Duration
	saveAs       string
}

var _ engine.Block = (*httpBlock)(nil)

func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http or https URL", s)
	}
	return nil
}

func (b *httpBlock) Run(c *engine.Context) engine.Result {
	target, err := c.Render(b.url)
	if err != nil {
		return engine.Fail(err)
	}
	if err := checkURL(target); err != nil {
		return engine.Fail(err)
	}
	var body io.Reader
	if b.body != nil {
		v, err := c.Eval(b.body)
		if err != nil {
			return engine.Fail(err)
		}
		if err := c.Reserve(engine.JSONSize(v, false, c.MemoryLeft()), "a JSON body"); err != nil {
			return engine.Fail(err)
		}
		buf, err := json.Marshal(v)
		if err != nil {
			return engine.Fail(fmt.Errorf("the body cannot be written as JSON: %w", err))
		}
		body = bytes.NewReader(buf)
	}
	ctx, cancel := context.WithTimeout(c.Context(), b.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, b.method, target, body)
	if err != nil {
		return engine.Fail(err)
	}
	req.Header.Set("User-Agent", "Switchboard")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	for i, name := range b.headerNames {
		v, err := c.Render(b.headerValues[i])
		if err != nil {
			return engine.Fail(err)
		}
		req.Header.Set(name, v)
	}
	action := &engine.Action{Type: engine.ActionHTTP, Method: b.method, URL: target}
	defer c.Emit(action) // once the status is known; the call happened whatever its outcome
	var client engine.HTTPDoer = http.DefaultClient
	if d := c.Runtime().HTTP; d != nil {
		client = d
	}
	resp, err := client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
			c.SetVar(b.saveAs, map[string]any{"status": 0, "error": "timeout"})
			return engine.Next("timeout")
		}
		return engine.Fail(fmt.Errorf("%s %s: %w", b.method, target, err))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, MaxHTTPResponse+1))
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			c.SetVar(b.saveAs, map[string]any{"status": resp.StatusCode, "error": "timeout"})
			return engine.Next("timeout")
		}
		return engine.Fail(fmt.Errorf("%s %s: reading the answer: %w", b.method, target, err))
	}
	if len(raw) > MaxHTTPResponse {
		return engine.Fail(fmt.Errorf("%s %s: the answer is larger than %d bytes", b.method, target, MaxHTTPResponse))
	}
	action.Status = resp.StatusCode
	c.SetVar(b.saveAs, map[string]any{"status": resp.StatusCode, "headers": responseHeaders(resp.Header), "body": responseBody(raw)})
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return engine.Next("ok")
	}
	return engine.Next("error")
}

// responseBody parses a JSON answer, keeping anything else as text.
func responseBody(raw []byte) any {
	var v any
	if json.Unmarshal(raw, &v) == nil {
		return v
	}
	return string(raw)
}

func responseHeaders(h http.Header) map[string]any {
	out := make(map[string]any, len(h))
	for k, v := range h {
		out[strings.ToLower(k)] = strings.Join(v, ", ")
	}
	return out
}
