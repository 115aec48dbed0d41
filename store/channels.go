package store

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/jmoiron/sqlx"
)

type channelRow struct {
	ID           string    `db:"id"`
	Type         string    `db:"type"`
	Name         string    `db:"name"`
	Credentials  string    `db:"credentials"`
	Settings     string    `db:"settings"`
	DefaultFlow  string    `db:"default_flow"`
	DefaultSkill string    `db:"default_skill"`
	Enabled      bool      `db:"enabled"`
	NeedsReauth  bool      `db:"needs_reauth"`
	CreatedAt    timestamp `db:"created_at"`
	UpdatedAt    timestamp `db:"updated_at"`
}

// channel decodes a channel's row, decrypting its credentials.
func (s *sqlStore) channel(r channelRow) (Channel, error) {
	c := Channel{ID: r.ID, Type: r.Type, Name: r.Name, Settings: map[string]any{},
		DefaultFlow: r.DefaultFlow, DefaultSkill: r.DefaultSkill, Enabled: r.Enabled, NeedsReauth: r.NeedsReauth,
		CreatedAt: r.CreatedAt.Time, UpdatedAt: r.UpdatedAt.Time}
	var err error
	if c.Credentials, err = s.openCredentials(r.ID, r.Credentials); err != nil {
		return Channel{}, err
	}
	if err := fromJSON(r.Settings, &c.Settings); err != nil {
		return Channel{}, fmt.Errorf("channel %s settings: %w", r.ID, err)
	}
	return c, nil
}

const channelColumns = `id, type, name, credentials, settings, default_flow, default_skill, enabled, needs_reauth, created_at, updated_at`

// checkChannel validates what a channel is stored with and encodes its settings.
func checkChannel(c Channel) (settings string, err error) {
	if c.ID == "" {
		return "", invalid("channel: no id")
	}
	if !slices.Contains(ChannelTypes, c.Type) {
		return "", invalid("channel %s: type %q is not one of %s", c.ID, c.Type, strings.Join(ChannelTypes, ", "))
	}
	settings, err = jsonArg(c.Settings, "{}")
	if err != nil {
		return "", invalid("channel %s settings: %v", c.ID, err)
	}
	return settings, nil
}

// ChannelList returns the channels by id, with their credentials.
func (s *sqlStore) ChannelList(ctx context.Context) ([]Channel, error) {
	var rows []channelRow
	if err := list(ctx, s.read, &rows, `SELECT `+channelColumns+` FROM channels ORDER BY id`); err != nil {
		return nil, fmt.Errorf("channel list: %w", err)
	}
	out := make([]Channel, len(rows))
	for i, r := range rows {
		c, err := s.channel(r)
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

// ChannelGet returns a channel with its credentials; ErrNotFound when there is none.
func (s *sqlStore) ChannelGet(ctx context.Context, id string) (Channel, error) {
	return s.channelGet(ctx, s.read, id, "")
}

func (s *sqlStore) channelGet(ctx context.Context, q sqlx.ExtContext, id, lock string) (Channel, error) {
	var r channelRow
	if err := get(ctx, q, &r, `SELECT `+channelColumns+` FROM channels WHERE id = ?`+lock, id); err != nil {
		return Channel{}, s.fail(err, "channel %s", id)
	}
	return s.channel(r)
}

// ChannelCreate stores a new channel; credentials with empty values are left out. ErrExists
// when the id is taken; ErrInvalid without an id or with an unknown type. The default flow is
// not checked: channels may be set up before their flows.
func (s *sqlStore) ChannelCreate(ctx context.Context, c Channel, by string) (Channel, error) {
	settings, err := checkChannel(c)
	if err != nil {
		return Channel{}, err
	}
	creds := map[string]string{}
	for k, v := range c.Credentials {
		if v != "" {
			creds[k] = v
		}
	}
	stored, err := s.sealCredentials(c.ID, creds)
	if err != nil {
		return Channel{}, err
	}
	now := s.now()
	var r channelRow
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		err := get(ctx, tx, &r, `INSERT INTO channels (`+channelColumns+`, updated_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING `+channelColumns,
			c.ID, c.Type, c.Name, stored, settings, c.DefaultFlow, c.DefaultSkill, c.Enabled, c.NeedsReauth,
			s.ts(now), s.ts(now), by)
		if err != nil {
			return s.fail(err, "channel %s", c.ID)
		}
		detail := map[string]any{"type": c.Type, "name": c.Name}
		if len(creds) > 0 {
			detail["credentials_set"] = slices.Sorted(maps.Keys(creds))
		}
		return s.audit(ctx, tx, now, by, auditChannel, "create", c.ID, detail)
	})
	if err != nil {
		return Channel{}, err
	}
	return s.channel(r)
}

// ChannelUpdate replaces a channel's type, name, settings, defaults and enabled flag. Its
// credentials are merged: a key with a value sets it, a key with an empty value removes it, and
// keys not mentioned are kept. NeedsReauth stays set until a credential is set (or is set by
// c.NeedsReauth). ErrNotFound when there is no such channel. The audit entry names the
// credential keys set and removed, never their values.
func (s *sqlStore) ChannelUpdate(ctx context.Context, c Channel, by string) (Channel, error) {
	settings, err := checkChannel(c)
	if err != nil {
		return Channel{}, err
	}
	now := s.now()
	var r channelRow
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		var old channelRow
		if err := get(ctx, tx, &old, `SELECT `+channelColumns+` FROM channels WHERE id = ?`+s.dialect.lockRow, c.ID); err != nil {
			return s.fail(err, "channel %s", c.ID)
		}
		kept := map[string]string{}
		if err := fromJSON(old.Credentials, &kept); err != nil {
			return fmt.Errorf("channel %s credentials: %w", c.ID, err)
		}
		creds := map[string]string{}
		var set, removed []string
		for _, k := range slices.Sorted(maps.Keys(c.Credentials)) {
			if v := c.Credentials[k]; v != "" {
				creds[k] = v
				set = append(set, k)
			} else if _, ok := kept[k]; ok {
				removed = append(removed, k)
			}
			delete(kept, k)
		}
		// the credentials kept are written again with the current key; those replaced or
		// removed need not decrypt, so a credential whose key was lost can be set anew
		for _, k := range slices.Sorted(maps.Keys(kept)) {
			v, err := s.secrets.open(c.ID, k, kept[k])
			if err != nil {
				return err
			}
			creds[k] = v
		}
		stored, err := s.sealCredentials(c.ID, creds)
		if err != nil {
			return err
		}
		needsReauth := c.NeedsReauth || (old.NeedsReauth && len(set) == 0)
		err = get(ctx, tx, &r, `UPDATE channels SET type = ?, name = ?, credentials = ?, settings = ?, default_flow = ?,
				default_skill = ?, enabled = ?, needs_reauth = ?, updated_at = ?, updated_by = ?
			WHERE id = ? RETURNING `+channelColumns,
			c.Type, c.Name, stored, settings, c.DefaultFlow, c.DefaultSkill, c.Enabled, needsReauth,
			s.ts(now), by, c.ID)
		if err != nil {
			return s.fail(err, "channel %s", c.ID)
		}
		detail := map[string]any{"type": c.Type, "name": c.Name}
		if len(set) > 0 {
			detail["credentials_set"] = set
		}
		if len(removed) > 0 {
			detail["credentials_removed"] = removed
		}
		return s.audit(ctx, tx, now, by, auditChannel, "update", c.ID, detail)
	})
	if err != nil {
		return Channel{}, err
	}
	return s.channel(r)
}

// ChannelDelete deletes a channel; ErrNotFound when there is none.
func (s *sqlStore) ChannelDelete(ctx context.Context, id, by string) error {
	return s.deleteAudited(ctx, `DELETE FROM channels WHERE id = ?`, by, auditChannel, id)
}
