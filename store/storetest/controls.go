package storetest

import (
	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/store"
)

var calendarTests = []test{
	{"PutGetListDelete", testCalendar},
	{"Errors", testCalendarErrors},
}

var switchTests = []test{
	{"SetGetList", testSwitch},
	{"Errors", testSwitchErrors},
}

func testCalendar(h *harness) {
	t := h.t
	def := engine.CalendarDef{Name: "office", Timezone: "Europe/Paris", Open: map[string][]string{"mon": {"09:00-12:00", "14:00-18:00"}},
		Special: []string{"2025-12-25 closed"}, Country: "FR", Version: 42}
	c, err := h.s.CalendarPut(h.ctx, store.Calendar{CalendarDef: def}, "ann")
	require.NoError(t, err)
	def.Version = 1
	require.Equal(t, store.Calendar{CalendarDef: def, UpdatedAt: h.now()}, c, "a new calendar is at version 1")
	e := h.lastAudit("ann", "calendar.put", "office")
	require.JSONEq(t, `{"version":1,"timezone":"Europe/Paris"}`, e.Detail)

	for version := int64(2); version <= 3; version++ {
		now := h.tick()
		def.Open["tue"] = []string{"10:00-11:00"}
		c, err = h.s.CalendarPut(h.ctx, store.Calendar{CalendarDef: def}, "bob")
		require.NoError(t, err)
		def.Version = version
		want := store.Calendar{CalendarDef: def, UpdatedAt: now}
		require.Equal(t, want, c, "each put bumps the version")
		got, err := h.s.CalendarGet(h.ctx, "office")
		require.NoError(t, err)
		require.Equal(t, want, got)
	}

	utc, err := h.s.CalendarPut(h.ctx, store.Calendar{CalendarDef: engine.CalendarDef{Name: "always", Timezone: "UTC"}}, "bob")
	require.NoError(t, err)
	calendars, err := h.s.CalendarList(h.ctx)
	require.NoError(t, err)
	require.Equal(t, []store.Calendar{utc, c}, calendars, "calendars by name")

	h.tick()
	require.NoError(t, h.s.CalendarDelete(h.ctx, "office", "bob"))
	h.lastAudit("bob", "calendar.delete", "office")
	_, err = h.s.CalendarGet(h.ctx, "office")
	require.ErrorIs(t, err, store.ErrNotFound)
}

func testCalendarErrors(h *harness) {
	for _, def := range []engine.CalendarDef{{Timezone: "UTC"}, {Name: "office", Timezone: "Mars/Olympus"}} {
		h.unchanged(store.ErrInvalid, func() error {
			_, err := h.s.CalendarPut(h.ctx, store.Calendar{CalendarDef: def}, "ann")
			return err
		})
	}
	h.unchanged(store.ErrNotFound, func() error { return h.s.CalendarDelete(h.ctx, "ghost", "ann") })
	_, err := h.s.CalendarGet(h.ctx, "ghost")
	require.ErrorIs(h.t, err, store.ErrNotFound)
}

func testSwitch(h *harness) {
	t := h.t
	sw, err := h.s.SwitchSet(h.ctx, "storm", true, "ann")
	require.NoError(t, err)
	require.Equal(t, store.Switch{Name: "storm", On: true, UpdatedAt: h.now(), UpdatedBy: "ann"}, sw)
	e := h.lastAudit("ann", "switch.set", "storm")
	require.Equal(t, `{"on":true}`, e.Detail, "audit detail is compact JSON with sorted keys on every database")

	now := h.tick()
	sw, err = h.s.SwitchSet(h.ctx, "storm", false, "bob")
	require.NoError(t, err)
	want := store.Switch{Name: "storm", On: false, UpdatedAt: now, UpdatedBy: "bob"}
	require.Equal(t, want, sw)
	got, err := h.s.SwitchGet(h.ctx, "storm")
	require.NoError(t, err)
	require.Equal(t, want, got)
	h.lastAudit("bob", "switch.set", "storm")

	alert, err := h.s.SwitchSet(h.ctx, "alert", true, "bob")
	require.NoError(t, err)
	switches, err := h.s.SwitchList(h.ctx)
	require.NoError(t, err)
	require.Equal(t, []store.Switch{alert, want}, switches, "switches by name")
}

func testSwitchErrors(h *harness) {
	_, err := h.s.SwitchGet(h.ctx, "never")
	require.ErrorIs(h.t, err, store.ErrNotFound, "a switch never set")
	h.unchanged(store.ErrInvalid, func() error {
		_, err := h.s.SwitchSet(h.ctx, "", true, "ann")
		return err
	})
}
