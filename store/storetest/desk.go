package storetest

import (
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/store"
)

var deskTests = []test{
	{"ReadMarks", testReadMarks},
	{"CannedResponses", testCannedResponses},
	{"CannedListIsScopedAndBounded", testCannedScope},
	{"OutboxRequeue", testOutboxRequeue},
	{"WorkspaceSettings", testWorkspaceSettings},
}

// The workspace's settings are one document: empty until written, replaced whole, audited.
func testWorkspaceSettings(h *harness) {
	t := h.t
	got, err := h.s.WorkspaceSettingsGet(h.ctx)
	require.NoError(t, err)
	require.Empty(t, got, "never written")
	require.NoError(t, h.s.WorkspaceSettingsPut(h.ctx, map[string]any{"break_reasons": []string{"lunch", "Coaching: 1:1"}}, "ann"))
	h.lastAudit("ann", "workspace.put", "settings")
	require.NoError(t, h.s.WorkspaceSettingsPut(h.ctx, map[string]any{"break_reasons": []string{"Pausa café"}}, "bob"))
	got, err = h.s.WorkspaceSettingsGet(h.ctx)
	require.NoError(t, err)
	require.Equal(t, map[string]any{"break_reasons": []any{"Pausa café"}}, got, "replaced whole")
	h.lastAudit("bob", "workspace.put", "settings")
}

// A read mark is per agent and conversation, and never moves back.
func testReadMarks(h *harness) {
	t := h.t
	at, err := h.s.ReadMarkGet(h.ctx, "ana", "conv_1")
	require.NoError(t, err)
	require.True(t, at.IsZero(), "never read")
	first := h.tick()
	require.NoError(t, h.s.ReadMarkSet(h.ctx, "ana", "conv_1", first))
	later := h.tick()
	require.NoError(t, h.s.ReadMarkSet(h.ctx, "ana", "conv_1", later))
	require.NoError(t, h.s.ReadMarkSet(h.ctx, "ana", "conv_1", first), "an older mark is ignored")
	at, err = h.s.ReadMarkGet(h.ctx, "ana", "conv_1")
	require.NoError(t, err)
	require.Equal(t, later, at)
	at, err = h.s.ReadMarkGet(h.ctx, "bo", "conv_1")
	require.NoError(t, err)
	require.True(t, at.IsZero(), "each agent has its own mark")
}

// Canned responses are created with an id, replaced whole, deleted, each change audited.
func testCannedResponses(h *harness) {
	t := h.t
	_, err := h.s.CannedCreate(h.ctx, store.CannedResponse{Title: " ", Text: "x"}, "ann")
	require.ErrorIs(t, err, store.ErrInvalid)
	cr, err := h.s.CannedCreate(h.ctx, store.CannedResponse{Title: "Greeting", Shortcut: "/hi", Text: "Hola {{ contact.name }}",
		Channel: "web"}, "ann")
	require.NoError(t, err)
	require.Regexp(t, `^cr_`, cr.ID)
	require.Equal(t, h.now(), cr.CreatedAt)
	h.lastAudit("ann", "canned_response.create", cr.ID)
	h.tick()
	up, err := h.s.CannedUpdate(h.ctx, store.CannedResponse{ID: cr.ID, Title: "Hello", Text: "Hello"}, "bea")
	require.NoError(t, err)
	require.Equal(t, "Hello", up.Title)
	require.Empty(t, up.Channel)
	require.Equal(t, cr.CreatedAt, up.CreatedAt)
	require.Equal(t, h.now(), up.UpdatedAt)
	h.lastAudit("bea", "canned_response.update", cr.ID)
	got, err := h.s.CannedGet(h.ctx, cr.ID)
	require.NoError(t, err)
	require.Equal(t, up, got)
	_, err = h.s.CannedUpdate(h.ctx, store.CannedResponse{ID: "cr_none", Title: "x", Text: "y"}, "bea")
	require.ErrorIs(t, err, store.ErrNotFound)
	require.NoError(t, h.s.CannedDelete(h.ctx, cr.ID, "bea"))
	h.lastAudit("bea", "canned_response.delete", cr.ID)
	require.ErrorIs(t, h.s.CannedDelete(h.ctx, cr.ID, "bea"), store.ErrNotFound)
	require.NoError(t, h.s.AuditRecord(h.ctx, "sup", "conversation", "reassign", "conv_9", map[string]any{"agent": "bo"}))
	e := h.lastAudit("sup", "conversation.reassign", "conv_9")
	require.JSONEq(t, `{"agent":"bo"}`, e.Detail)
}

// A scoped list keeps the global responses and those of the channel and skill; a query matches
// any case of the title, shortcut or text, with LIKE's wildcards taken literally.
func testCannedScope(h *harness) {
	t := h.t
	for _, cr := range []store.CannedResponse{
		{Title: "A global", Text: "Hola"},
		{Title: "B web", Text: "100% sure", Channel: "web"},
		{Title: "C billing", Shortcut: "/BILL", Text: "x", Skill: "billing"},
		{Title: "D web billing", Text: "y", Channel: "web", Skill: "billing"},
		{Title: "E other", Text: "z", Channel: "page"},
	} {
		_, err := h.s.CannedCreate(h.ctx, cr, "ann")
		require.NoError(t, err)
	}
	titles := func(p store.CannedListParams) []string {
		list, err := h.s.CannedList(h.ctx, p)
		require.NoError(t, err)
		out := []string{}
		for _, cr := range list {
			out = append(out, cr.Title)
		}
		return out
	}
	require.Equal(t, []string{"A global", "B web", "C billing", "D web billing", "E other"}, titles(store.CannedListParams{}))
	require.Equal(t, []string{"A global", "B web", "C billing", "D web billing"},
		titles(store.CannedListParams{Scoped: true, Channel: "web", Skill: "billing"}))
	require.Equal(t, []string{"A global", "B web"}, titles(store.CannedListParams{Scoped: true, Channel: "web", Skill: "sales"}))
	require.Equal(t, []string{"C billing"}, titles(store.CannedListParams{Query: "/bill"}))
	require.Equal(t, []string{"B web"}, titles(store.CannedListParams{Query: "0%"}))
	require.Empty(t, titles(store.CannedListParams{Query: "_"}))
	require.Len(t, titles(store.CannedListParams{Limit: 2}), 2)
}

// A failed send goes back to pending, due now, keeping the mark of an attempt of unknown
// outcome; anything else is not requeued.
func testOutboxRequeue(h *harness) {
	t := h.t
	var o store.OutboxItem
	require.NoError(t, h.s.InTx(h.ctx, func(tx store.Tx) error {
		var err error
		o, err = tx.OutboxInsert(h.ctx, store.OutboxItem{ActionID: "agent/1", ChannelID: "page", ConversationID: "conv_1",
			Action: engine.Action{ID: "agent/1", Type: engine.ActionReply, Text: "hi"}})
		return err
	}))
	requeue := func() error {
		return h.s.InTx(h.ctx, func(tx store.Tx) error { return tx.OutboxRequeue(h.ctx, o.ID) })
	}
	require.ErrorIs(t, requeue(), store.ErrNotFound, "a pending send is not failed")
	require.NoError(t, h.s.OutboxAttemptStart(h.ctx, o.ID, 0, h.now().Add(time.Minute)))
	require.NoError(t, h.s.InTx(h.ctx, func(tx store.Tx) error {
		return tx.OutboxFinish(h.ctx, o.ID, store.OutboxFailed, "", "gave up")
	}))
	later := h.tick()
	require.NoError(t, requeue())
	got, err := h.s.OutboxGet(h.ctx, o.ActionID)
	require.NoError(t, err)
	require.Equal(t, store.OutboxPending, got.Status)
	require.Equal(t, later, got.NextAttemptAt)
	require.Nil(t, got.DoneAt)
	require.Nil(t, got.FirstAttemptAt, "a new retry period")
	require.NotNil(t, got.AttemptStartedAt, "the unknown attempt is read back first")
	require.ErrorIs(t, requeue(), store.ErrNotFound, "requeued once")
}
