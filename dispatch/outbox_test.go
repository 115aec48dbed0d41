package dispatch

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/channels"
	"github.com/switchboardhq/switchboard/channels/fakenet"
	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/store"
)

const replyText = "¡Gracias! ¿Nos das más detalles?"

// repliesFlow answers anything on a social channel the way it came, and says in vars.result
// whether the reply was sent or failed.
var repliesFlow = triggeredFlow("replies", `    type: reply
    params:
      text: "`+replyText+`"
    next: {sent: sent, failed: failed}`)

// actionFlow is a flow whose every trigger leads to the block act, which leaves by sent or
// done to vars.result "sent", and by failed to "failed".
func actionFlow(act string) string { return triggeredFlow("act", act) }

// triggeredFlow is flow id whose every trigger leads to the block act (its YAML, indented), and
// whose blocks sent and failed write that word to vars.result.
func triggeredFlow(id, act string) string {
	return `switchboard: 1
id: ` + id + `
name: ` + id + `
blocks:
  facebook:
    type: facebook.trigger
    next: {post: act, comment: act, message: act}
  instagram:
    type: instagram.trigger
    next: {comment: act, mention: act, message: act}
  x:
    type: twitter.trigger
    next: {mention: act, dm: act}
  act:
` + act + `
  sent:
    type: set
    params: {vars: {result: '"sent"'}}
  failed:
    type: set
    params: {vars: {result: '"failed"'}}
`
}

// result is what a session's flow wrote in vars.result.
func (h *harness) result(sessionID string) string {
	h.t.Helper()
	s := h.session(sessionID)
	require.Equal(h.t, string(engine.StatusEnded), s.Status, "session %s has ended (error %q)", sessionID, s.State.Error)
	r, _ := s.State.Vars.Get("result").(string)
	return r
}

// sendNow runs the due work and requires that it claimed n rows.
func (h *harness) sendNow(n int) {
	h.t.Helper()
	require.Equal(h.t, n, h.d.RunDue(h.ctx), "due rows claimed")
}

func TestOutboundGoesToTheNetworksRealEndpoints(t *testing.T) {
	t.Parallel()
	at := epoch.Add(-time.Minute)
	type request struct {
		path string
		body func(actionID string) map[string]any
	}
	graph := func(path string, body func(string) map[string]any) request {
		return request{path: "/" + fakenet.GraphVersion + path, body: body}
	}
	fixed := func(m map[string]any) func(string) map[string]any { return func(string) map[string]any { return m } }
	const publicReply = `    type: reply
    params: {visibility: public, text: "Lo revisamos ¿te escribimos?"}
    next: {sent: sent, failed: failed}`
	const privateReply = `    type: reply
    params: {visibility: private, text: "Te escribimos por privado ¿dale?"}
    next: {sent: sent, failed: failed}`
	const sameReply = `    type: reply
    params: {text: "Hola ¿en qué te ayudamos?"}
    next: {sent: sent, failed: failed}`
	social := func(action string) string {
		return "    type: social.like\n    params: {action: " + action + "}\n    next: {done: sent, failed: failed}"
	}
	comment := func(t testing.TB) []byte { return feedComment(t, "900100_555001", "7001", "Ana Ruiz", "¿Hola?", at) }
	for _, tc := range []struct {
		name     string
		network  string
		act      string
		payload  func(t testing.TB) []byte
		want     request
		external string
	}{
		{"facebook public reply", "facebook", publicReply, comment,
			graph("/900100_555001/comments", fixed(map[string]any{"message": "Lo revisamos ¿te escribimos?"})), "900100_880001"},
		{"facebook private reply", "facebook", privateReply, comment,
			graph("/"+pageID+"/messages", func(id string) map[string]any {
				return map[string]any{"recipient": map[string]any{"comment_id": "900100_555001"}, "messaging_type": "RESPONSE",
					"message": map[string]any{"text": "Te escribimos por privado ¿dale?", "metadata": id}}
			}), "m_fake000001"},
		{"messenger message", "facebook", sameReply,
			func(t testing.TB) []byte { return messengerMessage(t, "page", pageID, "PSID-8801", "m_1", "hola", at) },
			graph("/"+pageID+"/messages", func(id string) map[string]any {
				return map[string]any{"recipient": map[string]any{"id": "PSID-8801"}, "messaging_type": "RESPONSE",
					"message": map[string]any{"text": "Hola ¿en qué te ayudamos?", "metadata": id}}
			}), "m_fake000001"},
		{"facebook like", "facebook", social("like"), comment, graph("/900100_555001/likes", fixed(nil)), ""},
		{"facebook hide", "facebook", social("hide"), comment, graph("/900100_555001", fixed(map[string]any{"is_hidden": true})), ""},
		{"instagram public reply", "instagram", sameReply,
			func(t testing.TB) []byte {
				return igComment(t, "17900000000000001", "IGSID-5501", "ana.r", "Precio?", at)
			},
			graph("/17900000000000001/replies", fixed(map[string]any{"message": "Hola ¿en qué te ayudamos?"})), "17900000000100001"},
		{"instagram hide", "instagram", social("hide"),
			func(t testing.TB) []byte { return igComment(t, "17900000000000001", "IGSID-5501", "ana.r", "spam", at) },
			graph("/17900000000000001", fixed(map[string]any{"hide": true})), ""},
		{"instagram direct", "instagram", sameReply,
			func(t testing.TB) []byte {
				return messengerMessage(t, "instagram", igAccount, "IGSID-5501", "aWd_1", "hola", at)
			},
			graph("/"+igAccount+"/messages", func(id string) map[string]any {
				return map[string]any{"recipient": map[string]any{"id": "IGSID-5501"}, "messaging_type": "RESPONSE",
					"message": map[string]any{"text": "Hola ¿en qué te ayudamos?", "metadata": id}}
			}), "m_fake000001"},
		{"x public reply", "twitter", sameReply,
			func(t testing.TB) []byte {
				return xMention(t, "1811000000000000101", "4003", "carla_d", "@acme_help ayuda", at)
			},
			request{"/2/tweets", fixed(map[string]any{"text": "Hola ¿en qué te ayudamos?",
				"reply": map[string]any{"in_reply_to_tweet_id": "1811000000000000101"}})}, "1811000000000090001"},
		{"x like", "twitter", social("like"),
			func(t testing.TB) []byte {
				return xMention(t, "1811000000000000102", "4003", "carla_d", "@acme_help gracias!", at)
			},
			request{"/2/users/" + xUser + "/likes", fixed(map[string]any{"tweet_id": "1811000000000000102"})}, ""},
		{"x retweet", "twitter", social("retweet"),
			func(t testing.TB) []byte {
				return xMention(t, "1811000000000000103", "4003", "carla_d", "@acme_help genial", at)
			},
			request{"/2/users/" + xUser + "/retweets", fixed(map[string]any{"tweet_id": "1811000000000000103"})}, ""},
		{"x direct message", "twitter", sameReply,
			func(t testing.TB) []byte {
				return xDirectMessage(t, "1811000000000000001", "4002", "me cobraron dos veces", at)
			},
			request{"/2/dm_conversations/with/4002/messages", fixed(map[string]any{"text": "Hola ¿en qué te ayudamos?"})},
			"1811000000000090001"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			eachBackend(t, func(t *testing.T, b backend) {
				h := newHarness(t, b, nil)
				h.publish("act", actionFlow(tc.act))
				var ch store.Channel
				var requests func() []fakenet.Request
				switch tc.network {
				case "facebook":
					ch, requests = h.facebook("act"), h.graph.Requests
				case "instagram":
					ch, requests = h.instagram("act"), h.graph.Requests
				case "twitter":
					ch, requests = h.twitter("act"), h.x.Requests
				}
				out := h.deliverOne(ch, tc.payload(t))
				require.Equal(t, "session", out.Delivered)
				require.Equal(t, engine.StatusWaiting, out.Status, "the block waits for the network: %v", out.Error)
				require.Len(t, out.Actions, 1)
				actionID := out.Actions[0].ID
				require.Equal(t, actionID, h.waitingAction(out.SessionID))
				require.Empty(t, requests(), "nothing is sent before the run commits")

				h.sendNow(1)
				reqs := requests()
				require.Len(t, reqs, 1)
				r := reqs[0]
				require.Equal(t, "POST", r.Method)
				require.Equal(t, tc.want.path, r.Path)
				require.Equal(t, tc.want.body(actionID), r.Body)
				if tc.network == "twitter" {
					require.Equal(t, "Bearer "+fakenet.XAccessToken, r.Header.Get("Authorization"))
				} else {
					token := fakenet.PageAccessToken
					if tc.network == "instagram" {
						token = fakenet.IGAccessToken
					}
					require.Equal(t, token, r.Query.Get("access_token"))
					require.Equal(t, channels.AppSecretProof(fakenet.AppSecret, token), r.Query.Get("appsecret_proof"))
				}

				require.Equal(t, "sent", h.result(out.SessionID), "the waiting block resumed by its success exit")
				o := h.outbox(actionID)
				require.Equal(t, store.OutboxSent, o.Status)
				require.Equal(t, 1, o.Attempts)
				require.Equal(t, tc.external, o.ExternalID)
				// replies, likes, retweets and hides are all in the transcript, with how they went
				rec, err := h.d.interactionByAction(h.ctx, actionID)
				require.NoError(t, err, "the transcript records the %s", out.Actions[0].Type)
				require.Equal(t, store.Outbound, rec.Direction)
				require.Equal(t, store.OutboxSent, rec.Status)
				require.Equal(t, tc.external, rec.ExternalID)
				if a := out.Actions[0]; a.Type != engine.ActionReply {
					require.Equal(t, string(a.Type), rec.Kind)
					require.True(t, rec.Public, "a %s acts on a public post or comment", a.Type)
					require.Equal(t, a.Target, rec.Parent)
				}
				h.clock.Advance(time.Hour)
				h.sendNow(0)
				require.Len(t, requests(), 1, "a sent action is not sent again")
			})
		})
	}
}

func TestFatalSendErrorResumesByFailed(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		h := newHarness(t, b, nil)
		h.publish("replies", repliesFlow)
		fb := h.facebook("replies")
		out := h.deliverOne(fb, messengerMessage(t, "page", pageID, "PSID-1", "m_1", "hola", epoch.Add(-time.Minute)))
		actionID := h.waitingAction(out.SessionID)

		h.graph.FailNext(100, 0, 1)
		h.sendNow(1)
		require.Equal(t, "failed", h.result(out.SessionID))
		o := h.outbox(actionID)
		require.Equal(t, store.OutboxFailed, o.Status)
		require.Contains(t, o.LastError, "code 100")
		rec, err := h.d.interactionByAction(h.ctx, actionID)
		require.NoError(t, err)
		require.Equal(t, store.OutboxFailed, rec.Status, "the transcript shows the reply failed")

		h.clock.Advance(24 * time.Hour)
		h.sendNow(0)
		require.Len(t, h.graph.Requests(), 1, "a fatal error is not retried")
	})
}

func TestTemporaryErrorsAreRetriedWithBackoff(t *testing.T) {
	t.Parallel()
	at := epoch.Add(-time.Minute)
	for _, tc := range []struct {
		name    string
		network string
		fail    func(h *harness)
		// waits are the bounds of the waits before each retry
		waits [][2]time.Duration
	}{
		{"graph code 2", "facebook", func(h *harness) { h.graph.FailNext(2, 0, 2) },
			[][2]time.Duration{{1600 * time.Millisecond, 2400 * time.Millisecond}, {3200 * time.Millisecond, 4800 * time.Millisecond}}},
		{"graph code 1200", "facebook", func(h *harness) { h.graph.FailNext(1200, 0, 1) },
			[][2]time.Duration{{1600 * time.Millisecond, 2400 * time.Millisecond}}},
		{"graph rate limit 613", "facebook", func(h *harness) { h.graph.FailNext(613, 0, 1) },
			[][2]time.Duration{{5 * time.Minute, 5 * time.Minute}}},
		{"x 503", "twitter", func(h *harness) { h.x.FailNext(503, 2) },
			[][2]time.Duration{{1600 * time.Millisecond, 2400 * time.Millisecond}, {3200 * time.Millisecond, 4800 * time.Millisecond}}},
		{"x 429", "twitter", func(h *harness) { h.x.FailNext(429, 1) },
			[][2]time.Duration{{15 * time.Minute, 15 * time.Minute}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			eachBackend(t, func(t *testing.T, b backend) {
				h := newHarness(t, b, nil)
				h.publish("replies", repliesFlow)
				var out *Outcome
				requests := h.graph.Requests
				if tc.network == "twitter" {
					requests = h.x.Requests
					out = h.deliverOne(h.twitter("replies"), xDirectMessage(t, "1811000000000000001", "4002", "hola", at))
				} else {
					out = h.deliverOne(h.facebook("replies"), messengerMessage(t, "page", pageID, "PSID-1", "m_1", "hola", at))
				}
				actionID := h.waitingAction(out.SessionID)
				tc.fail(h)
				for i, bounds := range tc.waits {
					h.sendNow(1)
					require.Len(t, requests(), i+1)
					o := h.outbox(actionID)
					require.Equal(t, store.OutboxPending, o.Status, "attempt %d failed for now", i+1)
					require.Equal(t, i+1, o.Attempts)
					require.NotEmpty(t, o.LastError)
					wait := o.NextAttemptAt.Sub(h.clock.Now())
					require.GreaterOrEqual(t, wait, bounds[0]-time.Millisecond, "retry %d waits at least %s", i+1, bounds[0])
					require.LessOrEqual(t, wait, bounds[1]+time.Millisecond, "retry %d waits at most %s", i+1, bounds[1])
					require.Equal(t, string(engine.StatusWaiting), h.session(out.SessionID).Status, "the block still waits")

					h.clock.Set(o.NextAttemptAt.Add(-time.Millisecond))
					h.sendNow(0)
					require.Len(t, requests(), i+1, "not retried before its time")
					h.clock.Set(o.NextAttemptAt)
				}
				h.sendNow(1)
				require.Len(t, requests(), len(tc.waits)+1)
				require.Equal(t, "sent", h.result(out.SessionID))
				o := h.outbox(actionID)
				require.Equal(t, store.OutboxSent, o.Status)
				require.Equal(t, len(tc.waits)+1, o.Attempts)
			})
		})
	}
}

func TestDuplicateSendCountsAsSent(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		h := newHarness(t, b, nil)
		h.publish("replies", repliesFlow)
		out := h.deliverOne(h.facebook("replies"), feedComment(t, "900100_555001", "7001", "Ana Ruiz", "¿hola?", epoch.Add(-time.Minute)))
		actionID := h.waitingAction(out.SessionID)
		h.graph.FailNext(506, 0, 1)
		h.sendNow(1)
		require.Equal(t, "sent", h.result(out.SessionID), "a duplicate means the network has it")
		require.Equal(t, store.OutboxSent, h.outbox(actionID).Status)
		rec, err := h.d.interactionByAction(h.ctx, actionID)
		require.NoError(t, err)
		require.Equal(t, store.OutboxSent, rec.Status)
		h.clock.Advance(time.Hour)
		h.sendNow(0)
		require.Len(t, h.graph.Requests(), 1)
	})
}

func TestTokenErrorStopsTheChannelsSends(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		h := newHarness(t, b, nil)
		h.publish("replies", repliesFlow)
		fb := h.facebook("replies")
		at := epoch.Add(-time.Minute)

		first := h.deliverOne(fb, messengerMessage(t, "page", pageID, "PSID-1", "m_1", "hola", at))
		firstAction := h.waitingAction(first.SessionID)
		h.graph.FailNext(190, 0, 1)
		h.sendNow(1)
		require.Len(t, h.graph.Requests(), 1)
		require.Equal(t, "failed", h.result(first.SessionID))
		o := h.outbox(firstAction)
		require.Equal(t, store.OutboxFailed, o.Status)
		require.Contains(t, o.LastError, "code 190")
		stored, err := h.st.ChannelGet(h.ctx, fb.ID)
		require.NoError(t, err)
		require.True(t, stored.NeedsReauth, "the channel needs re-authorisation")

		second := h.deliverOne(fb, messengerMessage(t, "page", pageID, "PSID-2", "m_2", "hola", at))
		secondAction := h.waitingAction(second.SessionID)
		h.sendNow(1)
		require.Len(t, h.graph.Requests(), 1, "no send is attempted on a channel whose token was refused")
		require.Equal(t, "failed", h.result(second.SessionID))
		o = h.outbox(secondAction)
		require.Equal(t, store.OutboxFailed, o.Status)
		require.Contains(t, o.LastError, "re-authorisation")
	})
}

func TestRetriesStopAfterRetryFor(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		h := newHarness(t, b, func(c *Config) { c.RetryFor = time.Hour })
		h.publish("replies", repliesFlow)
		out := h.deliverOne(h.facebook("replies"), messengerMessage(t, "page", pageID, "PSID-1", "m_1", "hola", epoch.Add(-time.Minute)))
		actionID := h.waitingAction(out.SessionID)
		h.graph.FailNext(2, 0, 1000)
		first := h.clock.Now()
		var o store.OutboxItem
		for attempt := 1; ; attempt++ {
			require.Less(t, attempt, 50, "the retries never stop")
			h.sendNow(1)
			o = h.outbox(actionID)
			require.Equal(t, attempt, o.Attempts)
			if o.Status != store.OutboxPending {
				break
			}
			require.False(t, o.NextAttemptAt.After(first.Add(time.Hour)), "no attempt is scheduled past RetryFor")
			wait := o.NextAttemptAt.Sub(h.clock.Now())
			base := min(2*time.Second<<min(attempt-1, 9), 10*time.Minute)
			require.GreaterOrEqual(t, wait, base*8/10-time.Millisecond, "retry %d waits about %s", attempt, base)
			require.LessOrEqual(t, wait, base*12/10+time.Millisecond, "retry %d waits about %s", attempt, base)
			h.clock.Set(o.NextAttemptAt)
		}
		require.Equal(t, store.OutboxFailed, o.Status)
		require.Contains(t, o.LastError, "gave up after")
		require.False(t, h.clock.Now().After(first.Add(time.Hour)), "the last attempt is within RetryFor")
		require.Greater(t, o.Attempts, 8, "it retried for most of the hour")
		require.Len(t, h.graph.Requests(), o.Attempts)
		require.Equal(t, "failed", h.result(out.SessionID))

		h.clock.Advance(24 * time.Hour)
		h.sendNow(0)
		require.Len(t, h.graph.Requests(), o.Attempts, "nothing is sent once it gave up")
	})
}

// windowFlow greets a Messenger customer, waits for an answer for `wait`, and then writes
// again: sent, or refused.
func windowFlow(wait string) string {
	return `switchboard: 1
id: window
name: Window
blocks:
  facebook:
    type: facebook.trigger
    next: {message: hello}
  hello:
    type: reply
    params: {text: "Hola"}
    next: {sent: wait, failed: failed}
  wait:
    type: wait.reply
    params: {timeout: ` + wait + `}
    next: {replied: failed, timeout: again}
  again:
    type: reply
    params: {text: "¿Seguís ahí?"}
    next: {sent: sent, failed: refused}
  sent:
    type: set
    params: {vars: {result: '"sent"'}}
  refused:
    type: set
    params: {vars: {result: '"refused"'}}
  failed:
    type: set
    params: {vars: {result: '"failed"'}}
`
}

func TestMessagingWindowRefusesBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		wait     string
		result   string
		requests int
	}{
		{"23h", "sent", 2},
		{"25h", "refused", 1},
	} {
		t.Run(tc.wait, func(t *testing.T) {
			eachBackend(t, func(t *testing.T, b backend) {
				h := newHarness(t, b, nil)
				h.publish("window", windowFlow(tc.wait))
				fb := h.facebook("window")
				out := h.deliverOne(fb, messengerMessage(t, "page", pageID, "PSID-1", "m_1", "hola", epoch))
				h.waitingAction(out.SessionID)
				h.sendNow(1)
				require.Len(t, h.graph.Requests(), 1)
				s := h.session(out.SessionID)
				require.Equal(t, engine.WaitReply, s.State.Wait.Kind)

				h.clock.Set(*s.Deadline)
				h.sendNow(1) // the timer
				if tc.result == "sent" {
					h.waitingAction(out.SessionID)
					h.sendNow(1)
				}
				require.Equal(t, tc.result, h.result(out.SessionID))
				require.Len(t, h.graph.Requests(), tc.requests)
				require.Equal(t, tc.requests, h.count(`SELECT count(*) FROM outbox`), "a refused message is not queued")
			})
		})
	}
}

func TestOnePrivateReplyPerComment(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		h := newHarness(t, b, nil)
		h.publish("twice", `switchboard: 1
id: twice
name: Twice
blocks:
  facebook:
    type: facebook.trigger
    next: {comment: first}
  first:
    type: reply
    params: {visibility: private, text: "Te escribimos por privado"}
    next: {sent: second, failed: failed}
  second:
    type: reply
    params: {visibility: private, text: "Y otra vez"}
    next: {sent: sent, failed: refused}
  sent:
    type: set
    params: {vars: {result: '"sent"'}}
  refused:
    type: set
    params: {vars: {result: '"refused"'}}
  failed:
    type: set
    params: {vars: {result: '"failed"'}}
`)
		out := h.deliverOne(h.facebook("twice"), feedComment(t, "900100_555001", "7001", "Ana Ruiz", "¿precio?", epoch.Add(-time.Minute)))
		h.waitingAction(out.SessionID)
		h.sendNow(1)
		require.Equal(t, "refused", h.result(out.SessionID), "the second private reply to the comment is refused")
		reqs := h.graph.Requests()
		require.Len(t, reqs, 1)
		require.Equal(t, map[string]any{"comment_id": "900100_555001"}, reqs[0].Body["recipient"])
		require.Equal(t, 1, h.count(`SELECT count(*) FROM outbox`))
		h.sendNow(0)
	})
}

func TestMessengerEchoPreventsAResendAfterACrash(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		h := newHarness(t, b, nil)
		h.publish("replies", repliesFlow)
		fb := h.facebook("replies")
		at := epoch.Add(-time.Minute)
		out := h.deliverOne(fb, messengerMessage(t, "page", pageID, "PSID-8801", "m_AbC123", "hola", at))
		actionID := h.waitingAction(out.SessionID)

		// a node claims the row and sends it, then dies before recording the result
		items, err := h.st.OutboxClaimDue(h.ctx, h.clock.Now(), h.d.cfg.Lease, 10)
		require.NoError(t, err)
		require.Len(t, items, 1)
		res, err := h.d.cfg.Sender.Send(h.ctx, AdapterChannel(fb), &items[0].Action,
			channels.SendContext{Customer: "PSID-8801", LastInbound: at})
		require.NoError(t, err)
		reqs := h.graph.Requests()
		require.Len(t, reqs, 1)
		require.Equal(t, actionID, reqs[0].Body["message"].(map[string]any)["metadata"], "the send carries its action id")

		// the echo comes back with the action id as metadata
		echo := h.deliverOne(fb, messengerEcho(t, "PSID-8801", res.ExternalID, actionID, replyText, h.clock.Now()))
		require.Equal(t, "outbound", echo.Delivered)
		require.Equal(t, 1, h.count(`SELECT count(*) FROM interactions WHERE direction = 'out'`),
			"the echo is our pending reply, not a new interaction")
		rec, err := h.d.interactionByAction(h.ctx, actionID)
		require.NoError(t, err)
		require.Equal(t, store.OutboxSent, rec.Status)
		require.Equal(t, res.ExternalID, rec.ExternalID)

		h.sendNow(0) // the dead node's lease holds the row
		h.clock.Advance(h.d.cfg.Lease + time.Second)
		h.sendNow(1) // another node takes it over
		require.Len(t, h.graph.Requests(), 1, "the echo told us the network has it: no second request")
		o := h.outbox(actionID)
		require.Equal(t, store.OutboxSent, o.Status)
		require.Equal(t, res.ExternalID, o.ExternalID)
		require.Equal(t, "sent", h.result(out.SessionID))
		require.Equal(t, 1, h.count(`SELECT count(*) FROM interactions WHERE direction = 'out'`))
	})
}

func TestEchoOfASentReplyIsNotRecordedTwice(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		h := newHarness(t, b, nil)
		h.publish("replies", repliesFlow)
		fb := h.facebook("replies")
		out := h.deliverOne(fb, messengerMessage(t, "page", pageID, "PSID-8801", "m_1", "hola", epoch.Add(-time.Minute)))
		actionID := h.waitingAction(out.SessionID)
		h.sendNow(1)
		o := h.outbox(actionID)
		require.Equal(t, "m_fake000001", o.ExternalID)

		echo := h.deliverOne(fb, messengerEcho(t, "PSID-8801", o.ExternalID, actionID, replyText, h.clock.Now()))
		require.Equal(t, "outbound", echo.Delivered)
		dup := h.deliverOne(fb, messengerEcho(t, "PSID-8801", o.ExternalID, actionID, replyText, h.clock.Now()))
		require.Equal(t, "duplicate", dup.Delivered)
		require.Equal(t, 1, h.count(`SELECT count(*) FROM interactions WHERE direction = 'out'`))
		rec, err := h.d.interactionByAction(h.ctx, actionID)
		require.NoError(t, err)
		require.Equal(t, store.OutboxSent, rec.Status)

		// a message the page wrote from Meta's own inbox is recorded as ours, not the customer's
		page := h.deliverOne(fb, messengerEcho(t, "PSID-8801", "m_inbox", "", "Escrito desde el inbox", h.clock.Now()))
		require.Equal(t, "outbound", page.Delivered)
		require.Equal(t, 2, h.count(`SELECT count(*) FROM interactions WHERE direction = 'out'`))
		require.Equal(t, 1, h.count(`SELECT count(*) FROM interactions WHERE direction = 'in'`))
		require.Equal(t, 0, h.count(`SELECT count(*) FROM sessions WHERE id <> ?`, out.SessionID), "an echo starts no session")
	})
}

func TestBatchDeliveredAgainAfterTheConversationClosedOpensNothing(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		h := newHarness(t, b, nil)
		h.publish("close", `switchboard: 1
id: close
name: Close
blocks:
  facebook:
    type: facebook.trigger
    next: {message: answer}
  answer:
    type: reply
    params: {text: "Listo, te damos de baja."}
    next: {sent: done, failed: done}
  done:
    type: close
    params: {disposition: cancelled}
`)
		fb := h.facebook("close")
		batch, err := os.ReadFile(filepath.Join("..", "channels", "testdata", "webhooks", "facebook-messenger-batch.json"))
		require.NoError(t, err)
		outs := h.deliver(fb, batch)
		require.Len(t, outs, 3)
		require.Equal(t, []string{"session", "outbound", "outbound"}, []string{outs[0].Delivered, outs[1].Delivered, outs[2].Delivered})
		h.sendNow(1)
		require.Equal(t, 1, h.count(`SELECT count(*) FROM conversations WHERE status = 'closed' AND disposition = 'cancelled'`))
		before := h.count(`SELECT count(*) FROM interactions`)

		// Meta delivers the batch again, after the conversation closed
		outs = h.deliver(fb, batch)
		require.Len(t, outs, 3)
		for _, o := range outs {
			require.Equal(t, "duplicate", o.Delivered)
		}
		require.Equal(t, 1, h.count(`SELECT count(*) FROM conversations`), "a batch seen before opens no conversation")
		require.Equal(t, before, h.count(`SELECT count(*) FROM interactions`))
		require.Len(t, h.graph.Requests(), 1)
	})
}

// messengerRead is a Messenger read receipt: everything up to watermark was read.
func messengerRead(t testing.TB, customer string, watermark time.Time) []byte {
	return mustJSON(t, map[string]any{"object": "page", "entry": []any{map[string]any{
		"id": pageID, "time": watermark.UnixMilli(),
		"messaging": []any{map[string]any{
			"sender": map[string]any{"id": customer}, "recipient": map[string]any{"id": pageID},
			"timestamp": watermark.UnixMilli(), "read": map[string]any{"watermark": watermark.UnixMilli()},
		}},
	}}})
}

func TestReadReceiptDoesNotCountAnUnsentReplyAsSent(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		h := newHarness(t, b, nil)
		h.publish("replies", repliesFlow)
		fb := h.facebook("replies")
		out := h.deliverOne(fb, messengerMessage(t, "page", pageID, "PSID-1", "m_1", "hola", epoch.Add(-time.Minute)))
		actionID := h.waitingAction(out.SessionID)
		h.graph.FailNext(2, 0, 1)
		h.sendNow(1)
		o := h.outbox(actionID)
		require.Equal(t, store.OutboxPending, o.Status, "a temporary failure: the reply waits for its retry")

		// meanwhile the customer reads what the page sent from Meta's inbox
		h.deliverOne(fb, messengerEcho(t, "PSID-1", "m_inbox", "", "Hola, te escribe Ana", h.clock.Now()))
		h.clock.Advance(time.Second)
		read := h.deliverOne(fb, messengerRead(t, "PSID-1", h.clock.Now()))
		require.Equal(t, "outbound", read.Delivered)
		require.Equal(t, 1, h.count(`SELECT count(*) FROM interactions WHERE external_id = 'm_inbox' AND status = 'read'`))
		rec, err := h.d.interactionByAction(h.ctx, actionID)
		require.NoError(t, err)
		require.Equal(t, store.OutboxPending, rec.Status, "a reply not sent yet cannot have been read")

		h.clock.Set(o.NextAttemptAt)
		h.sendNow(1)
		require.Len(t, h.graph.Requests(), 2, "the reply is sent when its retry comes")
		require.Equal(t, "sent", h.result(out.SessionID))
		require.Equal(t, "m_fake000001", h.outbox(actionID).ExternalID, "the network's id of the message sent")
	})
}

func TestOwnPublicReplyComingBackIsNotRecordedTwice(t *testing.T) {
	t.Parallel()
	at := epoch.Add(-time.Minute)
	for _, tc := range []struct {
		name    string
		network string
		in      func(t testing.TB) []byte
		// back is the webhook of our own reply, by the id the network gave it
		back func(t testing.TB, id string) []byte
	}{
		{"facebook comment", "facebook",
			func(t testing.TB) []byte { return feedComment(t, "900100_555001", "7001", "Ana Ruiz", "¿hola?", at) },
			func(t testing.TB, id string) []byte {
				return feedComment(t, id, pageID, "Acme", "¡Gracias! ¿Nos das más detalles?", epoch)
			}},
		{"instagram comment", "instagram",
			func(t testing.TB) []byte {
				return igComment(t, "17900000000000001", "IGSID-5501", "ana.r", "Precio?", at)
			},
			func(t testing.TB, id string) []byte {
				return igComment(t, id, igAccount, "acme", "¡Gracias! ¿Nos das más detalles?", epoch)
			}},
		{"x mention", "twitter",
			func(t testing.TB) []byte {
				return xMention(t, "1811000000000000101", "4003", "carla_d", "@acme_help ayuda", at)
			},
			func(t testing.TB, id string) []byte {
				return mustJSON(t, map[string]any{"for_user_id": xUser, "tweet_create_events": []any{map[string]any{
					"id_str": id, "text": "@carla_d ¡Gracias! ¿Nos das más detalles?", "in_reply_to_status_id_str": "1811000000000000101",
					"in_reply_to_user_id_str": "4003", "user": map[string]any{"id_str": xUser, "screen_name": "acme_help"},
					"timestamp_ms": fmt.Sprint(epoch.UnixMilli()),
				}}})
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			eachBackend(t, func(t *testing.T, b backend) {
				h := newHarness(t, b, nil)
				h.publish("replies", repliesFlow)
				var ch store.Channel
				switch tc.network {
				case "facebook":
					ch = h.facebook("replies")
				case "instagram":
					ch = h.instagram("replies")
				default:
					ch = h.twitter("replies")
				}
				out := h.deliverOne(ch, tc.in(t))
				actionID := h.waitingAction(out.SessionID)
				h.sendNow(1)
				o := h.outbox(actionID)
				require.Equal(t, store.OutboxSent, o.Status)
				require.NotEmpty(t, o.ExternalID)

				back := h.deliverOne(ch, tc.back(t, o.ExternalID))
				require.Equal(t, "outbound", back.Delivered)
				require.Equal(t, 1, h.count(`SELECT count(*) FROM interactions WHERE direction = 'out'`),
					"our reply, back from the network, is the reply we recorded")
				require.Equal(t, 1, h.count(`SELECT count(*) FROM conversations`))
			})
		})
	}
}
