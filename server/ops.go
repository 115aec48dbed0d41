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

	"github.com/switchboardhq/switchboard/dispatch"
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
	// routerFallbacks counts the external routers' choices not taken, by reason.
	routerFallbacks *prometheus.CounterVec
	// Batches observes how many units of work each pipeline transaction committed.
	Batches prometheus.Histogram
	// webhooks counts stored webhook payloads by channel type.
	webhooks *prometheus.CounterVec
	// pruned counts the rows retention deleted, by kind.
	pruned *prometheus.CounterVec
	// reconciled counts sends of unknown outcome settled by reading the network back.
	reconciled *prometheus.CounterVec
	// sends counts sends by channel and outcome; sendLatency times them by channel type.
	sends       *prometheus.CounterVec
	sendLatency *prometheus.HistogramVec
	// throttled counts the rate-limit answers that paused a channel's lane; lanePaused and
	// laneInFlight are each lane's state now.
	throttled *prometheus.CounterVec
	// profiles counts customers' profile look-ups by outcome.
	profiles     *prometheus.CounterVec
	lanePaused   *prometheus.GaugeVec
	laneInFlight *prometheus.GaugeVec
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
		routerFallbacks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "switchboard_acd_router_fallbacks_total",
			Help: "External routers' choices not taken, by reason (timeout, error, bad_answer, unavailable): the skill's strategy chose instead.",
		}, []string{"reason"}),
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
		sends: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "switchboard_sends_total",
			Help: "Sends to the networks by channel and outcome: sent, or the class of the error (retry, throttle, fatal, window, reauth, duplicate).",
		}, []string{"channel", "channel_type", "outcome"}),
		sendLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "switchboard_send_duration_seconds", Help: "How long a send took, the network's answer and its recording, by channel type.",
			Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 15},
		}, []string{"channel_type"}),
		throttled: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "switchboard_lane_throttled_total", Help: "Rate-limit answers that paused a channel's send lane, by channel.",
		}, []string{"channel"}),
		lanePaused: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "switchboard_lane_paused", Help: "1 while a channel's send lane waits because its network asked us to slow down.",
		}, []string{"channel"}),
		laneInFlight: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "switchboard_lane_in_flight", Help: "Sends of a channel waiting for the network's answer on this node.",
		}, []string{"channel"}),
		profiles: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "switchboard_profile_lookups_total",
			Help: "Customers' profile look-ups by channel type and outcome: found, refused, reauth, throttle, failed, or busy (no free slot in time).",
		}, []string{"channel_type", "outcome"}),
		build: newBuildInfoGauge(),
	}
	for _, kind := range store.PruneKinds {
		m.pruned.WithLabelValues(kind) // every kind is shown from the start, at zero
	}
	reg.MustRegister(m.requests, m.latency, m.Sessions, m.Waiting, m.Queued, m.Refused, m.Batches, m.webhooks, m.pruned,
		m.reconciled, m.build, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	reg.MustRegister(m.routerFallbacks)
	reg.MustRegister(m.sends, m.sendLatency, m.throttled, m.lanePaused, m.laneInFlight, m.profiles)
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

// RouterFallback counts an external router's choice not taken, by reason; the ACD calls it.
func (m *Metrics) RouterFallback(reason string) { m.routerFallbacks.WithLabelValues(reason).Inc() }

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

// The dispatcher's send lanes report to the server's metrics.
var _ dispatch.Metrics = (*Metrics)(nil)

// SendDone counts a send and times it; the dispatcher's send lanes call it.
func (m *Metrics) SendDone(channelID, channelType, outcome string, seconds float64) {
	m.sends.WithLabelValues(channelID, channelType, outcome).Inc()
	m.sendLatency.WithLabelValues(channelType).Observe(seconds)
}

// Throttled counts a rate-limit answer that paused a channel's lane.
func (m *Metrics) Throttled(channelID string) { m.throttled.WithLabelValues(channelID).Inc() }

// ProfileLookup counts a customer's profile look-up by its outcome.
func (m *Metrics) ProfileLookup(channelType, outcome string) {
	m.profiles.WithLabelValues(channelType, outcome).Inc()
}

// LaneState sets a lane's sends in flight and whether it is paused.
func (m *Metrics) LaneState(channelID string, inFlight int, paused bool) {
	m.laneInFlight.WithLabelValues(channelID).Set(float64(inFlight))
	v := 0.0
	if paused {
		v = 1
	}
	m.lanePaused.WithLabelValues(channelID).Set(v)
}

// LaneDropped forgets the gauges of a lane that was dropped when idle, so that their series
// stay as few as the lanes.
func (m *Metrics) LaneDropped(channelID string) {
	m.laneInFlight.DeleteLabelValues(channelID)
	m.lanePaused.DeleteLabelValues(channelID)
}

// pipelineCollector reads the outbox per channel and the backlog of webhook payloads from the
// database when /metrics is scraped: one query each, bounded by the number of channels.
type pipelineCollector struct {
	st      store.Store
	clock   engine.Clock
	log     *slog.Logger
	outbox  *prometheus.Desc
	backlog *prometheus.Desc
	age     *prometheus.Desc
}

func newPipelineCollector(st store.Store, clock engine.Clock, log *slog.Logger) *pipelineCollector {
	return &pipelineCollector{st: st, clock: clock, log: log,
		outbox: prometheus.NewDesc("switchboard_outbox_rows",
			"Outbox rows waiting to be sent, by channel and state: pending (no attempt yet), in_flight (leased to a node sending it), retrying (an attempt failed; another is scheduled).",
			[]string{"channel", "state"}, nil),
		backlog: prometheus.NewDesc("switchboard_webhook_backlog_payloads", "Stored webhook payloads not processed yet.", nil, nil),
		age: prometheus.NewDesc("switchboard_webhook_backlog_age_seconds",
			"How long the oldest webhook payload not processed yet has waited; 0 when there is none.", nil, nil),
	}
}

func (c *pipelineCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.outbox
	ch <- c.backlog
	ch <- c.age
}

func (c *pipelineCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	now := c.clock.Now()
	m, err := c.st.PipelineMetrics(ctx, now)
	if err != nil {
		c.log.Warn("metrics: read the pipeline's queues", "err", err)
		return
	}
	for _, o := range m.Outbox {
		ch <- prometheus.MustNewConstMetric(c.outbox, prometheus.GaugeValue, float64(o.Pending), o.ChannelID, "pending")
		ch <- prometheus.MustNewConstMetric(c.outbox, prometheus.GaugeValue, float64(o.InFlight), o.ChannelID, "in_flight")
		ch <- prometheus.MustNewConstMetric(c.outbox, prometheus.GaugeValue, float64(o.Retrying), o.ChannelID, "retrying")
	}
	ch <- prometheus.MustNewConstMetric(c.backlog, prometheus.GaugeValue, float64(m.PendingPayloads))
	age := 0.0
	if m.OldestPayload != nil {
		age = max(now.Sub(*m.OldestPayload).Seconds(), 0)
	}
	ch <- prometheus.MustNewConstMetric(c.age, prometheus.GaugeValue, age)
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
