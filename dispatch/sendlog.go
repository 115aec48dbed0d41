package dispatch

// Failing sends are logged: one line per channel per minute at most, with the network's code
// and words, and how many failures of the channel the minute before it left unsaid.

import (
	"log/slog"
	"sync"
	"time"

	"github.com/switchboardhq/switchboard/channels"
	"github.com/switchboardhq/switchboard/engine"
)

// sendLogEvery is how often one channel's failing sends are logged at most.
const sendLogEvery = time.Minute

// sendLog logs failing sends, a line per channel per sendLogEvery.
type sendLog struct {
	log   *slog.Logger
	clock engine.Clock
	mu    sync.Mutex
	// last is, per channel, when its last line was written and how many failures were not
	// logged since; bounded like the lanes.
	last map[string]*sendLogEntry
}

type sendLogEntry struct {
	at         time.Time
	suppressed int
}

func newSendLog(log *slog.Logger, clock engine.Clock) *sendLog {
	return &sendLog{log: log, clock: clock, last: map[string]*sendLogEntry{}}
}

// failed notes a send the network refused or did not answer; a duplicate is no failure.
func (s *sendLog) failed(channelID, channelType, actionID string, se *channels.SendError) {
	if se == nil || se.Class == channels.ClassDuplicate {
		return
	}
	now := s.clock.Now()
	s.mu.Lock()
	e := s.last[channelID]
	if e != nil && now.Sub(e.at) < sendLogEvery {
		e.suppressed++
		s.mu.Unlock()
		return
	}
	suppressed := 0
	if e != nil {
		suppressed = e.suppressed
	}
	if len(s.last) >= maxLanes {
		for id, old := range s.last {
			if now.Sub(old.at) >= sendLogEvery {
				delete(s.last, id)
			}
		}
	}
	if len(s.last) < maxLanes || e != nil {
		s.last[channelID] = &sendLogEntry{at: now}
	}
	s.mu.Unlock()
	s.log.Warn("a send to the network failed", "channel", channelID, "type", channelType, "action", actionID,
		"class", string(se.Class), "code", se.Code, "subcode", se.Subcode, "status", se.Status, "error", se.Message,
		"retry_after", se.RetryAfter.Seconds(), "suppressed", suppressed)
}
