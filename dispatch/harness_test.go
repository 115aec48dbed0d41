package dispatch

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/blocks"
	"github.com/switchboardhq/switchboard/channels"
	"github.com/switchboardhq/switchboard/channels/fakenet"
	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/store"
	"github.com/switchboardhq/switchboard/store/storetest"
)

// backend names a fresh database for one test.
type backend = storetest.Backend

// eachBackend runs test once per database, in parallel.
var eachBackend = storetest.EachBackend

// epoch is where the tests' clocks start: the day of the webhook fixtures, so that their
// messaging windows are open.
var epoch = time.Date(2025, 11, 21, 11, 10, 0, 0, time.UTC)

// harness is a dispatcher on a fresh database with a manual clock, fake networks, and only
// its committers running: the tests drive Process, RunDue and claim themselves.
type harness struct {
	t     *testing.T
	ctx   context.Context
	st    store.Store
	db    *storetest.Raw
	clock *engine.ManualClock
	d     *Dispatcher
	graph *fakenet.FakeGraph
	x     *fakenet.FakeX
	// impatient, when set, is the dispatcher's Sender: reconcileHarness's
	impatient *impatientSender
}

// newHarness opens a database of backend b and a dispatcher on it; configure, when set,
// changes the dispatcher's configuration.
func newHarness(t *testing.T, b backend, configure func(*Config)) *harness {
	t.Helper()
	url := b.URL(t)
	clock := engine.NewManualClock(epoch)
	st, err := store.Open(context.Background(), url, store.Options{Clock: clock, Migrate: true, Logger: testLogger(t)})
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	h := &harness{t: t, st: st, db: storetest.OpenRaw(t, url), clock: clock, graph: fakenet.NewFakeGraph(t), x: fakenet.NewFakeX(t)}
	h.x.SetClock(clock)
	cfg := Config{Store: st, Flows: NewFlowCache(st, blocks.NewRegistry()), Sender: &channels.Client{Clock: clock},
		Clock: clock, Logger: testLogger(t)}
	if configure != nil {
		configure(&cfg)
	}
	h.d = New(cfg)
	ctx, cancel := context.WithCancel(context.Background())
	h.ctx = ctx
	var wg sync.WaitGroup
	for range h.d.cfg.Committers {
		wg.Go(func() { h.d.commitLoop(ctx) })
	}
	t.Cleanup(func() {
		cancel()
		wg.Wait()
	})
	return h
}

// testLogger is the tests' logger.
var testLogger = storetest.Logger

// publish stores and publishes a flow.
func (h *harness) publish(id, source string) {
	h.t.Helper()
	ctx := context.Background()
	_, err := h.st.FlowCreate(ctx, store.Flow{ID: id, Name: id, Source: source, Format: "yaml"}, "test")
	require.NoError(h.t, err)
	_, err = h.st.FlowPublish(ctx, store.FlowPublishParams{ID: id, Source: source, Format: "yaml", Author: "test", Name: id})
	require.NoError(h.t, err)
}

// channel stores an enabled channel like ch whose default flow is flow.
func (h *harness) channel(ch channels.Channel, flow string) store.Channel {
	h.t.Helper()
	created, err := h.st.ChannelCreate(context.Background(), store.Channel{ID: ch.ID, Type: ch.Type, Name: ch.ID,
		Credentials: ch.Credentials, Settings: ch.Settings, DefaultFlow: flow, Enabled: true}, "test")
	require.NoError(h.t, err)
	return created
}

// facebook, instagram and twitter store the fake networks' channels with a default flow.
func (h *harness) facebook(flow string) store.Channel {
	return h.channel(h.graph.FacebookChannel(), flow)
}
func (h *harness) instagram(flow string) store.Channel {
	return h.channel(h.graph.InstagramChannel(), flow)
}
func (h *harness) twitter(flow string) store.Channel { return h.channel(h.x.Channel(), flow) }

// webchat stores a web chat channel without a callback: its replies are immediate.
func (h *harness) webchat(flow string) store.Channel {
	return h.channel(channels.Channel{ID: "webchat-test", Type: channels.TypeWebchat}, flow)
}

// claim claims one batch of pending payloads as the node's claimer does, and processes each in
// its lane, here and now; it returns how many it claimed.
func (h *harness) claim() int {
	h.t.Helper()
	n, err := h.d.claimOnce(h.ctx, eventClaimBatch)
	require.NoError(h.t, err)
	for _, lane := range h.d.queue.lanes {
		for len(lane) > 0 {
			h.d.processClaimed(h.ctx, <-lane)
		}
	}
	return n
}

// deliver stores a payload and processes it, as a webhook and its event worker do.
func (h *harness) deliver(ch store.Channel, body []byte) []*Outcome {
	h.t.Helper()
	ev, err := h.d.Ingest(h.ctx, ch, body)
	require.NoError(h.t, err)
	outs, err := h.d.Process(h.ctx, ev)
	require.NoError(h.t, err)
	return outs
}

// deliverOne delivers a payload of one event and returns its outcome.
func (h *harness) deliverOne(ch store.Channel, body []byte) *Outcome {
	h.t.Helper()
	outs := h.deliver(ch, body)
	require.Len(h.t, outs, 1)
	return outs[0]
}

// count runs a counting query written with ? placeholders.
func (h *harness) count(query string, args ...any) int {
	h.t.Helper()
	return h.db.Count(h.t, query, args...)
}

// session returns a stored session.
func (h *harness) session(id string) store.Session {
	h.t.Helper()
	s, err := h.st.SessionGet(context.Background(), id)
	require.NoError(h.t, err)
	return s
}

// outbox returns the outbox row of an action.
func (h *harness) outbox(actionID string) store.OutboxItem {
	h.t.Helper()
	o, err := h.st.OutboxGet(context.Background(), actionID)
	require.NoError(h.t, err)
	return o
}

// waitingAction is the action a session waits to hear about from the outbox.
func (h *harness) waitingAction(sessionID string) string {
	h.t.Helper()
	s := h.session(sessionID)
	require.Equal(h.t, string(engine.StatusWaiting), s.Status)
	require.NotNil(h.t, s.State.Wait)
	require.Equal(h.t, engine.WaitSend, s.State.Wait.Kind, "the session waits for a send")
	return s.State.Wait.Ref
}

// The fake networks' accounts.
const (
	pageID    = fakenet.PageID
	igAccount = fakenet.IGAccountID
	xUser     = fakenet.XUserID
)

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

// messengerMessage is a Messenger (or Instagram Direct) webhook with one customer message.
func messengerMessage(t testing.TB, object, account, customer, mid, text string, at time.Time) []byte {
	return mustJSON(t, map[string]any{"object": object, "entry": []any{map[string]any{
		"id": account, "time": at.UnixMilli(),
		"messaging": []any{map[string]any{
			"sender": map[string]any{"id": customer}, "recipient": map[string]any{"id": account}, "timestamp": at.UnixMilli(),
			"message": map[string]any{"mid": mid, "text": text},
		}},
	}}})
}

// messengerEcho is the echo of a message the page sent, with the metadata it was sent with.
func messengerEcho(t testing.TB, customer, mid, metadata, text string, at time.Time) []byte {
	return mustJSON(t, map[string]any{"object": "page", "entry": []any{map[string]any{
		"id": pageID, "time": at.UnixMilli(),
		"messaging": []any{map[string]any{
			"sender": map[string]any{"id": pageID}, "recipient": map[string]any{"id": customer}, "timestamp": at.UnixMilli(),
			"message": map[string]any{"mid": mid, "is_echo": true, "app_id": 4242, "metadata": metadata, "text": text},
		}},
	}}})
}

// feedComment is a Facebook page feed webhook with one comment added.
func feedComment(t testing.TB, commentID, fromID, fromName, text string, at time.Time) []byte {
	return mustJSON(t, map[string]any{"object": "page", "entry": []any{map[string]any{
		"id": pageID, "time": at.Unix(),
		"changes": []any{map[string]any{"field": "feed", "value": map[string]any{
			"item": "comment", "verb": "add", "post_id": pageID + "_900100", "comment_id": commentID,
			"parent_id": pageID + "_900100", "from": map[string]any{"id": fromID, "name": fromName},
			"message": text, "created_time": at.Unix(),
		}}},
	}}})
}

// igComment is an Instagram comment webhook.
func igComment(t testing.TB, commentID, fromID, username, text string, at time.Time) []byte {
	return mustJSON(t, map[string]any{"object": "instagram", "entry": []any{map[string]any{
		"id": igAccount, "time": at.Unix(),
		"changes": []any{map[string]any{"field": "comments", "value": map[string]any{
			"id": commentID, "from": map[string]any{"id": fromID, "username": username}, "text": text,
			"media": map[string]any{"id": "17890000000000001", "media_product_type": "FEED"},
		}}},
	}}})
}

// xMention is an X Account Activity webhook with one mention.
func xMention(t testing.TB, tweetID, userID, screenName, text string, at time.Time) []byte {
	return mustJSON(t, map[string]any{"for_user_id": xUser, "tweet_create_events": []any{map[string]any{
		"id_str": tweetID, "text": text, "in_reply_to_status_id_str": nil,
		"user":         map[string]any{"id_str": userID, "name": screenName, "screen_name": screenName},
		"timestamp_ms": fmt.Sprint(at.UnixMilli()),
	}}})
}

// xDirectMessage is an X Account Activity webhook with one direct message to us.
func xDirectMessage(t testing.TB, id, senderID, text string, at time.Time) []byte {
	return mustJSON(t, map[string]any{"for_user_id": xUser, "direct_message_events": []any{map[string]any{
		"type": "message_create", "id": id, "created_timestamp": fmt.Sprint(at.UnixMilli()),
		"message_create": map[string]any{"target": map[string]any{"recipient_id": xUser}, "sender_id": senderID,
			"message_data": map[string]any{"text": text}},
	}}, "users": map[string]any{senderID: map[string]any{"id": senderID, "name": "Bob", "screen_name": "bob"}}})
}

// webchatMessage is a web chat post.
func webchatMessage(t testing.TB, id, visitor, text string) []byte {
	return mustJSON(t, map[string]any{"id": id, "author": map[string]any{"id": visitor, "name": "Vero"}, "text": text})
}
