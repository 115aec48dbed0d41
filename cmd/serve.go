package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	_ "net/http/pprof" // the profiler, served only with --pprof
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/switchboardhq/switchboard/channels"
	"github.com/switchboardhq/switchboard/dispatch"
	"github.com/switchboardhq/switchboard/routing"
	"github.com/switchboardhq/switchboard/server"
	"github.com/switchboardhq/switchboard/store"
	"github.com/switchboardhq/switchboard/telemetry"
)

// EditorFiles holds the editor's built files when the binary embeds them; nil otherwise.
// A custom build may set it before calling Main.
var EditorFiles fs.FS

// serveOptions are the flags of serve, with environment variables as defaults.
type serveOptions struct {
	dbOptions
	retention                               retentionOptions
	budget                                  budgetFlags
	addr, flows, logLevel, logFormat, pprof string
	accessLog                               bool
	shutdown, retryFor, lease, sendTimeout  time.Duration
	maxConns                                int
	profileTimeout                          time.Duration
	profileLookups                          int
}

// dbFlag adds --db, a configured flag (SWITCHBOARD_DB or SWITCHBOARD_DB_FILE) that defaults to
// ./switchboard.db.
func dbFlag(c *cobra.Command, db *string) {
	c.Flags().StringVar(db, "db", "switchboard.db", "the database: a SQLite file, or postgres://user@host:5432/db")
	secretFlags(c, "db")
	configure(c, "db")
}

func serveCommand(env Env) *cobra.Command {
	var o serveOptions
	c := &cobra.Command{
		Use:   "serve [--addr HOST:PORT] [--db URL] [--flows DIR] [--log-level LEVEL]",
		Short: "Run the server: API, webhooks and the editor",
		Long: `Serve runs Switchboard: the admin and editor API under /api/v1, the editor at /, and
/healthz, /readyz and /metrics.

With no flags it keeps its data in the SQLite file ./switchboard.db and listens on
127.0.0.1:8080. It takes the port before it opens the database, so a port in use fails the start
before anything is made. On an empty database it applies the schema, creates an admin token and
prints it once, and publishes the flows of --flows (examples/flows); until an admin token has
been used, each start prints the switchboard token create command that makes another. For
PostgreSQL, pass
--db postgres://user@host:5432/db; several servers may share one database.

Channel credentials are encrypted at rest with the keys of --secret-key-file or
SWITCHBOARD_SECRET_KEY (see switchboard secrets --help); without keys they are stored in plain
text, and serve says so when it starts.

Each run of a flow (an interaction, or an event that resumes a session, through every block it
runs) has budgets: --memory-budget for what its expressions and templates build,
--operation-budget for what they do, --run-deadline for the time it takes. A run that exceeds
one stops; the block leaves by its failed exit, or the session fails.

Every flag has an environment variable, SWITCHBOARD_ and the flag's name in upper snake case
(each named below), and a key in the optional configuration file of --config (SWITCHBOARD_CONFIG):
YAML keyed by flag name, such as "retry-for: 1h". A flag on the command line wins over its
variable, the variable over the file, the file over the default. The database URL may instead
come from a file named by SWITCHBOARD_DB_FILE. SIGTERM or SIGINT stops the server gracefully:
requests in flight finish, then it exits.

One node at a time prunes what grows: processed webhook payloads after --retain-payloads (30d),
the keys that deduplicate events after --retain-event-keys (30d, at least 7d), closed
conversations with their interactions after --retain-conversations (365d), sent and failed
outbound actions after --retain-outbox (30d), audit entries after --retain-audit (365d),
customers' cached profiles after --retain-profiles (90d) and web chat visitors' messages and
files after --retain-webchat (30d); 0 keeps forever.

When a customer with no name starts a session on Messenger or Instagram Direct, their profile
is looked up on the network, waiting at most --profile-timeout (2s), with at most
--profile-lookups (8) look-ups at once; a look-up that fails or is slow leaves the name empty.`,
		Example: "  switchboard serve\n  switchboard serve --addr 0.0.0.0:8080 --db postgres://switchboard@db:5432/switchboard\n" +
			"  switchboard serve --config switchboard.yaml",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return serve(cmd.Context(), env, o)
		},
	}
	c.Flags().StringVar(&o.addr, "addr", "127.0.0.1:8080", "the address to listen on")
	dbFlags(c, &o.dbOptions)
	c.Flags().StringVar(&o.flows, "flows", "examples/flows", "flows to publish on an empty database")
	c.Flags().StringVar(&o.logLevel, "log-level", "info", "debug, info, warn or error")
	c.Flags().StringVar(&o.logFormat, "log-format", "text", "text or json")
	c.Flags().DurationVar(&o.shutdown, "shutdown-timeout", 30*time.Second, "how long requests in flight may take to finish when stopping")
	c.Flags().DurationVar(&o.retryFor, "retry-for", dispatch.DefaultRetryFor, "how long a failing send to a network is retried")
	c.Flags().DurationVar(&o.lease, "lease", dispatch.DefaultLease, "how long a node holds the work it claims (payloads, timers, sends) before another node may take it over")
	c.Flags().DurationVar(&o.sendTimeout, "send-timeout", dispatch.DefaultSendTimeout, "how long one call to a network may take; a send in flight holds its row this long and 5s more")
	c.Flags().DurationVar(&o.profileTimeout, "profile-timeout", dispatch.DefaultProfileTimeout, "how long a new Messenger or Instagram session waits at most for the customer's profile (their name); past it the session starts without")
	c.Flags().IntVar(&o.profileLookups, "profile-lookups", dispatch.DefaultProfileLookups, "how many profile look-ups this node makes at once")
	c.Flags().IntVar(&o.maxConns, "db-max-conns", store.DefaultMaxConns, "how many connections to PostgreSQL this node opens at most (and one for notifications); at least 4")
	retentionFlags(c, &o.retention)
	addBudgetFlags(c, &o.budget)
	c.Flags().StringVar(&o.pprof, "pprof", "", "serve Go's profiler on this address (on this machine only), such as 127.0.0.1:6060")
	c.Flags().BoolVar(&o.accessLog, "access-log", false, "log every HTTP request: method, path, route, status, duration, bytes, request id, remote address")
	configure(c)
	return c
}

func newLogger(w io.Writer, level, format string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, usageError("--log-level %q: use debug, info, warn or error", level)
	}
	// durations are written as seconds; lines logged with a request's context name its id
	opts := &slog.HandlerOptions{Level: l, ReplaceAttr: telemetry.DurationSeconds}
	switch format {
	case "text":
		return slog.New(telemetry.NewLogHandler(slog.NewTextHandler(w, opts))), nil
	case "json":
		return slog.New(telemetry.NewLogHandler(slog.NewJSONHandler(w, opts))), nil
	}
	return nil, usageError("--log-format %q: use text or json", format)
}

func serve(ctx context.Context, env Env, o serveOptions) error {
	log, err := newLogger(env.Stderr, o.logLevel, o.logFormat)
	if err != nil {
		return err
	}
	if err := o.retention.check(); err != nil {
		return err
	}
	for name, d := range map[string]time.Duration{"lease": o.lease, "send-timeout": o.sendTimeout, "profile-timeout": o.profileTimeout} {
		if d <= 0 {
			return fmt.Errorf("--%s %s: must be a positive duration, such as 30s", name, d)
		}
	}
	if o.profileLookups < 1 || o.profileLookups > 1024 {
		return usageError("--profile-lookups %d: give a number from 1 to 1024", o.profileLookups)
	}
	if o.maxConns < 4 {
		return usageError("--db-max-conns %d: must be at least 4 (the committers and the claims each hold one)", o.maxConns)
	}
	limits, err := o.budget.limits()
	if err != nil {
		return err
	}
	// the port first: a port that is taken fails the start before the database (and the first
	// admin token, shown once) is made
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return usageError("listen on %s: %v", o.addr, err)
	}
	defer ln.Close()
	st, keys, err := o.openWith(ctx, true, o.maxConns)
	if err != nil {
		return err
	}
	defer st.Close()
	// every credential must decrypt before the server takes work: a wrong key fails here,
	// naming the channel and the credential, not on the first webhook
	secrets, err := st.SecretsStatus(ctx)
	if err != nil {
		return credentialsError(err)
	}
	if keys == nil {
		log.Warn("channel credentials are not encrypted at rest: give keys with --secret-key-file or " + secretKeyEnv)
	} else {
		log.Info("channel credentials are encrypted at rest", "key", keys.Current(), "keys", strings.Join(keys.IDs(), ","))
		if n := secrets[""]; n > 0 {
			log.Warn("some channel credentials are still in plain text: `switchboard secrets rotate` encrypts them", "count", n)
		}
	}
	if o.pprof != "" {
		if _, err := loopback("http://" + o.pprof); err != nil {
			return usageError("--pprof %q: the profiler listens on this machine only", o.pprof)
		}
		go func() {
			log.Info("profiler", "url", "http://"+o.pprof+"/debug/pprof/")
			if err := http.ListenAndServe(o.pprof, nil); err != nil {
				log.Warn("profiler", "err", err)
			}
		}()
	}
	build := buildInfo()
	secret, err := server.EnsureAdminToken(ctx, st)
	if err != nil {
		return usageError("create the first admin token: %v", err)
	}
	adminUsed, err := adminTokenUsed(ctx, st)
	if err != nil {
		return usageError("read the tokens: %v", err)
	}
	if o.flows != "" {
		loaded, err := server.LoadFlows(ctx, st, env.Registry, o.flows, "switchboard serve")
		switch {
		case errors.Is(err, os.ErrNotExist):
			log.Info("no flows to load", "dir", o.flows)
		case err != nil:
			log.Warn("some flows were not loaded", "dir", o.flows, "err", err)
		}
		if len(loaded) > 0 {
			log.Info("published flows", "dir", o.flows, "flows", strings.Join(loaded, ", "))
			// a first start with the examples gets a web chat to try them with
			if created, err := server.EnsureDemoWebchat(ctx, st, "switchboard serve"); err != nil {
				log.Warn("the demo web chat was not created", "err", err)
			} else if created {
				log.Info("created the demo web chat", "channel", server.DemoWebchatChannel, "page", "/demo/webchat")
			}
		}
	}
	// The workers stop after the server: requests in flight finish their work first.
	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	// tracing, when OTEL_EXPORTER_OTLP_ENDPOINT asks for it: spans of webhooks, runs, blocks
	// and sends; its shutdown exports the last spans after the workers stop
	tracing, err := telemetry.StartTracing(ctx, env.Getenv, build.Version)
	if err != nil {
		return usageError("tracing: %v", err)
	}
	if tracing != nil {
		log.Info("tracing to an OTLP collector", "endpoint", tracing.Endpoint())
	}
	defer func() {
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := tracing.Shutdown(shutdownCtx); err != nil {
			log.Warn("tracing: the last spans were not exported", "err", err)
		}
	}()
	// with tracing, each request to a network (a send) and of an http block is a span; without
	// it both keep their default clients (nil)
	sendHTTP := tracing.HTTPClient(&http.Client{Timeout: o.sendTimeout}) // the networks' client's own timeout
	if sendHTTP == nil {
		sendHTTP = &http.Client{Timeout: o.sendTimeout}
	}
	blockHTTP := tracing.HTTPClient(&http.Client{}) // as http.DefaultClient
	flowCache := dispatch.NewFlowCache(st, env.Registry)
	metrics := server.NewMetrics(nil)
	hub := routing.NewHub(workCtx, st.Bus())
	node := nodeName()
	acd := routing.New(routing.Config{Store: st, Hub: hub, Logger: log, Node: node})
	acd.Queued = metrics.QueueSize
	acd.Refused = metrics.AssignmentRefused
	acd.RouterFallback = metrics.RouterFallback
	networks := &channels.Client{HTTP: sendHTTP}
	dcfg := dispatch.Config{Store: st, Flows: flowCache, Sender: networks, Profiles: networks, ProfileTimeout: o.profileTimeout,
		ProfileLookups: o.profileLookups, Logger: log,
		Metrics: metrics, RetryFor: o.retryFor, Lease: o.lease, SendTimeout: o.sendTimeout, Queue: routing.NewQueue(st, acd), Observer: routing.Observer{Hub: hub}, Limits: limits,
		Tracer: tracing.Engine()}
	if blockHTTP != nil {
		dcfg.HTTP = blockHTTP
	}
	d := dispatch.New(dcfg)
	acd.Resumer = d
	srv := server.New(server.Config{Store: st, Registry: env.Registry, Logger: log, Editor: EditorFiles, Flows: flowCache,
		Dispatcher: d, Metrics: metrics, ACD: acd, Hub: hub, Limits: limits, AccessLog: o.accessLog,
		Tracer: tracing.Tracer(), Build: build})
	d.Start(workCtx)
	acdDone := make(chan struct{})
	go func() {
		defer close(acdDone)
		acd.Run(workCtx)
	}()
	pruner := dispatch.NewPruner(dispatch.PrunerConfig{Store: st, Policy: o.retention.policy, Logger: log, Node: node,
		Every: o.retention.every, Pruned: metrics.RowsPruned})
	prunerDone := make(chan struct{})
	go func() {
		defer close(prunerDone)
		pruner.Run(workCtx)
	}()
	// However serve ends, the workers finish before the store closes.
	defer func() {
		stopWork()
		d.Wait()
		<-acdDone
		<-prunerDone
		log.Info("stopped")
	}()
	log.Info("switchboard is listening", "url", "http://"+ln.Addr().String(), "database", st.Dialect(), "editor", EditorFiles != nil)
	// the banner and the token are for whoever started serve; with JSON logs they are log
	// lines on stderr, so that standard output carries nothing a log collector cannot parse
	stdout := env.Stdout
	if o.logFormat == "json" {
		stdout = logWriter{log}
	}
	if secret != "" {
		// after listening, so that the hint names the address taken (--addr may say port 0)
		fmt.Fprintf(stdout, "\nAn admin API token was created. It is shown only this once; keep it:\n\n    %s\n\n", secret)
		fmt.Fprintf(stdout, "Use it as: curl -H 'Authorization: Bearer %s' http://%s/api/v1/flows\n\n", secret, ln.Addr())
	}
	if secret == "" && !adminUsed {
		// the token printed at the first start may be lost (or was never seen): until an admin
		// token is used, every start says how to make another
		fmt.Fprintf(stdout, "\nNo admin token has been used on this database yet. To make one (shown once):\n\n    switchboard token create --role admin --db %s\n\n",
			shellQuote(dbArgument(o.db)))
	}
	fmt.Fprintf(stdout, "Switchboard is listening on http://%s (editor at /, API at /api/v1)\n", ln.Addr())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.Info("stopping: finishing requests in flight", "timeout", o.shutdown)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), o.shutdown)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// logWriter writes each text written to it as one log line at info level.
type logWriter struct{ log *slog.Logger }

func (w logWriter) Write(p []byte) (int, error) {
	w.log.Info(strings.TrimSpace(string(p)))
	return len(p), nil
}

// nodeName names this process among the nodes sharing a database: host and process id.
func nodeName() string {
	host, err := os.Hostname()
	if err != nil {
		host = "node"
	}
	return fmt.Sprintf("%s-%d", host, os.Getpid())
}

// redact hides a password in a database URL for messages.
func redact(url string) string {
	if i := strings.Index(url, "://"); i >= 0 {
		if at := strings.Index(url[i+3:], "@"); at >= 0 {
			userinfo := url[i+3 : i+3+at]
			if user, _, ok := strings.Cut(userinfo, ":"); ok {
				return url[:i+3] + user + ":***" + url[i+3+at:]
			}
		}
	}
	return url
}

// adminTokenUsed says whether an admin token of the database has ever been used.
func adminTokenUsed(ctx context.Context, st store.Store) (bool, error) {
	tokens, err := st.TokenList(ctx)
	if err != nil {
		return false, err
	}
	for _, t := range tokens {
		if t.Role == store.RoleAdmin && t.LastUsedAt != nil {
			return true, nil
		}
	}
	return false, nil
}

// dbArgument is --db as another command, run from any folder, reaches the same database: a
// SQLite file by its absolute path, a PostgreSQL URL without its password.
func dbArgument(db string) string {
	if path, ok := sqliteFile(db); ok {
		return path
	}
	return redact(db)
}

// shellQuote quotes a word for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:@%+=,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
