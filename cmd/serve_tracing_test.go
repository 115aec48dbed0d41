package cmd

import (
	"bytes"
	"context"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/switchboardhq/switchboard/blocks"
)

// collector is an OTLP/HTTP trace collector in the test: it decodes each export request.
type collector struct {
	mu    sync.Mutex
	spans []*tracepb.Span
	names map[string]string // service.name of the resources seen
}

func (c *collector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/traces" || r.Header.Get("Content-Type") != "application/x-protobuf" {
		http.Error(w, "want a protobuf POST to /v1/traces", http.StatusBadRequest)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var req coltracepb.ExportTraceServiceRequest
	if err := proto.Unmarshal(body, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	c.mu.Lock()
	for _, rs := range req.ResourceSpans {
		for _, kv := range rs.GetResource().GetAttributes() {
			if kv.Key == "service.name" {
				c.names[kv.GetValue().GetStringValue()] = "seen"
			}
		}
		for _, ss := range rs.ScopeSpans {
			c.spans = append(c.spans, ss.Spans...)
		}
	}
	c.mu.Unlock()
	out, _ := proto.Marshal(&coltracepb.ExportTraceServiceResponse{})
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = w.Write(out)
}

// byName returns the spans named name.
func (c *collector) byName(name string) []*tracepb.Span {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []*tracepb.Span
	for _, s := range c.spans {
		if s.Name == name {
			out = append(out, s)
		}
	}
	return out
}

func (c *collector) all() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var names []string
	for _, s := range c.spans {
		names = append(names, s.Name)
	}
	return names
}

// With OTEL_EXPORTER_OTLP_ENDPOINT set, serve traces a web chat post: the webhook's span is a
// child of the caller's traceparent, the flow's run a child of the webhook's, each block a child
// of the run's; the reply POSTed to the channel's callback is a send span whose trace context
// the callback receives.
func TestServeTracing(t *testing.T) {
	t.Parallel()
	col := &collector{names: map[string]string{}}
	otlp := httptest.NewServer(col)
	defer otlp.Close()
	callbacks := make(chan http.Header, 16)
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case callbacks <- r.Header.Clone():
		default:
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer site.Close()

	ctx, cancel := context.WithCancel(context.Background())
	r := &running{stdout: newOutput(), stderr: newOutput(), stop: cancel, exited: make(chan struct{})}
	getenv := func(k string) string {
		return map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": otlp.URL, "OTEL_SERVICE_NAME": "switchboard-test"}[k]
	}
	env := Env{Stdin: strings.NewReader(""), Stdout: r.stdout, Stderr: r.stderr, Registry: blocks.NewRegistry(), Getenv: getenv}
	go func() {
		defer close(r.exited)
		r.code = Run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--flows", "../examples/flows",
			"--db", filepath.Join(t.TempDir(), "s.db")}, env)
	}()
	t.Cleanup(func() { r.shutdown(t) })
	m := r.waitFor(t, listening)
	r.url = m[1]
	admin := adminToken.FindStringSubmatch(r.stdout.String())[1]
	require.Contains(t, r.stderr.String(), "tracing to an OTLP collector")

	post := func(path, body string, header map[string]string) (int, string) {
		req, err := http.NewRequest(http.MethodPost, r.url+path, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		out, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(out)
	}
	status, body := post("/api/v1/channels", `{"id": "site", "type": "webchat", "name": "Site", "default_flow": "bench-routing",
		"settings": {"callback_url": "`+site.URL+`/replies"}}`, map[string]string{"Authorization": "Bearer " + admin})
	require.Equal(t, http.StatusCreated, status, body)

	const parentTrace, parentSpan = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
	status, body = post("/webhooks/webchat/site?wait=5s", `{"id": "m-1", "text": "necesito la factura", "author": {"id": "v-1", "name": "Ana"}}`,
		map[string]string{"traceparent": "00-" + parentTrace + "-" + parentSpan + "-01"})
	require.Equal(t, http.StatusOK, status, body)
	require.Contains(t, body, `"outcome":{`)

	// the reply leaves through the outbox to the callback, with the trace context of its send
	var sent http.Header
	select {
	case sent = <-callbacks:
	case <-time.After(30 * time.Second):
		t.Fatalf("the reply was not POSTed to the callback in 30s\nstderr:\n%s", r.stderr)
	}
	require.Regexp(t, `^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$`, sent.Get("traceparent"), "the send carries its trace context")

	// stopping serve exports the spans still buffered
	require.Equal(t, ExitOK, r.shutdown(t))
	require.Contains(t, col.names, "switchboard-test", "OTEL_SERVICE_NAME names the service")

	webhooks := col.byName("webhook webchat")
	require.Len(t, webhooks, 1, "spans: %v", col.all())
	webhook := webhooks[0]
	require.Equal(t, parentTrace, hex.EncodeToString(webhook.TraceId), "the webhook continues the caller's trace")
	require.Equal(t, parentSpan, hex.EncodeToString(webhook.ParentSpanId))
	require.Equal(t, tracepb.Span_SPAN_KIND_SERVER, webhook.Kind)

	// two runs: the one the post starts, in the webhook's trace, and the one the reply's send
	// resumes, later, in a trace of its own
	runs := col.byName("flow bench-routing")
	require.Len(t, runs, 2, "spans: %v", col.all())
	var run *tracepb.Span
	for _, s := range runs {
		if bytes.Equal(s.ParentSpanId, webhook.SpanId) {
			run = s
		}
	}
	require.NotNil(t, run, "the flow's first run is a child of the webhook")
	require.Equal(t, webhook.TraceId, run.TraceId)

	var blockTypes []string
	col.mu.Lock()
	for _, s := range col.spans {
		if strings.HasPrefix(s.Name, "block ") && bytes.Equal(s.ParentSpanId, run.SpanId) {
			blockTypes = append(blockTypes, strings.TrimPrefix(s.Name, "block "))
		}
	}
	col.mu.Unlock()
	require.GreaterOrEqual(t, len(blockTypes), 3, "every block of the run is a child of the run: %v", blockTypes)
	require.Equal(t, "webchat.trigger", blockTypes[0])
	require.Contains(t, blockTypes, "filter.keywords")
	require.Contains(t, blockTypes, "reply")

	var sends []*tracepb.Span
	col.mu.Lock()
	for _, s := range col.spans {
		if strings.HasPrefix(s.Name, "send POST ") {
			sends = append(sends, s)
		}
	}
	col.mu.Unlock()
	require.NotEmpty(t, sends, "the POST to the callback is a send span: %v", col.all())
	named := false
	for _, s := range sends {
		require.Equal(t, tracepb.Span_SPAN_KIND_CLIENT, s.Kind)
		named = named || strings.Contains(sent.Get("traceparent"), hex.EncodeToString(s.SpanId))
	}
	require.True(t, named, "the callback's traceparent names a send span")
}

var listening = regexp.MustCompile(`Switchboard is listening on (http://127\.0\.0\.1:\d+) `)
