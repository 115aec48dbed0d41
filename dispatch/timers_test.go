package dispatch

import (
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/channels"
	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/store"
)

// waitFlow greets a web chat visitor and waits ten minutes for an answer; vars.result says
// how the wait ended.
const waitFlow = `switchboard: 1
id: wait
name: Wait
blocks:
  chat:
    type: webchat.trigger
    next: {message: greet}
  greet:
    type: reply
    params: {text: "Hola, ¿en qué te ayudamos?"}
    next: {sent: wait, failed: end}
  wait:
    type: wait.reply
    params: {timeout: 10m, save_as: answer}
    next: {replied: replied, timeout: timeout}
  replied:
    type: set
    params: {vars: {result: '"replied"'}}
  timeout:
    type: set
    params: {vars: {result: '"timeout"'}}
  end:
    type: end
`

func TestWaitReplyTimesOut(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		h := newHarness(t, b, nil)
		h.publish("wait", waitFlow)
		ch := h.webchat("wait")
		out := h.deliverOne(ch, webchatMessage(t, "w-1", "visitor-1", "hola"))
		require.Equal(t, engine.StatusWaiting, out.Status)
		require.Equal(t, []string{"chat", "greet", "wait"}, out.Path)
		s := h.session(out.SessionID)
		require.NotNil(t, s.Deadline)
		require.True(t, s.Deadline.Equal(epoch.Add(10*time.Minute)), "deadline %s", s.Deadline)

		h.clock.Set(epoch.Add(10*time.Minute - time.Second))
		h.sendNow(0)
		require.Equal(t, string(engine.StatusWaiting), h.session(out.SessionID).Status, "not before its deadline")

		h.clock.Set(epoch.Add(10 * time.Minute))
		h.sendNow(1)
		require.Equal(t, "timeout", h.result(out.SessionID), "the wait resumed by timeout")
		h.clock.Advance(time.Hour)
		h.sendNow(0)

		counts, err := h.st.PipelineCounts(h.ctx)
		require.NoError(t, err)
		require.Zero(t, counts.WaitingSessions)
	})
}

func TestReplyBeforeTheTimerWins(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		h := newHarness(t, b, nil)
		h.publish("wait", waitFlow)
		ch := h.webchat("wait")
		out := h.deliverOne(ch, webchatMessage(t, "w-1", "visitor-1", "hola"))
		require.Equal(t, engine.StatusWaiting, out.Status)

		h.clock.Advance(5 * time.Minute)
		reply := h.deliverOne(ch, webchatMessage(t, "w-2", "visitor-1", "quiero cambiar mi plan"))
		require.Equal(t, out.SessionID, reply.SessionID, "the reply resumes the waiting session")
		require.Equal(t, []string{"wait", "replied"}, reply.Path)
		require.Equal(t, []string{"replied", "next"}, reply.Exits)
		require.Equal(t, "replied", h.result(out.SessionID))
		sess := h.session(out.SessionID)
		require.Equal(t, "quiero cambiar mi plan", sess.State.Vars.Get("answer"))

		h.clock.Advance(time.Hour)
		h.sendNow(0)
		require.Equal(t, "replied", h.result(out.SessionID), "the old deadline fires nothing")
	})
}

func TestStaleTimerIsIgnored(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		h := newHarness(t, b, nil)
		h.publish("wait", waitFlow)
		ch := h.webchat("wait")
		out := h.deliverOne(ch, webchatMessage(t, "w-1", "visitor-1", "hola"))

		// a worker claims the due timer; before it fires, the customer's reply resumes the session
		h.clock.Advance(10 * time.Minute)
		claimed, err := h.st.SessionClaimDue(h.ctx, h.clock.Now(), h.d.cfg.Lease, 10)
		require.NoError(t, err)
		require.Len(t, claimed, 1)
		reply := h.deliverOne(ch, webchatMessage(t, "w-2", "visitor-1", "sigo acá"))
		require.Equal(t, []string{"wait", "replied"}, reply.Path, "a reply resumes a session whose timer was claimed")
		before := h.session(out.SessionID)

		h.d.fire(h.ctx, claimed[0])
		after := h.session(out.SessionID)
		require.Equal(t, before.Version, after.Version, "the stale timer changed nothing")
		require.Equal(t, "replied", h.result(out.SessionID))

		_, err = h.d.Resume(h.ctx, out.SessionID, engine.Event{Kind: engine.EventTimeout, Seq: claimed[0].Seq}, nil)
		require.ErrorIs(t, err, engine.ErrStaleEvent)
	})
}

func TestTimerOfADeadNodeIsTakenOver(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		h := newHarness(t, b, nil)
		h.publish("wait", waitFlow)
		ch := h.webchat("wait")
		out := h.deliverOne(ch, webchatMessage(t, "w-1", "visitor-1", "hola"))

		h.clock.Advance(10 * time.Minute)
		claimed, err := h.st.SessionClaimDue(h.ctx, h.clock.Now(), h.d.cfg.Lease, 10)
		require.NoError(t, err)
		require.Len(t, claimed, 1, "a node claims the timer, then dies")
		h.sendNow(0)
		require.Equal(t, string(engine.StatusWaiting), h.session(out.SessionID).Status, "its lease holds")

		h.clock.Advance(h.d.cfg.Lease + time.Second)
		h.sendNow(1)
		require.Equal(t, "timeout", h.result(out.SessionID), "another node fires it once the lease ran out")
		h.d.fire(h.ctx, claimed[0])
		require.Equal(t, "timeout", h.result(out.SessionID), "the dead node's claim fires nothing more")
		require.Equal(t, 1, h.count(`SELECT count(*) FROM sessions`))
	})
}

func TestClaimPayloadsADeadNodeLeft(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		h := newHarness(t, b, nil)
		h.publish("wait", waitFlow)
		ch := h.webchat("wait")

		// stored and acknowledged, then the node died before claiming it: claimed at once,
		// whatever its age
		left, err := h.d.Ingest(h.ctx, ch, webchatMessage(t, "w-1", "visitor-1", "hola"))
		require.NoError(t, err)
		// one processed before the node died: nothing to claim
		h.deliverOne(ch, webchatMessage(t, "w-2", "visitor-2", "hola"))
		require.Equal(t, 1, h.claim())
		require.Equal(t, 1, h.count(`SELECT count(*) FROM interactions WHERE direction = 'in' AND external_id = 'w-1'`))
		require.Equal(t, 1, h.count(`SELECT count(*) FROM webhook_events WHERE id = ? AND status = 'done'`, left.ID))
		require.Zero(t, h.claim())

		// a payload claimed by a node that died before finishing it
		third, err := h.d.Ingest(h.ctx, ch, webchatMessage(t, "w-3", "visitor-3", "hola"))
		require.NoError(t, err)
		evs, err := h.st.WebhookEventClaim(h.ctx, h.d.cfg.EventLease, 10)
		require.NoError(t, err)
		require.Len(t, evs, 1)
		// it got as far as handling the event, not as far as marking the payload done
		_, err = h.d.handle(h.ctx, ch, parseOne(t, ch, evs[0].Body))
		require.NoError(t, err)
		require.Zero(t, h.claim(), "its lease holds")
		h.clock.Advance(h.d.cfg.EventLease + time.Second)
		require.Equal(t, 1, h.claim())
		require.Equal(t, 1, h.count(`SELECT count(*) FROM interactions WHERE direction = 'in' AND external_id = 'w-3'`),
			"the event is not handled twice")
		require.Equal(t, 1, h.count(`SELECT count(*) FROM webhook_events WHERE id = ? AND status = 'done' AND attempts = 2`, third.ID))
		require.Equal(t, 3, h.count(`SELECT count(*) FROM sessions`))
	})
}

// parseOne parses a payload of one event.
func parseOne(t testing.TB, ch store.Channel, body []byte) channels.Event {
	t.Helper()
	evs, err := channels.Parse(AdapterChannel(ch), body)
	require.NoError(t, err)
	require.Len(t, evs, 1)
	return evs[0]
}

// countingHTTP answers every http block's request with 200 and counts them.
type countingHTTP struct{ calls atomic.Int32 }

func (c *countingHTTP) Do(r *http.Request) (*http.Response, error) {
	c.calls.Add(1)
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(`{"ok": true}`)), Request: r}, nil
}

func TestMessageSeenBeforeRunsNothing(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		crm := &countingHTTP{}
		h := newHarness(t, b, func(c *Config) { c.HTTP = crm })
		h.publish("crm", `switchboard: 1
id: crm
name: CRM
blocks:
  chat:
    type: webchat.trigger
    next: {message: tell}
  tell:
    type: http
    params: {url: "https://crm.example.com/tickets", method: POST, body: 'interaction.text'}
    next: {ok: wait, error: wait, timeout: wait}
  wait:
    type: wait.reply
    params: {timeout: 1h}
    next: {replied: tell, timeout: end}
  end:
    type: end
`)
		ch := h.webchat("crm")
		first := h.deliverOne(ch, webchatMessage(t, "w-1", "visitor-1", "hola"))
		require.Equal(t, engine.StatusWaiting, first.Status)
		require.EqualValues(t, 1, crm.calls.Load())

		dup := h.deliverOne(ch, webchatMessage(t, "w-1", "visitor-1", "hola"))
		require.Equal(t, "duplicate", dup.Delivered)
		require.EqualValues(t, 1, crm.calls.Load(), "a message delivered again does not call out again")

		reply := h.deliverOne(ch, webchatMessage(t, "w-2", "visitor-1", "sigo acá"))
		require.Equal(t, []string{"wait", "tell", "wait"}, reply.Path)
		require.EqualValues(t, 2, crm.calls.Load())
		dup = h.deliverOne(ch, webchatMessage(t, "w-2", "visitor-1", "sigo acá"))
		require.Equal(t, "duplicate", dup.Delivered)
		require.EqualValues(t, 2, crm.calls.Load(), "a reply delivered again does not resume the session again")
		require.Equal(t, 2, h.count(`SELECT count(*) FROM interactions WHERE direction = 'in'`))
	})
}

func TestRemovedCommentIsNotRevivedByALateAdd(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		h := newHarness(t, b, nil)
		h.publish("replies", repliesFlow)
		fb := h.facebook("replies")
		at := epoch.Add(-time.Minute)
		removal := mustJSON(t, map[string]any{"object": "page", "entry": []any{map[string]any{
			"id": pageID, "time": epoch.Unix(),
			"changes": []any{map[string]any{"field": "feed", "value": map[string]any{
				"item": "comment", "verb": "remove", "post_id": pageID + "_900100", "comment_id": "900100_555009",
				"from": map[string]any{"id": "7009", "name": "Spam Bot"}, "created_time": epoch.Unix(),
			}}},
		}}})
		// the removal overtakes the comment it removes
		require.Equal(t, "outbound", h.deliverOne(fb, removal).Delivered)
		late := h.deliverOne(fb, feedComment(t, "900100_555009", "7009", "Spam Bot", "compra ya", at))
		require.Equal(t, "duplicate", late.Delivered, "a late add never revives a removed comment")
		require.Zero(t, h.count(`SELECT count(*) FROM interactions`))
		require.Zero(t, h.count(`SELECT count(*) FROM sessions`))
		require.Equal(t, "duplicate", h.deliverOne(fb, removal).Delivered)

		// another comment is handled as usual
		out := h.deliverOne(fb, feedComment(t, "900100_555010", "7001", "Ana Ruiz", "¿hola?", at))
		require.Equal(t, "session", out.Delivered)
	})
}
