package dispatch

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/channels"
	"github.com/switchboardhq/switchboard/channels/fakenet"
	"github.com/switchboardhq/switchboard/store"
)

// lanesHarness is a harness whose tests drive the due work without waiting for sends, and
// wait for the lanes' workers when they end.
func lanesHarness(t *testing.T, b backend, configure func(*Config)) *harness {
	h := newHarness(t, b, configure)
	t.Cleanup(h.d.Wait) // after every hanging network answered, before the store closes
	return h
}

// While one channel's network hangs, every reply of another channel leaves: the hanging
// requests are still held when the last of them arrives.
func TestHangingNetworkDelaysNoOtherChannel(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		h := lanesHarness(t, b, nil)
		h.publish("replies", repliesFlow)
		hung := newHangingNetwork(t, h.graph.URL)
		healthy := fakenet.NewFakeGraph(t)
		slow := h.graph.FacebookChannel()
		slow.ID, slow.Settings["base_url"] = "facebook-hung", hung.URL+"/"+fakenet.GraphVersion
		slow.Settings["send_concurrency"] = 2
		ok := healthy.FacebookChannel()
		ok.ID = "facebook-ok"
		slowCh, okCh := h.channel(slow, "replies"), h.channel(ok, "replies")

		const n = 20
		at := epoch.Add(-time.Minute)
		for i := range 5 {
			h.deliverOne(slowCh, messengerMessage(t, "page", pageID, fmt.Sprintf("PSID-slow-%d", i), fmt.Sprintf("m_s%d", i), "hola", at))
		}
		for i := range n {
			h.deliverOne(okCh, messengerMessage(t, "page", pageID, fmt.Sprintf("PSID-ok-%d", i), fmt.Sprintf("m_o%d", i), "hola", at))
		}
		// the healthy channel may be done before the hung lane's second request has reached
		// its network: both are waited for
		waitFor(t, "the healthy channel's replies, and the hung lane's requests", func() bool {
			h.d.runDue(h.ctx, false)
			return len(healthy.Requests()) == n && h.count(`SELECT count(*) FROM outbox WHERE channel_id = ? AND status = 'sent'`, okCh.ID) == n &&
				hung.arrived.Load() >= 2
		})
		require.EqualValues(t, 2, hung.arrived.Load(), "the hanging network holds only its lane's concurrency")
		require.Empty(t, h.graph.Requests(), "no request got through the hanging network yet")
		require.Equal(t, 5, h.count(`SELECT count(*) FROM outbox WHERE channel_id = ? AND status = 'pending'`, slowCh.ID))

		hung.answer()
		waitFor(t, "the hung channel's replies once its network answers", func() bool {
			h.d.runDue(h.ctx, false)
			return h.count(`SELECT count(*) FROM outbox WHERE channel_id = ? AND status = 'sent'`, slowCh.ID) == 5
		})
		require.Len(t, h.graph.Requests(), 5, "each reply of the hung channel was sent once")
		require.Len(t, healthy.Requests(), n)
	})
}

// sendRecorder is the dispatcher's metrics as the tests read them.
type sendRecorder struct {
	nopMetrics
	mu        sync.Mutex
	outcomes  map[string]int // channel/outcome
	throttled map[string]int
	paused    map[string]bool
	dropped   []string
}

func newSendRecorder() *sendRecorder {
	return &sendRecorder{outcomes: map[string]int{}, throttled: map[string]int{}, paused: map[string]bool{}}
}

func (r *sendRecorder) LaneDropped(channel string) {
	r.mu.Lock()
	r.dropped = append(r.dropped, channel)
	r.mu.Unlock()
}
func (r *sendRecorder) SendDone(channel, typ, outcome string, seconds float64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.outcomes[channel+"/"+outcome]++
}
func (r *sendRecorder) Throttled(channel string) { r.mu.Lock(); r.throttled[channel]++; r.mu.Unlock() }
func (r *sendRecorder) LaneState(channel string, inFlight int, paused bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.paused[channel] = paused
}
func (r *sendRecorder) get(f func(*sendRecorder) any) any {
	r.mu.Lock()
	defer r.mu.Unlock()
	return f(r)
}

// A network's rate-limit answer pauses its channel's lane until the time it gives; the other
// channels' sends go on meanwhile.
func TestThrottledLanePausesAlone(t *testing.T) {
	t.Parallel()
	at := epoch.Add(-time.Minute)
	for _, tc := range []struct {
		name     string
		throttle func(h *harness)
		wait     time.Duration
	}{
		{"graph 4", func(h *harness) { h.graph.FailNext(4, 0, 1) }, 5 * time.Minute},
		{"graph 17", func(h *harness) { h.graph.FailNext(17, 0, 1) }, 5 * time.Minute},
		{"graph 32", func(h *harness) { h.graph.FailNext(32, 0, 1) }, 5 * time.Minute},
		{"graph 613 with Retry-After", func(h *harness) {
			h.graph.FailNextWith(fakenet.GraphError{Status: 400, Code: 613, Type: "OAuthException",
				Message: "(#613) Calls to this api have exceeded the rate limit.", Header: http.Header{"Retry-After": {"90"}}}, 1)
		}, 90 * time.Second},
		{"x 429 with its reset", func(h *harness) { h.x.FailNextRateLimited(h.clock.Now().Add(7*time.Minute), 1) }, 7 * time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			eachBackend(t, func(t *testing.T, b backend) {
				rec := newSendRecorder()
				h := lanesHarness(t, b, func(c *Config) { c.Metrics = rec })
				h.publish("replies", repliesFlow)
				fb, x := h.facebook("replies"), h.twitter("replies")
				throttled, requests, other := fb, h.graph.Requests, x
				first := messengerMessage(t, "page", pageID, "PSID-1", "m_1", "hola", at)
				second := messengerMessage(t, "page", pageID, "PSID-2", "m_2", "hola", at)
				otherFirst := xDirectMessage(t, "1811000000000000001", "4001", "hola", at)
				otherSecond := xDirectMessage(t, "1811000000000000002", "4002", "hola", at)
				if strings.HasPrefix(tc.name, "x") {
					throttled, requests, other = x, h.x.Requests, fb
					first, second, otherFirst, otherSecond = otherFirst, otherSecond, first, second
				}
				tc.throttle(h)
				h.deliverOne(throttled, first)
				h.deliverOne(other, otherFirst)
				h.sendNow(2)
				require.Len(t, requests(), 1)
				require.Equal(t, 1, rec.get(func(r *sendRecorder) any { return r.throttled[throttled.ID] }))
				require.Equal(t, true, rec.get(func(r *sendRecorder) any { return r.paused[throttled.ID] }))
				require.Equal(t, 1, rec.get(func(r *sendRecorder) any { return r.outcomes[other.ID+"/sent"] }))

				// while paused, the throttled channel's new reply waits; the other channel's leaves
				h.deliverOne(throttled, second)
				h.deliverOne(other, otherSecond)
				h.sendNow(1)
				require.Len(t, requests(), 1, "nothing is sent to a network that asked us to wait")
				require.Equal(t, 2, rec.get(func(r *sendRecorder) any { return r.outcomes[other.ID+"/sent"] }))
				require.Equal(t, 2, h.count(`SELECT count(*) FROM outbox WHERE channel_id = ? AND status = 'pending'`, throttled.ID))

				h.clock.Advance(tc.wait - time.Second)
				h.sendNow(0)
				h.clock.Advance(time.Second)
				h.sendNow(2)
				require.Len(t, requests(), 3, "the lane sends again once the wait is over")
				require.Equal(t, 0, h.count(`SELECT count(*) FROM outbox WHERE status = 'pending'`))
				require.Equal(t, false, rec.get(func(r *sendRecorder) any { return r.paused[throttled.ID] }))
			})
		})
	}
}

// A channel whose sends keep failing logs one line a minute, with the network's code and what
// it left unsaid; the transcript shows each failed reply's error.
func TestFailingSendsAreLoggedOnceAMinuteAndShownInTheTranscript(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		logs := &records{}
		h := lanesHarness(t, b, func(c *Config) { c.Logger = slog.New(logs) })
		h.publish("replies", repliesFlow)
		fb := h.facebook("replies")
		at := epoch.Add(-time.Minute)
		var convs []string
		for i := range 5 {
			out := h.deliverOne(fb, messengerMessage(t, "page", pageID, fmt.Sprintf("PSID-%d", i), fmt.Sprintf("m_%d", i), "hola", at))
			convs = append(convs, out.ConversationID)
		}
		h.graph.FailNext(551, 0, 6)
		h.sendNow(5)
		lines := logs.withMessage(slog.LevelWarn, "a send to the network failed")
		require.Len(t, lines, 1, "one line for five failures within a minute")
		require.Equal(t, fb.ID, lines[0]["channel"])
		require.EqualValues(t, 551, lines[0]["code"])
		require.Contains(t, lines[0]["error"], "isn't available right now")
		require.EqualValues(t, 0, lines[0]["suppressed"])

		for _, id := range convs {
			list, err := h.st.InteractionList(h.ctx, id)
			require.NoError(t, err)
			out := list[len(list)-1]
			require.Equal(t, store.Outbound, out.Direction)
			require.Equal(t, store.OutboxFailed, out.Status)
			require.Contains(t, out.Error, "code 551", "the transcript says why the reply failed")
			require.Empty(t, list[0].Error, "a customer's message has no error")
		}

		h.clock.Advance(time.Minute)
		out := h.deliverOne(fb, messengerMessage(t, "page", pageID, "PSID-9", "m_9", "hola", at))
		h.sendNow(1)
		lines = logs.withMessage(slog.LevelWarn, "a send to the network failed")
		require.Len(t, lines, 2, "a minute later, the next failure is logged")
		require.EqualValues(t, 4, lines[1]["suppressed"], "with the count of those left unsaid")

		// a reply that is sent shows no error, even after failed attempts
		h.deliverOne(fb, messengerMessage(t, "page", pageID, "PSID-9", "m_10", "again", at))
		h.graph.FailNext(2, 0, 1)
		h.sendNow(1)
		list, err := h.st.InteractionList(h.ctx, out.ConversationID)
		require.NoError(t, err)
		last := list[len(list)-1]
		require.Equal(t, store.OutboxPending, last.Status)
		require.Contains(t, last.Error, "code 2", "a reply being retried shows its last attempt's error")
		h.clock.Advance(time.Hour)
		h.sendNow(1)
		list, err = h.st.InteractionList(h.ctx, out.ConversationID)
		require.NoError(t, err)
		require.Equal(t, store.OutboxSent, list[len(list)-1].Status)
		require.Empty(t, list[len(list)-1].Error)
	})
}

// The claim passes over the channels it is told to, and rows given back are claimed again as
// if never claimed, at the time they are given back for.
func TestOutboxClaimExceptAndRelease(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		h := newHarness(t, b, nil)
		h.publish("replies", repliesFlow)
		fb, wc := h.facebook("replies"), h.twitter("replies")
		at := epoch.Add(-time.Minute)
		h.deliverOne(fb, messengerMessage(t, "page", pageID, "PSID-1", "m_1", "hola", at))
		h.deliverOne(wc, xDirectMessage(t, "1811000000000000001", "4001", "hola", at))

		now := h.clock.Now()
		got, err := h.st.OutboxClaimDueExcept(h.ctx, now, time.Minute, 10, []string{fb.ID})
		require.NoError(t, err)
		require.Len(t, got, 1)
		require.Equal(t, wc.ID, got[0].ChannelID)
		require.Equal(t, 1, got[0].Attempts)

		require.NoError(t, h.st.OutboxRelease(h.ctx, got[:1], now))
		again, err := h.st.OutboxClaimDueExcept(h.ctx, now, time.Minute, 10, []string{"no-such-channel"})
		require.NoError(t, err)
		require.Len(t, again, 2, "the row given back is claimed again at once")
		for _, it := range again {
			require.Equal(t, 1, it.Attempts, "a row given back counts no attempt")
		}

		m, err := h.st.PipelineMetrics(h.ctx, now)
		require.NoError(t, err)
		require.Equal(t, []store.ChannelOutbox{{ChannelID: fb.ID, InFlight: 1}, {ChannelID: wc.ID, InFlight: 1}}, m.Outbox)

		require.NoError(t, h.st.OutboxRelease(h.ctx, again, now.Add(time.Minute)))
		none, err := h.st.OutboxClaimDue(h.ctx, now, time.Minute, 10)
		require.NoError(t, err)
		require.Empty(t, none, "rows given back for later are not due before")
		next, err := h.st.NextDue(h.ctx)
		require.NoError(t, err)
		require.Equal(t, now.Add(time.Minute), next)
		require.NoError(t, h.st.OutboxRelease(h.ctx, again, now), "giving back rows not claimed changes nothing")
		m, err = h.st.PipelineMetrics(h.ctx, now)
		require.NoError(t, err)
		require.Equal(t, []store.ChannelOutbox{{ChannelID: fb.ID, Pending: 1}, {ChannelID: wc.ID, Pending: 1}}, m.Outbox)

		h.graph.FailNext(2, 0, 1)
		h.clock.Advance(time.Minute)
		h.sendNow(2)
		m, err = h.st.PipelineMetrics(h.ctx, h.clock.Now())
		require.NoError(t, err)
		require.Equal(t, []store.ChannelOutbox{{ChannelID: fb.ID, Retrying: 1}}, m.Outbox)
		require.Zero(t, m.PendingPayloads)
		require.Nil(t, m.OldestPayload)

		_, err = h.st.WebhookEventInsert(h.ctx, fb.ID, []byte(`{}`))
		require.NoError(t, err)
		m, err = h.st.PipelineMetrics(h.ctx, h.clock.Now())
		require.NoError(t, err)
		require.Equal(t, 1, m.PendingPayloads)
		require.NotNil(t, m.OldestPayload)
		require.Equal(t, h.clock.Now(), *m.OldestPayload)
	})
}

// A node whose lease ran out gives back nothing: another node claimed the row since, and may be
// sending it; released, a third claim could send it again while that send is in flight.
func TestReleaseLeavesAClaimTakenOver(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		h := newHarness(t, b, nil)
		h.publish("replies", repliesFlow)
		fb := h.facebook("replies")
		h.deliverOne(fb, messengerMessage(t, "page", pageID, "PSID-1", "m_1", "hola", epoch.Add(-time.Minute)))

		now := h.clock.Now()
		first, err := h.st.OutboxClaimDue(h.ctx, now, time.Minute, 10)
		require.NoError(t, err)
		require.Len(t, first, 1)
		later := now.Add(2 * time.Minute)
		second, err := h.st.OutboxClaimDue(h.ctx, later, time.Minute, 10)
		require.NoError(t, err)
		require.Len(t, second, 1, "the first lease ran out: another node claims the row")
		require.Equal(t, first[0].ID, second[0].ID)

		require.NoError(t, h.st.OutboxRelease(h.ctx, first, later))
		none, err := h.st.OutboxClaimDue(h.ctx, later, time.Minute, 10)
		require.NoError(t, err)
		require.Empty(t, none, "the row stays with the node that claimed it last")
		m, err := h.st.PipelineMetrics(h.ctx, later)
		require.NoError(t, err)
		require.Equal(t, []store.ChannelOutbox{{ChannelID: fb.ID, InFlight: 1}}, m.Outbox)

		require.NoError(t, h.st.OutboxRelease(h.ctx, second, later))
		again, err := h.st.OutboxClaimDue(h.ctx, later, time.Minute, 10)
		require.NoError(t, err)
		require.Len(t, again, 1, "the last claim gives it back")
		require.Equal(t, second[0].Attempts, again[0].Attempts)
	})
}

// A lane nothing used for a while is dropped; the channels' ids are all a node keeps.
func TestIdleLanesAreDropped(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		rec := newSendRecorder()
		h := lanesHarness(t, b, func(c *Config) { c.Metrics = rec })
		h.publish("replies", repliesFlow)
		wc := h.twitter("replies")
		h.deliverOne(wc, xDirectMessage(t, "1811000000000000001", "4001", "hola", epoch.Add(-time.Minute)))
		h.sendNow(1)
		h.d.lanes.mu.Lock()
		require.Len(t, h.d.lanes.m, 1)
		l := h.d.lanes.m[wc.ID]
		h.d.lanes.mu.Unlock()
		// the send is recorded before its worker leaves the lane: wait until it has
		require.Eventually(t, func() bool {
			h.d.lanes.mu.Lock()
			defer h.d.lanes.mu.Unlock()
			return l.idle()
		}, time.Minute, time.Millisecond, "the lane's worker leaves")
		h.d.lanes.mu.Lock()
		l.idleSince = l.idleSince.Add(-2 * laneIdle) // as if a while ago
		h.d.lanes.swept = time.Time{}
		h.d.lanes.mu.Unlock()
		h.d.lanes.blocked()
		h.d.lanes.mu.Lock()
		require.Empty(t, h.d.lanes.m)
		h.d.lanes.mu.Unlock()
		require.Equal(t, []string{wc.ID}, rec.get(func(r *sendRecorder) any { return r.dropped }))
	})
}

var _ Metrics = (*sendRecorder)(nil)
var _ channels.ErrorClass = channels.ClassThrottle
