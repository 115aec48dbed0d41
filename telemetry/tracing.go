package telemetry

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"strings"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/switchboardhq/switchboard/engine"
)

// instrumentation names the tracer of the spans Switchboard makes.
const instrumentation = "github.com/switchboardhq/switchboard"

// Tracing is OpenTelemetry tracing exported over OTLP/HTTP. A nil *Tracing traces nothing.
type Tracing struct {
	endpoint string
	provider *sdktrace.TracerProvider
	tracer   trace.Tracer
}

// TracingEnabled reports whether the environment asks for tracing: an OTLP endpoint for traces
// is named (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) and
// OTEL_SDK_DISABLED is not true.
func TracingEnabled(getenv func(string) string) bool {
	if strings.EqualFold(getenv("OTEL_SDK_DISABLED"), "true") {
		return false
	}
	return getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != ""
}

// StartTracing starts tracing when the environment asks for it (see TracingEnabled); nil
// otherwise. The exporter reads the standard OTEL_EXPORTER_OTLP_* variables (endpoint, headers,
// timeout, compression), the provider OTEL_TRACES_SAMPLER and its argument, and the resource
// OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES; the service is "switchboard" by default.
func StartTracing(ctx context.Context, getenv func(string) string, version string) (*Tracing, error) {
	if !TracingEnabled(getenv) {
		return nil, nil
	}
	endpoint := tracesEndpoint(getenv)
	exporter, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(endpoint))
	if err != nil {
		return nil, fmt.Errorf("the OTLP trace exporter: %w", err)
	}
	res, err := resource.New(ctx,
		resource.WithAttributes(semconv.ServiceName(cmp.Or(getenv("OTEL_SERVICE_NAME"), "switchboard")), semconv.ServiceVersion(version)),
		resource.WithTelemetrySDK(),
		resource.WithFromEnv(), // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win
	)
	if err != nil {
		return nil, fmt.Errorf("the trace resource: %w", err)
	}
	provider := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exporter), sdktrace.WithResource(res))
	return &Tracing{endpoint: endpoint, provider: provider, tracer: provider.Tracer(instrumentation, trace.WithInstrumentationVersion(version))}, nil
}

// tracesEndpoint is the URL spans are posted to: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as it is,
// or OTEL_EXPORTER_OTLP_ENDPOINT with /v1/traces, as the OTLP specification says.
func tracesEndpoint(getenv func(string) string) string {
	if url := getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"); url != "" {
		return url
	}
	return strings.TrimSuffix(getenv("OTEL_EXPORTER_OTLP_ENDPOINT"), "/") + "/v1/traces"
}

// Endpoint is the URL spans are exported to.
func (t *Tracing) Endpoint() string { return t.endpoint }

// Shutdown exports the spans still buffered and stops tracing.
func (t *Tracing) Shutdown(ctx context.Context) error {
	if t == nil {
		return nil
	}
	return t.provider.Shutdown(ctx)
}

// Tracer makes the spans of the server; a tracer that records nothing when t is nil.
func (t *Tracing) Tracer() trace.Tracer {
	if t == nil {
		return noop.NewTracerProvider().Tracer(instrumentation)
	}
	return t.tracer
}

// Propagator reads and writes the W3C trace context and baggage of requests.
func Propagator() propagation.TextMapPropagator {
	return propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})
}

// HTTPClient returns a client whose requests are spans ("send" to the networks, and calls of
// the http block), or nil when t is nil, so that callers keep their own default client.
func (t *Tracing) HTTPClient(base *http.Client) *http.Client {
	if t == nil {
		return nil
	}
	c := *base
	transport := c.Transport
	if transport == nil {
		transport = http.DefaultTransport
	}
	c.Transport = otelhttp.NewTransport(transport,
		otelhttp.WithTracerProvider(t.provider), otelhttp.WithPropagators(Propagator()),
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string { return "send " + r.Method + " " + r.URL.Host }))
	return &c
}

// Engine returns the engine's tracer: a span per run of a flow and per block; nil when t is
// nil, which the engine then skips at no cost.
func (t *Tracing) Engine() engine.Tracer {
	if t == nil {
		return nil
	}
	return engineTracer{t.tracer}
}

// engineTracer makes the spans of runs and blocks.
type engineTracer struct{ tracer trace.Tracer }

// runTracer makes the spans of one run's blocks and ends the run's span.
type runTracer struct {
	tracer trace.Tracer
	span   trace.Span
}

func (e engineTracer) StartRun(ctx context.Context, f *engine.Flow, s *engine.Session, resumed bool) (context.Context, engine.RunTracer) {
	op := "start"
	if resumed {
		op = "resume"
	}
	ctx, span := e.tracer.Start(ctx, "flow "+f.Info.ID, trace.WithAttributes(
		attribute.String("switchboard.flow.id", f.Info.ID),
		attribute.Int("switchboard.flow.version", f.Info.Version),
		attribute.String("switchboard.session.id", s.ID),
		attribute.String("switchboard.run", op),
		attribute.String("switchboard.channel", s.Interaction.Channel),
	))
	return ctx, &runTracer{tracer: e.tracer, span: span}
}

func (r *runTracer) StartBlock(ctx context.Context, f *engine.Flow, n *engine.Node) context.Context {
	ctx, _ = r.tracer.Start(ctx, "block "+n.Type, trace.WithAttributes(
		attribute.String("switchboard.block.id", n.ID),
		attribute.String("switchboard.block.type", n.Type),
		attribute.String("switchboard.flow.id", f.Info.ID),
	))
	return ctx
}

func (r *runTracer) EndBlock(ctx context.Context, exit string, err error) {
	span := trace.SpanFromContext(ctx)
	if exit != "" {
		span.SetAttributes(attribute.String("switchboard.block.exit", exit))
	}
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	span.End()
}

func (r *runTracer) EndRun(s *engine.Session) {
	r.span.SetAttributes(attribute.String("switchboard.session.status", string(s.Status)),
		attribute.Int("switchboard.session.steps", s.Steps))
	if s.Status == engine.StatusFailed {
		r.span.SetStatus(codes.Error, s.Error)
	}
	r.span.End()
}
