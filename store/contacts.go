package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"github.com/switchboardhq/switchboard/engine"
)

type contactRow struct {
	ID         string    `db:"id"`
	Channel    string    `db:"channel"`
	ExternalID string    `db:"external_id"`
	Name       string    `db:"name"`
	Handle     string    `db:"handle"`
	VIP        bool      `db:"vip"`
	Attributes string    `db:"attributes"`
	LastAgent  string    `db:"last_agent"`
	Tags       string    `db:"tags"`
	CreatedAt  timestamp `db:"created_at"`
	UpdatedAt  timestamp `db:"updated_at"`
}

func (r contactRow) contact() (Contact, error) {
	c := Contact{ID: r.ID, Channel: r.Channel, ExternalID: r.ExternalID, Name: r.Name, Handle: r.Handle, VIP: r.VIP,
		Attributes: map[string]any{}, LastAgent: r.LastAgent, Tags: []string{}, CreatedAt: r.CreatedAt.Time,
		UpdatedAt: r.UpdatedAt.Time}
	if err := fromJSON(r.Attributes, &c.Attributes); err != nil {
		return Contact{}, fmt.Errorf("contact %s attributes: %w", r.ID, err)
	}
	if err := fromJSON(r.Tags, &c.Tags); err != nil {
		return Contact{}, fmt.Errorf("contact %s tags: %w", r.ID, err)
	}
	return c, nil
}

const contactColumns = `id, channel, external_id, name, handle, vip, attributes, last_agent, tags, created_at, updated_at`

// newContactID returns a new contact id: "c_" and a random UUID.
func newContactID() string { return "c_" + uuid.NewString() }

// ContactLookup finds the contact of an author on a channel type, or creates it with the
// author's name and handle and the attributes. A contact is created once however many look-ups
// race: the insert does nothing when the (channel, external id) pair exists, and found is false
// only for the look-up whose insert took. ErrInvalid without a channel or an author id.
func (s *sqlStore) ContactLookup(ctx context.Context, channel string, author engine.Author, attributes map[string]any) (Contact, bool, error) {
	if channel == "" || author.ID == "" {
		return Contact{}, false, invalid("contact lookup: channel %q, author %q: both are needed", channel, author.ID)
	}
	attrs, err := jsonArg(attributes, "{}")
	if err != nil {
		return Contact{}, false, invalid("contact %s/%s attributes: %v", channel, author.ID, err)
	}
	now := s.now()
	n, err := exec(ctx, s.db, `INSERT INTO contacts (`+contactColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, '', '[]', ?, ?)
		ON CONFLICT (channel, external_id) DO NOTHING`,
		newContactID(), channel, author.ID, author.Name, author.Handle, false, attrs, s.ts(now), s.ts(now))
	if err != nil {
		return Contact{}, false, s.fail(err, "contact %s/%s", channel, author.ID)
	}
	var r contactRow
	err = get(ctx, s.read, &r, `SELECT `+contactColumns+` FROM contacts WHERE channel = ? AND external_id = ?`, channel, author.ID)
	if err != nil {
		return Contact{}, false, s.fail(err, "contact %s/%s", channel, author.ID)
	}
	c, err := r.contact()
	return c, n == 0, err
}

// ContactGet returns a contact; ErrNotFound when there is none.
func (s *sqlStore) ContactGet(ctx context.Context, id string) (Contact, error) {
	var r contactRow
	if err := get(ctx, s.read, &r, `SELECT `+contactColumns+` FROM contacts WHERE id = ?`, id); err != nil {
		return Contact{}, s.fail(err, "contact %s", id)
	}
	return r.contact()
}

// ContactList returns contacts newest first: those whose name or handle contains Query, in
// any case, when it is given (SQLite folds the case of ASCII letters only); at most Limit (100
// when zero, at most 1000) after skipping Offset.
func (s *sqlStore) ContactList(ctx context.Context, p ContactListParams) ([]Contact, error) {
	q := `SELECT ` + contactColumns + ` FROM contacts`
	var args []any
	if p.Query != "" {
		like := "%" + escapeLike(p.Query) + "%"
		op := s.dialect.ilike
		q += ` WHERE name ` + op + ` ? ESCAPE '\' OR handle ` + op + ` ? ESCAPE '\'`
		args = append(args, like, like)
	}
	q += ` ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`
	args = append(args, pageLimit(p.Limit), max(p.Offset, 0))
	var rows []contactRow
	if err := list(ctx, s.db, &rows, q, args...); err != nil {
		return nil, fmt.Errorf("contact list: %w", err)
	}
	out := make([]Contact, len(rows))
	for i, r := range rows {
		c, err := r.contact()
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

// escapeLike makes a LIKE pattern match s literally, with \ as the escape character.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// ContactUpdate replaces a contact's name, handle, VIP flag, attributes, last agent and tags;
// its channel and external id stay. ErrNotFound when there is no such contact.
func (s *sqlStore) ContactUpdate(ctx context.Context, c Contact, by string) (Contact, error) {
	attrs, err := jsonArg(c.Attributes, "{}")
	if err != nil {
		return Contact{}, invalid("contact %s attributes: %v", c.ID, err)
	}
	now := s.now()
	var r contactRow
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		err := get(ctx, tx, &r, `UPDATE contacts SET name = ?, handle = ?, vip = ?, attributes = ?, last_agent = ?, tags = ?,
				updated_at = ?
			WHERE id = ? RETURNING `+contactColumns,
			c.Name, c.Handle, c.VIP, attrs, c.LastAgent, mustJSON(c.Tags, "[]"), s.ts(now), c.ID)
		if err != nil {
			return s.fail(err, "contact %s", c.ID)
		}
		return s.audit(ctx, tx, now, by, auditContact, "update", c.ID, map[string]any{"vip": c.VIP, "tags": len(c.Tags)})
	})
	if err != nil {
		return Contact{}, err
	}
	return r.contact()
}
