package storetest

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/store"
)

var flowTests = []test{
	{"Create", testFlowCreate},
	{"CreateErrors", testFlowCreateErrors},
	{"GetMissing", testFlowGetMissing},
	{"List", testFlowList},
	{"UpdateDraft", testFlowUpdateDraft},
	{"UpdateDraftStale", testFlowUpdateDraftStale},
	{"UpdateDraftErrors", testFlowUpdateDraftErrors},
	{"Publish", testFlowPublish},
	{"PublishErrors", testFlowPublishErrors},
	{"PublishConcurrent", testFlowPublishConcurrent},
	{"VersionErrors", testFlowVersionErrors},
	{"Delete", testFlowDelete},
	{"DeleteErrors", testFlowDeleteErrors},
}

func testFlowCreate(h *harness) {
	t := h.t
	f, err := h.s.FlowCreate(h.ctx, store.Flow{ID: "main", Name: "Main", Description: "Greets", Source: "{}",
		Format: "json", Revision: 9, LatestVersion: 4}, "ann")
	require.NoError(t, err)
	want := store.Flow{ID: "main", Name: "Main", Description: "Greets", Source: "{}", Format: "json", Revision: 1,
		LatestVersion: 0, CreatedAt: h.now(), UpdatedAt: h.now(), UpdatedBy: "ann"}
	require.Equal(t, want, f, "created flow: revision 1, no versions, the clock's time in UTC microseconds")
	got, err := h.s.FlowGet(h.ctx, "main")
	require.NoError(t, err)
	require.Equal(t, want, got, "flow read back")
	e := h.lastAudit("ann", "flow.create", "main")
	require.Equal(t, "flow", e.Object)

	f, err = h.s.FlowCreate(h.ctx, store.Flow{ID: "plain", Source: "id: plain"}, "ann")
	require.NoError(t, err)
	require.Equal(t, "yaml", f.Format, "default format")
}

func testFlowCreateErrors(h *harness) {
	h.flow("main")
	for _, tc := range []struct {
		name string
		flow store.Flow
		want error
	}{
		{"taken id", store.Flow{ID: "main", Source: "x"}, store.ErrExists},
		{"no id", store.Flow{Source: "x"}, store.ErrInvalid},
		{"unknown format", store.Flow{ID: "other", Format: "xml"}, store.ErrInvalid},
	} {
		h.t.Run(tc.name, func(t *testing.T) {
			h := h.with(t)
			h.unchanged(tc.want, func() error {
				_, err := h.s.FlowCreate(h.ctx, tc.flow, "ann")
				return err
			})
		})
	}
	f, err := h.s.FlowGet(h.ctx, "main")
	require.NoError(h.t, err)
	require.Equal(h.t, int64(1), f.Revision, "a refused create changed the flow")
}

func testFlowGetMissing(h *harness) {
	_, err := h.s.FlowGet(h.ctx, "ghost")
	require.ErrorIs(h.t, err, store.ErrNotFound)
	require.ErrorContains(h.t, err, "ghost", "the error names the flow")
}

func testFlowList(h *harness) {
	flows, err := h.s.FlowList(h.ctx)
	require.NoError(h.t, err)
	require.Empty(h.t, flows)
	b, a := h.flow("b"), h.flow("a")
	flows, err = h.s.FlowList(h.ctx)
	require.NoError(h.t, err)
	require.Equal(h.t, []store.Flow{a, b}, flows, "flows by id")
}

func testFlowUpdateDraft(h *harness) {
	t := h.t
	created := h.flow("main")
	for i, tc := range []struct {
		name       string
		ifRevision int64
		format     string
		wantFormat string
	}{
		{"unconditional", 0, "json", "json"},
		{"at the current revision", 2, "", "json"},
		{"back to yaml", 3, "yaml", "yaml"},
	} {
		now := h.tick()
		f, err := h.s.FlowUpdateDraft(h.ctx, store.FlowUpdateParams{ID: "main", Name: "Main", Description: tc.name,
			Source: fmt.Sprint("source ", i), Format: tc.format, IfRevision: tc.ifRevision, By: "bob"})
		require.NoError(t, err, tc.name)
		want := store.Flow{ID: "main", Name: "Main", Description: tc.name, Source: fmt.Sprint("source ", i),
			Format: tc.wantFormat, Revision: int64(i + 2), CreatedAt: created.CreatedAt, UpdatedAt: now, UpdatedBy: "bob"}
		require.Equal(t, want, f, tc.name)
		got, err := h.s.FlowGet(h.ctx, "main")
		require.NoError(t, err)
		require.Equal(t, want, got, "%s: read back", tc.name)
		h.lastAudit("bob", "flow.update", "main")
	}
}

func testFlowUpdateDraftStale(h *harness) {
	t := h.t
	h.flow("main")
	h.tick()
	current, err := h.s.FlowUpdateDraft(h.ctx, store.FlowUpdateParams{ID: "main", Source: "v2", IfRevision: 1, By: "ann"})
	require.NoError(t, err)
	require.Equal(t, int64(2), current.Revision)
	h.tick()
	h.unchanged(store.ErrStale, func() error {
		f, err := h.s.FlowUpdateDraft(h.ctx, store.FlowUpdateParams{ID: "main", Source: "from revision 1", IfRevision: 1, By: "bob"})
		require.Equal(t, current, f, "a stale write returns the current draft")
		return err
	})
	got, err := h.s.FlowGet(h.ctx, "main")
	require.NoError(t, err)
	require.Equal(t, current, got, "a stale write changed the draft")
}

func testFlowUpdateDraftErrors(h *harness) {
	h.flow("main")
	for _, tc := range []struct {
		name string
		p    store.FlowUpdateParams
		want error
	}{
		{"missing flow", store.FlowUpdateParams{ID: "ghost", Source: "x"}, store.ErrNotFound},
		{"missing flow at a revision", store.FlowUpdateParams{ID: "ghost", Source: "x", IfRevision: 1}, store.ErrNotFound},
		{"unknown format", store.FlowUpdateParams{ID: "main", Source: "x", Format: "toml"}, store.ErrInvalid},
	} {
		h.t.Run(tc.name, func(t *testing.T) {
			h := h.with(t)
			h.unchanged(tc.want, func() error {
				_, err := h.s.FlowUpdateDraft(h.ctx, tc.p)
				return err
			})
		})
	}
}

func testFlowPublish(h *harness) {
	t := h.t
	created := h.flow("main")
	now := h.tick()
	v1, err := h.s.FlowPublish(h.ctx, store.FlowPublishParams{ID: "main", Source: "{\"id\":\"main\"}", Format: "json",
		Author: "ann", Message: "first", Name: "Main line"})
	require.NoError(t, err)
	require.Equal(t, store.FlowVersion{FlowID: "main", Version: 1, Source: "{\"id\":\"main\"}", Format: "json",
		Author: "ann", Message: "first", CreatedAt: now}, v1)
	e := h.lastAudit("ann", "flow.publish", "main")
	require.JSONEq(t, `{"version":1,"message":"first"}`, e.Detail)

	f, err := h.s.FlowGet(h.ctx, "main")
	require.NoError(t, err)
	require.Equal(t, store.Flow{ID: "main", Name: "Main line", Source: "{\"id\":\"main\"}", Format: "json", Revision: 2,
		LatestVersion: 1, CreatedAt: created.CreatedAt, UpdatedAt: now, UpdatedBy: "ann"}, f,
		"the draft becomes the published source, at a new revision, named from the params")

	// An empty source publishes the draft.
	_, err = h.s.FlowUpdateDraft(h.ctx, store.FlowUpdateParams{ID: "main", Name: "Main line", Source: "{\"v\":2}", By: "bob"})
	require.NoError(t, err)
	now = h.tick()
	v2, err := h.s.FlowPublish(h.ctx, store.FlowPublishParams{ID: "main", Author: "bob", Description: "Second"})
	require.NoError(t, err)
	require.Equal(t, store.FlowVersion{FlowID: "main", Version: 2, Source: "{\"v\":2}", Format: "json", Author: "bob",
		CreatedAt: now}, v2)
	f, err = h.s.FlowGet(h.ctx, "main")
	require.NoError(t, err)
	require.Equal(t, 2, f.LatestVersion)
	require.Equal(t, "Main line", f.Name, "a publish without a name keeps the flow's")
	require.Equal(t, "Second", f.Description)
	require.Equal(t, int64(4), f.Revision)

	latest, err := h.s.FlowVersionGet(h.ctx, "main", 0)
	require.NoError(t, err)
	require.Equal(t, v2, latest, "version 0 is the latest")
	got, err := h.s.FlowVersionGet(h.ctx, "main", 1)
	require.NoError(t, err)
	require.Equal(t, v1, got, "an older version is kept as published")
	versions, err := h.s.FlowVersionList(h.ctx, "main")
	require.NoError(t, err)
	require.Equal(t, []store.FlowVersion{v2, v1}, versions, "versions newest first")
}

func testFlowPublishErrors(h *harness) {
	h.flow("main")
	for _, tc := range []struct {
		name string
		p    store.FlowPublishParams
		want error
	}{
		{"missing flow", store.FlowPublishParams{ID: "ghost", Source: "x", Author: "ann"}, store.ErrNotFound},
		{"unknown format", store.FlowPublishParams{ID: "main", Source: "x", Format: "xml", Author: "ann"}, store.ErrInvalid},
	} {
		h.t.Run(tc.name, func(t *testing.T) {
			h := h.with(t)
			h.unchanged(tc.want, func() error {
				_, err := h.s.FlowPublish(h.ctx, tc.p)
				return err
			})
		})
	}
	f, err := h.s.FlowGet(h.ctx, "main")
	require.NoError(h.t, err)
	require.Zero(h.t, f.LatestVersion)
}

func testFlowPublishConcurrent(h *harness) {
	t := h.t
	h.flow("main")
	const n = 4
	var wg sync.WaitGroup
	versions := make([]int, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			v, err := h.s.FlowPublish(h.ctx, store.FlowPublishParams{ID: "main", Source: fmt.Sprint("source ", i), Author: "ann"})
			versions[i], errs[i] = v.Version, err
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	slices.Sort(versions)
	require.Equal(t, []int{1, 2, 3, 4}, versions, "concurrent publishes number versions without gaps or duplicates")
	list, err := h.s.FlowVersionList(h.ctx, "main")
	require.NoError(t, err)
	require.Len(t, list, n)
	f, err := h.s.FlowGet(h.ctx, "main")
	require.NoError(t, err)
	require.Equal(t, n, f.LatestVersion)
	require.Equal(t, int64(1+n), f.Revision)
	require.Equal(t, list[0].Source, f.Source, "the draft is the latest published source")
}

func testFlowVersionErrors(h *harness) {
	h.flow("main")
	for _, tc := range []struct {
		name    string
		id      string
		version int
	}{
		{"latest of an unpublished flow", "main", 0},
		{"missing version", "main", 3},
		{"missing flow", "ghost", 1},
		{"latest of a missing flow", "ghost", 0},
	} {
		_, err := h.s.FlowVersionGet(h.ctx, tc.id, tc.version)
		require.ErrorIs(h.t, err, store.ErrNotFound, tc.name)
	}
	versions, err := h.s.FlowVersionList(h.ctx, "main")
	require.NoError(h.t, err)
	require.Empty(h.t, versions)
	_, err = h.s.FlowVersionList(h.ctx, "ghost")
	require.ErrorIs(h.t, err, store.ErrNotFound)
}

func testFlowDelete(h *harness) {
	t := h.t
	h.flow("main")
	_, err := h.s.FlowPublish(h.ctx, store.FlowPublishParams{ID: "main", Source: "x", Author: "ann"})
	require.NoError(t, err)
	h.tick()
	require.NoError(t, h.s.FlowDelete(h.ctx, "main", "bob"))
	h.lastAudit("bob", "flow.delete", "main")
	_, err = h.s.FlowGet(h.ctx, "main")
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = h.s.FlowVersionGet(h.ctx, "main", 1)
	require.ErrorIs(t, err, store.ErrNotFound, "versions are deleted with the flow")

	// The id may be used again, from version 1.
	h.flow("main")
	v, err := h.s.FlowPublish(h.ctx, store.FlowPublishParams{ID: "main", Source: "y", Author: "ann"})
	require.NoError(t, err)
	require.Equal(t, 1, v.Version)
}

func testFlowDeleteErrors(h *harness) {
	t := h.t
	h.flow("main")
	h.channel("page", "main")
	h.unchanged(store.ErrInUse, func() error { return h.s.FlowDelete(h.ctx, "main", "bob") })
	_, err := h.s.FlowGet(h.ctx, "main")
	require.NoError(t, err, "a flow in use was deleted")
	h.unchanged(store.ErrNotFound, func() error { return h.s.FlowDelete(h.ctx, "ghost", "bob") })

	require.NoError(t, h.s.ChannelDelete(h.ctx, "page", "bob"))
	require.NoError(t, h.s.FlowDelete(h.ctx, "main", "bob"), "a flow no channel uses")
}
