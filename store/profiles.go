package store

import (
	"context"
	"time"
)

// Profile is what a network's profile API told of a customer, cached by channel type and the
// customer's id on it (the key of contacts). A failed look-up keeps the names of the last one
// that worked.
type Profile struct {
	Channel    string `json:"channel"`
	ExternalID string `json:"external_id"`
	Name       string `json:"name"`
	FirstName  string `json:"first_name"`
	LastName   string `json:"last_name"`
	Handle     string `json:"handle"`
	Picture    string `json:"picture"`
	// FetchedAt is when a look-up last worked; nil when none has.
	FetchedAt *time.Time `json:"fetched_at,omitempty"`
	// LookedUpAt is when the network was last asked, whatever it answered.
	LookedUpAt time.Time `json:"looked_up_at"`
	// Error is why the last look-up failed; empty when it worked.
	Error string `json:"error,omitempty"`
	// RetryAt is when a failed look-up may be tried again; nil after one that worked.
	RetryAt *time.Time `json:"retry_at,omitempty"`
}

// maxProfileError bounds the error kept with a profile.
const maxProfileError = 500

type profileRow struct {
	Channel    string        `db:"channel"`
	ExternalID string        `db:"external_id"`
	Name       string        `db:"name"`
	FirstName  string        `db:"first_name"`
	LastName   string        `db:"last_name"`
	Handle     string        `db:"handle"`
	Picture    string        `db:"picture"`
	FetchedAt  nullTimestamp `db:"fetched_at"`
	LookedUpAt timestamp     `db:"looked_up_at"`
	Error      string        `db:"error"`
	RetryAt    nullTimestamp `db:"retry_at"`
}

const profileColumns = `channel, external_id, name, first_name, last_name, handle, picture, fetched_at, looked_up_at, error, retry_at`

// ProfileGet returns the cached profile of a customer; ErrNotFound when none was looked up.
func (s *sqlStore) ProfileGet(ctx context.Context, channel, externalID string) (Profile, error) {
	var r profileRow
	if err := get(ctx, s.read, &r, `SELECT `+profileColumns+` FROM profiles WHERE channel = ? AND external_id = ?`,
		channel, externalID); err != nil {
		return Profile{}, s.fail(err, "profile %s/%s", channel, externalID)
	}
	return Profile{Channel: r.Channel, ExternalID: r.ExternalID, Name: r.Name, FirstName: r.FirstName, LastName: r.LastName,
		Handle: r.Handle, Picture: r.Picture, FetchedAt: r.FetchedAt.Time, LookedUpAt: r.LookedUpAt.Time, Error: r.Error,
		RetryAt: r.RetryAt.Time}, nil
}

// ProfilePut stores a customer's profile, replacing the one cached. ErrInvalid without a
// channel, an external id or the time of the look-up.
func (s *sqlStore) ProfilePut(ctx context.Context, p Profile) error {
	if p.Channel == "" || p.ExternalID == "" || p.LookedUpAt.IsZero() {
		return invalid("profile %q/%q: channel, external_id and looked_up_at are needed", p.Channel, p.ExternalID)
	}
	if len(p.Error) > maxProfileError {
		p.Error = p.Error[:maxProfileError]
	}
	opt := func(t *time.Time) any {
		if t == nil {
			return nil
		}
		return s.ts(*t)
	}
	_, err := exec(ctx, s.db, `INSERT INTO profiles (`+profileColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (channel, external_id) DO UPDATE SET name = excluded.name, first_name = excluded.first_name,
			last_name = excluded.last_name, handle = excluded.handle, picture = excluded.picture,
			fetched_at = excluded.fetched_at, looked_up_at = excluded.looked_up_at, error = excluded.error,
			retry_at = excluded.retry_at`,
		p.Channel, p.ExternalID, p.Name, p.FirstName, p.LastName, p.Handle, p.Picture, opt(p.FetchedAt),
		s.ts(p.LookedUpAt), p.Error, opt(p.RetryAt))
	if err != nil {
		return s.fail(err, "profile %s/%s", p.Channel, p.ExternalID)
	}
	return nil
}

// pruneProfiles deletes profiles not looked up since a time: customers not heard of since.
func (s *sqlStore) pruneProfiles(ctx context.Context, before time.Time, limit int, pruned Pruned) (int, error) {
	return s.deleteBatch(ctx, PruneProfiles, pruned, `DELETE FROM profiles WHERE (channel, external_id) IN (
		SELECT channel, external_id FROM profiles WHERE looked_up_at < ? ORDER BY looked_up_at LIMIT ?)`, s.ts(before), limit)
}
