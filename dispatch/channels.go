package dispatch

// Channels as the pipeline reads them: cached until a change is announced. The admin API
// announces every change on the store's bus (store.TopicChannel) once it is committed, and every
// node drops its copy; a bus that reconnected may have missed announcements, so every copy goes.

import (
	"context"
	"fmt"

	"github.com/switchboardhq/switchboard/store"
)

// maxCachedChannels bounds the channel cache; past it, an arbitrary channel is read again.
const maxCachedChannels = 4096

// channelCache holds channels as last read. gen counts the changes heard: a read that began
// before a change is not kept, so a change that lands while a read is under way is not lost.
type channelCache struct {
	byID map[string]store.Channel
	gen  uint64
}

// Channel returns a channel, from the cache when no change was announced since it was read.
func (d *Dispatcher) Channel(ctx context.Context, id string) (store.Channel, error) {
	d.chMu.Lock()
	ch, ok := d.channels.byID[id]
	gen := d.channels.gen
	d.chMu.Unlock()
	if ok {
		return ch, nil
	}
	ch, err := d.st.ChannelGet(ctx, id)
	if err != nil {
		return ch, err
	}
	d.chMu.Lock()
	if d.channels.gen == gen {
		if len(d.channels.byID) >= maxCachedChannels {
			for k := range d.channels.byID {
				delete(d.channels.byID, k)
				break
			}
		}
		d.channels.byID[id] = ch
	}
	d.chMu.Unlock()
	return ch, nil
}

// ChannelChanged drops a channel from the cache: it was created, changed or deleted. Empty id
// drops every channel.
func (d *Dispatcher) ChannelChanged(id string) {
	d.chMu.Lock()
	defer d.chMu.Unlock()
	d.channels.gen++
	if id == "" {
		clear(d.channels.byID)
		return
	}
	delete(d.channels.byID, id)
}

// AnnounceChannelChange tells every node, this one first, that a channel changed: call it after
// the change is committed and before it is acknowledged.
func (d *Dispatcher) AnnounceChannelChange(ctx context.Context, id string) error {
	d.ChannelChanged(id)
	if err := d.st.Bus().Publish(ctx, store.TopicChannel, id); err != nil {
		return fmt.Errorf("announce the change of channel %s: %w", id, err)
	}
	return nil
}
