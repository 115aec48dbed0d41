package storetest

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/store"
)

var contactTests = []test{
	{"Lookup", testContactLookup},
	{"LookupConcurrent", testContactLookupConcurrent},
	{"LookupErrors", testContactLookupErrors},
	{"Update", testContactUpdate},
	{"List", testContactList},
	{"ListPages", testContactListPages},
}

func testContactLookup(h *harness) {
	t := h.t
	author := engine.Author{ID: "1234", Name: "Zoë Martin", Handle: "@zoe"}
	c, found, err := h.s.ContactLookup(h.ctx, store.ChannelTwitter, author, map[string]any{"lang": "fr", "score": 3.0})
	require.NoError(t, err)
	require.False(t, found, "a new contact")
	require.NotEmpty(t, c.ID)
	want := store.Contact{ID: c.ID, Channel: store.ChannelTwitter, ExternalID: "1234", Name: "Zoë Martin", Handle: "@zoe",
		Attributes: map[string]any{"lang": "fr", "score": 3.0}, Tags: []string{}, CreatedAt: h.now(), UpdatedAt: h.now()}
	require.Equal(t, want, c)

	h.tick()
	again, found, err := h.s.ContactLookup(h.ctx, store.ChannelTwitter, engine.Author{ID: "1234", Name: "Other"}, map[string]any{"lang": "en"})
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, want, again, "a look-up finds the contact as it is")
	got, err := h.s.ContactGet(h.ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, want, got)

	other, found, err := h.s.ContactLookup(h.ctx, store.ChannelFacebook, author, nil)
	require.NoError(t, err)
	require.False(t, found, "the same author id on another channel type is another contact")
	require.NotEqual(t, c.ID, other.ID)
	require.Equal(t, map[string]any{}, other.Attributes)
	require.Empty(t, h.audit(), "look-ups are not admin changes")
}

func testContactLookupConcurrent(h *harness) {
	t := h.t
	const n = 8
	var wg sync.WaitGroup
	contacts := make([]store.Contact, n)
	found := make([]bool, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			contacts[i], found[i], errs[i] = h.s.ContactLookup(h.ctx, store.ChannelFacebook, engine.Author{ID: "42", Name: "Sam"}, nil)
		})
	}
	wg.Wait()
	created := 0
	for i := range n {
		require.NoError(t, errs[i])
		require.Equal(t, contacts[0].ID, contacts[i].ID, "racing look-ups of one author found different contacts")
		if !found[i] {
			created++
		}
	}
	require.Equal(t, 1, created, "exactly one racing look-up creates the contact")
	all, err := h.s.ContactList(h.ctx, store.ContactListParams{})
	require.NoError(t, err)
	require.Len(t, all, 1)
}

func testContactLookupErrors(h *harness) {
	for _, tc := range []struct {
		channel string
		author  engine.Author
		attrs   map[string]any
	}{
		{store.ChannelTwitter, engine.Author{Name: "no id"}, nil},
		{"", engine.Author{ID: "1"}, nil},
		{store.ChannelTwitter, engine.Author{ID: "1"}, map[string]any{"ch": make(chan int)}},
	} {
		_, _, err := h.s.ContactLookup(h.ctx, tc.channel, tc.author, tc.attrs)
		require.ErrorIs(h.t, err, store.ErrInvalid, "%q %+v", tc.channel, tc.author)
	}
	_, err := h.s.ContactGet(h.ctx, "c_ghost")
	require.ErrorIs(h.t, err, store.ErrNotFound)
	require.ErrorContains(h.t, err, "c_ghost")
}

func testContactUpdate(h *harness) {
	t := h.t
	c, _, err := h.s.ContactLookup(h.ctx, store.ChannelInstagram, engine.Author{ID: "77", Name: "Kim", Handle: "kim"}, nil)
	require.NoError(t, err)
	now := h.tick()
	updated, err := h.s.ContactUpdate(h.ctx, store.Contact{ID: c.ID, Channel: "twitter", ExternalID: "other", Name: "Kim Lee",
		Handle: "kimlee", VIP: true, Attributes: map[string]any{"tier": "gold"}, LastAgent: "a1", Tags: []string{"vip", "fr"}}, "ann")
	require.NoError(t, err)
	want := store.Contact{ID: c.ID, Channel: store.ChannelInstagram, ExternalID: "77", Name: "Kim Lee", Handle: "kimlee",
		VIP: true, Attributes: map[string]any{"tier": "gold"}, LastAgent: "a1", Tags: []string{"vip", "fr"},
		CreatedAt: c.CreatedAt, UpdatedAt: now}
	require.Equal(t, want, updated, "an update keeps the channel and external id")
	got, err := h.s.ContactGet(h.ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, want, got)
	h.lastAudit("ann", "contact.update", c.ID)

	h.unchanged(store.ErrNotFound, func() error {
		_, err := h.s.ContactUpdate(h.ctx, store.Contact{ID: "c_ghost", Name: "x"}, "ann")
		return err
	})
}

func testContactList(h *harness) {
	t := h.t
	lookup := func(id, name, handle string) store.Contact {
		h.tick()
		c, _, err := h.s.ContactLookup(h.ctx, store.ChannelTwitter, engine.Author{ID: id, Name: name, Handle: handle}, nil)
		require.NoError(t, err)
		return c
	}
	ada := lookup("1", "Ada Lovelace", "@countess")
	bob := lookup("2", "Bob", "@ADAfan")
	pct := lookup("3", "100% Cotton", "@cotton_shop")
	cyd := lookup("4", "Cyd", "@cyd")
	for _, tc := range []struct {
		query string
		want  []store.Contact
	}{
		{"", []store.Contact{cyd, pct, bob, ada}},
		{"ada", []store.Contact{bob, ada}},
		{"LOVE", []store.Contact{ada}},
		{"%", []store.Contact{pct}},
		{"n_s", []store.Contact{pct}},
		{"_", []store.Contact{pct}},
		{"nobody", []store.Contact{}},
	} {
		got, err := h.s.ContactList(h.ctx, store.ContactListParams{Query: tc.query})
		require.NoError(t, err)
		require.Equal(t, tc.want, got, "query %q: matches names and handles in any case, newest first", tc.query)
	}
	got, err := h.s.ContactList(h.ctx, store.ContactListParams{Limit: 2, Offset: 1})
	require.NoError(t, err)
	require.Equal(t, []store.Contact{pct, bob}, got, "limit and offset")
}

func testContactListPages(h *harness) {
	t := h.t
	for i := range 101 {
		_, _, err := h.s.ContactLookup(h.ctx, store.ChannelWebchat, engine.Author{ID: fmt.Sprint(i)}, nil)
		require.NoError(t, err)
	}
	got, err := h.s.ContactList(h.ctx, store.ContactListParams{})
	require.NoError(t, err)
	require.Len(t, got, 100, "the default limit")
	got, err = h.s.ContactList(h.ctx, store.ContactListParams{Limit: 5000})
	require.NoError(t, err)
	require.Len(t, got, 101, "a limit above the maximum is the maximum")
	got, err = h.s.ContactList(h.ctx, store.ContactListParams{Offset: 100})
	require.NoError(t, err)
	require.Len(t, got, 1)
}

// profileTests are the cache of customers' network profiles.
var profileTests = []test{
	{"PutGet", testProfilePutGet},
	{"Errors", testProfileErrors},
}

func testProfilePutGet(h *harness) {
	t := h.t
	_, err := h.s.ProfileGet(h.ctx, store.ChannelFacebook, "PSID-1")
	require.ErrorIs(t, err, store.ErrNotFound)

	at := h.now()
	p := store.Profile{Channel: store.ChannelFacebook, ExternalID: "PSID-1", Name: "María José García", FirstName: "María José",
		LastName: "García", Picture: "https://cdn.example/p.jpg", FetchedAt: &at, LookedUpAt: at}
	require.NoError(t, h.s.ProfilePut(h.ctx, p))
	got, err := h.s.ProfileGet(h.ctx, store.ChannelFacebook, "PSID-1")
	require.NoError(t, err)
	require.Equal(t, p, got)

	// a failed refresh keeps the names and says when to try again
	h.clock.Advance(8 * 24 * time.Hour)
	later, retry := h.now(), h.now().Add(time.Hour)
	p.LookedUpAt, p.Error, p.RetryAt = later, "retry: (#2) Service temporarily unavailable", &retry
	require.NoError(t, h.s.ProfilePut(h.ctx, p))
	got, err = h.s.ProfileGet(h.ctx, store.ChannelFacebook, "PSID-1")
	require.NoError(t, err)
	require.Equal(t, p, got)
	require.Equal(t, at, *got.FetchedAt, "the last look-up that worked")

	// the same id on another channel type is another customer
	_, err = h.s.ProfileGet(h.ctx, store.ChannelInstagram, "PSID-1")
	require.ErrorIs(t, err, store.ErrNotFound)
}

func testProfileErrors(h *harness) {
	t := h.t
	for _, p := range []store.Profile{
		{ExternalID: "1", LookedUpAt: h.now()},
		{Channel: store.ChannelFacebook, LookedUpAt: h.now()},
		{Channel: store.ChannelFacebook, ExternalID: "1"},
	} {
		require.ErrorIs(t, h.s.ProfilePut(h.ctx, p), store.ErrInvalid, "%+v", p)
	}
	long := store.Profile{Channel: store.ChannelFacebook, ExternalID: "2", LookedUpAt: h.now(), Error: strings.Repeat("x", 2000)}
	require.NoError(t, h.s.ProfilePut(h.ctx, long))
	got, err := h.s.ProfileGet(h.ctx, store.ChannelFacebook, "2")
	require.NoError(t, err)
	require.Len(t, got.Error, 500, "the error kept is bounded")
}
