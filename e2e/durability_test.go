package e2e

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/store/storetest"
)

// A database for a serve process: a SQLite file, or a fresh PostgreSQL schema.
var processBackends = []backend{
	{Name: "sqlite", URL: func(t testing.TB) string { return filepath.Join(t.TempDir(), "switchboard.db") }},
	{Name: "postgres", URL: storetest.MigratedPostgresURL},
}

// postVisitor posts a visitor's message to a serve process; ok is true when it answered 200.
func postVisitor(client *http.Client, url, channel string, i int, text string) (ok bool) {
	body := fmt.Sprintf(`{"id":"m-%d","author":{"id":"visitor-%d","name":"V"},"text":%q}`, i, i, text)
	resp, err := client.Post(url+"/webhooks/webchat/"+channel, "application/json", bytes.NewReader([]byte(body)))
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode == http.StatusOK
}

// TestDurableAcrossAKill posts web chat messages to serve, kills it with SIGKILL in the middle
// of the stream, and starts it again on the same database: every message it acknowledged is
// handled exactly once, and the sessions' timers fire after the restart.
func TestDurableAcrossAKill(t *testing.T) {
	t.Parallel()
	bin := switchboardBinary(t)
	for _, b := range processBackends {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			url := b.URL(t)
			first := startServe(t, bin, url, filepath.Join("testdata", "durable"))
			admin := first.adminToken(t)
			first.createChannel(t, admin, map[string]any{"id": "chat", "type": "webchat", "default_flow": "durable"})

			const total, killAfter = 80, 30
			var acked [total]atomic.Bool
			var ackedCount atomic.Int32
			var killOnce sync.Once
			kill := func() { killOnce.Do(first.kill) }
			// the kill comes once killAfter messages are acknowledged and a session waits for its
			// timer, however slowly the payloads are processed on a busy machine
			db := storetest.OpenRaw(t, url)
			reached, killed := make(chan struct{}), make(chan struct{})
			var reachedOnce sync.Once
			go func() {
				defer close(killed)
				<-reached
				deadline := time.Now().Add(time.Minute)
				for time.Now().Before(deadline) {
					if n, err := db.TryCount(`SELECT count(*) FROM sessions WHERE status = 'waiting'`); err == nil && n > 0 {
						break
					}
					time.Sleep(2 * time.Millisecond) // polling the database, not waiting for an outcome
				}
				kill()
			}()
			client := &http.Client{Timeout: time.Minute}
			next := make(chan int, total)
			for i := range total {
				next <- i
			}
			close(next)
			var wg sync.WaitGroup
			for range 8 {
				wg.Go(func() {
					for i := range next {
						if postVisitor(client, first.url, "chat", i, "hola") {
							acked[i].Store(true)
							if ackedCount.Add(1) >= killAfter {
								reachedOnce.Do(func() { close(reached) })
							}
						}
					}
				})
			}
			wg.Wait()
			reachedOnce.Do(func() { close(reached) })
			<-killed
			client.CloseIdleConnections()

			waitingAtKill := db.Strings(t, `SELECT id FROM sessions WHERE status = 'waiting'`)
			t.Logf("at the kill: %d acknowledged, %d sessions waiting, %d payloads pending", ackedCount.Load(),
				len(waitingAtKill), db.Count(t, `SELECT count(*) FROM webhook_events WHERE status = 'pending'`))
			require.GreaterOrEqual(t, int(ackedCount.Load()), killAfter)
			require.NotEmpty(t, waitingAtKill, "the kill came before the sessions' 2 s timers")

			second := startServe(t, bin, url, filepath.Join("testdata", "durable"))
			require.NotContains(t, second.stdout.String(), "sbt_", "the same database: no new token")
			// the network sends again what was not acknowledged
			for i := range total {
				if !acked[i].Load() {
					require.True(t, postVisitor(client, second.url, "chat", i, "hola"), "message %d after the restart", i)
				}
			}

			// payloads the first process stored and did not claim are claimed at once, those it had
			// claimed once their leases run out (10 s); timers fire two seconds after their
			// sessions started
			require.EventuallyWithT(t, func(c *assert.CollectT) {
				for q, want := range map[string]int{
					`SELECT count(DISTINCT external_id) FROM interactions WHERE direction = 'in'`:              total,
					`SELECT count(*) FROM conversations WHERE status = 'closed' AND disposition = 'no_answer'`: total,
					`SELECT count(*) FROM webhook_events WHERE status = 'pending'`:                             0,
					`SELECT count(*) FROM sessions WHERE status = 'waiting'`:                                   0,
				} {
					n, err := db.TryCount(q)
					if assert.NoError(c, err) {
						assert.Equal(c, want, n, q)
					}
				}
			}, 2*time.Minute, 50*time.Millisecond)

			require.Zero(t, db.Count(t, `SELECT count(*) FROM (SELECT external_id FROM interactions WHERE direction = 'in'
				GROUP BY external_id HAVING count(*) > 1) twice`), "no message is handled twice")
			require.Equal(t, total, db.Count(t, `SELECT count(*) FROM interactions WHERE direction = 'in'`))
			require.Equal(t, total, db.Count(t, `SELECT count(*) FROM interactions WHERE direction = 'out'`), "one greeting each")
			require.Equal(t, total, db.Count(t, `SELECT count(*) FROM conversations`))
			require.Equal(t, total, db.Count(t, `SELECT count(*) FROM sessions WHERE status = 'ended'`), "every session ended")
			require.Zero(t, db.Count(t, `SELECT count(*) FROM webhook_events WHERE status = 'failed'`))
			for _, id := range waitingAtKill {
				require.Equal(t, 1, db.Count(t, `SELECT count(*) FROM sessions s JOIN conversations c ON c.id = s.conversation_id
					WHERE s.id = ? AND s.status = 'ended' AND c.disposition = 'no_answer'`, id),
					"session %s, waiting at the kill, ended by its timeout after the restart", id)
			}
			second.stop(t)
		})
	}
}
