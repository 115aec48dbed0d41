// Package telemetry is how the server is observed from outside: the request id that follows a
// request through its log lines, the log handler that writes it and durations in seconds, and
// OpenTelemetry tracing, off unless OTEL_EXPORTER_OTLP_ENDPOINT names a collector.
package telemetry
