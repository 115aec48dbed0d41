package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/store"
)

// Opener opens a new, empty, migrated store with the options (a clock), closed when t ends.
type Opener func(t *testing.T, opts store.Options) store.Store

// start is the suite's first time: not UTC, with nanoseconds the store must drop.
var start = time.Date(2025, 3, 14, 9, 26, 53, 589793238, time.FixedZone("CET", 3600))

// Run runs the conformance suite against the stores open makes, each test in parallel on its
// own database.
func Run(t *testing.T, open Opener) {
	groups := []struct {
		name  string
		tests []test
	}{
		{"Schema", schemaTests},
		{"Flow", flowTests},
		{"Channel", channelTests},
		{"Skill", skillTests},
		{"Agent", agentTests},
		{"Calendar", calendarTests},
		{"Switch", switchTests},
		{"Contact", contactTests},
		{"Profile", profileTests},
		{"Token", tokenTests},
		{"Audit", auditTests},
		{"Webchat", webchatTests},
		{"Desk", deskTests},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, tc := range g.tests {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					clock := engine.NewManualClock(start)
					h := &harness{t: t, s: open(t, store.Options{Clock: clock}), clock: clock, ctx: t.Context()}
					tc.run(h)
				})
			}
		})
	}
}

// test is one conformance test.
type test struct {
	name string
	run  func(h *harness)
}

// harness is what a test works with: its store, the store's clock and shortcuts.
type harness struct {
	t     *testing.T
	s     store.Store
	clock *engine.ManualClock
	ctx   context.Context
}

// with is the harness for a subtest.
func (h *harness) with(t *testing.T) *harness {
	c := *h
	c.t = t
	return &c
}

// now is the clock's time as the store must keep it.
func (h *harness) now() time.Time { return h.clock.Now().UTC().Truncate(time.Microsecond) }

// tick moves the clock on by a little over a second, nanoseconds included.
func (h *harness) tick() time.Time {
	h.clock.Advance(1500*time.Millisecond + 1234567*time.Nanosecond)
	return h.now()
}

// audit returns the audit log, newest first.
func (h *harness) audit() []store.AuditEntry {
	h.t.Helper()
	entries, err := h.s.AuditList(h.ctx, store.AuditListParams{Limit: 1000})
	require.NoError(h.t, err)
	return entries
}

// lastAudit returns the newest audit entry and checks what it records.
func (h *harness) lastAudit(actor, action, objectID string) store.AuditEntry {
	h.t.Helper()
	entries := h.audit()
	require.NotEmpty(h.t, entries, "no audit entry for %s", action)
	e := entries[0]
	require.Equal(h.t, action, e.Action, "newest audit entry")
	require.Equal(h.t, actor, e.Actor, "actor of %s", action)
	require.Equal(h.t, objectID, e.ObjectID, "object id of %s", action)
	require.Equal(h.t, h.now(), e.At, "time of %s", action)
	require.Positive(h.t, e.ID)
	return e
}

// unchanged runs a write that must fail with want and checks that it wrote no audit entry.
func (h *harness) unchanged(want error, write func() error) {
	h.t.Helper()
	before := len(h.audit())
	err := write()
	require.ErrorIs(h.t, err, want)
	require.Len(h.t, h.audit(), before, "a failed write recorded an audit entry (%v)", err)
}

func (h *harness) flow(id string) store.Flow {
	h.t.Helper()
	f, err := h.s.FlowCreate(h.ctx, store.Flow{ID: id, Name: "Flow " + id, Source: "id: " + id + "\n", Format: "yaml"}, "ann")
	require.NoError(h.t, err)
	return f
}

func (h *harness) channel(id, defaultFlow string) store.Channel {
	h.t.Helper()
	c, err := h.s.ChannelCreate(h.ctx, store.Channel{ID: id, Type: store.ChannelFacebook, Name: "Page " + id,
		Credentials: map[string]string{"page_token": "secret-" + id}, DefaultFlow: defaultFlow, Enabled: true}, "ann")
	require.NoError(h.t, err)
	return c
}
