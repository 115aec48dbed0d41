package dispatch

// Channels as the pipeline reads them.

import (
	"context"
	"time"

	"github.com/switchboardhq/switchboard/store"
)

// channelTTL is how long a channel read is reused: an admin's change reaches the pipeline
// within it.
const channelTTL = time.Second

type cachedChannel struct {
	ch   store.Channel
	read time.Time
}

// Channel returns a channel, read at most channelTTL ago.
func (d *Dispatcher) Channel(ctx context.Context, id string) (store.Channel, error) {
	now := time.Now()
	d.chMu.Lock()
	c, ok := d.channels[id]
	d.chMu.Unlock()
	if ok && now.Sub(c.read) < channelTTL {
		return c.ch, nil
	}
	ch, err := d.st.ChannelGet(ctx, id)
	if err != nil {
		return ch, err
	}
	d.chMu.Lock()
	d.channels[id] = cachedChannel{ch: ch, read: now}
	d.chMu.Unlock()
	return ch, nil
}
