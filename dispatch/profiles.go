package dispatch

// Customers' names from the networks' profile APIs. Messenger and Instagram Direct messages
// carry only the customer's scoped id; before a new session starts, the customer's profile is
// read from the cache (store.Profile) or, when it is missing or older than the channel's
// profile_refresh, looked up on the network. A look-up is bounded: it waits at most
// ProfileTimeout (for a free slot among ProfileLookups and for the network together), and a
// failed or slow one never fails the message: the name stays what the cache had, or empty.
// Failures are remembered per customer (retry_at) and per channel (a bad token or a rate
// limit pauses every look-up of the channel), so a failing Graph is not asked again and again.

import (
	"cmp"
	"context"
	"errors"
	"sync"
	"time"

	"github.com/switchboardhq/switchboard/channels"
	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/settings"
	"github.com/switchboardhq/switchboard/store"
)

// ProfileSource looks customers' profiles up on their network; *channels.Client is one.
type ProfileSource interface {
	Profile(ctx context.Context, ch channels.Channel, customer string) (channels.Profile, error)
}

// The defaults of the profile look-ups.
const (
	// DefaultProfileTimeout bounds one look-up, waiting for a slot included.
	DefaultProfileTimeout = 2 * time.Second
	// DefaultProfileLookups is how many look-ups a node makes at once.
	DefaultProfileLookups = 8
)

// How long a failed look-up is not tried again, by the failure's class.
const (
	// profileRetryRefused: the network will not give this profile (no profile, no consent,
	// an id it cannot read): ask again a day later, the customer may have changed that.
	profileRetryRefused = 24 * time.Hour
	// profileRetrySoon: a temporary failure, a timeout, an answer that could not be read.
	profileRetrySoon = 10 * time.Minute
	// profileChannelPause: a token the network no longer takes pauses the channel's look-ups.
	profileChannelPause = 15 * time.Minute
	// minProfileThrottle is the least a rate limit pauses a channel's look-ups.
	minProfileThrottle = time.Minute
)

// maxPausedChannels bounds the channels whose look-ups are paused; past it, the pause that
// ends first is forgotten.
const maxPausedChannels = 1024

// profiler resolves customers' names; safe for concurrent use.
type profiler struct {
	source  ProfileSource
	st      store.Store
	clock   engine.Clock
	timeout time.Duration
	slots   chan struct{}
	d       *Dispatcher

	mu     sync.Mutex
	paused map[string]time.Time // channel id → until
}

func newProfiler(d *Dispatcher, cfg Config) *profiler {
	if cfg.Profiles == nil {
		return nil
	}
	return &profiler{source: cfg.Profiles, st: cfg.Store, clock: cfg.Clock, d: d,
		timeout: cmp.Or(cfg.ProfileTimeout, DefaultProfileTimeout),
		slots:   make(chan struct{}, cmp.Or(cfg.ProfileLookups, DefaultProfileLookups)),
		paused:  map[string]time.Time{}}
}

// named is a customer's name as the flow gets it.
type named struct {
	name, firstName, handle string
}

// resolve returns the author of an interaction with the name (and handle) of the customer's
// profile when the network did not tell it, and the profile's first name. It looks the
// profile up only for private messages (the networks answer only for customers who wrote);
// for comments and mentions it reads the cache. It never fails: what it cannot learn stays
// empty.
func (p *profiler) resolve(ctx context.Context, ch store.Channel, in engine.Interaction) (engine.Author, string) {
	author := in.Author
	if p == nil || author.Name != "" || !channels.ProfileLookup(ch.Type, author.ID) {
		return author, ""
	}
	cs, _ := settings.ParseChannel(ch.Type, ch.Settings)
	if !cs.Profiles {
		return author, ""
	}
	n := p.profile(ctx, ch, author.ID, in.Kind == "message", cs.ProfileRefresh)
	author.Name = n.name
	if author.Handle == "" {
		author.Handle = n.handle
	}
	first := ""
	if n.name != "" {
		first = cmp.Or(n.firstName, engine.FirstNameOf(n.name))
	}
	return author, first
}

// profile reads the cached profile and looks it up when it is missing or stale and the cache
// does not say to wait.
func (p *profiler) profile(ctx context.Context, ch store.Channel, customer string, mayLookUp bool, refresh time.Duration) named {
	now := p.clock.Now()
	cached, err := p.st.ProfileGet(ctx, ch.Type, customer)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		p.d.log.Warn("profile: reading the cache failed; the customer is not named", "channel", ch.ID, "err", err)
		return named{}
	}
	have := named{name: cached.Name, firstName: cached.FirstName, handle: cached.Handle}
	fresh := cached.Error == "" && cached.FetchedAt != nil && now.Before(cached.FetchedAt.Add(refresh))
	waiting := cached.RetryAt != nil && now.Before(*cached.RetryAt)
	if !mayLookUp || fresh || waiting || p.channelPaused(ch.ID, now) {
		return have
	}
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		p.d.log.Warn("profile: every look-up slot stayed busy; the customer is not named this time", "channel", ch.ID,
			"timeout", p.timeout)
		p.count(ch.Type, "busy")
		return have
	}
	got, err := p.source.Profile(ctx, AdapterChannel(ch), customer)
	<-p.slots
	now = p.clock.Now()
	row := store.Profile{Channel: ch.Type, ExternalID: customer, LookedUpAt: now}
	if err == nil {
		row.Name, row.FirstName, row.LastName, row.Handle, row.Picture = got.Name, got.FirstName, got.LastName, got.Handle, got.Picture
		row.FetchedAt = &now
		have = named{name: got.Name, firstName: got.FirstName, handle: got.Handle}
		p.count(ch.Type, "found")
	} else {
		// the names of the last look-up that worked stay
		row.Name, row.FirstName, row.LastName, row.Handle, row.Picture = cached.Name, cached.FirstName, cached.LastName, cached.Handle, cached.Picture
		row.FetchedAt, row.Error = cached.FetchedAt, err.Error()
		wait, outcome := p.failed(ch.ID, now, err)
		retry := now.Add(wait)
		row.RetryAt = &retry
		p.count(ch.Type, outcome)
		p.d.log.Info("profile: the look-up failed; the customer is named as before", "channel", ch.ID, "customer", customer,
			"err", err, "retry_at", retry)
	}
	// the cache is written with the caller's context: a look-up cut at its timeout is still
	// remembered, so that the next message does not wait again
	if err := p.st.ProfilePut(context.WithoutCancel(ctx), row); err != nil {
		p.d.log.Warn("profile: caching the look-up failed", "channel", ch.ID, "err", err)
	}
	return have
}

// failed says how long a customer's look-up waits after a failure, and the failure's outcome
// for the metrics; it pauses the channel's look-ups when the failure is the channel's (its
// token, its rate limit).
func (p *profiler) failed(channelID string, now time.Time, err error) (time.Duration, string) {
	var se *channels.SendError
	if !errors.As(err, &se) {
		return profileRetrySoon, "failed"
	}
	switch se.Class {
	case channels.ClassReauth:
		p.pause(channelID, now.Add(profileChannelPause))
		return profileChannelPause, "reauth"
	case channels.ClassThrottle:
		wait := max(se.RetryAfter, minProfileThrottle)
		p.pause(channelID, now.Add(wait))
		return wait, "throttle"
	case channels.ClassFatal, channels.ClassWindow:
		return profileRetryRefused, "refused"
	}
	return profileRetrySoon, "failed"
}

// count tells the metrics of a look-up's outcome.
func (p *profiler) count(channelType, outcome string) {
	if m := p.d.cfg.Metrics; m != nil {
		m.ProfileLookup(channelType, outcome)
	}
}

func (p *profiler) pause(channelID string, until time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.paused[channelID]; !ok && len(p.paused) >= maxPausedChannels {
		first := ""
		for id, t := range p.paused {
			if first == "" || t.Before(p.paused[first]) {
				first = id
			}
		}
		delete(p.paused, first)
	}
	p.paused[channelID] = until
}

func (p *profiler) channelPaused(channelID string, now time.Time) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	until, ok := p.paused[channelID]
	if ok && !now.Before(until) {
		delete(p.paused, channelID)
		return false
	}
	return ok
}
