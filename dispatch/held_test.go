package dispatch

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/channels"
	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/store"
)

// askFlow asks a Messenger customer a question and writes the answer to vars.result; after
// the question, then (the YAML of a block, indented) runs.
func askFlow(then string) string {
	return `switchboard: 1
id: ask
name: Ask
blocks:
  facebook:
    type: facebook.trigger
    next: {message: ask}
  ask:
    type: reply
    params: {text: "¿Número de pedido?"}
    next: {sent: then, failed: failed}
  then:
` + then + `
  answer:
    type: set
    params: {vars: {result: vars.reply}}
  failed:
    type: set
    params: {vars: {result: '"failed"'}}
`
}

// waitAnswer is askFlow's block that waits for the answer.
const waitAnswer = `    type: wait.reply
    params: {timeout: 1h}
    next: {replied: answer, timeout: failed}`

// asking publishes askFlow(then) as a Facebook channel's default flow and delivers a customer's
// first message at, leaving the session waiting for its question's send; it returns the harness,
// the channel and the first message's outcome.
func asking(t *testing.T, b backend, then string, at time.Time) (*harness, store.Channel, *Outcome) {
	t.Helper()
	h := newHarness(t, b, nil)
	h.publish("ask", askFlow(then))
	fb := h.facebook("ask")
	out := h.deliverOne(fb, messengerMessage(t, "page", pageID, "PSID-1", "m_1", "hola", at))
	h.waitingAction(out.SessionID)
	return h, fb, out
}

func TestMessageWhileTheQuestionIsSentAnswersIt(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		at := epoch.Add(-time.Minute)
		h, fb, out := asking(t, b, waitAnswer, at)

		// the customer sees the question before the network answers our request
		second := h.deliverOne(fb, messengerMessage(t, "page", pageID, "PSID-1", "m_2", "A-123", at.Add(time.Second)))
		require.Equal(t, "held", second.Delivered)
		third := h.deliverOne(fb, messengerMessage(t, "page", pageID, "PSID-1", "m_3", "¿hola?", at.Add(2*time.Second)))
		require.Equal(t, "held", third.Delivered)
		s := h.session(out.SessionID)
		require.Equal(t, engine.WaitSend, s.State.Wait.Kind, "holding a message does not resume the session")
		require.Len(t, s.State.Held, 2)
		require.Equal(t, 3, h.count(`SELECT count(*) FROM interactions WHERE direction = 'in'`), "held messages are in the transcript")

		h.sendNow(1)
		require.Equal(t, "A-123", h.result(out.SessionID), "the wait for a reply took the first held message")
		require.Empty(t, h.session(out.SessionID).State.Held)

		// the flow ended with a message left: it starts the default flow again, as a later message would
		require.Equal(t, 1, h.count(`SELECT count(*) FROM sessions WHERE status = 'waiting' AND id <> ?`, out.SessionID))
		require.Equal(t, 2, h.count(`SELECT count(*) FROM outbox`))
		h.sendNow(1)
		require.Len(t, h.graph.Requests(), 2, "both questions are sent, once each")
		others := h.db.Strings(t, `SELECT id FROM sessions WHERE id <> ?`, out.SessionID)
		require.Len(t, others, 1)
		next := h.session(others[0])
		require.Equal(t, engine.WaitReply, next.State.Wait.Kind)
		require.Equal(t, "m_3", next.State.Interaction.ID, "the new session started with the message left")
		require.Equal(t, 1, h.count(`SELECT count(*) FROM conversations`))
	})
}

func TestMessageWhileTheLastMessageIsSentStartsTheFlowAgain(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		at := epoch.Add(-time.Minute)
		h, fb, out := asking(t, b, `    type: end`, at)
		require.Equal(t, "held", h.deliverOne(fb, messengerMessage(t, "page", pageID, "PSID-1", "m_2", "una cosa más", at.Add(time.Second))).Delivered)

		h.sendNow(1)
		require.Equal(t, string(engine.StatusEnded), h.session(out.SessionID).Status)
		h.sendNow(1)
		require.Len(t, h.graph.Requests(), 2, "the held message was answered by a new session")
		require.Equal(t, 2, h.count(`SELECT count(*) FROM sessions`))
	})
}

func TestMessageWhileTheClosingMessageIsSentStaysInTheTranscript(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		at := epoch.Add(-time.Minute)
		h, fb, out := asking(t, b, `    type: close
    params: {disposition: asked}`, at)
		require.Equal(t, "held", h.deliverOne(fb, messengerMessage(t, "page", pageID, "PSID-1", "m_2", "gracias", at.Add(time.Second))).Delivered)

		h.sendNow(1)
		s := h.session(out.SessionID)
		require.Equal(t, string(engine.StatusEnded), s.Status)
		require.Empty(t, s.State.Held)
		require.Equal(t, 1, h.count(`SELECT count(*) FROM sessions`), "a closed conversation starts no flow")
		require.Equal(t, 1, h.count(`SELECT count(*) FROM conversations WHERE status = 'closed'`))
		require.Equal(t, 2, h.count(`SELECT count(*) FROM interactions WHERE direction = 'in'`))
		h.sendNow(0)
		require.Len(t, h.graph.Requests(), 1)
	})
}

func TestHeldMessagesAreBounded(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		at := epoch.Add(-time.Hour)
		h, fb, out := asking(t, b, waitAnswer, at)
		for i := 1; i <= engine.MaxHeld+1; i++ {
			o := h.deliverOne(fb, messengerMessage(t, "page", pageID, "PSID-1", fmt.Sprint("m_h", i), fmt.Sprint(i), at.Add(time.Duration(i)*time.Second)))
			want := "held"
			if i > engine.MaxHeld {
				want = "recorded"
			}
			require.Equal(t, want, o.Delivered, "message %d", i)
		}
		require.Len(t, h.session(out.SessionID).State.Held, engine.MaxHeld)
		require.Equal(t, engine.MaxHeld+2, h.count(`SELECT count(*) FROM interactions WHERE direction = 'in'`), "every message is recorded")
		h.sendNow(1)
		require.Equal(t, "1", h.result(out.SessionID))
	})
}

func TestHoldingLosesToTheSendsResult(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		at := epoch.Add(-time.Minute)
		h, fb, out := asking(t, b, waitAnswer, at)

		// the message reads the session waiting for the send; the send's result commits first
		events, err := channels.Parse(AdapterChannel(fb), messengerMessage(t, "page", pageID, "PSID-1", "m_2", "A-123", at.Add(time.Second)))
		require.NoError(t, err)
		require.Len(t, events, 1)
		state, err := h.st.InboundState(h.ctx, fb.ID, "PSID-1", events[0].Key, "")
		require.NoError(t, err)
		require.True(t, holds(state.Session, *state.Conversation))
		h.sendNow(1)

		_, err = h.d.inboundOnce(h.ctx, fb, events[0], nil, state)
		require.ErrorIs(t, err, store.ErrStale, "the hold is refused: the session moved on")
		require.Equal(t, 1, h.count(`SELECT count(*) FROM interactions WHERE direction = 'in'`), "nothing of the refused hold is written")

		// read again, the message answers the question
		require.Equal(t, "session", h.deliverOne(fb, messengerMessage(t, "page", pageID, "PSID-1", "m_2", "A-123", at.Add(time.Second))).Delivered)
		require.Equal(t, "A-123", h.result(out.SessionID))
	})
}
