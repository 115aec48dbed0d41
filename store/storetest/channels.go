package storetest

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/store"
)

var channelTests = []test{
	{"Create", testChannelCreate},
	{"CreateErrors", testChannelCreateErrors},
	{"Update", testChannelUpdate},
	{"UpdateErrors", testChannelUpdateErrors},
	{"NeedsReauth", testChannelNeedsReauth},
	{"Delete", testChannelDelete},
	{"List", testChannelList},
}

func testChannelCreate(h *harness) {
	t := h.t
	c, err := h.s.ChannelCreate(h.ctx, store.Channel{ID: "page", Type: store.ChannelInstagram, Name: "Our account",
		Credentials: map[string]string{"app_secret": "s3cret-app", "page_token": "s3cret-page", "unused": ""},
		Settings:    map[string]any{"window_hours": 24.0, "base_url": "https://graph.example", "nested": map[string]any{"on": true}},
		DefaultFlow: "main", DefaultSkill: "sales", Enabled: true, NeedsReauth: true}, "ann")
	require.NoError(t, err)
	want := store.Channel{ID: "page", Type: store.ChannelInstagram, Name: "Our account",
		Credentials: map[string]string{"app_secret": "s3cret-app", "page_token": "s3cret-page"},
		Settings:    map[string]any{"window_hours": 24.0, "base_url": "https://graph.example", "nested": map[string]any{"on": true}},
		DefaultFlow: "main", DefaultSkill: "sales", Enabled: true, NeedsReauth: true, CreatedAt: h.now(), UpdatedAt: h.now()}
	require.Equal(t, want, c, "created channel, without the empty credential")
	got, err := h.s.ChannelGet(h.ctx, "page")
	require.NoError(t, err)
	require.Equal(t, want, got)
	e := h.lastAudit("ann", "channel.create", "page")
	require.JSONEq(t, `{"type":"instagram","name":"Our account","credentials_set":["app_secret","page_token"]}`, e.Detail)
	require.NotContains(t, e.Detail, "s3cret", "the audit log holds a credential")

	bare, err := h.s.ChannelCreate(h.ctx, store.Channel{ID: "chat", Type: store.ChannelWebchat}, "ann")
	require.NoError(t, err)
	require.Equal(t, map[string]string{}, bare.Credentials)
	require.Equal(t, map[string]any{}, bare.Settings)
	require.False(t, bare.Enabled)
}

func testChannelCreateErrors(h *harness) {
	h.channel("page", "")
	for _, tc := range []struct {
		name    string
		channel store.Channel
		want    error
	}{
		{"taken id", store.Channel{ID: "page", Type: store.ChannelTwitter}, store.ErrExists},
		{"no id", store.Channel{Type: store.ChannelTwitter}, store.ErrInvalid},
		{"unknown type", store.Channel{ID: "fax", Type: "fax"}, store.ErrInvalid},
		{"no type", store.Channel{ID: "fax"}, store.ErrInvalid},
		{"settings that are not JSON", store.Channel{ID: "x", Type: store.ChannelTwitter, Settings: map[string]any{"f": func() {}}}, store.ErrInvalid},
	} {
		h.t.Run(tc.name, func(t *testing.T) {
			h := h.with(t)
			h.unchanged(tc.want, func() error {
				_, err := h.s.ChannelCreate(h.ctx, tc.channel, "ann")
				return err
			})
		})
	}
}

func testChannelUpdate(h *harness) {
	t := h.t
	created, err := h.s.ChannelCreate(h.ctx, store.Channel{ID: "page", Type: store.ChannelFacebook, Name: "Page",
		Credentials: map[string]string{"app_secret": "old-app", "page_token": "old-page", "verify_token": "old-verify"},
		Settings:    map[string]any{"a": 1.0}, Enabled: true}, "ann")
	require.NoError(t, err)
	now := h.tick()
	c, err := h.s.ChannelUpdate(h.ctx, store.Channel{ID: "page", Type: store.ChannelFacebook, Name: "Renamed",
		Credentials: map[string]string{"page_token": "new-page", "app_secret": "", "never_set": "", "extra": "new-extra"},
		Settings:    map[string]any{"b": "x"}, DefaultFlow: "main", DefaultSkill: "support", Enabled: false, NeedsReauth: false,
		CreatedAt: now.AddDate(1, 0, 0)}, "bob")
	require.NoError(t, err)
	want := store.Channel{ID: "page", Type: store.ChannelFacebook, Name: "Renamed",
		Credentials: map[string]string{"page_token": "new-page", "verify_token": "old-verify", "extra": "new-extra"},
		Settings:    map[string]any{"b": "x"}, DefaultFlow: "main", DefaultSkill: "support",
		CreatedAt: created.CreatedAt, UpdatedAt: now}
	require.Equal(t, want, c, "credentials merged: set, removed when empty, kept when not mentioned; the rest replaced")
	got, err := h.s.ChannelGet(h.ctx, "page")
	require.NoError(t, err)
	require.Equal(t, want, got)
	e := h.lastAudit("bob", "channel.update", "page")
	require.JSONEq(t, `{"type":"facebook","name":"Renamed","credentials_set":["extra","page_token"],"credentials_removed":["app_secret"]}`, e.Detail)
	require.NotContains(t, e.Detail, "new-", "the audit log holds a credential")
}

func testChannelNeedsReauth(h *harness) {
	t := h.t
	c := h.channel("page", "")
	require.NoError(t, h.s.InTx(h.ctx, func(tx store.Tx) error { return tx.ChannelNeedsReauth(h.ctx, "page") }))
	c.Name = "Renamed"
	c.Credentials = map[string]string{"unrelated": ""}
	got, err := h.s.ChannelUpdate(h.ctx, c, "ann")
	require.NoError(t, err)
	require.True(t, got.NeedsReauth, "a change that sets no credential keeps the flag")
	c.Credentials = map[string]string{"page_token": "fresh"}
	got, err = h.s.ChannelUpdate(h.ctx, c, "ann")
	require.NoError(t, err)
	require.False(t, got.NeedsReauth, "a new credential clears the flag")
	c.Credentials, c.NeedsReauth = nil, true
	got, err = h.s.ChannelUpdate(h.ctx, c, "ann")
	require.NoError(t, err)
	require.True(t, got.NeedsReauth, "the caller may set it")
}

func testChannelUpdateErrors(h *harness) {
	h.channel("page", "")
	for _, tc := range []struct {
		name    string
		channel store.Channel
		want    error
	}{
		{"missing channel", store.Channel{ID: "ghost", Type: store.ChannelTwitter}, store.ErrNotFound},
		{"unknown type", store.Channel{ID: "page", Type: "pager"}, store.ErrInvalid},
		{"no id", store.Channel{Type: store.ChannelTwitter}, store.ErrInvalid},
	} {
		h.t.Run(tc.name, func(t *testing.T) {
			h := h.with(t)
			h.unchanged(tc.want, func() error {
				_, err := h.s.ChannelUpdate(h.ctx, tc.channel, "ann")
				return err
			})
		})
	}
	c, err := h.s.ChannelGet(h.ctx, "page")
	require.NoError(h.t, err)
	require.Equal(h.t, store.ChannelFacebook, c.Type)
}

func testChannelDelete(h *harness) {
	t := h.t
	h.channel("page", "")
	h.tick()
	require.NoError(t, h.s.ChannelDelete(h.ctx, "page", "bob"))
	h.lastAudit("bob", "channel.delete", "page")
	_, err := h.s.ChannelGet(h.ctx, "page")
	require.ErrorIs(t, err, store.ErrNotFound)
	require.ErrorContains(t, err, "page")
	h.unchanged(store.ErrNotFound, func() error { return h.s.ChannelDelete(h.ctx, "page", "bob") })
}

func testChannelList(h *harness) {
	channels, err := h.s.ChannelList(h.ctx)
	require.NoError(h.t, err)
	require.Empty(h.t, channels)
	b, a := h.channel("b", ""), h.channel("a", "")
	channels, err = h.s.ChannelList(h.ctx)
	require.NoError(h.t, err)
	require.Equal(h.t, []store.Channel{a, b}, channels, "channels by id, with credentials")
}
