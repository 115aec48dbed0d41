package e2e

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/channels"
	"github.com/switchboardhq/switchboard/channels/fakenet"
	"github.com/switchboardhq/switchboard/store/storetest"
)

// onceFlags are serve's flags in the exactly-once tests: short leases and send timeouts, so
// that a dead node's work is taken over within seconds.
var onceFlags = []string{"--lease", "2s", "--send-timeout", "1s"}

// onceFlows is the flow that answers every Instagram message once.
var onceFlows = filepath.Join("testdata", "once")

// onceRounds is how many rounds of how many messages the kill tests run: one of 200, or, with
// SWITCHBOARD_EXACTLY_ONCE_FIGURES set, three of 1000 for the figures.
func onceRounds() (rounds, perRound int) {
	if os.Getenv("SWITCHBOARD_EXACTLY_ONCE_FIGURES") != "" {
		return 3, 1000
	}
	return 1, 200
}

// createInstagram creates the Instagram channel "ig", whose replies go to the fake graph.
func createInstagram(t *testing.T, p *serveProcess, admin string, graph *fakenet.FakeGraph) {
	t.Helper()
	ig := graph.InstagramChannel()
	p.createChannel(t, admin, map[string]any{"id": "ig", "type": "instagram", "default_flow": "once",
		"credentials": ig.Credentials, "settings": ig.Settings})
}

// postDM posts customer i's Instagram message of a round, signed as Meta signs it; ok is true
// when it was acknowledged.
func postDM(client *http.Client, url string, round, i int) (ok bool) {
	at := time.Now().UnixMilli()
	body := fmt.Sprintf(`{"object":"instagram","entry":[{"id":%q,"time":%d,"messaging":[{"sender":{"id":"IGSID-%d-%d"},`+
		`"recipient":{"id":%q},"timestamp":%d,"message":{"mid":"mid-%d-%d","text":"hola"}}]}]}`,
		fakenet.IGAccountID, at, round, i, fakenet.IGAccountID, at, round, i)
	req, err := http.NewRequest(http.MethodPost, url+"/webhooks/instagram/ig", strings.NewReader(body))
	if err != nil {
		return false
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(channels.HeaderMetaSignature, channels.SignHex(fakenet.AppSecret, []byte(body)))
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// postRound posts a round's messages from eight senders, to the processes in turn, and
// requires that every one is acknowledged.
func postRound(t *testing.T, procs []*serveProcess, round, total int) {
	t.Helper()
	client := &http.Client{Timeout: time.Minute}
	defer client.CloseIdleConnections()
	next := make(chan int, total)
	for i := range total {
		next <- i
	}
	close(next)
	failed := make(chan int, total)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for i := range next {
				if !postDM(client, procs[i%len(procs)].url, round, i) {
					failed <- i
				}
			}
		})
	}
	wg.Wait()
	close(failed)
	for i := range failed {
		t.Errorf("message %d of round %d was not acknowledged", i, round)
	}
	require.False(t, t.Failed())
}

// waitMidStream waits until the payloads are processed and at least n replies reached the
// network: the moment to kill a node with sends in flight.
func waitMidStream(t *testing.T, db *storetest.Raw, graph *fakenet.FakeGraph, n int) {
	t.Helper()
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		pending, err := db.TryCount(`SELECT count(*) FROM webhook_events WHERE status = 'pending'`)
		assert.NoError(c, err)
		assert.Zero(c, pending, "payloads pending")
		assert.GreaterOrEqual(c, len(graph.Sent()), n, "replies on the network")
	}, 2*time.Minute, 10*time.Millisecond)
}

// waitDrained waits until no payload and no send is pending.
func waitDrained(t *testing.T, db *storetest.Raw) {
	t.Helper()
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		for _, q := range []string{`SELECT count(*) FROM webhook_events WHERE status = 'pending'`,
			`SELECT count(*) FROM outbox WHERE status = 'pending'`} {
			n, err := db.TryCount(q)
			if assert.NoError(c, err) {
				assert.Zero(c, n, q)
			}
		}
	}, 2*time.Minute, 20*time.Millisecond)
}

// outboxRow is an outbox row as the tests check it.
type outboxRow struct {
	ActionID   string `db:"action_id"`
	Status     string `db:"status"`
	ExternalID string `db:"external_id"`
	Attempts   int    `db:"attempts"`
	LastError  string `db:"last_error"`
}

// requireOnce checks the network and the outbox after a stream of total messages: no reply
// reached the network twice, and each is recorded sent with the network's id; none is lost.
// It returns the outbox rows.
func requireOnce(t *testing.T, db *storetest.Raw, graph *fakenet.FakeGraph, total int) []outboxRow {
	t.Helper()
	sent := graph.Sent()
	require.Empty(t, fakenet.Duplicates(sent, func(s fakenet.Sent) string { return s.Metadata }),
		"replies that reached a customer twice (action: extra copies)")
	byAction := map[string]fakenet.Sent{}
	for _, s := range sent {
		byAction[s.Metadata] = s
	}
	var rows []outboxRow
	require.NoError(t, db.DB.Select(&rows, `SELECT action_id, status, external_id, attempts, last_error FROM outbox`))
	require.Len(t, rows, total, "one reply per message")
	for _, r := range rows {
		require.Equal(t, "sent", r.Status, "action %s: %s", r.ActionID, r.LastError)
		s, ok := byAction[r.ActionID]
		require.True(t, ok, "action %s is recorded sent and the network has it", r.ActionID)
		require.Equal(t, s.ID, r.ExternalID, "action %s is recorded with the network's id", r.ActionID)
	}
	require.Len(t, byAction, total, "the network has nothing the outbox does not know")
	return rows
}

// TestKilledMidStreamSendsEachReplyOnce kills serve with SIGKILL while the replies of a stream
// of Instagram messages are being sent to a network that sends no echo, and starts it again
// on the same database: the sends the kill cut short are read back before anything is sent
// again, and every reply reaches the network exactly once.
func TestKilledMidStreamSendsEachReplyOnce(t *testing.T) {
	t.Parallel()
	bin := switchboardBinary(t)
	rounds, total := onceRounds()
	for _, b := range processBackends {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			url := b.URL(t)
			graph := fakenet.NewFakeGraph(t)
			graph.AnswerAfter(150*time.Millisecond, -1) // sends stay in flight long enough for the kill to cut some
			p := startServe(t, bin, url, onceFlows, onceFlags...)
			createInstagram(t, p, p.adminToken(t), graph)
			db := storetest.OpenRaw(t, url)
			for round := range rounds {
				postRound(t, []*serveProcess{p}, round, total)
				waitMidStream(t, db, graph, round*total+total/3)
				p.kill()
				atKill := len(graph.Sent()) - round*total
				open := db.Count(t, `SELECT count(*) FROM outbox WHERE status = 'pending' AND attempt_started_at IS NOT NULL`)
				p = startServe(t, bin, url, onceFlows, onceFlags...)
				waitDrained(t, db)
				t.Logf("round %d: %d of %d replies on the network at the kill, %d sends cut short", round, atKill, total, open)
			}
			rows := requireOnce(t, db, graph, rounds*total)
			retried := 0
			for _, r := range rows {
				if r.Attempts > 1 {
					retried++
				}
			}
			t.Logf("%d replies, none twice; %d taken over after the kills", len(rows), retried)
			p.stop(t)
		})
	}
}

// TestLateNetworkGetsEachReplyOnce: a network that takes every send and answers only after the
// client's timeout gets each reply once; each is read back, found and recorded sent.
func TestLateNetworkGetsEachReplyOnce(t *testing.T) {
	t.Parallel()
	bin := switchboardBinary(t)
	for _, b := range processBackends {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			url := b.URL(t)
			graph := fakenet.NewFakeGraph(t)
			graph.AnswerAfter(3*time.Second, -1) // the client gives up after 1 s
			p := startServe(t, bin, url, onceFlows, onceFlags...)
			createInstagram(t, p, p.adminToken(t), graph)
			db := storetest.OpenRaw(t, url)
			const total = 30
			postRound(t, []*serveProcess{p}, 0, total)
			waitDrained(t, db)
			for _, r := range requireOnce(t, db, graph, total) {
				// a read-back that itself outlives the client's timeout on a busy machine is read
				// again: more attempts, still one message on the network
				require.GreaterOrEqual(t, r.Attempts, 2, "action %s: sent once, then read back", r.ActionID)
			}
			p.stop(t)
		})
	}
}

// TestTwoNodesOneKilledSendEachReplyOnce runs two serve processes on one PostgreSQL schema,
// posts a stream of messages to both, and kills one while replies are being sent: the other
// takes its sends over once their leases run out, reads back those it cut short, and every
// reply reaches the network exactly once.
func TestTwoNodesOneKilledSendEachReplyOnce(t *testing.T) {
	t.Parallel()
	url := storetest.MigratedPostgresURL(t)
	bin := switchboardBinary(t)
	graph := fakenet.NewFakeGraph(t)
	graph.AnswerAfter(150*time.Millisecond, -1)
	a := startServe(t, bin, url, onceFlows, onceFlags...)
	admin := a.adminToken(t)
	b := startServe(t, bin, url, onceFlows, onceFlags...)
	createInstagram(t, a, admin, graph)
	db := storetest.OpenRaw(t, url)
	_, total := onceRounds()
	total = min(total, 120) // two processes on one machine: a smaller stream keeps the test short
	postRound(t, []*serveProcess{a, b}, 0, total)
	waitMidStream(t, db, graph, total/3)
	a.kill()
	open := db.Count(t, `SELECT count(*) FROM outbox WHERE status = 'pending' AND attempt_started_at IS NOT NULL`)
	waitDrained(t, db)
	requireOnce(t, db, graph, total)
	t.Logf("%d replies, none twice; %d sends in flight at the kill", total, open)
	b.stop(t)
}
