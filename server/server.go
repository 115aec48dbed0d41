package server

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/trace"

	"github.com/switchboardhq/switchboard/dispatch"
	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/routing"
	"github.com/switchboardhq/switchboard/store"
	"github.com/switchboardhq/switchboard/telemetry"
)

// DefaultBodyLimit bounds request bodies: flow sources, imports and webhook payloads.
const DefaultBodyLimit = 4 << 20

// Config is what a Server is made of.
type Config struct {
	Store    store.Store
	Registry *engine.Registry
	// Clock is the time the server and its sessions read; the wall clock when nil.
	Clock  engine.Clock
	Logger *slog.Logger
	// Metrics are the server's metrics, shared with the dispatcher; new ones when nil.
	Metrics *Metrics
	// BodyLimit bounds request bodies, in bytes (DefaultBodyLimit when zero).
	BodyLimit int
	// Editor holds the editor's built files (index.html and assets); nil serves a page that
	// says how to build them.
	Editor fs.FS
	// Dispatcher runs sessions for the webhooks; nil refuses webhooks.
	Dispatcher *dispatch.Dispatcher
	// Flows is the cache of compiled published versions, shared with the dispatcher; the
	// server makes its own when nil.
	Flows *dispatch.FlowCache
	// ACD routes conversations to agents, and Hub streams their events; the agent API answers
	// 503 without them.
	ACD *routing.ACD
	Hub *routing.Hub
	// Limits are the budgets of each simulated run: memory, operations, deadline.
	Limits engine.Limits
	// AccessLog logs every request at info level (see accessLog).
	AccessLog bool
	// Tracer makes a span per webhook request; nil records nothing.
	Tracer trace.Tracer
	// Build is the build that runs, for /healthz and switchboard_build_info; version "dev"
	// when unset.
	Build BuildInfo
	// Webchat bounds what web chat visitors may do; zero fields take the defaults.
	Webchat WebchatLimits
}

// Server is the HTTP server: the admin and editor API under /api/v1, operations endpoints, and
// the editor's files.
type Server struct {
	cfg     Config
	app     *fiber.App
	log     *slog.Logger
	metrics *Metrics
	tracer  trace.Tracer
	flows   *dispatch.FlowCache
	// contract is the OpenAPI document requests are checked against.
	contract *contract
	started  time.Time
	// done closes when the server shuts down, ending the event streams; life ends when the
	// shutdown's grace period does, stopping simulations still in flight.
	done     chan struct{}
	life     context.Context
	endLife  context.CancelFunc
	shutdown sync.Once
	// webchat holds the visitor tokens' key and the visitors' rate limits; webchatHub wakes
	// the visitors' streams.
	webchat    *webchatGuard
	webchatHub webchatHub
	// typing coalesces the agents' typing events for web chat visitors.
	typing typingGate
}

type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

// New builds a server; it does not listen until Serve.
func New(cfg Config) *Server {
	if cfg.Clock == nil {
		cfg.Clock = wallClock{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	// every line logged with a request's context names its request id
	cfg.Logger = slog.New(telemetry.NewLogHandler(cfg.Logger.Handler()))
	if cfg.Metrics == nil {
		cfg.Metrics = NewMetrics(nil)
	}
	if cfg.BodyLimit == 0 {
		cfg.BodyLimit = DefaultBodyLimit
	}
	cfg.Build = cfg.Build.withDefaults()
	cfg.Metrics.SetBuild(cfg.Build)
	s := &Server{cfg: cfg, log: cfg.Logger, started: cfg.Clock.Now(), done: make(chan struct{}), webchat: newWebchatGuard(cfg.Webchat),
		typing: typingGate{now: cfg.Clock.Now}}
	s.life, s.endLife = context.WithCancel(context.Background())
	s.metrics = cfg.Metrics
	// the pipeline's queues are read from the database at each scrape; a registry two servers
	// share (two nodes in one process) reads them once
	if err := s.metrics.registry.Register(newPipelineCollector(cfg.Store, cfg.Clock, cfg.Logger)); err != nil &&
		!errors.As(err, new(prometheus.AlreadyRegisteredError)) {
		panic("switchboard: " + err.Error()) // a programmer error
	}
	s.tracer = cfg.Tracer
	if s.tracer == nil {
		s.tracer = (*telemetry.Tracing)(nil).Tracer()
	}
	s.flows = cfg.Flows
	if s.flows == nil {
		s.flows = dispatch.NewFlowCache(cfg.Store, cfg.Registry)
	}
	s.app = fiber.New(fiber.Config{
		AppName:               "switchboard",
		BodyLimit:             cfg.BodyLimit,
		ErrorHandler:          s.handleError,
		DisableStartupMessage: true,
		Immutable:             true,
		// Routes match the raw path, exactly: an encoded / (%2F) stays in its segment, and a
		// trailing slash names no route. Handlers read parameters decoded (param), so that skill
		// sales:tier may be sent as sales%3Atier.
		UnescapePath:  false,
		StrictRouting: true,
		ReadTimeout:   30 * time.Second,
		WriteTimeout:  60 * time.Second,
		IdleTimeout:   120 * time.Second,
	})
	s.routes()
	k, err := loadContract(s.app)
	if err != nil {
		panic("switchboard: " + err.Error()) // the embedded document is broken: a build error
	}
	s.contract = k
	return s
}

// App returns the fiber application, for tests that drive it directly.
func (s *Server) App() *fiber.App { return s.app }

// Serve answers requests on a listener until Shutdown.
func (s *Server) Serve(ln net.Listener) error { return s.app.Listener(ln) }

// Shutdown stops taking connections, ends the event streams, and waits for requests in flight
// to finish, or for ctx.
func (s *Server) Shutdown(ctx context.Context) error {
	s.shutdown.Do(func() { close(s.done) })
	// Simulations in flight may finish while ctx lasts; then they stop.
	stop := context.AfterFunc(ctx, s.endLife)
	defer stop()
	defer s.endLife()
	return s.app.ShutdownWithContext(ctx)
}

func (s *Server) routes() {
	app := s.app
	app.Use(s.requestID)
	if s.cfg.AccessLog {
		app.Use(s.accessLog)
	}
	app.Use(s.observe, s.recoverPanics)

	app.Get("/healthz", s.healthz)
	app.Get("/readyz", s.readyz)
	app.Get("/metrics", s.metricsHandler())

	api := app.Group("/api/v1")
	api.Get("/openapi.json", s.openAPI)

	read := s.auth(store.RoleAdmin, store.RoleDesigner, store.RoleSupervisor)
	design := s.auth(store.RoleAdmin, store.RoleDesigner)
	admin := s.auth(store.RoleAdmin)
	oversee := s.auth(store.RoleAdmin, store.RoleSupervisor)

	api.Get("/blocks", read, s.blocksCatalogue)
	api.Get("/schema", read, s.flowSchema)
	api.Get("/settings/schema", read, s.settingsSchema)
	api.Post("/validate", design, s.validateSource)

	api.Get("/flows", read, s.listFlows)
	api.Post("/flows", design, s.createFlow)
	api.Post("/flows/import", design, s.importFlow)
	api.Get("/flows/:id", read, s.getFlow)
	api.Put("/flows/:id", design, s.updateFlow)
	api.Delete("/flows/:id", design, s.deleteFlow)
	api.Get("/flows/:id/export", read, s.exportFlow)
	api.Post("/flows/:id/validate", design, s.validateFlow)
	api.Post("/flows/:id/publish", design, s.publishFlow)
	api.Post("/flows/:id/rollback", design, s.rollbackFlow)
	api.Get("/flows/:id/versions", read, s.listVersions)
	api.Get("/flows/:id/versions/:version", read, s.getVersion)
	api.Get("/flows/:id/diff", read, s.diffFlow)
	api.Post("/flows/:id/simulate", design, s.simulateFlow)
	api.Post("/flows/:id/replay", design, s.simulateFlow)

	api.Get("/channels", read, s.listChannels)
	api.Post("/channels", admin, s.createChannel)
	api.Get("/channels/:id", read, s.getChannel)
	api.Put("/channels/:id", admin, s.updateChannel)
	api.Delete("/channels/:id", admin, s.deleteChannel)

	api.Get("/skills", read, s.listSkills)
	api.Get("/skills/:name", read, s.getSkill)
	api.Put("/skills/:name", admin, s.putSkill)
	api.Delete("/skills/:name", admin, s.deleteSkill)

	api.Get("/agents", read, s.listAgents)
	api.Get("/agents/:id", read, s.getAgent)
	api.Put("/agents/:id", admin, s.putAgent)
	api.Delete("/agents/:id", admin, s.deleteAgent)

	api.Get("/calendars", read, s.listCalendars)
	api.Get("/calendars/:name", read, s.getCalendar)
	api.Put("/calendars/:name", admin, s.putCalendar)
	api.Delete("/calendars/:name", admin, s.deleteCalendar)

	api.Get("/emergency", read, s.listSwitches)
	api.Put("/emergency/:name", oversee, s.setSwitch)

	api.Get("/contacts", read, s.listContacts)
	api.Get("/contacts/:id", read, s.getContact)
	api.Put("/contacts/:id", oversee, s.updateContact)

	api.Get("/tokens", admin, s.listTokens)
	api.Post("/tokens", admin, s.createToken)
	api.Delete("/tokens/:id", admin, s.deleteToken)

	api.Get("/audit", admin, s.listAudit)

	api.Get("/workspace/settings", read, s.getWorkspaceSettings)
	api.Put("/workspace/settings", admin, s.putWorkspaceSettings)

	s.supervisorRoutes(api, oversee)
	s.cannedRoutes(api, oversee, oversee)
	s.agentRoutes()

	s.webhookRoutes()
	s.webchatRoutes()
	s.widgetRoutes()

	api.All("/*", func(c *fiber.Ctx) error {
		if p := c.Path(); len(p) > 1 && strings.HasSuffix(p, "/") {
			return errorf(fiber.StatusNotFound, "not_found", "there is no %s %s in the API: paths end without a slash (%s)", c.Method(), p, strings.TrimRight(p, "/"))
		}
		return errorf(fiber.StatusNotFound, "not_found", "there is no %s %s in the API (see /api/v1/openapi.json)", c.Method(), c.Path())
	})
	s.editorRoutes()
}

// by names the caller for the audit log: the token's name and id.
func by(c *fiber.Ctx) string {
	if t, ok := c.Locals(tokenKey).(store.Token); ok {
		return t.Name + " (" + t.ID + ")"
	}
	return "anonymous"
}

func intParam(c *fiber.Ctx, name string) (int, error) {
	n, err := strconv.Atoi(param(c, name))
	if err != nil || n < 0 {
		return 0, fieldError(name, "%q is not a version number", param(c, name))
	}
	return n, nil
}
