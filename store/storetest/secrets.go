package storetest

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/store"
)

// NewSecretKey returns a new key written as ParseKeyring reads it: "ID:BASE64".
func NewSecretKey(id string) string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return id + ":" + base64.StdEncoding.EncodeToString(b)
}

// Keyring parses keys for a test.
func Keyring(t testing.TB, keys ...string) *store.Keyring {
	t.Helper()
	k, err := store.ParseKeyring(strings.Join(keys, ","))
	require.NoError(t, err)
	return k
}

// RunSecrets checks on every database that channel credentials are encrypted at rest: the raw
// rows hold no credential in clear, values round-trip, keys rotate, and a missing or wrong key
// is an error naming the channel and the credential.
func RunSecrets(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, s *secretsCase)
	}{
		{"RoundTrip", testSecretsRoundTrip},
		{"PlainTextThenKey", testSecretsPlainTextThenKey},
		{"Rotation", testSecretsRotation},
		{"WrongKey", testSecretsWrongKey},
		{"BoundToChannelAndField", testSecretsBound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			EachBackend(t, func(t *testing.T, b Backend) {
				url := b.URL(t)
				tc.run(t, &secretsCase{t: t, url: url, raw: OpenRaw(t, url), ctx: t.Context()})
			})
		})
	}
}

// secretsCase is one database, opened as often as a test likes with the keys it likes.
type secretsCase struct {
	t   *testing.T
	url string
	raw *Raw
	ctx context.Context
}

// open opens the database with keys (none: plain text), closed when the test ends.
func (c *secretsCase) open(keys ...string) store.Store {
	c.t.Helper()
	opts := store.Options{Migrate: true}
	if len(keys) > 0 {
		opts.Secrets = Keyring(c.t, keys...)
	}
	s, err := store.Open(c.ctx, c.url, opts)
	require.NoError(c.t, err)
	c.t.Cleanup(func() { s.Close() })
	return s
}

// stored returns a channel's credentials column as the database holds it.
func (c *secretsCase) stored(id string) string {
	c.t.Helper()
	v := c.raw.Strings(c.t, `SELECT credentials FROM channels WHERE id = ?`, id)
	require.Len(c.t, v, 1)
	return v[0]
}

// noClearText checks that no table holds a credential in clear: channels, audit.
func (c *secretsCase) noClearText(secrets ...string) {
	c.t.Helper()
	for _, column := range []string{`SELECT credentials FROM channels`, `SELECT detail FROM audit_log`} {
		for _, v := range c.raw.Strings(c.t, column) {
			for _, secret := range secrets {
				require.NotContains(c.t, v, secret, "%s holds a credential in clear", column)
			}
		}
	}
}

var (
	appSecret = "app-secret-5f1d0c"
	pageToken = "EAAGm0PX4ZCpsBA-page-token"
	verify    = "verify-token-93ac"
)

func (c *secretsCase) createPage(s store.Store, id string) {
	c.t.Helper()
	_, err := s.ChannelCreate(c.ctx, store.Channel{ID: id, Type: store.ChannelFacebook, Name: "Acme",
		Credentials: map[string]string{"app_secret": appSecret, "page_access_token": pageToken, "verify_token": verify}}, "ann")
	require.NoError(c.t, err)
}

func (c *secretsCase) credentials(s store.Store, id string) map[string]string {
	c.t.Helper()
	ch, err := s.ChannelGet(c.ctx, id)
	require.NoError(c.t, err)
	return ch.Credentials
}

func testSecretsRoundTrip(t *testing.T, c *secretsCase) {
	s := c.open(NewSecretKey("k1"))
	c.createPage(s, "fb")
	c.noClearText(appSecret, pageToken, verify)
	require.Contains(t, c.stored("fb"), `"enc:v1:k1:`)
	want := map[string]string{"app_secret": appSecret, "page_access_token": pageToken, "verify_token": verify}
	require.Equal(t, want, c.credentials(s, "fb"))
	list, err := s.ChannelList(c.ctx)
	require.NoError(t, err)
	require.Equal(t, want, list[0].Credentials)
	err = s.InTx(c.ctx, func(tx store.Tx) error {
		ch, err := tx.ChannelGet(c.ctx, "fb")
		require.Equal(t, want, ch.Credentials, "the pipeline reads them in clear too")
		return err
	})
	require.NoError(t, err)

	// An update sets one, removes one and keeps one: all stay encrypted.
	_, err = s.ChannelUpdate(c.ctx, store.Channel{ID: "fb", Type: store.ChannelFacebook, Name: "Acme",
		Credentials: map[string]string{"page_access_token": "EAAG-new-token", "verify_token": ""}}, "ann")
	require.NoError(t, err)
	require.Equal(t, map[string]string{"app_secret": appSecret, "page_access_token": "EAAG-new-token"}, c.credentials(s, "fb"))
	c.noClearText(appSecret, pageToken, "EAAG-new-token", verify)

	counts, err := s.SecretsStatus(c.ctx)
	require.NoError(t, err)
	require.Equal(t, map[string]int{"k1": 2}, counts)
}

func testSecretsPlainTextThenKey(t *testing.T, c *secretsCase) {
	plain := c.open()
	c.createPage(plain, "fb")
	require.Contains(t, c.stored("fb"), pageToken, "without a key, credentials are stored as they were before")
	counts, err := plain.SecretsStatus(c.ctx)
	require.NoError(t, err)
	require.Equal(t, map[string]int{"": 3}, counts)
	_, err = plain.SecretsRotate(c.ctx, "ann")
	require.ErrorIs(t, err, store.ErrInvalid, "rotating needs a key")

	key := NewSecretKey("k1")
	s := c.open(key)
	want := map[string]string{"app_secret": appSecret, "page_access_token": pageToken, "verify_token": verify}
	require.Equal(t, want, c.credentials(s, "fb"), "with a key, credentials in plain text are read as they are")

	// The next write encrypts what it keeps.
	_, err = s.ChannelUpdate(c.ctx, store.Channel{ID: "fb", Type: store.ChannelFacebook, Name: "Acme",
		Credentials: map[string]string{"verify_token": "verify-2"}}, "ann")
	require.NoError(t, err)
	c.noClearText(appSecret, pageToken, "verify-2")

	// A rotation encrypts those of every channel.
	c.createPage(plain, "fb2")
	counts, err = s.SecretsStatus(c.ctx)
	require.NoError(t, err)
	require.Equal(t, map[string]int{"k1": 3, "": 3}, counts)
	n, err := s.SecretsRotate(c.ctx, "ann")
	require.NoError(t, err)
	require.Equal(t, 3, n, "only the credentials in plain text are written again")
	c.noClearText(appSecret, pageToken, verify)
	require.Equal(t, want, c.credentials(s, "fb2"))
	n, err = s.SecretsRotate(c.ctx, "ann")
	require.NoError(t, err)
	require.Zero(t, n, "a second rotation has nothing to do")
	require.Equal(t, 1, c.raw.Count(t, `SELECT count(*) FROM audit_log WHERE action = 'channel.encrypt' AND object_id = 'fb2'`))

	// Without the key, the store says which credential it cannot read.
	_, err = plain.ChannelGet(c.ctx, "fb")
	require.ErrorIs(t, err, store.ErrSecretKey)
	require.ErrorContains(t, err, `channel fb credential app_secret is encrypted with key "k1", but no secret key is configured`)
	_, err = plain.ChannelList(c.ctx)
	require.ErrorIs(t, err, store.ErrSecretKey)
	_, err = plain.SecretsStatus(c.ctx)
	require.ErrorIs(t, err, store.ErrSecretKey)
}

func testSecretsRotation(t *testing.T, c *secretsCase) {
	k1, k2 := NewSecretKey("k1"), NewSecretKey("k2")
	old := c.open(k1)
	c.createPage(old, "fb")
	c.createPage(old, "fb2")

	// The new key first, the old one after it: both read, the new one writes.
	s := c.open(k2, k1)
	want := map[string]string{"app_secret": appSecret, "page_access_token": pageToken, "verify_token": verify}
	require.Equal(t, want, c.credentials(s, "fb"))
	c.createPage(s, "fb3")
	require.Contains(t, c.stored("fb3"), `"enc:v1:k2:`)
	counts, err := s.SecretsStatus(c.ctx)
	require.NoError(t, err)
	require.Equal(t, map[string]int{"k1": 6, "k2": 3}, counts)

	n, err := s.SecretsRotate(c.ctx, "ann")
	require.NoError(t, err)
	require.Equal(t, 6, n)
	require.NotContains(t, c.stored("fb")+c.stored("fb2"), `enc:v1:k1:`)
	c.noClearText(appSecret, pageToken, verify)

	// The old key can go now.
	only2 := c.open(k2)
	for _, id := range []string{"fb", "fb2", "fb3"} {
		require.Equal(t, want, c.credentials(only2, id))
	}
	_, err = old.ChannelGet(c.ctx, "fb")
	require.ErrorIs(t, err, store.ErrSecretKey)
	require.ErrorContains(t, err, `channel fb credential app_secret is encrypted with key "k2", which is not among the keys configured (k1)`)
}

func testSecretsWrongKey(t *testing.T, c *secretsCase) {
	s := c.open(NewSecretKey("k1"))
	c.createPage(s, "fb")
	other := c.open(NewSecretKey("k1")) // the same id, another key
	_, err := other.ChannelGet(c.ctx, "fb")
	require.ErrorIs(t, err, store.ErrSecretKey)
	require.ErrorContains(t, err, `channel fb credential app_secret does not decrypt with key "k1"`)
	_, err = other.SecretsRotate(c.ctx, "ann")
	require.ErrorIs(t, err, store.ErrSecretKey, "a rotation that cannot read a credential changes nothing")
	err = other.InTx(c.ctx, func(tx store.Tx) error {
		_, err := tx.ChannelGet(c.ctx, "fb")
		return err
	})
	require.ErrorIs(t, err, store.ErrSecretKey)

	// An update that keeps an unreadable credential is refused; one that sets every credential
	// anew (their key was lost) is not.
	_, err = other.ChannelUpdate(c.ctx, store.Channel{ID: "fb", Type: store.ChannelFacebook,
		Credentials: map[string]string{"page_access_token": "EAAG-new"}}, "ann")
	require.ErrorIs(t, err, store.ErrSecretKey)
	require.ErrorContains(t, err, "channel fb credential app_secret")
	_, err = other.ChannelUpdate(c.ctx, store.Channel{ID: "fb", Type: store.ChannelFacebook,
		Credentials: map[string]string{"app_secret": "new-secret", "page_access_token": "EAAG-new", "verify_token": ""}}, "ann")
	require.NoError(t, err)
	require.Equal(t, map[string]string{"app_secret": "new-secret", "page_access_token": "EAAG-new"}, c.credentials(other, "fb"))
}

func testSecretsBound(t *testing.T, c *secretsCase) {
	s := c.open(NewSecretKey("k1"))
	c.createPage(s, "fb")
	c.createPage(s, "fb2")
	// A value copied into another channel's row, or under another name, does not decrypt.
	_, err := c.raw.DB.Exec(c.raw.DB.Rebind(`UPDATE channels SET credentials = ? WHERE id = 'fb2'`), c.stored("fb"))
	require.NoError(t, err)
	_, err = s.ChannelGet(c.ctx, "fb2")
	require.ErrorIs(t, err, store.ErrSecretKey)
	require.ErrorContains(t, err, "channel fb2 credential app_secret does not decrypt")
	swapped := strings.Replace(c.stored("fb"), `"app_secret"`, `"app_secret_was"`, 1)
	_, err = c.raw.DB.Exec(c.raw.DB.Rebind(`UPDATE channels SET credentials = ? WHERE id = 'fb'`), swapped)
	require.NoError(t, err)
	_, err = s.ChannelGet(c.ctx, "fb")
	require.ErrorContains(t, err, "channel fb credential app_secret_was does not decrypt")
}
