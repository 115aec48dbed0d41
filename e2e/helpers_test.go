package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/blocks"
	"github.com/switchboardhq/switchboard/channels"
	"github.com/switchboardhq/switchboard/channels/fakenet"
	"github.com/switchboardhq/switchboard/dispatch"
	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/routing"
	"github.com/switchboardhq/switchboard/server"
	"github.com/switchboardhq/switchboard/server/openapitest"
	"github.com/switchboardhq/switchboard/store"
	"github.com/switchboardhq/switchboard/store/storetest"
)

// backend names a fresh database for one test.
type backend = storetest.Backend

// eachBackend runs test once per database, in parallel.
var eachBackend = storetest.EachBackend

// epoch is the in-process servers' time: a few minutes after the webhook fixtures were
// written, so that their messaging windows are open.
var epoch = time.Date(2025, 11, 21, 11, 10, 0, 0, time.UTC)

// The channels an in-process node has, each with the fixtures' secrets.
const (
	pageChannel      = "acme-page"
	igChannel        = "acme-ig"
	xChannel         = "acme-x"
	webChannel       = "acme-web"
	signedWebChannel = "acme-web-signed"
	webSecret        = "switchboard-test-webchat-secret"
)

// node is a server and a dispatcher wired as `switchboard serve` wires them, listening on a
// loopback port, with a manual clock, on a fresh database whose channels point at fake networks.
type node struct {
	url    string
	st     store.Store
	db     *storetest.Raw
	clock  *engine.ManualClock
	d      *dispatch.Dispatcher
	graph  *fakenet.FakeGraph
	x      *fakenet.FakeX
	client *http.Client
	// logs keeps what the node logged, at every level.
	logs *logRecords
}

// logRecords keeps log records, for tests that check what a node logs.
type logRecords struct {
	mu   sync.Mutex
	list []slog.Record
}

// messages returns the string attribute key of every record logged with the message at the level.
func (l *logRecords) messages(level slog.Level, msg, key string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, r := range l.list {
		if r.Level == level && r.Message == msg {
			r.Attrs(func(a slog.Attr) bool {
				if a.Key == key {
					out = append(out, a.Value.String())
				}
				return true
			})
		}
	}
	return out
}

// recordingHandler keeps every record in its logRecords and passes it on to next.
type recordingHandler struct {
	logs *logRecords
	next slog.Handler
}

func (h recordingHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h recordingHandler) Handle(ctx context.Context, r slog.Record) error {
	h.logs.mu.Lock()
	h.logs.list = append(h.logs.list, r.Clone())
	h.logs.mu.Unlock()
	if h.next.Enabled(ctx, r.Level) {
		return h.next.Handle(ctx, r)
	}
	return nil
}

func (h recordingHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return recordingHandler{logs: h.logs, next: h.next.WithAttrs(as)}
}

func (h recordingHandler) WithGroup(name string) slog.Handler {
	return recordingHandler{logs: h.logs, next: h.next.WithGroup(name)}
}

// startNode starts a node on a fresh database of backend b, its server configured further by
// configure; it stops when the test ends.
func startNode(t *testing.T, b backend, configure ...func(*server.Config)) *node {
	t.Helper()
	url := b.URL(t)
	clock := engine.NewManualClock(epoch)
	logs := &logRecords{}
	log := slog.New(recordingHandler{logs: logs, next: testLogger(t).Handler()})
	ctx := context.Background()
	// credentials encrypted at rest, as a production node keeps them
	keys := storetest.Keyring(t, storetest.NewSecretKey("e2e"))
	st, err := store.Open(ctx, url, store.Options{Clock: clock, Migrate: true, Secrets: keys})
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	n := &node{st: st, db: storetest.OpenRaw(t, url), clock: clock, graph: fakenet.NewFakeGraph(t), x: fakenet.NewFakeX(t),
		client: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{}}, logs: logs}
	n.x.SetClock(clock)

	reg := blocks.NewRegistry()
	loaded, err := server.LoadFlows(ctx, st, reg, filepath.Join("testdata", "flows"), "e2e")
	require.NoError(t, err)
	require.ElementsMatch(t, []string{"replies", "webchat"}, loaded)
	n.channels(t)

	// as cmd/serve.go: the workers stop after the server
	workCtx, stopWork := context.WithCancel(context.Background())
	flowCache := dispatch.NewFlowCache(st, reg)
	metrics := server.NewMetrics(nil)
	hub := routing.NewHub(workCtx, st.Bus())
	acd := routing.New(routing.Config{Store: st, Hub: hub, Logger: log, Node: "e2e", Clock: clock})
	acd.Queued = metrics.QueueSize
	n.d = dispatch.New(dispatch.Config{Store: st, Flows: flowCache, Sender: &channels.Client{Clock: clock}, Logger: log,
		Metrics: metrics, Queue: routing.NewQueue(st, acd), Observer: routing.Observer{Hub: hub}, Clock: clock})
	acd.Resumer = n.d
	cfg := server.Config{Store: st, Registry: reg, Logger: log, Flows: flowCache, Dispatcher: n.d,
		Metrics: metrics, ACD: acd, Hub: hub, Clock: clock}
	for _, c := range configure {
		c(&cfg)
	}
	srv := server.New(cfg)
	n.d.Start(workCtx)
	acdDone := make(chan struct{})
	go func() {
		defer close(acdDone)
		acd.Run(workCtx)
	}()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	n.url = "http://" + ln.Addr().String()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	t.Cleanup(func() {
		n.client.CloseIdleConnections()
		shutdownCtx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := srv.Shutdown(shutdownCtx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		<-served
		stopWork()
		n.d.Wait()
		<-acdDone
	})
	return n
}

// channels stores the node's channels: the fake networks' with the fixtures' secrets, and two
// web chats, one signing its posts.
func (n *node) channels(t *testing.T) {
	t.Helper()
	fb, ig, x := n.graph.FacebookChannel(), n.graph.InstagramChannel(), n.x.Channel()
	for _, ch := range []store.Channel{
		{ID: pageChannel, Type: fb.Type, Credentials: fb.Credentials, Settings: fb.Settings, DefaultFlow: "replies"},
		{ID: igChannel, Type: ig.Type, Credentials: ig.Credentials, Settings: ig.Settings, DefaultFlow: "replies"},
		{ID: xChannel, Type: x.Type, Credentials: x.Credentials, Settings: x.Settings, DefaultFlow: "replies"},
		{ID: webChannel, Type: store.ChannelWebchat, DefaultFlow: "webchat"},
		{ID: signedWebChannel, Type: store.ChannelWebchat, Credentials: map[string]string{"secret": webSecret}, DefaultFlow: "webchat"},
	} {
		ch.Name, ch.Enabled = ch.ID, true
		_, err := n.st.ChannelCreate(context.Background(), ch, "e2e")
		require.NoError(t, err)
	}
}

// response is an answer of the node.
type response struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the answer's body.
func (r response) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.body, &m), "answer: %s", r.body)
	return m
}

// do makes a request of the node; header holds names and values.
func (n *node) do(t testing.TB, method, path string, body []byte, header ...string) response {
	t.Helper()
	return request(t, n.client, method, n.url+path, body, header...)
}

func request(t testing.TB, client *http.Client, method, url string, body []byte, header ...string) response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	require.NoError(t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	spec, err := openapitest.Load()
	require.NoError(t, err, "openapi.yaml")
	if err := spec.Check(req, body, resp, b); err != nil {
		t.Errorf("%s %s answered %d, which the OpenAPI document does not describe: %v\nbody: %s", method, req.URL.Path, resp.StatusCode, err, b)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

// fixture reads a webhook fixture's exact bytes and its signature header value.
func fixture(t testing.TB, name string) (body []byte, signature string) {
	t.Helper()
	dir := filepath.Join("..", "channels", "testdata", "webhooks")
	body, err := os.ReadFile(filepath.Join(dir, name))
	require.NoError(t, err)
	sig, err := os.ReadFile(filepath.Join(dir, strings.TrimSuffix(name, ".json")+".sig"))
	require.NoError(t, err)
	return body, strings.TrimSpace(string(sig))
}

// settle waits until every stored payload is processed and every outbox row is done.
func (n *node) settle(t testing.TB) {
	t.Helper()
	var last store.PipelineCounts
	require.Eventually(t, func() bool {
		c, err := n.st.PipelineCounts(context.Background())
		if err != nil {
			return false
		}
		last = c
		return c.PendingEvents == 0 && c.PendingOutbox == 0
	}, time.Minute, 5*time.Millisecond, "the pipeline did not settle: %+v", &last)
}

// snapshot is what the pipeline made so far, and what the networks were asked.
type snapshot struct {
	Interactions, Conversations, Sessions, Outbox, EventKeys int
	GraphRequests, XRequests                                 int
}

func (n *node) snapshot(t testing.TB) snapshot {
	t.Helper()
	return snapshot{
		Interactions:  n.db.Count(t, `SELECT count(*) FROM interactions`),
		Conversations: n.db.Count(t, `SELECT count(*) FROM conversations`),
		Sessions:      n.db.Count(t, `SELECT count(*) FROM sessions`),
		Outbox:        n.db.Count(t, `SELECT count(*) FROM outbox`),
		EventKeys:     n.db.Count(t, `SELECT count(*) FROM event_keys`),
		GraphRequests: len(n.graph.Requests()),
		XRequests:     len(n.x.Requests()),
	}
}

// interactions returns the interactions of a channel, oldest first.
func (n *node) interactions(t testing.TB, channelID string) []store.Interaction {
	t.Helper()
	ctx := context.Background()
	convs, err := n.st.ConversationList(ctx, store.ConversationListParams{ChannelID: channelID})
	require.NoError(t, err)
	var out []store.Interaction
	for i := len(convs) - 1; i >= 0; i-- {
		ins, err := n.st.InteractionList(ctx, convs[i].ID)
		require.NoError(t, err)
		out = append(out, ins...)
	}
	return out
}

// testLogger is the tests' logger.
var testLogger = storetest.Logger

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}
