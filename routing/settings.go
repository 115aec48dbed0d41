package routing

import (
	"strings"
	"sync"
	"time"

	"github.com/switchboardhq/switchboard/settings"
	"github.com/switchboardhq/switchboard/store"
)

// settingsCache holds the typed settings of each channel as last read, so that a stored setting
// that does not fit its spec is logged once per change of the channel, not on every cycle.
type settingsCache struct {
	mu   sync.Mutex
	byID map[string]cachedSettings
}

type cachedSettings struct {
	updated time.Time
	s       settings.ChannelSettings
}

// settingsOf returns a channel's typed settings. Stored settings the admin API would refuse now
// (written before it checked them) are read as their defaults and logged once.
func (a *ACD) settingsOf(ch store.Channel) settings.ChannelSettings {
	if a == nil {
		s, _ := settings.ParseChannel(ch.Type, ch.Settings)
		return s
	}
	a.settings.mu.Lock()
	defer a.settings.mu.Unlock()
	if c, ok := a.settings.byID[ch.ID]; ok && c.updated.Equal(ch.UpdatedAt) {
		return c.s
	}
	s, problems := settings.ParseChannel(ch.Type, ch.Settings)
	if len(problems) > 0 {
		msgs := make([]string, len(problems))
		for i, p := range problems {
			msgs[i] = p.Message
		}
		a.log.Warn("channel settings that do not fit their spec are read as their defaults; fix them through the admin API",
			"channel", ch.ID, "problems", strings.Join(msgs, "; "))
	}
	if a.settings.byID == nil {
		a.settings.byID = map[string]cachedSettings{}
	}
	a.settings.byID[ch.ID] = cachedSettings{updated: ch.UpdatedAt, s: s}
	return s
}

// forgetSettings drops the cached settings of channels that are gone, so the cache holds at most
// the channels that exist.
func (a *ACD) forgetSettings(channels map[string]store.Channel) {
	a.settings.mu.Lock()
	defer a.settings.mu.Unlock()
	for id := range a.settings.byID {
		if _, ok := channels[id]; !ok {
			delete(a.settings.byID, id)
		}
	}
}

// ringTimeout is how long an offer of the channel rings.
func ringTimeout(s settings.ChannelSettings) time.Duration {
	if s.RingTimeout > 0 {
		return s.RingTimeout
	}
	return DefaultRingTimeout
}

// ChannelServiceLevel is a channel's service level: its service_level_seconds, or
// DefaultServiceLevel.
func ChannelServiceLevel(ch store.Channel) time.Duration {
	return serviceLevel((*ACD)(nil).settingsOf(ch))
}

// serviceLevel is the wait within which the channel's conversations count as answered in time.
func serviceLevel(s settings.ChannelSettings) time.Duration {
	if s.ServiceLevel > 0 {
		return s.ServiceLevel
	}
	return DefaultServiceLevel
}
