package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/store"
)

var webchatTests = []test{
	{"MailboxNumbersOnce", testWebchatMailbox},
	{"MailboxIsBounded", testWebchatBounded},
	{"Files", testWebchatFiles},
	{"Key", testWebchatKey},
	{"Retention", testWebchatRetention},
}

// appendMessage stores a message in a transaction of its own.
func (h *harness) appendMessage(m store.WebchatMessage, keep int) (store.WebchatMessage, bool) {
	h.t.Helper()
	var stored store.WebchatMessage
	var created bool
	require.NoError(h.t, h.s.InTx(h.ctx, func(tx store.Tx) error {
		var err error
		stored, created, err = tx.WebchatAppend(h.ctx, m, keep)
		return err
	}))
	return stored, created
}

// A visitor's mailbox numbers messages from 1, in the order they are stored, once per key; each
// visitor has a mailbox of their own; replies are marked delivered up to a number.
func testWebchatMailbox(h *harness) {
	t := h.t
	msg := func(visitor, key, dir, text string) store.WebchatMessage {
		return store.WebchatMessage{ChannelID: "site", Visitor: visitor, Key: key, Direction: dir, Text: text}
	}
	first, created := h.appendMessage(msg("v_ana", "m-1", store.WebchatIn, "hola"), 0)
	require.True(t, created)
	require.EqualValues(t, 1, first.Seq)
	require.Equal(t, h.now(), first.CreatedAt)
	reply, _ := h.appendMessage(store.WebchatMessage{ChannelID: "site", Visitor: "v_ana", Key: "s_1/2.1", Direction: store.WebchatOut,
		Text: "¿en qué te ayudamos?", Attachments: []engine.Attachment{{Type: "image", URL: "/x.png"}}, Agent: "ana"}, 0)
	require.EqualValues(t, 2, reply.Seq)
	again, created := h.appendMessage(msg("v_ana", "m-1", store.WebchatIn, "hola otra vez"), 0)
	require.False(t, created, "a key stored before is not stored again")
	require.EqualValues(t, 1, again.Seq)
	require.Equal(t, "hola", again.Text)
	other, _ := h.appendMessage(msg("v_bruno", "m-1", store.WebchatIn, "buenas"), 0)
	require.EqualValues(t, 1, other.Seq, "each visitor numbers their own mailbox")

	all, err := h.s.WebchatList(h.ctx, "site", "v_ana", 0, 10)
	require.NoError(t, err)
	require.Len(t, all, 2)
	require.Equal(t, []engine.Attachment{{Type: "image", URL: "/x.png"}}, all[1].Attachments)
	require.Equal(t, "ana", all[1].Agent)
	after, err := h.s.WebchatList(h.ctx, "site", "v_ana", 1, 10)
	require.NoError(t, err)
	require.Len(t, after, 1)
	require.EqualValues(t, 2, after[0].Seq)
	last, err := h.s.WebchatLast(h.ctx, "site", "v_bruno")
	require.NoError(t, err)
	require.EqualValues(t, 1, last)

	require.NoError(t, h.s.InTx(h.ctx, func(tx store.Tx) error {
		n, err := tx.WebchatMarkDelivered(h.ctx, "site", "v_ana", 2)
		require.EqualValues(t, 1, n, "only replies are delivered")
		return err
	}))
	all, err = h.s.WebchatList(h.ctx, "site", "v_ana", 0, 10)
	require.NoError(t, err)
	require.False(t, all[0].Delivered)
	require.True(t, all[1].Delivered)

	err = h.s.InTx(h.ctx, func(tx store.Tx) error {
		_, _, err := tx.WebchatAppend(h.ctx, store.WebchatMessage{ChannelID: "site", Visitor: "v_ana", Direction: "sideways", Key: "k"}, 0)
		return err
	})
	require.ErrorIs(t, err, store.ErrInvalid)
}

// A mailbox keeps its newest messages; the numbers go on.
func testWebchatBounded(h *harness) {
	for i := range 7 {
		h.appendMessage(store.WebchatMessage{ChannelID: "site", Visitor: "v_ana", Key: fmt.Sprint("m-", i), Direction: store.WebchatIn, Text: "x"}, 3)
	}
	all, err := h.s.WebchatList(h.ctx, "site", "v_ana", 0, 100)
	require.NoError(h.t, err)
	require.Len(h.t, all, 3)
	require.EqualValues(h.t, 5, all[0].Seq)
	require.EqualValues(h.t, 7, all[2].Seq)
}

// Files come back whole; a visitor keeps their newest files.
func testWebchatFiles(h *harness) {
	t := h.t
	data := bytes.Repeat([]byte{0x89, 'P', 'N', 'G'}, 100)
	for i := range 4 {
		h.tick()
		_, err := h.s.WebchatFilePut(h.ctx, store.WebchatFile{ID: fmt.Sprint("f_", i), ChannelID: "site", Visitor: "v_ana", Name: "a.png",
			ContentType: "image/png", Data: data}, 2)
		require.NoError(t, err)
	}
	f, err := h.s.WebchatFileGet(h.ctx, "f_3")
	require.NoError(t, err)
	require.Equal(t, data, f.Data)
	require.EqualValues(t, len(data), f.Size)
	require.Equal(t, "v_ana", f.Visitor)
	_, err = h.s.WebchatFileGet(h.ctx, "f_1")
	require.ErrorIs(t, err, store.ErrNotFound, "the oldest files beyond the bound go")
	_, err = h.s.WebchatFileGet(h.ctx, "f_2")
	require.NoError(t, err)
}

// The key of visitor tokens is made once: the first candidate stored wins.
func testWebchatKey(h *harness) {
	a, b := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	k, err := h.s.WebchatKey(h.ctx, a)
	require.NoError(h.t, err)
	require.Equal(h.t, a, k)
	k, err = h.s.WebchatKey(h.ctx, b)
	require.NoError(h.t, err)
	require.Equal(h.t, a, k, "a second node gets the key stored first")
	_, err = h.s.WebchatKey(h.ctx, []byte("short"))
	require.True(h.t, errors.Is(err, store.ErrInvalid))
}

// Messages and files go after the web chat retention.
func testWebchatRetention(h *harness) {
	h.appendMessage(store.WebchatMessage{ChannelID: "site", Visitor: "v_ana", Key: "old", Direction: store.WebchatIn, Text: "x"}, 0)
	_, err := h.s.WebchatFilePut(h.ctx, store.WebchatFile{ID: "f_old", ChannelID: "site", Visitor: "v_ana", Name: "a.txt",
		ContentType: "text/plain", Data: []byte("x")}, 0)
	require.NoError(h.t, err)
	h.clock.Advance(40 * 24 * time.Hour)
	h.appendMessage(store.WebchatMessage{ChannelID: "site", Visitor: "v_ana", Key: "new", Direction: store.WebchatIn, Text: "y"}, 0)
	pruned, err := h.s.RetentionPrune(h.ctx, store.RetentionPruneParams{Policy: store.RetentionPolicy{Webchat: 30 * 24 * time.Hour}, Now: h.now()})
	require.NoError(h.t, err)
	require.Equal(h.t, 2, pruned[store.PruneWebchat])
	all, err := h.s.WebchatList(h.ctx, "site", "v_ana", 0, 10)
	require.NoError(h.t, err)
	require.Len(h.t, all, 1)
	require.Equal(h.t, "new", all[0].Key)
	_, err = h.s.WebchatFileGet(h.ctx, "f_old")
	require.ErrorIs(h.t, err, store.ErrNotFound)
}
