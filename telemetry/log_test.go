package telemetry_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/trace"

	"github.com/switchboardhq/switchboard/telemetry"
)

func TestLogHandler(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	json := slog.NewJSONHandler(&buf, &slog.HandlerOptions{ReplaceAttr: telemetry.DurationSeconds})
	h := telemetry.NewLogHandler(json)
	require.Same(t, h, telemetry.NewLogHandler(h), "a wrapped handler is not wrapped twice")
	log := slog.New(h).With("node", "n1")

	ctx := telemetry.WithRequestID(context.Background(), "req-1")
	log.InfoContext(ctx, "request", "duration", 1500*time.Millisecond)
	log.Info("no request", "duration", 2*time.Second)
	log.WithGroup("g").InfoContext(ctx, "grouped", "took", 250*time.Millisecond)

	lines := bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n"))
	require.Len(t, lines, 3)
	rec := decode(t, lines[0])
	require.Equal(t, "req-1", rec["request_id"])
	require.Equal(t, 1.5, rec["duration"], "durations are seconds")
	require.Equal(t, "n1", rec["node"])
	rec = decode(t, lines[1])
	require.NotContains(t, rec, "request_id")
	require.Equal(t, 2.0, rec["duration"])
	rec = decode(t, lines[2])
	require.Equal(t, map[string]any{"took": 0.25, "request_id": "req-1"}, rec["g"])

	// a line logged in a traced span names the trace and the span
	buf.Reset()
	sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.TraceID{1}, SpanID: trace.SpanID{2}, TraceFlags: trace.FlagsSampled})
	log.InfoContext(trace.ContextWithSpanContext(ctx, sc), "traced")
	rec = decode(t, bytes.TrimSpace(buf.Bytes()))
	require.Equal(t, "01000000000000000000000000000000", rec["trace_id"])
	require.Equal(t, "0200000000000000", rec["span_id"])
	require.Equal(t, "req-1", rec["request_id"])
}

func decode(t *testing.T, line []byte) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(line, &m), "%s", line)
	return m
}
