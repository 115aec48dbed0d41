package e2e

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/channels"
	"github.com/switchboardhq/switchboard/channels/fakenet"
	"github.com/switchboardhq/switchboard/store/storetest"
)

// burstSize is how many comments a burst test sends: small enough for make test, larger with
// SWITCHBOARD_BURST for figures.
func burstSize(t *testing.T, small int) int {
	t.Helper()
	if v := os.Getenv("SWITCHBOARD_BURST"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(t, err, "SWITCHBOARD_BURST=%q: give a number of comments", v)
		return n
	}
	return small
}

// onePostgresBurst lets one burst at a time run on PostgreSQL: a serve process under a burst
// uses its whole pool of connections, and the tests share one server.
var onePostgresBurst sync.Mutex

// burstBackend holds a PostgreSQL burst's turn until the test ends.
func burstBackend(t *testing.T, name string) {
	if name == "postgres" {
		onePostgresBurst.Lock()
		t.Cleanup(onePostgresBurst.Unlock)
	}
}

// burstSenders is how many senders post a burst at once.
const burstSenders = 16

// burstEpoch is when the bursts' comments were written: a comment sent again is the same bytes.
var burstEpoch = time.Now().Unix()

// burstComment is a signed Facebook feed comment of person i under the page's post.
func burstComment(i int) (body []byte, signature string) {
	body = fmt.Appendf(nil, `{"object":"page","entry":[{"id":%q,"time":%d,"changes":[{"field":"feed","value":`+
		`{"item":"comment","verb":"add","post_id":"%s_900300","comment_id":"900300_%d","parent_id":"%s_900300",`+
		`"sender_id":"%d","sender_name":"Person %d","message":"Where is my order?","created_time":%d}}]}]}`,
		fakenet.PageID, burstEpoch, fakenet.PageID, 7000000+i, fakenet.PageID, 9000000+i, i, burstEpoch)
	return body, channels.SignHex(fakenet.AppSecret, body)
}

// burstCommentID is the id of comment i, which its reply's path names.
func burstCommentID(i int) string { return fmt.Sprintf("900300_%d", 7000000+i) }

// postComment posts comment i to a serve process; ok when it answered 2xx.
func postComment(client *http.Client, url string, i int) (ok bool) {
	body, sig := burstComment(i)
	req, err := http.NewRequest("POST", url+"/webhooks/facebook/page", bytes.NewReader(body))
	if err != nil {
		return false
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(channels.HeaderMetaSignature, sig)
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode/100 == 2
}

// burst posts comments from burstSenders senders; each acknowledged one is marked in acked.
// after, when set, runs once after that many acknowledgements (the kill), and the senders
// stop at their next failure. It returns when the last acknowledgement came.
func burst(client *http.Client, url string, ids []int, acked []atomic.Bool, after int, then func()) (lastAck time.Time) {
	next := make(chan int, len(ids))
	for _, i := range ids {
		next <- i
	}
	close(next)
	var count atomic.Int64
	var mu sync.Mutex
	var once sync.Once
	var wg sync.WaitGroup
	for range burstSenders {
		wg.Go(func() {
			for i := range next {
				if !postComment(client, url, i) {
					if then != nil {
						return // the server is gone: what is left is sent to the next one
					}
					continue
				}
				acked[i].Store(true)
				mu.Lock()
				lastAck = time.Now()
				mu.Unlock()
				if n := count.Add(1); then != nil && int(n) == after {
					once.Do(then)
				}
			}
		})
	}
	wg.Wait()
	return lastAck
}

// repliesPerComment counts the replies the fake network received under each comment.
func repliesPerComment(graph *fakenet.FakeGraph) map[string]int {
	out := map[string]int{}
	for _, r := range graph.Requests() {
		if r.Method != "POST" || !strings.HasSuffix(r.Path, "/comments") {
			continue
		}
		parts := strings.Split(strings.Trim(r.Path, "/"), "/")
		if len(parts) >= 2 {
			out[parts[len(parts)-2]]++
		}
	}
	return out
}

// waitForReplies waits until every comment of ids has a reply, up to within, and returns when
// the last one came (to the poll's 10 ms).
func waitForReplies(t *testing.T, graph *fakenet.FakeGraph, n int, within time.Duration) time.Time {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		got := len(repliesPerComment(graph))
		if got >= n {
			return time.Now()
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d comments have a reply after %s", got, n, within)
		}
		time.Sleep(10 * time.Millisecond) // polling the fake network, bounded by the deadline
	}
}

// startPage starts serve on a database with the replies flow and a Facebook page channel
// pointing at a fake Graph API.
func startPage(t *testing.T, bin, url string, graph *fakenet.FakeGraph, create bool, flags ...string) *serveProcess {
	t.Helper()
	p := startServe(t, bin, url, filepath.Join("testdata", "flows"), flags...)
	if create {
		fb := graph.FacebookChannel()
		p.createChannel(t, p.adminToken(t), map[string]any{"id": "page", "type": "facebook", "credentials": fb.Credentials,
			"settings": fb.Settings, "default_flow": "replies"})
	}
	return p
}

// burstRun is a burst's setup: a page served on its database, its fake Graph API, a client
// of burstSenders connections, and the comments to send with whether each was acknowledged.
type burstRun struct {
	url    string
	graph  *fakenet.FakeGraph
	page   *serveProcess
	client *http.Client
	ids    []int
	acked  []atomic.Bool
}

func newBurstRun(t *testing.T, bin, backend, url string, total int, flags ...string) *burstRun {
	t.Helper()
	burstBackend(t, backend)
	r := &burstRun{url: url, graph: fakenet.NewFakeGraph(t), ids: make([]int, total), acked: make([]atomic.Bool, total)}
	r.page = startPage(t, bin, url, r.graph, true, flags...)
	r.client = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: burstSenders}}
	t.Cleanup(r.client.CloseIdleConnections)
	for i := range r.ids {
		r.ids[i] = i
	}
	return r
}

// TestBurstOfComments sends a burst of signed comments from 16 senders at once: every one is
// answered 2xx, and every one gets exactly one reply at the network, as fast as the pipeline
// processes them (nothing waits for a recovery age).
func TestBurstOfComments(t *testing.T) {
	t.Parallel()
	bin := switchboardBinary(t)
	total := burstSize(t, 600)
	for _, b := range processBackends {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			r := newBurstRun(t, bin, b.Name, b.URL(t), total)
			url, graph, p, client, ids, acked := r.url, r.graph, r.page, r.client, r.ids, r.acked
			start := time.Now()
			lastAck := burst(client, p.url, ids, acked, 0, nil)
			for i := range acked {
				require.True(t, acked[i].Load(), "comment %d was answered 2xx", i)
			}
			db := storetest.OpenRaw(t, url)
			require.Eventually(t, func() bool {
				n, err := db.TryCount(`SELECT count(*) FROM webhook_events WHERE status = 'pending'`)
				return err == nil && n == 0
			}, 2*time.Minute, 5*time.Millisecond, "every payload is processed")
			t.Logf("%s: every payload was processed %s after the last answer", b.Name, time.Since(lastAck).Round(10*time.Millisecond))
			lastReply := waitForReplies(t, graph, total, max(2*time.Minute, time.Duration(total)*50*time.Millisecond))
			t.Logf("%s: %d comments from %d senders answered 2xx in %s (%.0f/s); the last reply left %s after the last answer (%.0f replies/s overall)",
				b.Name, total, burstSenders, lastAck.Sub(start).Round(time.Millisecond), float64(total)/lastAck.Sub(start).Seconds(),
				lastReply.Sub(lastAck).Round(10*time.Millisecond), float64(total)/lastReply.Sub(start).Seconds())

			replies := repliesPerComment(graph)
			for i := range total {
				require.Equal(t, 1, replies[burstCommentID(i)], "comment %d has exactly one reply", i)
			}
			require.Zero(t, db.Count(t, `SELECT count(*) FROM webhook_events WHERE status <> 'done'`), "every payload is done")
			require.Equal(t, total, db.Count(t, `SELECT count(*) FROM interactions WHERE direction = 'in'`))
			p.stop(t)
		})
	}
}

// killLease is the lease of the processes a burst kills: what they claimed is taken over after
// 10 s. A burst that is not killed keeps the default, which lets a lane queue a minute of sends.
var killLease = []string{"--lease", "10s"}

// TestBurstAcrossAKill kills serve with SIGKILL in the middle of a burst, starts it again on the
// same database, and sends it what the first did not acknowledge, as the network would: every
// acknowledged comment is processed and every one gets a reply.
func TestBurstAcrossAKill(t *testing.T) {
	t.Parallel()
	bin := switchboardBinary(t)
	total := burstSize(t, 300)
	for _, b := range processBackends {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			// sends that the killed process had claimed are taken over after 10 s, not a minute
			r := newBurstRun(t, bin, b.Name, b.URL(t), total, killLease...)
			url, graph, first, client, ids, acked := r.url, r.graph, r.page, r.client, r.ids, r.acked
			burst(client, first.url, ids, acked, total/2, first.kill)
			first.kill()
			client.CloseIdleConnections()

			db := storetest.OpenRaw(t, url)
			pending := db.Count(t, `SELECT count(*) FROM webhook_events WHERE status = 'pending'`)
			// those the first process had claimed wait for their leases; the others are claimed
			// as soon as the second process starts
			leased := db.Count(t, `SELECT count(*) FROM webhook_events WHERE status = 'pending' AND lease_until IS NOT NULL`)
			// a send claimed at the kill may have reached the network without its result being
			// recorded: it is read back from the network before it is sent again, so none of
			// these comments gets a second reply
			inFlight := map[string]bool{}
			for _, id := range db.Strings(t, `SELECT i.external_id FROM outbox o JOIN interactions i
				ON i.conversation_id = o.conversation_id AND i.direction = 'in'
				WHERE o.status = 'pending' AND o.lease_until IS NOT NULL`) {
				inFlight[id] = true
			}
			ackedAtKill := 0
			for i := range acked {
				if acked[i].Load() {
					ackedAtKill++
				}
			}
			t.Logf("%s: at the kill %d of %d comments acknowledged, %d payloads pending (%d of them claimed), %d sends in flight",
				b.Name, ackedAtKill, total, pending, leased, len(inFlight))

			second := startPage(t, bin, url, graph, false, killLease...)
			restarted := time.Now()
			var left []int
			for i := range acked {
				if !acked[i].Load() {
					left = append(left, i)
				}
			}
			burst(client, second.url, left, acked, 0, nil)
			for i := range acked {
				require.True(t, acked[i].Load(), "comment %d was answered 2xx by one of the two processes", i)
			}
			// payloads the first process had claimed wait for their leases (10 s), the sends it
			// had claimed for theirs (--lease, 10 s here)
			var claimable time.Duration
			require.Eventually(t, func() bool {
				n, err := db.TryCount(`SELECT count(*) FROM webhook_events WHERE status = 'pending'`)
				claimable = time.Since(restarted)
				return err == nil && n <= leased
			}, 2*time.Minute, 10*time.Millisecond, "the payloads no one held are processed after the restart")
			t.Logf("%s: the %d payloads pending and unclaimed at the kill and %d sent again were processed %s after the restart (%.0f/s)",
				b.Name, pending-leased, len(left), claimable.Round(10*time.Millisecond), float64(pending-leased+len(left))/claimable.Seconds())
			var drained time.Duration
			require.Eventually(t, func() bool {
				n, err := db.TryCount(`SELECT count(*) FROM webhook_events WHERE status = 'pending'`)
				drained = time.Since(restarted)
				return err == nil && n == 0
			}, 2*time.Minute, 10*time.Millisecond, "every stored payload is processed after the restart")
			t.Logf("%s: with the %d the first process held, every payload was processed %s after the restart",
				b.Name, leased, drained.Round(10*time.Millisecond))
			lastReply := waitForReplies(t, graph, total, 3*time.Minute)
			t.Logf("%s: every comment had its reply %s after the restart", b.Name, lastReply.Sub(restarted).Round(10*time.Millisecond))

			replies := repliesPerComment(graph)
			for i := range total {
				require.Equal(t, 1, replies[burstCommentID(i)], "comment %d has exactly one reply (its send in flight at the kill: %v)",
					i, inFlight[burstCommentID(i)])
			}
			t.Logf("%s: no reply sent twice, %d of them sends in flight at the kill", b.Name, len(inFlight))
			require.Zero(t, db.Count(t, `SELECT count(*) FROM webhook_events WHERE status <> 'done'`), "every payload is done")
			require.Zero(t, db.Count(t, `SELECT count(*) FROM (SELECT external_id FROM interactions WHERE direction = 'in'
				GROUP BY external_id HAVING count(*) > 1) twice`), "no comment is handled twice")
			require.Equal(t, total, db.Count(t, `SELECT count(*) FROM interactions WHERE direction = 'in'`))
			second.stop(t)
		})
	}
}
