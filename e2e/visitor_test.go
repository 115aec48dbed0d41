package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/server"
	"github.com/switchboardhq/switchboard/store"
)

// visitorChannel is a web chat without callback_url whose widget may live on shop.example.
const visitorChannel = "acme-visitors"

// shop is the page origin the visitor channel allows.
const shop = "https://shop.example"

// startVisitorNode starts a node with the visitor channel and small visitor limits: the node's
// clock stands still, so a limit never refills during a test.
func startVisitorNode(t *testing.T, b backend) *node {
	t.Helper()
	n := startNode(t, b, func(cfg *server.Config) {
		cfg.Webchat = server.WebchatLimits{VisitorBurst: 6, IPBurst: 1000, MaxFileBytes: 64 << 10}
	})
	_, err := n.st.ChannelCreate(context.Background(), store.Channel{ID: visitorChannel, Name: "Shop chat", Type: store.ChannelWebchat,
		DefaultFlow: "webchat", Enabled: true, Settings: map[string]any{"allowed_origins": []any{shop},
			"greeting": "¡Hola! Escribinos."}}, "e2e")
	require.NoError(t, err)
	return n
}

// session starts a visitor and returns the token.
func (n *node) session(t *testing.T) (token, visitor string) {
	t.Helper()
	r := n.do(t, "POST", "/webchat/"+visitorChannel+"/session", nil)
	require.Equal(t, 200, r.status, "%s", r.body)
	body := r.json(t)
	require.Equal(t, "¡Hola! Escribinos.", body["texts"].(map[string]any)["greeting"], "the widget's texts come from the channel")
	return body["token"].(string), body["visitor"].(string)
}

// say posts a visitor's message.
func (n *node) say(t *testing.T, token, id, text string) response {
	t.Helper()
	return n.do(t, "POST", "/webchat/"+visitorChannel+"/messages", mustJSON(t, map[string]any{"id": id, "text": text}),
		"Authorization", "Bearer "+token, "Content-Type", "application/json")
}

// sseEvent is one event of a stream.
type sseEvent struct {
	ID      int64
	Event   string
	Message store.WebchatMessage
	Raw     map[string]any
}

// stream opens a visitor's stream; header holds names and values (Last-Event-ID). Events
// arrive on the channel until the test ends or the stream closes.
func (n *node) stream(t *testing.T, token string, header ...string) (<-chan sseEvent, func()) {
	t.Helper()
	return n.streamOf(t, visitorChannel, token, header...)
}

// streamOf opens a visitor's stream on a channel.
func (n *node) streamOf(t *testing.T, channel, token string, header ...string) (<-chan sseEvent, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "GET", n.url+"/webchat/"+channel+"/stream", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := (&http.Client{}).Do(req)
	require.NoError(t, err)
	require.Equal(t, 200, resp.StatusCode)
	require.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	events := make(chan sseEvent, 100)
	go func() {
		defer close(events)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		var ev sseEvent
		var data string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "id: "):
				ev.ID, _ = strconv.ParseInt(strings.TrimPrefix(line, "id: "), 10, 64)
			case strings.HasPrefix(line, "event: "):
				ev.Event = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				data = strings.TrimPrefix(line, "data: ")
			case line == "" && data != "":
				_ = json.Unmarshal([]byte(data), &ev.Message)
				_ = json.Unmarshal([]byte(data), &ev.Raw)
				events <- ev
				ev, data = sseEvent{}, ""
			}
		}
	}()
	t.Cleanup(cancel)
	return events, cancel
}

// next reads n events of a stream, failing if they do not come within a generous bound.
func next(t *testing.T, events <-chan sseEvent, count int) []sseEvent {
	t.Helper()
	var out []sseEvent
	bound := time.NewTimer(20 * time.Second)
	defer bound.Stop()
	for len(out) < count {
		select {
		case ev, ok := <-events:
			require.True(t, ok, "the stream closed after %d of %d events", len(out), count)
			out = append(out, ev)
		case <-bound.C:
			require.FailNow(t, "events missing", "%d of %d events came", len(out), count)
		}
	}
	return out
}

func ids(evs []sseEvent) []int64 {
	out := make([]int64, len(evs))
	for i, e := range evs {
		out[i] = e.ID
	}
	return out
}

// The stream delivers a visitor's messages and the flow's replies once each, in order, and
// resumes after the Last-Event-ID a reconnecting browser sends; a message sent again is stored
// and handled once.
func TestWebchatStreamDeliversOnceInOrderAcrossReconnects(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		n := startVisitorNode(t, b)
		token, visitor := n.session(t)
		events, hangUp := n.stream(t, token)

		first := n.say(t, token, "m-1", "Quiero cambiar mi plan")
		require.Equal(t, 202, first.status, "%s", first.body)
		require.Equal(t, "stored", first.json(t)["status"])
		got := next(t, events, 2)
		require.Equal(t, []int64{1, 2}, ids(got))
		require.Equal(t, "in", got[0].Message.Direction)
		require.Equal(t, "Quiero cambiar mi plan", got[0].Message.Text)
		require.Equal(t, "out", got[1].Message.Direction)
		require.Equal(t, "Hola , ¿en qué te ayudamos?", got[1].Message.Text, "the flow's greeting reaches the visitor")

		hangUp()
		again := n.say(t, token, "m-1", "Quiero cambiar mi plan")
		require.Equal(t, 202, again.status, "%s", again.body)
		require.EqualValues(t, 1, again.json(t)["message"].(map[string]any)["id"], "a message sent again is stored once")
		require.Equal(t, 202, n.say(t, token, "m-2", "el plan familiar").status)
		n.settle(t)

		// the browser reconnects with the last id it saw: what came meanwhile, once, in order
		events, _ = n.stream(t, token, "Last-Event-ID", "2")
		got = next(t, events, 2)
		require.Equal(t, []int64{3, 4}, ids(got))
		require.Equal(t, "el plan familiar", got[0].Message.Text)
		require.Equal(t, "Gracias, anotamos: el plan familiar", got[1].Message.Text)
		// a later message comes next, numbered 5: nothing was sent twice in between
		require.Equal(t, 202, n.say(t, token, "m-3", "y algo más").status)
		require.Equal(t, []int64{5}, ids(next(t, events, 1)))

		require.Equal(t, []int64{6}, ids(next(t, events, 1)), "the new session's greeting")
		n.settle(t)
		ins := n.interactions(t, visitorChannel)
		require.Len(t, ins, 6, "three messages and three replies (the third message starts a new session), none twice")
		require.Equal(t, 6, n.db.Count(t, `SELECT count(DISTINCT key) FROM webchat_messages WHERE visitor = '`+visitor+`'`),
			"every message and reply is in the mailbox once")

		// polling reads the same mailbox
		poll := n.do(t, "GET", "/webchat/"+visitorChannel+"/messages?after=3", nil, "Authorization", "Bearer "+token)
		require.Equal(t, 200, poll.status, "%s", poll.body)
		msgs := poll.json(t)["messages"].([]any)
		require.Len(t, msgs, 3)
		require.EqualValues(t, 4, msgs[0].(map[string]any)["id"])

		// the widget acknowledges what it showed: the replies are delivered, for agents too
		ack := n.do(t, "POST", "/webchat/"+visitorChannel+"/delivered", mustJSON(t, map[string]any{"up_to": 6}),
			"Authorization", "Bearer "+token, "Content-Type", "application/json")
		require.Equal(t, 204, ack.status, "%s", ack.body)
		require.Equal(t, 3, n.db.Count(t, `SELECT count(*) FROM webchat_messages WHERE delivered = `+truth(b)+` AND visitor = '`+visitor+`'`))
		require.Equal(t, 3, n.db.Count(t, `SELECT count(*) FROM interactions WHERE channel_id = '`+visitorChannel+`' AND status = 'delivered'`))
	})
}

func truth(b backend) string {
	if b.Name == "sqlite" {
		return "1"
	}
	return "TRUE"
}

// A visitor reads only their own mailbox; tokens that the server did not sign for the channel,
// or that expired, are refused with a reason.
func TestWebchatVisitorsAreKeptApart(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		n := startVisitorNode(t, b)
		ana, _ := n.session(t)
		bruno, _ := n.session(t)
		require.Equal(t, 202, n.say(t, ana, "a-1", "mi número de cliente es 4711").status)
		n.settle(t)

		read := func(token string) response {
			return n.do(t, "GET", "/webchat/"+visitorChannel+"/messages?after=0", nil, "Authorization", "Bearer "+token)
		}
		require.Len(t, read(ana).json(t)["messages"], 2, "Ana reads her message and the greeting")
		require.Empty(t, read(bruno).json(t)["messages"], "Bruno reads nothing of Ana's")
		events, _ := n.stream(t, bruno)
		require.Equal(t, 202, n.say(t, bruno, "b-1", "hola").status)
		got := next(t, events, 2)
		require.Equal(t, []int64{1, 2}, ids(got), "Bruno's stream numbers his own mailbox")
		require.Equal(t, "hola", got[0].Message.Text)

		// Ana's file is hers
		up := n.do(t, "POST", "/webchat/"+visitorChannel+"/files?name=nota.txt", []byte("número 4711"),
			"Authorization", "Bearer "+ana, "Content-Type", "text/plain")
		require.Equal(t, 201, up.status, "%s", up.body)
		file := up.json(t)["url"].(string)
		require.Equal(t, 200, n.do(t, "GET", file, nil, "Authorization", "Bearer "+ana).status)
		require.Equal(t, 404, n.do(t, "GET", file, nil, "Authorization", "Bearer "+bruno).status)
		fake := n.do(t, "POST", "/webchat/"+visitorChannel+"/files?name=x.png", []byte("<html><script>alert(1)</script>"),
			"Authorization", "Bearer "+ana, "Content-Type", "image/png")
		require.Equal(t, 400, fake.status, "a page passed off as an image is refused: %s", fake.body)
		big := n.do(t, "POST", "/webchat/"+visitorChannel+"/files?name=big.txt", []byte(strings.Repeat("a", 65<<10)),
			"Authorization", "Bearer "+ana, "Content-Type", "text/plain")
		require.Equal(t, 413, big.status, "%s", big.body)

		parts := strings.Split(ana, ".")
		for name, tc := range map[string]struct{ token, code string }{
			"forged signature": {parts[0] + "." + parts[1] + "." + parts[2] + ".AAAA", "invalid_token"},
			"another visitor":  {parts[0] + "." + strings.Split(bruno, ".")[1] + "." + parts[2] + "." + parts[3], "invalid_token"},
			"malformed":        {"not-a-token", "invalid_token"},
		} {
			r := read(tc.token)
			require.Equal(t, 401, r.status, name)
			require.Equal(t, tc.code, r.json(t)["error"].(map[string]any)["code"], name)
		}
		other := n.do(t, "GET", "/webchat/"+webChannel+"/messages", nil, "Authorization", "Bearer "+ana)
		require.Equal(t, 401, other.status, "a token of one channel is refused by another")
		require.Contains(t, other.json(t)["error"].(map[string]any)["message"], "not issued by this server for web chat "+webChannel)

		n.clock.Advance(server.VisitorTokenTTL + time.Minute)
		expired := read(ana)
		require.Equal(t, 401, expired.status)
		require.Equal(t, "token_expired", expired.json(t)["error"].(map[string]any)["code"])
		require.Contains(t, expired.json(t)["error"].(map[string]any)["message"], "POST /webchat/"+visitorChannel+"/session")
	})
}

// Pages of an allowed origin get CORS answers, preflights included; others are refused without
// CORS headers; every answer varies by Origin.
func TestWebchatCORS(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		n := startVisitorNode(t, b)
		path := "/webchat/" + visitorChannel + "/messages"
		pre := n.do(t, "OPTIONS", path, nil, "Origin", shop, "Access-Control-Request-Method", "POST",
			"Access-Control-Request-Headers", "authorization, content-type")
		require.Equal(t, 204, pre.status, "%s", pre.body)
		require.Equal(t, shop, pre.header.Get("Access-Control-Allow-Origin"))
		require.Contains(t, pre.header.Get("Access-Control-Allow-Headers"), "Authorization")
		require.Contains(t, pre.header.Get("Access-Control-Allow-Methods"), "POST")
		require.Empty(t, pre.header.Get("Access-Control-Allow-Credentials"), "tokens travel in headers, never cookies")
		require.Contains(t, pre.header.Values("Vary"), "Origin")

		s := n.do(t, "POST", "/webchat/"+visitorChannel+"/session", nil, "Origin", shop)
		require.Equal(t, 200, s.status)
		require.Equal(t, shop, s.header.Get("Access-Control-Allow-Origin"))

		for _, origin := range []string{"https://evil.example", "https://shop.example.evil.example", "http://shop.example"} {
			for _, method := range []string{"OPTIONS", "POST"} {
				r := n.do(t, method, "/webchat/"+visitorChannel+"/session", nil, "Origin", origin, "Access-Control-Request-Method", "POST")
				require.Equal(t, 403, r.status, "%s %s", method, origin)
				require.Empty(t, r.header.Get("Access-Control-Allow-Origin"), "no CORS headers for %s", origin)
				require.Contains(t, r.header.Values("Vary"), "Origin")
				require.Equal(t, "origin_refused", r.json(t)["error"].(map[string]any)["code"])
			}
		}
		// the server's own pages (the demo) are always allowed
		self := n.do(t, "POST", "/webchat/"+visitorChannel+"/session", nil, "Origin", n.url)
		require.Equal(t, 200, self.status, "%s", self.body)
		require.Equal(t, 404, n.do(t, "POST", "/webchat/"+pageChannel+"/session", nil).status, "only web chats have visitors")
	})
}

// A visitor who sends faster than the limit gets 429 with Retry-After, and nothing is stored of
// the refused message.
func TestWebchatRateLimit(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		n := startVisitorNode(t, b)
		token, visitor := n.session(t)
		var last response
		sent := 0
		for i := range 10 {
			last = n.say(t, token, fmt.Sprintf("r-%d", i), "hola")
			if last.status != 202 {
				break
			}
			sent++
		}
		require.Equal(t, 6, sent, "the burst is 6")
		require.Equal(t, 429, last.status, "%s", last.body)
		require.NotEmpty(t, last.header.Get("Retry-After"))
		require.Equal(t, "rate_limited", last.json(t)["error"].(map[string]any)["code"])
		n.settle(t)
		require.Equal(t, 6, n.db.Count(t, `SELECT count(*) FROM webchat_messages WHERE direction = 'in' AND visitor = '`+visitor+`'`))
		other, _ := n.session(t)
		require.Equal(t, 202, n.say(t, other, "o-1", "hola").status, "another visitor has a limit of their own")
	})
}

// visitorAgentFlow greets and routes the visitor to the general skill.
const visitorAgentFlow = `switchboard: 1
id: visitor-agent
name: Visitor to agent
blocks:
  chat:
    type: webchat.trigger
    next: {message: hello}
  hello:
    type: reply
    params: {text: "Un momento, te paso con alguien."}
    next: {sent: route, failed: end}
  route:
    type: route.skill
    params: {skill: general, timeout: 15m}
    next: {done: end, timeout: end, overflow: end, no_agents: end}
  end:
    type: end
`

// publishVisitorAgentFlow publishes the flow that routes a visitor to the skill general.
func publishVisitorAgentFlow(t *testing.T, n *node) {
	t.Helper()
	ctx := context.Background()
	_, err := n.st.FlowCreate(ctx, store.Flow{ID: "visitor-agent", Name: "Visitor to agent", Source: visitorAgentFlow, Format: "yaml"}, "e2e")
	require.NoError(t, err)
	_, err = n.st.FlowPublish(ctx, store.FlowPublishParams{ID: "visitor-agent", Source: visitorAgentFlow, Format: "yaml", Author: "e2e"})
	require.NoError(t, err)
}

// An agent's reply through the agent API goes through the outbox to the visitor's mailbox and
// stream, once; the outbox row is sent when the mailbox has it. The test logs the delivery
// latency (reply POST to event), and asserts nothing of it.
func TestWebchatAgentReplyReachesTheStream(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		n := startVisitorNode(t, b)
		ctx := context.Background()
		publishVisitorAgentFlow(t, n)
		_, err := n.st.SkillPut(ctx, store.Skill{Name: "general"}, "e2e")
		require.NoError(t, err)
		_, err = n.st.AgentPut(ctx, store.Agent{ID: "ana", Name: "Ana", Skills: map[string]int{"general": 10}, Capacity: 3}, "e2e")
		require.NoError(t, err)
		secret, hash := server.NewToken()
		_, err = n.st.TokenCreate(ctx, store.Token{Name: "ana", Role: store.RoleAgent, Agent: "ana", Hash: hash}, "e2e")
		require.NoError(t, err)
		_, err = n.st.ChannelCreate(ctx, store.Channel{ID: "acme-agents", Name: "acme-agents", Type: store.ChannelWebchat,
			DefaultFlow: "visitor-agent", Enabled: true}, "e2e")
		require.NoError(t, err)
		agent := func(method, path string, body []byte) response {
			return n.do(t, method, path, body, "Authorization", "Bearer "+secret, "Content-Type", "application/json")
		}
		require.Equal(t, 200, agent("POST", "/api/v1/agent/login", nil).status)

		r := n.do(t, "POST", "/webchat/acme-agents/session", nil)
		require.Equal(t, 200, r.status, "%s", r.body)
		token := r.json(t)["token"].(string)
		req, err := http.NewRequest("GET", n.url+"/webchat/acme-agents/stream", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := (&http.Client{}).Do(req)
		require.NoError(t, err)
		t.Cleanup(func() { resp.Body.Close() })
		lines := make(chan string, 100)
		go func() {
			defer close(lines)
			sc := bufio.NewScanner(resp.Body)
			for sc.Scan() {
				if strings.HasPrefix(sc.Text(), "data: ") {
					lines <- strings.TrimPrefix(sc.Text(), "data: ")
				}
			}
		}()
		read := func() store.WebchatMessage {
			t.Helper()
			select {
			case l, ok := <-lines:
				require.True(t, ok, "the stream closed")
				var m store.WebchatMessage
				require.NoError(t, json.Unmarshal([]byte(l), &m))
				return m
			case <-time.After(20 * time.Second):
				require.FailNow(t, "no event came")
			}
			return store.WebchatMessage{}
		}
		post := n.do(t, "POST", "/webchat/acme-agents/messages", mustJSON(t, map[string]any{"id": "q-1", "text": "mi factura"}),
			"Authorization", "Bearer "+token, "Content-Type", "application/json")
		require.Equal(t, 202, post.status, "%s", post.body)
		require.Equal(t, "mi factura", read().Text)
		require.Equal(t, "Un momento, te paso con alguien.", read().Text)

		var conversation string
		require.Eventually(t, func() bool {
			desk := agent("GET", "/api/v1/agent", nil).json(t)
			convs, _ := desk["conversations"].([]any)
			if len(convs) == 0 {
				return false
			}
			conversation = convs[0].(map[string]any)["conversation_id"].(string)
			return true
		}, time.Minute, 10*time.Millisecond, "the conversation is assigned to Ana")

		start := time.Now()
		reply := agent("POST", "/api/v1/agent/conversations/"+conversation+"/reply", mustJSON(t, map[string]any{"text": "Hola, soy Ana. ¿Qué pasó con la factura?"}))
		require.Equal(t, 202, reply.status, "%s", reply.body)
		got := read()
		t.Logf("%s: agent reply POST to stream event: %s", b.Name, time.Since(start).Round(time.Microsecond))
		require.Equal(t, "Hola, soy Ana. ¿Qué pasó con la factura?", got.Text)
		require.Equal(t, "ana", got.Agent)
		require.EqualValues(t, 3, got.Seq)
		n.settle(t)
		require.Equal(t, 1, n.db.Count(t, `SELECT count(*) FROM outbox WHERE channel_id = 'acme-agents' AND status = 'sent'`),
			"the agent's outbox row is sent, once it is in the mailbox")
		require.Equal(t, 1, n.db.Count(t, `SELECT count(*) FROM webchat_messages WHERE channel_id = 'acme-agents' AND agent = 'ana'`))
	})
}
