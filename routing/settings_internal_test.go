package routing

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/store"
)

// Stored settings that do not fit their spec are read as their defaults and logged once per
// change of the channel; those that fit are read typed.
func TestSettingsOfLogsBadStoredSettingsOnce(t *testing.T) {
	t.Parallel()
	var log bytes.Buffer
	a := New(Config{Logger: slog.New(slog.NewTextHandler(&log, nil))})
	t1 := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	ch := store.Channel{ID: "page", Type: store.ChannelFacebook, UpdatedAt: t1, Settings: map[string]any{
		"offer_mode": "rings", "ring_timeout": 45.0, "queue_limit": -5.0, "distribution": []any{"private_first", "loudest"},
		"dispositions": []any{"solved"}, "human_agent": true, "service_level_seconds": 90.0}}

	s := a.settingsOf(ch)
	require.Equal(t, "direct", s.OfferMode, "an offer mode that does not fit is the default")
	require.Equal(t, 45*time.Second, s.RingTimeout)
	require.Zero(t, s.QueueLimit, "a negative limit is no limit, as before")
	require.Equal(t, []string{"private_first"}, s.Distribution, "the orders that fit count")
	require.Equal(t, []string{"solved"}, s.Dispositions)
	require.True(t, s.HumanAgent)
	require.Equal(t, 90*time.Second, serviceLevel(s))
	require.Equal(t, 1, strings.Count(log.String(), "level=WARN"), log.String())
	require.Contains(t, log.String(), "settings.offer_mode")
	require.Contains(t, log.String(), "settings.queue_limit")

	a.settingsOf(ch)
	require.Equal(t, 1, strings.Count(log.String(), "level=WARN"), "logged once")
	ch.UpdatedAt = t1.Add(time.Minute)
	a.settingsOf(ch)
	require.Equal(t, 2, strings.Count(log.String(), "level=WARN"), "logged again when the channel changes")

	// nothing set: the defaults, nothing logged
	var quiet bytes.Buffer
	b := New(Config{Logger: slog.New(slog.NewTextHandler(&quiet, nil))})
	d := b.settingsOf(store.Channel{ID: "chat", Type: store.ChannelWebchat})
	require.Equal(t, DefaultRingTimeout, ringTimeout(d))
	require.Equal(t, DefaultServiceLevel, serviceLevel(d))
	require.Empty(t, quiet.String())
}

// The cache holds only the channels that exist: a deleted channel's settings are dropped.
func TestSettingsCacheForgetsDeletedChannels(t *testing.T) {
	t.Parallel()
	a := New(Config{Logger: slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))})
	page := store.Channel{ID: "page", Type: store.ChannelFacebook}
	chat := store.Channel{ID: "chat", Type: store.ChannelWebchat}
	a.settingsOf(page)
	a.settingsOf(chat)
	a.forgetSettings(map[string]store.Channel{"chat": chat})
	require.NotContains(t, a.settings.byID, "page")
	require.Contains(t, a.settings.byID, "chat")
}
