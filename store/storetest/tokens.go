package storetest

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/store"
)

var tokenTests = []test{
	{"CreateListCount", testTokenCreate},
	{"CreateErrors", testTokenCreateErrors},
	{"ByHash", testTokenByHash},
	{"Delete", testTokenDelete},
	{"DeleteLastAdmin", testTokenDeleteLastAdmin},
	{"DeleteLastAdminsConcurrently", testTokenDeleteLastAdminsConcurrently},
}

func testTokenCreate(h *harness) {
	t := h.t
	n, err := h.s.TokenCount(h.ctx)
	require.NoError(t, err)
	require.Zero(t, n)
	admin, err := h.s.TokenCreate(h.ctx, store.Token{Name: "ops", Role: store.RoleAdmin, Hash: "hash-admin"}, "ops")
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(admin.ID, "t_"), "generated id %q", admin.ID)
	require.Equal(t, store.Token{ID: admin.ID, Name: "ops", Role: store.RoleAdmin, Hash: "hash-admin", CreatedAt: h.now()}, admin)
	h.lastAudit("ops", "token.create", admin.ID)

	h.tick()
	agent, err := h.s.TokenCreate(h.ctx, store.Token{ID: "t_mine", Name: "Ada's", Role: store.RoleAgent, Agent: "a1", Hash: "hash-agent"}, "ops")
	require.NoError(t, err)
	require.Equal(t, "t_mine", agent.ID, "a given id is kept")
	require.Equal(t, "a1", agent.Agent)

	tokens, err := h.s.TokenList(h.ctx)
	require.NoError(t, err)
	require.Equal(t, []store.Token{admin, agent}, tokens, "tokens oldest first")
	n, err = h.s.TokenCount(h.ctx)
	require.NoError(t, err)
	require.Equal(t, 2, n)
}

func testTokenCreateErrors(h *harness) {
	_, err := h.s.TokenCreate(h.ctx, store.Token{ID: "t_1", Role: store.RoleDesigner, Hash: "taken"}, "ops")
	require.NoError(h.t, err)
	for _, tc := range []struct {
		name  string
		token store.Token
		want  error
	}{
		{"taken hash", store.Token{Role: store.RoleAdmin, Hash: "taken"}, store.ErrExists},
		{"taken id", store.Token{ID: "t_1", Role: store.RoleAdmin, Hash: "other"}, store.ErrExists},
		{"unknown role", store.Token{Role: "root", Hash: "h"}, store.ErrInvalid},
		{"no hash", store.Token{Role: store.RoleAdmin}, store.ErrInvalid},
	} {
		h.unchanged(tc.want, func() error {
			_, err := h.s.TokenCreate(h.ctx, tc.token, "ops")
			return err
		})
	}
	n, err := h.s.TokenCount(h.ctx)
	require.NoError(h.t, err)
	require.Equal(h.t, 1, n)
}

func testTokenByHash(h *harness) {
	t := h.t
	created, err := h.s.TokenCreate(h.ctx, store.Token{Name: "ops", Role: store.RoleSupervisor, Hash: "h1"}, "ops")
	require.NoError(t, err)
	require.Nil(t, created.LastUsedAt)

	// now is passed in, not read from the store's clock.
	used := start.Add(time.Hour + 987654321)
	got, err := h.s.TokenByHash(h.ctx, "h1", used)
	require.NoError(t, err)
	first := used.UTC().Truncate(time.Microsecond)
	want := created
	want.LastUsedAt = &first
	require.Equal(t, want, got, "the use is recorded")

	got, err = h.s.TokenByHash(h.ctx, "h1", used.Add(30*time.Second))
	require.NoError(t, err)
	require.Equal(t, first, *got.LastUsedAt, "uses less than a minute apart are recorded once")

	later := used.Add(61 * time.Second)
	got, err = h.s.TokenByHash(h.ctx, "h1", later)
	require.NoError(t, err)
	require.Equal(t, later.UTC().Truncate(time.Microsecond), *got.LastUsedAt, "a use a minute later is recorded")

	tokens, err := h.s.TokenList(h.ctx)
	require.NoError(t, err)
	require.Equal(t, []store.Token{got}, tokens)

	_, err = h.s.TokenByHash(h.ctx, "unknown", used)
	require.ErrorIs(t, err, store.ErrNotFound)
}

func testTokenDelete(h *harness) {
	t := h.t
	_, err := h.s.TokenCreate(h.ctx, store.Token{Name: "keeper", Role: store.RoleAdmin, Hash: "h0"}, "ops")
	require.NoError(t, err)
	tok, err := h.s.TokenCreate(h.ctx, store.Token{Name: "ops", Role: store.RoleAdmin, Hash: "h1"}, "ops")
	require.NoError(t, err)
	h.tick()
	require.NoError(t, h.s.TokenDelete(h.ctx, tok.ID, "ann"))
	e := h.lastAudit("ann", "token.delete", tok.ID)
	require.JSONEq(t, `{"name":"ops","role":"admin"}`, e.Detail)
	_, err = h.s.TokenByHash(h.ctx, "h1", h.now())
	require.ErrorIs(t, err, store.ErrNotFound, "a deleted token")
	h.unchanged(store.ErrNotFound, func() error { return h.s.TokenDelete(h.ctx, tok.ID, "ann") })
	n, err := h.s.TokenCount(h.ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
}

func testTokenDeleteLastAdmin(h *harness) {
	t := h.t
	admin, err := h.s.TokenCreate(h.ctx, store.Token{Name: "ops", Role: store.RoleAdmin, Hash: "h1"}, "ops")
	require.NoError(t, err)
	designer, err := h.s.TokenCreate(h.ctx, store.Token{Name: "ed", Role: store.RoleDesigner, Hash: "h2"}, "ops")
	require.NoError(t, err)

	h.unchanged(store.ErrInUse, func() error { return h.s.TokenDelete(h.ctx, admin.ID, "ann") })
	_, err = h.s.TokenByHash(h.ctx, "h1", h.now())
	require.NoError(t, err, "the last admin token is kept")

	require.NoError(t, h.s.TokenDelete(h.ctx, designer.ID, "ann"), "other roles' tokens go")
	h.unchanged(store.ErrNotFound, func() error { return h.s.TokenDelete(h.ctx, "t_none", "ann") })

	other, err := h.s.TokenCreate(h.ctx, store.Token{Name: "ops 2", Role: store.RoleAdmin, Hash: "h3"}, "ops")
	require.NoError(t, err)
	require.NoError(t, h.s.TokenDelete(h.ctx, admin.ID, "ann"), "with another admin token, the first one goes")
	h.unchanged(store.ErrInUse, func() error { return h.s.TokenDelete(h.ctx, other.ID, "ann") })
}

// Two deletes of the last two admin tokens, at once: one succeeds, the other is refused.
func testTokenDeleteLastAdminsConcurrently(h *harness) {
	t := h.t
	survivor := ""
	for round := range 10 {
		// The pair: the admin token the last round left, and a new one.
		ids := [2]string{survivor}
		for i := range ids {
			if ids[i] != "" {
				continue
			}
			tok, err := h.s.TokenCreate(h.ctx, store.Token{Name: "ops", Role: store.RoleAdmin,
				Hash: fmt.Sprintf("h-%d-%d", round, i)}, "ops")
			require.NoError(t, err)
			ids[i] = tok.ID
		}
		var wg sync.WaitGroup
		var errs [2]error
		ready := make(chan struct{})
		for i := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-ready
				errs[i] = h.s.TokenDelete(h.ctx, ids[i], "ann")
			}()
		}
		close(ready)
		wg.Wait()
		var refused int
		for _, err := range errs {
			if err != nil {
				require.ErrorIs(t, err, store.ErrInUse, "round %d", round)
				refused++
			}
		}
		require.Equal(t, 1, refused, "round %d: one of the two deletes is refused", round)
		n, err := h.s.TokenCount(h.ctx)
		require.NoError(t, err)
		require.Equal(t, 1, n, "round %d: one admin token is left", round)
		tokens, err := h.s.TokenList(h.ctx)
		require.NoError(t, err)
		survivor = tokens[0].ID
	}
}
