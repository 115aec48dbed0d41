package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/store"
)

// RunRetention runs the retention suite on new databases that url names (SQLiteURL or
// PostgresURL): what RetentionPrune deletes and keeps of every kind in every state, its
// batches, the dedupe of events after pruning, and a steady load that keeps the tables flat.
func RunRetention(t *testing.T, url func(t testing.TB) string) {
	for _, tc := range retentionTests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			u := url(t)
			clock := engine.NewManualClock(start)
			h := &retention{harness: harness{t: t, s: open(t, u, []store.Options{{Clock: clock}}), clock: clock, ctx: t.Context()},
				raw: OpenRaw(t, u)}
			tc.run(h)
		})
	}
}

// retention is the harness of the retention suite: the store, and the database beside it.
type retention struct {
	harness
	raw *Raw
}

var retentionTests = []struct {
	name string
	run  func(h *retention)
}{
	{"PrunesWhatThePolicyLetsGo", testPruneEveryKind},
	{"PrunesInBatches", testPruneBatches},
	{"DedupeOutlivesPayloads", testPruneDedupe},
	{"KeepsForeverAtZero", testPruneKeepForever},
	{"RefusesBadPolicies", testPruneRefuses},
	{"SteadyLoadStaysFlat", testPruneSteadyLoad},
}

const day = 24 * time.Hour

// seeded names the rows seed wrote, so that a test can tell which are left.
type seeded struct {
	payloads      map[string]int64
	conversations []string
	outbox        []string
	keys          []string
}

// seed writes, at the clock's time, one row of every kind in every state, their ids and keys
// prefixed with tag.
func (h *retention) seed(tag string) seeded {
	t, ctx, s := h.t, h.ctx, h.s
	out := seeded{payloads: map[string]int64{}}
	// payloads: claimed (in flight), done, failed, and pending
	for _, state := range []string{"claimed", "done", "failed", "pending"} {
		if state == "pending" {
			_, err := s.WebhookEventClaim(ctx, 1000*day, 100)
			require.NoError(t, err)
			require.NoError(t, s.InTx(ctx, func(tx store.Tx) error {
				if err := tx.WebhookEventFinish(ctx, out.payloads[tag+"-done"], ""); err != nil {
					return err
				}
				return tx.WebhookEventFinish(ctx, out.payloads[tag+"-failed"], "unreadable")
			}))
		}
		ev, err := s.WebhookEventInsert(ctx, "fb", []byte(`{"tag":"`+tag+`"}`))
		require.NoError(t, err)
		out.payloads[tag+"-"+state] = ev.ID
	}

	// event keys: one seen, and the tombstone of a removed comment
	out.keys = []string{tag + "-event", "removed:" + tag + "-comment"}
	require.NoError(t, s.InTx(ctx, func(tx store.Tx) error {
		for _, k := range out.keys {
			if err := tx.EventKeyInsert(ctx, "fb", k); err != nil {
				return err
			}
		}
		return nil
	}))

	// conversations: open; closed; closed with a waiting session; closed with a running one;
	// closed with a send still pending
	for _, state := range []string{"open", "closed", "closed-waiting", "closed-running", "closed-sending"} {
		id := tag + "-" + state
		out.conversations = append(out.conversations, id)
		require.NoError(t, s.InTx(ctx, func(tx store.Tx) error {
			c, err := tx.ConversationCreate(ctx, store.Conversation{ID: id, ChannelID: "fb", Customer: id})
			if err != nil {
				return err
			}
			for _, dir := range []string{store.Inbound, store.Outbound} {
				if _, err := tx.InteractionInsert(ctx, store.Interaction{ConversationID: id, ChannelID: "fb", Direction: dir,
					Kind: "comment", Text: id}); err != nil {
					return err
				}
			}
			ended := engine.Session{ID: id + "-ended", FlowID: "care", FlowVersion: 1, Status: engine.StatusEnded}
			if _, err := tx.SessionInsert(ctx, store.Session{ConversationID: id, State: ended}); err != nil {
				return err
			}
			switch state {
			case "closed-waiting":
				st := engine.Session{ID: id + "-active", FlowID: "care", FlowVersion: 1, Status: engine.StatusWaiting,
					Wait: &engine.Wait{Kind: engine.WaitReply}}
				_, err = tx.SessionInsert(ctx, store.Session{ConversationID: id, State: st})
			case "closed-running":
				st := engine.Session{ID: id + "-active", FlowID: "care", FlowVersion: 1, Status: engine.StatusRunning}
				_, err = tx.SessionInsert(ctx, store.Session{ConversationID: id, State: st})
			case "closed-sending":
				_, err = tx.OutboxInsert(ctx, store.OutboxItem{ActionID: id + "-send", ChannelID: "fb", ConversationID: id,
					Action: engine.Action{Type: engine.ActionReply, Text: "hi"}, NextAttemptAt: h.clock.Now().Add(1000 * day)})
			}
			if err != nil {
				return err
			}
			if state == "open" {
				return nil
			}
			now := h.clock.Now()
			c.Status, c.ClosedAt = store.ConversationClosed, &now
			return tx.ConversationUpdate(ctx, c)
		}))
	}

	// outbox: pending, in flight (claimed), retrying, sent and failed
	for _, state := range []string{"pending", "claimed", "retrying", "sent", "failed"} {
		id := tag + "-" + state
		out.outbox = append(out.outbox, id)
		require.NoError(t, s.InTx(ctx, func(tx store.Tx) error {
			next := h.clock.Now().Add(1000 * day) // not due when the test looks

			if state == "claimed" {
				next = h.clock.Now()
			}
			o, err := tx.OutboxInsert(ctx, store.OutboxItem{ActionID: id, ChannelID: "fb", ConversationID: tag + "-open",
				Action: engine.Action{Type: engine.ActionReply, Text: "hi"}, NextAttemptAt: next})
			if err != nil {
				return err
			}
			switch state {
			case "retrying":
				return tx.OutboxRetry(ctx, o.ID, next, "timeout")
			case "sent":
				return tx.OutboxFinish(ctx, o.ID, store.OutboxSent, "m_1", "")
			case "failed":
				return tx.OutboxFinish(ctx, o.ID, store.OutboxFailed, "", "(#100) invalid parameter")
			}
			return nil
		}))
	}
	// the claimed one is due now; the others later
	claimed, err := s.OutboxClaimDue(ctx, h.clock.Now(), 1000*day, 100)
	require.NoError(t, err)
	require.Len(t, claimed, 1)

	// an audit entry
	_, err = s.SkillPut(ctx, store.Skill{Name: tag + "-skill"}, "ann")
	require.NoError(t, err)
	// a customer's profile, looked up now
	require.NoError(t, s.ProfilePut(ctx, store.Profile{Channel: "facebook", ExternalID: tag + "-psid", Name: "Ana",
		LookedUpAt: h.clock.Now()}))
	return out
}

// policy is the suite's policy: every kind kept 30 days, conversations and audit 365.
var policy = store.RetentionPolicy{Payloads: 30 * day, EventKeys: 30 * day, Conversations: 365 * day,
	Outbox: 30 * day, Audit: 365 * day, Profiles: 90 * day}

func testPruneEveryKind(h *retention) {
	t, ctx, s := h.t, h.ctx, h.s
	old := h.seed("old")
	h.clock.Advance(400 * day)
	recent := h.seed("new")

	pruned, err := s.RetentionPrune(ctx, store.RetentionPruneParams{Policy: policy, Now: h.clock.Now()})
	require.NoError(t, err)
	require.Equal(t, store.Pruned{
		store.PrunePayloads:      2, // done and failed
		store.PruneEventKeys:     2,
		store.PruneConversations: 1,
		store.PruneInteractions:  2,
		store.PruneSessions:      1,
		store.PruneOutbox:        2, // sent and failed
		store.PruneAudit:         1,
		store.PruneProfiles:      1,
	}, pruned)
	require.Equal(t, []string{"new-psid"}, h.raw.Strings(t, `SELECT external_id FROM profiles`), "the recent profile stays")

	// payloads: only the old processed ones went
	var wantPayloads []string
	for name, id := range old.payloads {
		if name != "old-done" && name != "old-failed" {
			wantPayloads = append(wantPayloads, fmt.Sprint(id))
		}
	}
	for _, id := range recent.payloads {
		wantPayloads = append(wantPayloads, fmt.Sprint(id))
	}
	require.ElementsMatch(t, wantPayloads, h.raw.Strings(t, `SELECT CAST(id AS TEXT) FROM webhook_events`),
		"pending and in-flight payloads stay, and recent ones")

	for _, k := range old.keys {
		ok, err := s.EventKeyExists(ctx, "fb", k)
		require.NoError(t, err)
		require.False(t, ok, "old key %s pruned", k)
	}
	for _, k := range recent.keys {
		ok, err := s.EventKeyExists(ctx, "fb", k)
		require.NoError(t, err)
		require.True(t, ok, "recent key %s kept", k)
	}

	wantConversations := slices.DeleteFunc(slices.Concat(old.conversations, recent.conversations),
		func(id string) bool { return id == "old-closed" })
	require.ElementsMatch(t, wantConversations, h.raw.Strings(t, `SELECT id FROM conversations`),
		"open conversations, those whose session runs or waits or whose send is pending, and recent ones stay")
	require.Zero(t, h.raw.Count(t, `SELECT count(*) FROM interactions WHERE conversation_id = 'old-closed'`))
	require.Zero(t, h.raw.Count(t, `SELECT count(*) FROM sessions WHERE conversation_id = 'old-closed'`))
	require.Equal(t, 2*len(wantConversations), h.raw.Count(t, `SELECT count(*) FROM interactions`))
	_, err = s.SessionGet(ctx, "old-closed-waiting-active")
	require.NoError(t, err, "a waiting session stays")

	wantOutbox := slices.DeleteFunc(slices.Concat(old.outbox, recent.outbox, []string{"old-closed-sending-send", "new-closed-sending-send"}),
		func(id string) bool { return id == "old-sent" || id == "old-failed" })
	require.ElementsMatch(t, wantOutbox, h.raw.Strings(t, `SELECT action_id FROM outbox`),
		"pending, in-flight and retrying sends stay, and recent ones")

	entries, err := s.AuditList(ctx, store.AuditListParams{Object: "skill"})
	require.NoError(t, err)
	require.Len(t, entries, 1)
	require.Equal(t, "new-skill", entries[0].ObjectID)

	again, err := s.RetentionPrune(ctx, store.RetentionPruneParams{Policy: policy, Now: h.clock.Now()})
	require.NoError(t, err)
	require.Empty(t, again, "a second round finds nothing more")
}

func testPruneBatches(h *retention) {
	t, ctx, s := h.t, h.ctx, h.s
	for range 7 {
		ev, err := s.WebhookEventInsert(ctx, "fb", []byte(`{}`))
		require.NoError(t, err)
		require.NoError(t, s.InTx(ctx, func(tx store.Tx) error { return tx.WebhookEventFinish(ctx, ev.ID, "") }))
		_, err = s.SkillPut(ctx, store.Skill{Name: fmt.Sprint("skill-", ev.ID)}, "ann")
		require.NoError(t, err)
	}
	h.clock.Advance(400 * day)
	p := store.RetentionPruneParams{Policy: policy, Now: h.clock.Now(), Batch: 2, MaxBatches: 2}

	pruned, err := s.RetentionPrune(ctx, p)
	require.NoError(t, err)
	require.Equal(t, store.Pruned{store.PrunePayloads: 4, store.PruneAudit: 4}, pruned,
		"two full batches of two, then the round stops")
	require.Equal(t, 3, h.raw.Count(t, `SELECT count(*) FROM webhook_events`))

	pruned, err = s.RetentionPrune(ctx, p)
	require.NoError(t, err)
	require.Equal(t, store.Pruned{store.PrunePayloads: 3, store.PruneAudit: 3}, pruned,
		"a full batch, then one that is not full ends the kind")
	require.Zero(t, h.raw.Count(t, `SELECT count(*) FROM webhook_events`))
	require.Zero(t, h.raw.Count(t, `SELECT count(*) FROM audit_log`))
}

func testPruneDedupe(h *retention) {
	t, ctx, s := h.t, h.ctx, h.s
	// a comment delivered and processed, its payload and key stored together
	deliver := func(key string) error {
		return s.InTx(ctx, func(tx store.Tx) error {
			if err := tx.EventKeyInsert(ctx, "fb", key); err != nil {
				return err
			}
			_, err := tx.WebhookEventInsert(ctx, "fb", []byte(`{"id":"`+key+`"}`), true)
			return err
		})
	}
	require.NoError(t, deliver("comment-1"))
	h.clock.Advance(10 * day)
	short := store.RetentionPolicy{Payloads: day, EventKeys: store.MinEventKeyRetention}
	pruned, err := s.RetentionPrune(ctx, store.RetentionPruneParams{Policy: short, Now: h.clock.Now().Add(-5 * day)})
	require.NoError(t, err)
	require.Equal(t, store.Pruned{store.PrunePayloads: 1}, pruned, "the payload goes, its key stays")
	require.ErrorIs(t, deliver("comment-1"), store.ErrDuplicate, "a redelivery is still recognised once its payload is gone")

	pruned, err = s.RetentionPrune(ctx, store.RetentionPruneParams{Policy: short, Now: h.clock.Now()})
	require.NoError(t, err)
	require.Equal(t, store.Pruned{store.PruneEventKeys: 1}, pruned, "the key goes once older than the policy")
	require.NoError(t, deliver("comment-1"))
}

func testPruneKeepForever(h *retention) {
	t, ctx, s := h.t, h.ctx, h.s
	h.seed("old")
	h.clock.Advance(4000 * day)
	pruned, err := s.RetentionPrune(ctx, store.RetentionPruneParams{Now: h.clock.Now()})
	require.NoError(t, err)
	require.Empty(t, pruned, "a zero policy keeps everything")
}

func testPruneRefuses(h *retention) {
	t, ctx, s := h.t, h.ctx, h.s
	for _, tc := range []struct {
		policy store.RetentionPolicy
		field  string
	}{
		{store.RetentionPolicy{Payloads: -time.Hour}, "payloads"},
		{store.RetentionPolicy{Conversations: -time.Hour}, "conversations"},
		{store.RetentionPolicy{Outbox: -time.Hour}, "outbox"},
		{store.RetentionPolicy{Audit: -time.Hour}, "audit"},
		{store.RetentionPolicy{EventKeys: 36 * time.Hour}, "event_keys"},
	} {
		_, err := s.RetentionPrune(ctx, store.RetentionPruneParams{Policy: tc.policy, Now: h.clock.Now()})
		require.ErrorIs(t, err, store.ErrInvalid)
		require.ErrorContains(t, err, "retention of "+tc.field)
	}
	_, err := s.RetentionPrune(ctx, store.RetentionPruneParams{Policy: policy})
	require.ErrorIs(t, err, store.ErrInvalid, "without now")
	require.NoError(t, store.DefaultRetention.Check())
}

// testPruneSteadyLoad runs rounds of a day's synthetic load through the store, each followed by
// pruning: once the oldest rows are older than the policy, every table stays at the same size.
func testPruneSteadyLoad(h *retention) {
	t, ctx, s := h.t, h.ctx, h.s
	const (
		rounds  = 16
		perDay  = 12
		keep    = 7 * day
		settled = 9 // rounds after which the oldest day is pruned each round
	)
	steady := store.RetentionPolicy{Payloads: keep, EventKeys: keep, Conversations: keep, Outbox: keep, Audit: keep}
	tables := []string{"webhook_events", "event_keys", "conversations", "interactions", "sessions", "outbox", "audit_log"}
	var sizes []map[string]int
	var pages []int // SQLite's file size, in pages
	for round := range rounds {
		h.clock.Advance(day)
		for i := range perDay {
			id := fmt.Sprintf("r%d-%d", round, i)
			ev, err := s.WebhookEventInsert(ctx, "fb", []byte(`{"id":"`+id+`"}`))
			require.NoError(t, err)
			require.NoError(t, h.loadUnit(ctx, ev.ID, id))
			_, err = s.SkillPut(ctx, store.Skill{Name: id}, "ann")
			require.NoError(t, err)
		}
		_, err := s.RetentionPrune(ctx, store.RetentionPruneParams{Policy: steady, Now: h.clock.Now(), Batch: 5})
		require.NoError(t, err)
		size := map[string]int{}
		for _, table := range tables {
			size[table] = h.raw.Count(t, `SELECT count(*) FROM `+table)
			require.LessOrEqual(t, size[table], 8*perDay*2, "%s after round %d", table, round)
		}
		sizes = append(sizes, size)
		if s.Dialect() == "sqlite" {
			pages = append(pages, h.raw.Count(t, `SELECT page_count FROM pragma_page_count()`))
		}
	}
	for round := settled; round < rounds; round++ {
		require.Equal(t, sizes[settled-1], sizes[round], "the tables keep their size from round %d on", settled)
	}
	if len(pages) > 0 {
		// the pages of deleted rows are reused: the file grows little once the tables are flat
		require.LessOrEqual(t, pages[rounds-1]*4, pages[settled-1]*5, "SQLite's pages: %v", pages)
	}
}

// loadUnit processes one message as the pipeline does: its key, a conversation opened with
// the customer's message and our reply, a session that ends, a send that goes out, and the
// conversation closed.
func (h *retention) loadUnit(ctx context.Context, payload int64, id string) error {
	return h.s.InTx(ctx, func(tx store.Tx) error {
		if err := tx.EventKeyInsert(ctx, "fb", id); err != nil {
			return err
		}
		c, err := tx.ConversationCreate(ctx, store.Conversation{ID: id, ChannelID: "fb", Customer: id})
		if err != nil {
			return err
		}
		for _, dir := range []string{store.Inbound, store.Outbound} {
			if _, err := tx.InteractionInsert(ctx, store.Interaction{ConversationID: id, ChannelID: "fb", Direction: dir,
				Kind: "comment", Text: id}); err != nil {
				return err
			}
		}
		st := engine.Session{ID: id, FlowID: "care", FlowVersion: 1, Status: engine.StatusEnded}
		if _, err := tx.SessionInsert(ctx, store.Session{ConversationID: id, State: st}); err != nil {
			return err
		}
		o, err := tx.OutboxInsert(ctx, store.OutboxItem{ActionID: id, ChannelID: "fb", ConversationID: id,
			Action: engine.Action{Type: engine.ActionReply, Text: "hi"}})
		if err != nil {
			return err
		}
		if err := tx.OutboxFinish(ctx, o.ID, store.OutboxSent, "m_"+id, ""); err != nil {
			return err
		}
		now := h.clock.Now()
		c.Status, c.ClosedAt = store.ConversationClosed, &now
		if err := tx.ConversationUpdate(ctx, c); err != nil {
			return err
		}
		return tx.WebhookEventFinish(ctx, payload, "")
	})
}
