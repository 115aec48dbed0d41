package routingtest

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/channels"
	"github.com/switchboardhq/switchboard/dispatch"
	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/routing"
	"github.com/switchboardhq/switchboard/server"
	"github.com/switchboardhq/switchboard/server/openapitest"
	"github.com/switchboardhq/switchboard/store"
	"github.com/switchboardhq/switchboard/store/storetest"
)

// day is the scripted day's midnight: Tuesday 17 November 2026, UTC.
var day = time.Date(2026, 11, 17, 0, 0, 0, 0, time.UTC)

// at is a time of the scripted day, such as at("09:05:30").
func at(clock string) time.Time {
	t, err := time.Parse("15:04:05", clock)
	if err != nil {
		panic(err)
	}
	return day.Add(time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute + time.Duration(t.Second())*time.Second)
}

// backend opens a fresh, migrated database with a clock.
type backend struct {
	name string
	open func(t testing.TB, opts store.Options) store.Store
	url  func(t testing.TB) string
}

var backends = []backend{
	{"sqlite", func(t testing.TB, o store.Options) store.Store { return storetest.OpenSQLite(t, o) }, storetest.MigratedSQLiteURL},
	{"postgres", func(t testing.TB, o store.Options) store.Store { return storetest.OpenPostgres(t, o) }, storetest.MigratedPostgresURL},
}

// eachBackend runs a scenario once per database, each on its own contact centre.
func eachBackend(t *testing.T, scenario func(t *testing.T, c *centre)) {
	t.Helper()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			scenario(t, startCentre(t, b))
		})
	}
}

// centre is a running Switchboard: its API on a loopback port, and the pieces the tests drive.
type centre struct {
	url   string
	clock *engine.ManualClock
	st    store.Store
	// racing is the store as the ACD sees it, where a test can slip in another node's work.
	racing *racingStore
	acd    *routing.ACD
	d      *dispatch.Dispatcher
	admin  string
	http   *http.Client
	ctx    context.Context
}

// messages numbers the customers' messages, whichever node they go to.
var messages atomic.Int64

// startCentre wires a server, a dispatcher, a hub and an ACD on a database as switchboard serve
// does, with a manual clock at 08:00 of the scripted day, and stops them when the test ends.
func startCentre(t *testing.T, b backend) *centre {
	t.Helper()
	clock := engine.NewManualClock(at("08:00:00"))
	st := b.open(t, store.Options{Clock: clock})
	return startNode(t, st, clock, "test")
}

// startNode wires a node on a store.
func startNode(t *testing.T, st store.Store, clock *engine.ManualClock, node string) *centre {
	t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	log := slog.New(slog.DiscardHandler)
	reg := engine.DefaultRegistry()
	flows := dispatch.NewFlowCache(st, reg)
	hub := routing.NewHub(ctx, st.Bus())
	racing := &racingStore{Store: st}
	acd := routing.New(routing.Config{Store: racing, Hub: hub, Clock: clock, Logger: log, Node: node})
	// The workers poll rarely: the tests say when due work runs.
	d := dispatch.New(dispatch.Config{Store: st, Flows: flows, Sender: &channels.Client{Clock: clock}, Clock: clock, Logger: log,
		Queue: routing.NewQueue(st, acd), Observer: routing.Observer{Hub: hub}, Poll: time.Hour})
	acd.Resumer = d
	srv := server.New(server.Config{Store: st, Registry: reg, Clock: clock, Logger: log, Flows: flows, Dispatcher: d, ACD: acd, Hub: hub})
	d.Start(ctx)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = srv.Serve(ln) }()
	c := &centre{url: "http://" + ln.Addr().String(), clock: clock, st: st, racing: racing, acd: acd, d: d, ctx: ctx,
		http: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{}}}
	t.Cleanup(func() {
		c.http.CloseIdleConnections()
		shutdown, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := srv.Shutdown(shutdown); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		stop()
		d.Wait()
	})
	secret, hash := server.NewToken()
	_, err = st.TokenCreate(ctx, store.Token{Name: "test admin", Role: store.RoleAdmin, Hash: hash}, "test")
	require.NoError(t, err)
	c.admin = secret
	return c
}

// racingStore is a store with hooks that run once, the next time a session is read or a
// transaction begins: what another node does between two steps of this one.
type racingStore struct {
	store.Store
	hook, txHook atomic.Pointer[func()]
}

func (s *racingStore) SessionGet(ctx context.Context, id string) (store.Session, error) {
	if f := s.hook.Swap(nil); f != nil {
		(*f)()
	}
	return s.Store.SessionGet(ctx, id)
}

func (s *racingStore) InTx(ctx context.Context, fn func(store.Tx) error) error {
	if f := s.txHook.Swap(nil); f != nil {
		(*f)()
	}
	return s.Store.InTx(ctx, fn)
}

// meanwhile runs f the next time the ACD reads a session.
func (c *centre) meanwhile(f func()) { c.racing.hook.Store(&f) }

// meanwhileTx runs f the next time the ACD begins a transaction of its own.
func (c *centre) meanwhileTx(f func()) { c.racing.txHook.Store(&f) }

// answer is an HTTP response, read whole.
type answer struct {
	what   string
	status int
	body   []byte
}

// call sends a request with a token ("" for none) and a JSON body (nil for none), and checks
// the answer against the OpenAPI document.
func (c *centre) call(t *testing.T, token, method, path string, body any) *answer {
	t.Helper()
	var r io.Reader
	var sent []byte
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		sent = b
		r = strings.NewReader(string(b))
	}
	req, err := http.NewRequest(method, c.url+path, r)
	require.NoError(t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.http.Do(req)
	require.NoError(t, err, "%s %s", method, path)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	spec, err := openapitest.Load()
	require.NoError(t, err, "openapi.yaml")
	if err := spec.Check(req, sent, resp, b); err != nil {
		t.Errorf("%s %s answered %d, which the OpenAPI document does not describe: %v\nbody: %s", method, path, resp.StatusCode, err, b)
	}
	return &answer{what: method + " " + path, status: resp.StatusCode, body: b}
}

// expect checks the status.
func (a *answer) expect(t *testing.T, status int) *answer {
	t.Helper()
	require.Equal(t, status, a.status, "%s: want %d, got %d: %s", a.what, status, a.status, a.body)
	return a
}

// decode reads the JSON body into v.
func (a *answer) decode(t *testing.T, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(a.body, v), "%s: %s", a.what, a.body)
}

// refused checks the answer is an error with a status and a code, and returns its message.
func (a *answer) refused(t *testing.T, status int, code string) string {
	t.Helper()
	a.expect(t, status)
	var e struct {
		Error struct{ Code, Message, Field string } `json:"error"`
	}
	a.decode(t, &e)
	require.Equal(t, code, e.Error.Code, "%s: %s", a.what, a.body)
	return e.Error.Message
}

// admin calls the API as the admin.
func (c *centre) adminCall(t *testing.T, method, path string, body any) *answer {
	t.Helper()
	return c.call(t, c.admin, method, path, body)
}

// flowSource is a published flow for a channel's conversations: optionally a contact look-up,
// then route.skill to the channel's default skill, and a reply for each way out.
func flowSource(id string, lookup bool, routeParams string) string {
	first := "route"
	if lookup {
		first = "who"
	}
	return fmt.Sprintf(`switchboard: 1
id: %[1]s
name: %[1]s
blocks:
  chat:
    type: webchat.trigger
    next: {message: %[2]s}
  who:
    type: contact.lookup
    next: {found: route, created: route}
  route:
    type: route.skill
    params: {%[3]s}
    next: {done: thanks, timeout: late, overflow: full, no_agents: nobody}
  thanks:
    type: reply
    params: {text: "Closed by {{ vars.agent }} as {{ vars.disposition }}."}
    next: {sent: end, failed: end}
  late:
    type: reply
    params: {text: "Nobody could take it in time."}
    next: {sent: end, failed: end}
  full:
    type: reply
    params: {text: "The queue is full."}
    next: {sent: end, failed: end}
  nobody:
    type: reply
    params: {text: "Nobody is here."}
    next: {sent: end, failed: end}
  end:
    type: end
`, id, first, routeParams)
}

// publishFlow creates and publishes a flow.
func (c *centre) publishFlow(t *testing.T, source string) string {
	t.Helper()
	var f struct {
		ID string `json:"id"`
	}
	c.adminCall(t, "POST", "/api/v1/flows", map[string]any{"source": source}).expect(t, 201).decode(t, &f)
	c.adminCall(t, "POST", "/api/v1/flows/"+f.ID+"/publish", nil).expect(t, 201)
	return f.ID
}

// skill creates a skill.
func (c *centre) skill(t *testing.T, name string, body map[string]any) {
	t.Helper()
	if body == nil {
		body = map[string]any{}
	}
	c.adminCall(t, "PUT", "/api/v1/skills/"+name, body).expect(t, 200)
}

// channel creates a web chat channel whose conversations run a flow and route to a skill.
func (c *centre) channel(t *testing.T, id, flow, skill string, settings map[string]any) {
	t.Helper()
	if settings == nil {
		settings = map[string]any{}
	}
	c.adminCall(t, "POST", "/api/v1/channels", map[string]any{"id": id, "type": "webchat", "name": id,
		"settings": settings, "default_flow": flow, "default_skill": skill, "enabled": true}).expect(t, 201)
}

// agent creates an agent and an agent token for it, and returns the token.
func (c *centre) agent(t *testing.T, id string, body map[string]any) string {
	t.Helper()
	c.adminCall(t, "PUT", "/api/v1/agents/"+id, body).expect(t, 200)
	var tok struct {
		Secret string `json:"secret"`
	}
	c.adminCall(t, "POST", "/api/v1/tokens", map[string]any{"name": id + "'s screen", "role": "agent", "agent": id}).expect(t, 201).decode(t, &tok)
	require.NotEmpty(t, tok.Secret)
	return tok.Secret
}

// login logs an agent in.
func (c *centre) login(t *testing.T, token string) {
	t.Helper()
	c.call(t, token, "POST", "/api/v1/agent/login", nil).expect(t, 200)
}

// outcome is what the web chat webhook answers with ?wait.
type outcome struct {
	ConversationID string   `json:"conversation_id"`
	SessionID      string   `json:"session_id"`
	Delivered      string   `json:"delivered"`
	Status         string   `json:"status"`
	Path           []string `json:"path"`
	Exits          []string `json:"exits"`
	Actions        []action `json:"actions"`
	Error          *string  `json:"error"`
}

// action is an action of a session's outcome.
type action struct {
	Type    string `json:"type"`
	Text    string `json:"text"`
	Outcome string `json:"outcome"`
	Skill   string `json:"skill"`
}

// write posts a customer's message to a web chat channel, now, and returns the outcome.
func (c *centre) write(t *testing.T, channel, customer, text string) outcome {
	t.Helper()
	body := map[string]any{"id": fmt.Sprintf("msg-%d", messages.Add(1)), "text": text, "author": map[string]any{"id": customer, "name": customer}}
	var got struct {
		Outcome *outcome `json:"outcome"`
	}
	c.call(t, "", "POST", "/webhooks/webchat/"+channel+"?wait=20s", body).expect(t, 200).decode(t, &got)
	require.NotNil(t, got.Outcome, "the message to %s was handled", channel)
	require.Nil(t, got.Outcome.Error, "the session failed")
	return *got.Outcome
}

// waitsForAgent writes a message that starts a session waiting in route.skill, and returns the
// conversation's id.
func (c *centre) waitsForAgent(t *testing.T, channel, customer string) string {
	t.Helper()
	o := c.write(t, channel, customer, "hello, I need help")
	require.Equal(t, "waiting", o.Status, "the session waits: path %v exits %v", o.Path, o.Exits)
	require.Equal(t, "route", o.Path[len(o.Path)-1], "it waits in route.skill")
	return o.ConversationID
}

// step runs one cycle of the ACD.
func (c *centre) step(t *testing.T) {
	t.Helper()
	c.acd.Step(c.ctx)
	require.True(t, c.acd.Leader(), "the only node leads")
}

// advance moves the clock forward, then fires the timers and sends the outbox rows due.
func (c *centre) advance(d time.Duration) {
	c.clock.Advance(d)
	c.d.RunDue(c.ctx)
}

// setTime moves the clock to a time of the scripted day, then fires what is due.
func (c *centre) setTime(t *testing.T, clock string) {
	t.Helper()
	to := at(clock)
	require.False(t, to.Before(c.clock.Now()), "the clock does not go back to %s", clock)
	c.clock.Set(to)
	c.d.RunDue(c.ctx)
}

// desk is an agent's screen: what rings for it and what it serves.
type desk struct {
	Agent struct {
		ID string `json:"id"`
	} `json:"agent"`
	State         store.AgentState   `json:"state"`
	Offers        []store.QueueEntry `json:"offers"`
	Conversations []store.QueueEntry `json:"conversations"`
	BreakReasons  []string           `json:"break_reasons"`
}

func (c *centre) desk(t *testing.T, token string) desk {
	t.Helper()
	var d desk
	c.call(t, token, "GET", "/api/v1/agent", nil).expect(t, 200).decode(t, &d)
	return d
}

// serving returns the conversations an agent serves.
func (c *centre) serving(t *testing.T, token string) []string {
	t.Helper()
	out := []string{}
	for _, e := range c.desk(t, token).Conversations {
		out = append(out, e.ConversationID)
	}
	slices.Sort(out)
	return out
}

// ringing returns the offers ringing for an agent, by conversation.
func (c *centre) ringing(t *testing.T, token string) map[string]store.QueueEntry {
	t.Helper()
	out := map[string]store.QueueEntry{}
	for _, e := range c.desk(t, token).Offers {
		out[e.ConversationID] = e
	}
	return out
}

// answer accepts or rejects an offer, its ref escaped as a browser would.
func (c *centre) answer(t *testing.T, token, ref, verb string) *answer {
	t.Helper()
	return c.call(t, token, "POST", "/api/v1/agent/offers/"+url.PathEscape(ref)+"/"+verb, nil)
}

// conversation is a conversation with its transcript, as supervisors see it.
type conversation struct {
	store.Conversation
	Interactions []store.Interaction `json:"interactions"`
}

func (c *centre) conversation(t *testing.T, id string) conversation {
	t.Helper()
	var conv conversation
	c.adminCall(t, "GET", "/api/v1/conversations/"+id, nil).expect(t, 200).decode(t, &conv)
	return conv
}

// said returns what we wrote in a conversation, in order.
func (conv conversation) said() []string {
	out := []string{}
	for _, in := range conv.Interactions {
		if in.Direction == store.Outbound {
			out = append(out, in.Text)
		}
	}
	return out
}

// queue returns the open queue entries, by conversation.
func (c *centre) queue(t *testing.T) map[string]store.QueueEntry {
	t.Helper()
	var entries []store.QueueEntry
	c.adminCall(t, "GET", "/api/v1/queue", nil).expect(t, 200).decode(t, &entries)
	out := map[string]store.QueueEntry{}
	for _, e := range entries {
		out[e.ConversationID] = e
	}
	return out
}

// agentState returns an agent's state as supervisors see it.
func (c *centre) agentState(t *testing.T, id string) store.AgentState {
	t.Helper()
	var states []store.AgentState
	c.adminCall(t, "GET", "/api/v1/agent-states", nil).expect(t, 200).decode(t, &states)
	for _, s := range states {
		if s.AgentID == id {
			return s
		}
	}
	return store.AgentState{AgentID: id, State: routing.StateOffline}
}

// close closes an agent's conversation with a disposition.
func (c *centre) close(t *testing.T, token, conv, disposition string) *answer {
	t.Helper()
	return c.call(t, token, "POST", "/api/v1/agent/conversations/"+conv+"/close", map[string]any{"disposition": disposition})
}

// eventually polls a condition until it holds, failing the test after two minutes: a bound for
// a stuck test, far past what a loaded machine takes. The polls start at once and grow apart,
// so that a wait that is not over at once does not spend the machine's time on queries.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	const limit = 2 * time.Minute
	deadline := time.Now().Add(limit)
	pause := time.Millisecond
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %s", limit, what)
		}
		time.Sleep(pause) // polling the state, bounded by the deadline
		pause = min(2*pause, 50*time.Millisecond)
	}
}

// sse reads a stream of server-sent events.
type sse struct {
	events chan sseEvent
	cancel func()
}

type sseEvent struct {
	Type string
	Data string
}

// stream opens a server-sent event stream with a token; it closes when the test ends.
func (c *centre) stream(t *testing.T, token, path string) *sse {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "GET", c.url+path, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := (&http.Client{Transport: &http.Transport{}}).Do(req)
	require.NoError(t, err)
	require.Equal(t, 200, resp.StatusCode)
	require.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	s := &sse{events: make(chan sseEvent, 256), cancel: cancel}
	go func() {
		defer resp.Body.Close()
		defer close(s.events)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				ev.Type = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ev.Data = strings.TrimPrefix(line, "data: ")
			case line == "" && ev.Type != "":
				select {
				case s.events <- ev:
				case <-ctx.Done():
					return
				}
				ev = sseEvent{}
			}
		}
	}()
	t.Cleanup(cancel)
	return s
}

// next waits for the first event that matches, failing the test after two minutes: a bound for
// a stuck test, far past what a loaded machine takes.
func (s *sse) next(t *testing.T, what string, match func(sseEvent) bool) sseEvent {
	t.Helper()
	timeout := time.After(2 * time.Minute)
	for {
		select {
		case ev, ok := <-s.events:
			require.True(t, ok, "the stream ended before %s", what)
			if match(ev) {
				return ev
			}
		case <-timeout:
			t.Fatalf("no %s within 2m", what)
		}
	}
}

// q escapes a query value.
func q(v string) string { return url.QueryEscape(v) }
