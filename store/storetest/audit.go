package storetest

import (
	"fmt"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/store"
)

var auditTests = []test{
	{"List", testAuditList},
	{"DefaultLimit", testAuditDefaultLimit},
}

var schemaTests = []test{
	{"Migrations", testMigrations},
	{"Times", testTimes},
}

func testAuditList(h *harness) {
	t := h.t
	h.flow("a")
	h.tick()
	h.flow("b")
	h.tick()
	_, err := h.s.SwitchSet(h.ctx, "storm", true, "bob")
	require.NoError(t, err)
	h.tick()
	_, err = h.s.FlowPublish(h.ctx, store.FlowPublishParams{ID: "a", Source: "x", Author: "cy"})
	require.NoError(t, err)

	actions := func(entries []store.AuditEntry) []string {
		var out []string
		for _, e := range entries {
			out = append(out, e.Action+" "+e.ObjectID)
		}
		return out
	}
	all, err := h.s.AuditList(h.ctx, store.AuditListParams{})
	require.NoError(t, err)
	require.Equal(t, []string{"flow.publish a", "switch.set storm", "flow.create b", "flow.create a"}, actions(all), "newest first")
	for i := 1; i < len(all); i++ {
		require.Greater(t, all[i-1].ID, all[i].ID)
		require.True(t, all[i-1].At.After(all[i].At))
	}

	for _, tc := range []struct {
		name string
		p    store.AuditListParams
		want []string
	}{
		{"object", store.AuditListParams{Object: "flow"}, []string{"flow.publish a", "flow.create b", "flow.create a"}},
		{"object and id", store.AuditListParams{Object: "flow", ObjectID: "a"}, []string{"flow.publish a", "flow.create a"}},
		{"limit", store.AuditListParams{Limit: 2}, []string{"flow.publish a", "switch.set storm"}},
		{"before", store.AuditListParams{Before: all[1].ID}, []string{"flow.create b", "flow.create a"}},
		{"before with a filter", store.AuditListParams{Object: "flow", Before: all[0].ID, Limit: 1}, []string{"flow.create b"}},
		{"nothing", store.AuditListParams{Object: "agent"}, nil},
	} {
		got, err := h.s.AuditList(h.ctx, tc.p)
		require.NoError(t, err, tc.name)
		require.Equal(t, tc.want, actions(got), tc.name)
	}
}

func testAuditDefaultLimit(h *harness) {
	for i := range 101 {
		_, err := h.s.SwitchSet(h.ctx, fmt.Sprint("s", i), true, "ann")
		require.NoError(h.t, err)
	}
	got, err := h.s.AuditList(h.ctx, store.AuditListParams{})
	require.NoError(h.t, err)
	require.Len(h.t, got, 100)
	require.Equal(h.t, "s100", got[0].ObjectID)
}

func testMigrations(h *harness) {
	t := h.t
	require.Contains(t, []string{"sqlite", "postgres"}, h.s.Dialect())
	require.NoError(t, h.s.Ping(h.ctx))
	applied, latest, err := h.s.MigrationStatus(h.ctx)
	require.NoError(t, err)
	require.Positive(t, latest)
	require.Equal(t, latest, applied, "an opened store is migrated")
	require.NoError(t, h.s.Migrate(h.ctx), "migrating a migrated store does nothing")
	again, _, err := h.s.MigrationStatus(h.ctx)
	require.NoError(t, err)
	require.Equal(t, applied, again)
}

// testTimes checks that times come back as written: UTC, to the microsecond, whatever the
// clock's zone and nanoseconds.
func testTimes(h *harness) {
	t := h.t
	for _, at := range []time.Time{
		start,
		time.Date(1999, 12, 31, 23, 59, 59, 999999999, time.FixedZone("", -7*3600)),
		time.Date(2030, 1, 1, 0, 0, 0, 1000, time.UTC),
		time.Date(2024, 2, 29, 12, 0, 0, 0, time.UTC),
	} {
		h.clock.Set(at)
		id := at.Format("20060102150405.000000000")
		created, err := h.s.FlowCreate(h.ctx, store.Flow{ID: id, Source: "x"}, "ann")
		require.NoError(t, err)
		want := at.UTC().Truncate(time.Microsecond)
		got, err := h.s.FlowGet(h.ctx, id)
		require.NoError(t, err)
		for _, ts := range []time.Time{created.CreatedAt, created.UpdatedAt, got.CreatedAt, got.UpdatedAt} {
			require.Equal(t, want, ts, "time written at %s", at)
			require.Equal(t, time.UTC, ts.Location())
		}
	}
}
