package server

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/store"
)

// Metrics are the server's Prometheus metrics; the dispatcher reports its sessions to them.
type Metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	// Sessions counts session runs by how they ended up: ended, waiting or failed.
	Sessions *prometheus.CounterVec
	// Waiting is the number of sessions waiting now.
	Waiting prometheus.Gauge
	// Queued is the number of conversations queued per skill.
	Queued *prometheus.GaugeVec
	// Refused counts assignments and offers refused at their commit: the agent had changed.
	Refused prometheus.Counter
	// Batches observes how many units of work each pipeline transaction committed.
	Batches prometheus.Histogram
	// webhooks counts stored webhook payloads by channel type.
	webhooks *prometheus.CounterVec
	// pruned counts the rows retention deleted, by kind.
	pruned *prometheus.CounterVec
	// reconciled counts sends of unknown outcome settled by reading the network back.
	reconciled *prometheus.CounterVec
	// build is switchboard_build_info (see SetBuild).
	build *prometheus.GaugeVec
}

// NewMetrics registers the server's metrics in a registry (a new one when nil).
func NewMetrics(reg *prometheus.Registry) *Metrics {
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	m := &Metrics{
		registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "switchboard_http_requests_total", Help: "HTTP requests by method, route and status.",
		}, []string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "switchboard_http_request_duration_seconds", Help: "HTTP request latency by method and route.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"method", "route"}),
		Sessions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "switchboard_sessions_total", Help: "Session runs by the status they reached.",
		}, []string{"status"}),
		Waiting: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "switchboard_sessions_waiting", Help: "Sessions waiting for a customer, an agent or a timer.",
		}),
		Queued: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "switchboard_queue_size", Help: "Conversations waiting in the queue, by skill.",
		}, []string{"skill"}),
		Refused: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "switchboard_acd_refused_total",
			Help: "Assignments and offers refused at their commit because the agent had left the available state or reached its capacity meanwhile.",
		}),
		Batches: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "switchboard_commit_batch_units", Help: "Units of work (messages, timers, sends) committed per pipeline transaction.",
			Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128},
		}),
		webhooks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "switchboard_webhooks_total", Help: "Webhook payloads stored, by channel type.",
		}, []string{"channel_type"}),
		pruned: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "switchboard_pruned_rows_total", Help: "Rows deleted by retention, by kind (payloads, event_keys, conversations, interactions, sessions, outbox, audit).",
		}, []string{"kind"}),
		reconciled: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "switchboard_outbox_reconciled_total",
			Help: "Sends of unknown outcome settled by reading the network back, by channel and outcome (found, absent, unknown).",
		}, []string{"channel", "outcome"}),
		build: newBuildInfoGauge(),
	}
	for _, kind := range store.PruneKinds {
		m.pruned.WithLabelValues(kind) // every kind is shown from the start, at zero
	}
	reg.MustRegister(m.requests, m.latency, m.Sessions, m.Waiting, m.Queued, m.Refused, m.Batches, m.webhooks, m.pruned,
		m.reconciled, m.build, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// observe counts and times every request, and logs it.
func (s *Server) observe(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		if herr := s.handleError(c, err); herr != nil {
			return herr
		}
	}
	route := c.Route().Path
	if route == "/*" || route == "/api/v1/*" {
		route = "other"
	}
	status := c.Response().StatusCode()
	elapsed := time.Since(start)
	s.metrics.requests.WithLabelValues(c.Method(), route, strconv.Itoa(status)).Inc()
	s.metrics.latency.WithLabelValues(c.Method(), route).Observe(elapsed.Seconds())
	level := slog.LevelDebug
	if status >= 500 {
		level = slog.LevelError
	}
	s.log.Log(c.UserContext(), level, "request", "method", c.Method(), "path", c.Path(), "status", status, "duration", elapsed)
	return nil
}

// QueueSize reports the conversations waiting for a skill; the ACD calls it.
func (m *Metrics) QueueSize(skill string, n int) { m.Queued.WithLabelValues(skill).Set(float64(n)) }

// AssignmentRefused counts a decision of the ACD refused at its commit; the ACD calls it.
func (m *Metrics) AssignmentRefused() { m.Refused.Inc() }

// SessionRun counts a session run by the status it reached; the dispatcher calls it.
func (m *Metrics) SessionRun(status engine.Status) { m.Sessions.WithLabelValues(string(status)).Inc() }

// RowsPruned counts rows of a kind that retention deleted; the pruner calls it.
func (m *Metrics) RowsPruned(kind string, n int) { m.pruned.WithLabelValues(kind).Add(float64(n)) }

// CommitBatch observes the units a pipeline transaction committed; the dispatcher calls it.
func (m *Metrics) CommitBatch(units int) { m.Batches.Observe(float64(units)) }

// Reconciled counts a send of unknown outcome settled by reading the network back; the
// dispatcher calls it.
func (m *Metrics) Reconciled(channelID, outcome string) {
	m.reconciled.WithLabelValues(channelID, outcome).Inc()
}

func (s *Server) metricsHandler() fiber.Handler {
	return adaptor.HTTPHandler(promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{}))
}

// healthz says the process is up, and which version runs.
func (s *Server) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok", "version": s.cfg.Build.Version})
}

// readyz says the server can serve: the database answers and its schema is up to date.
func (s *Server) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := s.cfg.Store.Ping(ctx); err != nil {
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable", "database": err.Error()})
	}
	applied, latest, err := s.cfg.Store.MigrationStatus(ctx)
	if err != nil {
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable", "migrations": err.Error()})
	}
	if applied < latest {
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable",
			"migrations": "the schema is at " + strconv.FormatInt(applied, 10) + ", the binary needs " + strconv.FormatInt(latest, 10) + ": run switchboard migrate"})
	}
	return c.JSON(fiber.Map{"status": "ready", "database": s.cfg.Store.Dialect(), "schema": applied})
}
