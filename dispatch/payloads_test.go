package dispatch

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/channels"
	"github.com/switchboardhq/switchboard/store"
)

// records is a slog handler that keeps every record, for tests that check what is logged.
type records struct {
	mu   sync.Mutex
	list []slog.Record
}

func (r *records) Enabled(context.Context, slog.Level) bool { return true }
func (r *records) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.list = append(r.list, rec.Clone())
	return nil
}
func (r *records) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *records) WithGroup(string) slog.Handler      { return r }

// withMessage returns the attributes of every record with the message, at the level.
func (r *records) withMessage(level slog.Level, msg string) []map[string]any {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []map[string]any
	for _, rec := range r.list {
		if rec.Level != level || rec.Message != msg {
			continue
		}
		attrs := map[string]any{}
		rec.Attrs(func(a slog.Attr) bool {
			attrs[a.Key] = a.Value.Resolve().Any()
			return true
		})
		out = append(out, attrs)
	}
	return out
}

func TestIgnoredEventsAreLoggedAtDebug(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		logs := &records{}
		h := newHarness(t, b, func(c *Config) { c.Logger = slog.New(logs) })
		h.publish("replies", repliesFlow)
		fb := h.facebook("replies")
		x := h.twitter("replies")
		at := epoch.Add(-time.Minute)
		party := func(id string) map[string]any { return map[string]any{"id": id} }
		body := mustJSON(t, map[string]any{"object": "page", "entry": []any{map[string]any{
			"id": pageID, "time": at.UnixMilli(),
			"messaging": []any{
				map[string]any{"sender": party("PSID-1"), "recipient": party(pageID), "timestamp": at.UnixMilli(),
					"reaction": map[string]any{"mid": "m_1", "action": "react", "reaction": "love"}},
				map[string]any{"sender": party("PSID-1"), "recipient": party(pageID), "timestamp": at.UnixMilli(),
					"delivery": map[string]any{"mids": []string{"m_2"}}},
			},
			"standby": []any{map[string]any{"sender": party("PSID-2"), "recipient": party(pageID), "timestamp": at.UnixMilli(),
				"message": map[string]any{"mid": "m_3", "text": "hi"}}},
			"changes": []any{
				map[string]any{"field": "leadgen", "value": map[string]any{"leadgen_id": "44", "page_id": pageID}},
				map[string]any{"field": "feed", "value": map[string]any{"item": "like", "verb": "add", "sender_id": "7001"}},
			},
		}}})
		ev, err := h.d.Ingest(h.ctx, fb, body)
		require.NoError(t, err)
		outs, err := h.d.Process(h.ctx, ev)
		require.NoError(t, err)
		require.Empty(t, outs)

		xev, err := h.d.Ingest(h.ctx, x, mustJSON(t, map[string]any{"for_user_id": xUser,
			"favorite_events": []any{map[string]any{"id": "fav-1", "user": map[string]any{"id_str": "4003"}}},
			"follow_events":   []any{map[string]any{"type": "follow", "source": party("4006"), "target": party(xUser)}},
		}))
		require.NoError(t, err)
		outs, err = h.d.Process(h.ctx, xev)
		require.NoError(t, err)
		require.Empty(t, outs)

		require.Zero(t, h.count(`SELECT count(*) FROM interactions`), "nothing is recorded of ignored events")
		require.Zero(t, h.count(`SELECT count(*) FROM conversations`))
		require.Equal(t, 2, h.count(`SELECT count(*) FROM webhook_events WHERE status = 'done' AND error = ''`),
			"a payload of ignored events is done, not failed")

		logged := logs.withMessage(slog.LevelDebug, "a webhook event is ignored")
		type seen struct {
			channel, typ, id string
			event            int64
		}
		var got []seen
		for _, a := range logged {
			got = append(got, seen{channel: a["channel"].(string), typ: a["type"].(string), id: a["id"].(string), event: a["event"].(int64)})
		}
		require.Equal(t, []seen{
			{fb.ID, "reaction", "m_1", ev.ID},
			{fb.ID, "delivery without a watermark", "", ev.ID},
			{fb.ID, "leadgen", "", ev.ID},
			{fb.ID, "feed like add", "", ev.ID},
			{fb.ID, "standby message", "m_3", ev.ID},
			{x.ID, "favorite_events", "fav-1", xev.ID},
			{x.ID, "follow_events", "", xev.ID},
		}, got, "each ignored event is logged at debug with its type, channel, payload and id")
		require.Empty(t, logs.withMessage(slog.LevelWarn, "a webhook payload cannot be read in full"))
	})
}

// TestFeedCommentsBySenderID delivers comments whose authors are named by sender_id: each
// person has a conversation of their own, and the page's own comment, also named by
// sender_id, is recorded as ours in the conversation of the comment it answers.
func TestFeedCommentsBySenderID(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		h := newHarness(t, b, nil)
		h.publish("replies", repliesFlow)
		fb := h.facebook("replies")
		at := epoch.Add(-5 * time.Minute)
		comment := func(id, parent, sender, name, text string, offset time.Duration) map[string]any {
			return map[string]any{"field": "feed", "value": map[string]any{
				"item": "comment", "verb": "add", "post_id": pageID + "_900300", "comment_id": id, "parent_id": parent,
				"sender_id": sender, "sender_name": name, "message": text, "created_time": at.Add(offset).Unix()}}
		}
		post := pageID + "_900300"
		body := mustJSON(t, map[string]any{"object": "page", "entry": []any{map[string]any{
			"id": pageID, "time": at.Unix(),
			"changes": []any{
				comment("900300_1", post, "7102", "Marco Rossi", "no code", 0),
				comment("900300_2", post, "7103", "Nadia Haddad", "moi non plus", time.Second),
				comment("900300_3", "900300_1", pageID, "Acme", "we are on it", 2*time.Second),
				comment("900300_4", post, pageID, "Acme", "news for everyone", 3*time.Second),
			},
		}}})
		outs := h.deliver(fb, body)
		require.Len(t, outs, 4)

		require.Equal(t, 2, h.count(`SELECT count(*) FROM conversations`))
		for _, customer := range []string{"7102", "7103"} {
			require.Equal(t, 1, h.count(`SELECT count(*) FROM conversations WHERE customer = ?`, customer))
		}
		require.Zero(t, h.count(`SELECT count(*) FROM conversations WHERE customer = ''`), "no conversation of nobody")
		require.Equal(t, 2, h.count(`SELECT count(*) FROM interactions WHERE direction = 'in'`))

		conv, err := h.st.ConversationFind(h.ctx, fb.ID, "7102")
		require.NoError(t, err)
		ins, err := h.st.InteractionList(h.ctx, conv.ID)
		require.NoError(t, err)
		var ours *store.Interaction
		for i, in := range ins {
			if in.ExternalID == "900300_3" {
				ours = &ins[i]
			}
		}
		require.NotNil(t, ours, "the page's answer is in the conversation of the comment it answers")
		require.Equal(t, store.Outbound, ours.Direction)
		require.Equal(t, "we are on it", ours.Text)
		require.Zero(t, h.count(`SELECT count(*) FROM interactions WHERE external_id = '900300_4'`),
			"the page's comment on its own post answers no customer: only noted")

		// delivered again: nothing new
		before := h.count(`SELECT count(*) FROM interactions`)
		h.deliver(fb, body)
		require.Equal(t, before, h.count(`SELECT count(*) FROM interactions`))
	})
}

// TestUserRefPostbackIsAnswered delivers a postback whose sender has only a user_ref: it opens
// a conversation of "user_ref:<value>", and the flow's reply goes to recipient.user_ref.
func TestUserRefPostbackIsAnswered(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		h := newHarness(t, b, nil)
		h.publish("replies", repliesFlow)
		fb := h.facebook("replies")
		at := epoch.Add(-time.Minute)
		body := mustJSON(t, map[string]any{"object": "page", "entry": []any{map[string]any{
			"id": pageID, "time": at.UnixMilli(),
			"messaging": []any{map[string]any{
				"sender": map[string]any{"user_ref": "UREF-1"}, "recipient": map[string]any{"id": pageID},
				"timestamp": at.Unix(), "postback": map[string]any{"mid": "m_pb", "title": "Talk to someone", "payload": "AGENT"},
			}},
		}}})
		out := h.deliverOne(fb, body)
		require.Equal(t, "session", out.Delivered)
		conv, err := h.st.ConversationFind(h.ctx, fb.ID, channels.UserRefPrefix+"UREF-1")
		require.NoError(t, err, "the conversation's customer is the user_ref")
		require.Equal(t, out.ConversationID, conv.ID)

		h.waitingAction(out.SessionID)
		h.sendNow(1)
		require.Equal(t, "sent", h.result(out.SessionID))
		reqs := h.graph.Requests()
		require.Len(t, reqs, 1)
		require.Equal(t, map[string]any{"user_ref": "UREF-1"}, reqs[0].Body["recipient"])
	})
}
