package dispatch

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/channels"
	"github.com/switchboardhq/switchboard/channels/fakenet"
	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/store"
)

// nopMetrics hears nothing: the tests' metrics embed it and record what they check.
type nopMetrics struct{}

func (nopMetrics) SessionRun(engine.Status)                 {}
func (nopMetrics) CommitBatch(int)                          {}
func (nopMetrics) Reconciled(string, string)                {}
func (nopMetrics) SendDone(string, string, string, float64) {}
func (nopMetrics) Throttled(string)                         {}
func (nopMetrics) LaneState(string, int, bool)              {}
func (nopMetrics) LaneDropped(string)                       {}
func (nopMetrics) ProfileLookup(string, string)             {}

// reconciledCounts records Metrics.Reconciled.
type reconciledCounts struct {
	nopMetrics
	mu       sync.Mutex
	outcomes []string
}

func (r *reconciledCounts) Reconciled(_, outcome string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.outcomes = append(r.outcomes, outcome)
}
func (r *reconciledCounts) list() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.outcomes...)
}

// posts counts the sends a fake received.
func posts(reqs []fakenet.Request) int {
	n := 0
	for _, r := range reqs {
		if r.Method == http.MethodPost {
			n++
		}
	}
	return n
}

// reconcileHarness is a harness whose sends time out quickly, with a Messenger conversation
// waiting for its reply; settings are the channel's extra settings.
// impatientSender gives up the next send after it is armed as soon as the network holds it: with
// a network that answers a minute late, that send's outcome is unknown whatever the machine's
// load (a deadline could pass before the request reached the network), while every other call
// keeps the dispatcher's whole timeout and is never cut by a slow machine.
type impatientSender struct {
	Sender
	armed atomic.Bool
	// cancelWhenHeld is the fake network's CancelWhenHeld
	cancelWhenHeld func(context.Context) (context.Context, context.CancelFunc)
}

func (s *impatientSender) Send(ctx context.Context, ch channels.Channel, a *engine.Action, sc channels.SendContext) (channels.Result, error) {
	if s.armed.Swap(false) {
		var cancel context.CancelFunc
		ctx, cancel = s.cancelWhenHeld(ctx)
		defer cancel()
	}
	return s.Sender.Send(ctx, ch, a, sc)
}

func reconcileHarness(t *testing.T, b backend, settings map[string]any) (*harness, *reconciledCounts, string, string) {
	metrics := &reconciledCounts{}
	impatient := &impatientSender{}
	h := newHarness(t, b, func(c *Config) {
		c.Metrics = metrics
		impatient.Sender = c.Sender
		c.Sender = impatient
	})
	h.impatient = impatient
	impatient.cancelWhenHeld = h.graph.CancelWhenHeld
	h.graph.SetClock(h.clock)
	h.publish("replies", repliesFlow)
	ch := h.graph.FacebookChannel()
	for k, v := range settings {
		ch.Settings[k] = v
	}
	fb := h.channel(ch, "replies")
	out := h.deliverOne(fb, messengerMessage(t, "page", pageID, "PSID-1", "m_1", "hola", epoch.Add(-time.Minute)))
	return h, metrics, out.SessionID, h.waitingAction(out.SessionID)
}

// sendUnknown makes the next send's outcome unknown (the network takes it and answers too
// late, or drops the connection) and requires that it is kept for reading back.
func (h *harness) sendUnknown(actionID string, late bool) store.OutboxItem {
	h.t.Helper()
	if late {
		h.graph.AnswerAfter(time.Minute, 1)
		h.impatient.armed.Store(true)
	} else {
		h.graph.DropAfterReading(1)
	}
	h.sendNow(1)
	o := h.outbox(actionID)
	require.Equal(h.t, store.OutboxPending, o.Status)
	require.NotNil(h.t, o.AttemptStartedAt, "the attempt stays on record")
	require.Contains(h.t, o.LastError, "unknown")
	h.clock.Set(o.NextAttemptAt)
	return o
}

func TestUnknownSendFoundOnTheNetworkIsNotSentAgain(t *testing.T) {
	t.Parallel()
	for _, late := range []bool{true, false} {
		eachBackend(t, func(t *testing.T, b backend) {
			h, metrics, sessionID, actionID := reconcileHarness(t, b, nil)
			h.sendUnknown(actionID, late)
			require.Len(t, h.graph.Sent(), 1, "the network has the reply")

			h.sendNow(1)
			require.Len(t, h.graph.Sent(), 1, "no second send")
			require.Equal(t, 1, posts(h.graph.Requests()))
			o := h.outbox(actionID)
			require.Equal(t, store.OutboxSent, o.Status)
			require.Equal(t, h.graph.Sent()[0].ID, o.ExternalID, "recorded with the network's id")
			require.Equal(t, "sent", h.result(sessionID), "the block resumes as after any send")
			rec, err := h.d.interactionByAction(h.ctx, actionID)
			require.NoError(t, err)
			require.Equal(t, store.OutboxSent, rec.Status)
			require.Equal(t, []string{"found"}, metrics.list())
		})
	}
}

func TestSendAbsentAfterACrashIsSentOnce(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		h, metrics, sessionID, _ := reconcileHarness(t, b, nil)
		// a node claims the row, records its attempt, and dies before calling the network
		items, err := h.st.OutboxClaimDue(h.ctx, h.clock.Now(), h.d.cfg.Lease, 10)
		require.NoError(t, err)
		require.Len(t, items, 1)
		require.NoError(t, h.st.OutboxAttemptStart(h.ctx, items[0].ID, items[0].Attempts, h.clock.Now().Add(20*time.Second)))

		h.clock.Advance(19 * time.Second)
		h.sendNow(0) // the attempt holds the row
		h.clock.Advance(h.d.cfg.Lease)
		h.sendNow(1)
		require.Len(t, h.graph.Sent(), 1, "sent exactly once")
		require.Equal(t, "sent", h.result(sessionID))
		require.Equal(t, []string{"absent"}, metrics.list())
		h.clock.Advance(time.Hour)
		h.sendNow(0)
		require.Len(t, h.graph.Sent(), 1)
	})
}

func TestUnknownSendHeldOrResent(t *testing.T) {
	t.Parallel()
	for _, policy := range []string{"", "hold", "resend"} {
		eachBackend(t, func(t *testing.T, b backend) {
			settings := map[string]any{}
			if policy != "" {
				settings["unknown_send"] = policy
			}
			h, metrics, sessionID, actionID := reconcileHarness(t, b, settings)
			h.sendUnknown(actionID, true)
			h.graph.FailNext(10, 0, 1) // the read is not permitted: the network cannot tell
			h.sendNow(1)
			require.Equal(t, []string{"unknown"}, metrics.list())
			o := h.outbox(actionID)
			if policy == "resend" {
				require.Len(t, h.graph.Sent(), 2, "resend sends it again")
				require.Equal(t, store.OutboxSent, o.Status)
				require.Equal(t, "sent", h.result(sessionID))
				return
			}
			require.Len(t, h.graph.Sent(), 1, "held: zero more sends")
			require.Equal(t, 1, posts(h.graph.Requests()))
			require.Equal(t, store.OutboxFailed, o.Status)
			require.Contains(t, o.LastError, "may or may not have reached the customer")
			require.Contains(t, o.LastError, "unknown_send: hold")
			require.Equal(t, "failed", h.result(sessionID), "the block leaves by failed")
		})
	}
}

func TestFailedReadBackIsReadAgain(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		h, metrics, sessionID, actionID := reconcileHarness(t, b, nil)
		h.sendUnknown(actionID, true)
		h.graph.FailNext(2, 0, 1) // a temporary error on the read
		h.sendNow(1)
		o := h.outbox(actionID)
		require.Equal(t, store.OutboxPending, o.Status, "read again later")
		require.NotNil(t, o.AttemptStartedAt)
		h.clock.Set(o.NextAttemptAt)
		h.sendNow(1)
		require.Len(t, h.graph.Sent(), 1)
		require.Equal(t, "sent", h.result(sessionID))
		require.Equal(t, []string{"unknown", "found"}, metrics.list())
	})
}

// TestAnAttemptNeedsItsClaim: a node whose lease ran out before it recorded its attempt does
// not send; the claim that took the row over does.
func TestAnAttemptNeedsItsClaim(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		h, _, _, _ := reconcileHarness(t, b, nil)
		first, err := h.st.OutboxClaimDue(h.ctx, h.clock.Now(), time.Second, 10)
		require.NoError(t, err)
		require.Len(t, first, 1)
		h.clock.Advance(2 * time.Second)
		second, err := h.st.OutboxClaimDue(h.ctx, h.clock.Now(), time.Minute, 10)
		require.NoError(t, err)
		require.Len(t, second, 1)
		require.ErrorIs(t, h.st.OutboxAttemptStart(h.ctx, first[0].ID, first[0].Attempts, h.clock.Now().Add(time.Minute)), store.ErrNotFound)
		require.NoError(t, h.st.OutboxAttemptStart(h.ctx, second[0].ID, second[0].Attempts, h.clock.Now().Add(time.Minute)))
		h.d.send(h.ctx, first[0])
		require.Empty(t, h.graph.Sent(), "the stale claim sends nothing")
		require.Nil(t, h.d.send(h.ctx, second[0]), "the current claim sends")
		require.Len(t, h.graph.Sent(), 1)
	})
}

// TestPartlySentReplyIsNotRepeated: a reply that goes as two messages, whose second meets a
// temporary failure after the first went, fails rather than sending the first one again.
func TestPartlySentReplyIsNotRepeated(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		var h *harness
		var mu sync.Mutex
		calls := 0
		h = newHarness(t, b, func(c *Config) {
			c.Sender.(*channels.Client).HTTP = &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
				mu.Lock()
				calls++
				second := calls == 2
				mu.Unlock()
				if second {
					h.graph.FailNext(1200, 0, 1)
				}
				return http.DefaultTransport.RoundTrip(r)
			})}
		})
		h.publish("act", actionFlow(`    type: reply
    params:
      text: "Te mando los horarios"
      attachments: [{type: image, url: "https://example.com/hours.png"}]
    next: {sent: sent, failed: failed}`))
		fb := h.facebook("act")
		out := h.deliverOne(fb, messengerMessage(t, "page", pageID, "PSID-1", "m_1", "hola", epoch.Add(-time.Minute)))
		actionID := h.waitingAction(out.SessionID)
		h.sendNow(1)
		require.Len(t, h.graph.Sent(), 1, "the text went, the image met a temporary failure")
		o := h.outbox(actionID)
		require.Equal(t, store.OutboxFailed, o.Status)
		require.Contains(t, o.LastError, "after 1 of 2 messages were sent")
		require.Contains(t, o.LastError, "not sent again")
		require.Equal(t, "failed", h.result(out.SessionID))
		h.clock.Advance(time.Hour)
		h.sendNow(0)
		require.Len(t, h.graph.Sent(), 1, "the text is not sent twice")
	})
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
