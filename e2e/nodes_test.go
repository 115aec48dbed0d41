package e2e

import (
	"net/http"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/channels/fakenet"
	"github.com/switchboardhq/switchboard/store/storetest"
)

// TestTwoNodesShareTheWork runs two serve processes on one PostgreSQL schema. Web chat
// messages go to both; the sessions greet through the outbox, wait one second ("fast") or an
// hour ("slow"), and say goodbye through the outbox. The fast timers fire while both nodes run;
// then one node is killed, the slow timers are made due in the database (the hour passes), and
// the other node fires those of both. Every message is handled once, every timer fires once,
// and the network gets every action once.
func TestTwoNodesShareTheWork(t *testing.T) {
	t.Parallel()
	skipShort(t)
	url := storetest.MigratedPostgresURL(t)
	bin := switchboardBinary(t)
	network := fakenet.NewFakeWebchat(t)
	flows := filepath.Join("testdata", "nodes")

	a := startServe(t, bin, url, flows)
	admin := a.adminToken(t)
	b := startServe(t, bin, url, flows)
	require.NotContains(t, b.stdout.String(), "sbt_", "the second node finds the database set up")
	a.createChannel(t, admin, map[string]any{"id": "chat", "type": "webchat", "default_flow": "nodes",
		"settings": map[string]any{"callback_url": network.URL}})
	db := storetest.OpenRaw(t, url)

	const total = 40
	pace := func(i int) string {
		if i%4 < 2 {
			return "fast"
		}
		return "slow"
	}
	client := &http.Client{Timeout: time.Minute}
	var wg sync.WaitGroup
	failed := make(chan int, total)
	for i := range total {
		node := []*serveProcess{a, b}[i%2]
		wg.Go(func() {
			if !postVisitor(client, node.url, "chat", i, pace(i)) {
				failed <- i
			}
		})
	}
	wg.Wait()
	close(failed)
	for i := range failed {
		t.Errorf("message %d was not acknowledged", i)
	}
	require.False(t, t.Failed())

	// the fast sessions end while both nodes run; the slow ones wait
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		for q, want := range map[string]int{
			`SELECT count(DISTINCT external_id) FROM interactions WHERE direction = 'in'`:    total,
			`SELECT count(*) FROM conversations WHERE status = 'closed'`:                     total / 2,
			`SELECT count(*) FROM sessions WHERE status = 'waiting' AND wait_kind = 'reply'`: total / 2,
			`SELECT count(*) FROM outbox WHERE status = 'pending'`:                           0,
			`SELECT count(*) FROM webhook_events WHERE status = 'pending'`:                   0,
		} {
			n, err := db.TryCount(q)
			if assert.NoError(c, err) {
				assert.Equal(c, want, n, q)
			}
		}
	}, 20*time.Second, 20*time.Millisecond)

	a.kill()
	require.EqualValues(t, total/2, db.Exec(t, `UPDATE sessions SET deadline = now() - interval '1 second'
		WHERE status = 'waiting' AND wait_kind = 'reply'`), "the slow sessions wait")
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		for q, want := range map[string]int{
			`SELECT count(*) FROM conversations WHERE status = 'closed' AND disposition = 'no_answer'`: total,
			`SELECT count(*) FROM outbox WHERE status = 'pending'`:                                     0,
		} {
			n, err := db.TryCount(q)
			if assert.NoError(c, err) {
				assert.Equal(c, want, n, q)
			}
		}
	}, 2*time.Minute, 20*time.Millisecond, "the surviving node fires the slow timers, the dead node's sessions' too")

	require.Zero(t, db.Count(t, `SELECT count(*) FROM (SELECT external_id FROM interactions WHERE direction = 'in'
		GROUP BY external_id HAVING count(*) > 1) twice`), "no message is handled twice")
	require.Equal(t, total, db.Count(t, `SELECT count(*) FROM interactions WHERE direction = 'in'`))
	require.Equal(t, total, db.Count(t, `SELECT count(*) FROM sessions WHERE status = 'ended'`))
	require.Equal(t, total, db.Count(t, `SELECT count(*) FROM sessions`), "one session per conversation")
	require.Zero(t, db.Count(t, `SELECT count(*) FROM (SELECT conversation_id FROM interactions WHERE direction = 'out'
		GROUP BY conversation_id HAVING count(*) <> 2) odd`), "each conversation got one greeting and one goodbye: each timer fired once")
	require.Equal(t, 2*total, db.Count(t, `SELECT count(*) FROM outbox WHERE status = 'sent' AND attempts = 1`),
		"every action was claimed and sent once")
	require.Equal(t, 2*total, db.Count(t, `SELECT count(*) FROM outbox`))

	actions := db.Strings(t, `SELECT action_id FROM outbox`)
	slices.Sort(actions)
	var keys []string
	for _, r := range network.Requests() {
		require.Equal(t, "POST", r.Method)
		keys = append(keys, r.Header.Get("Idempotency-Key"))
	}
	slices.Sort(keys)
	require.Equal(t, actions, keys, "the network got each action once")
	b.stop(t)
}
