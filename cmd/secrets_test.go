package cmd

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/store"
	"github.com/switchboardhq/switchboard/store/storetest"
)

// writeKeys writes a key file.
func writeKeys(t *testing.T, keys ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "keys")
	text := ""
	for _, k := range keys {
		text += k + "\n"
	}
	require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
	return path
}

// TestSecretsRotate takes a database whose credentials are in plain text through encryption
// and a key rotation with the commands, on both databases. It sets environment variables, so
// it does not run in parallel with the tests that read them.
func TestSecretsRotate(t *testing.T) {
	for _, b := range storetest.Backends {
		t.Run(b.Name, func(t *testing.T) {
			url := b.URL(t)
			raw := storetest.OpenRaw(t, url)
			st, err := store.Open(context.Background(), url, store.Options{Migrate: true})
			require.NoError(t, err)
			_, err = st.ChannelCreate(context.Background(), store.Channel{ID: "fb", Type: store.ChannelFacebook,
				Credentials: map[string]string{"app_secret": "app-secret-77", "page_access_token": "EAAG-token-77"}}, "test")
			require.NoError(t, err)
			st.Close()
			stored := func() string { return raw.Strings(t, `SELECT credentials FROM channels WHERE id = 'fb'`)[0] }

			code, _, errs := runSwitchboard(t, "migrate", "--db", url)
			require.Equal(t, ExitOK, code, errs)
			require.Contains(t, errs, "channel credentials: 2 in plain text")

			k1, k2 := storetest.NewSecretKey("k1"), storetest.NewSecretKey("k2")
			code, out, errs := runSwitchboard(t, "secrets", "rotate", "--db", url)
			require.Equal(t, ExitUsage, code, out)
			require.Contains(t, errs, "no secret key is given")

			file := writeKeys(t, k1)
			code, out, errs = runSwitchboard(t, "secrets", "rotate", "--db", url, "--secret-key-file", file)
			require.Equal(t, ExitOK, code, errs)
			require.Contains(t, out, "encrypted 2 credentials with key k1")
			require.NotContains(t, stored(), "app-secret-77")
			require.NotContains(t, stored(), "EAAG-token-77")

			// Without the key, the commands that read credentials name the one they cannot read.
			code, _, errs = runSwitchboard(t, "secrets", "status", "--db", url)
			require.Equal(t, ExitProblems, code)
			require.Contains(t, errs, `channel fb credential app_secret is encrypted with key "k1", but no secret key is configured`)
			code, _, errs = runSwitchboard(t, "migrate", "--db", url)
			require.Equal(t, ExitProblems, code)
			require.Contains(t, errs, "channel fb credential app_secret")

			// A new key first, the old one after it, from the environment.
			t.Setenv(secretKeyEnv, k2+","+k1)
			code, out, errs = runSwitchboard(t, "secrets", "rotate", "--db", url)
			require.Equal(t, ExitOK, code, errs)
			require.Contains(t, out, "encrypted 2 credentials with key k2")
			require.Contains(t, out, "channel credentials: 2 encrypted with key k2")
			require.Contains(t, stored(), "enc:v1:k2:")

			code, _, errs = runSwitchboard(t, "secrets", "status", "--db", url, "--secret-key-file", file)
			require.Equal(t, ExitUsage, code)
			require.Contains(t, errs, "not both")

			t.Setenv(secretKeyEnv, k2)
			code, out, errs = runSwitchboard(t, "secrets", "status", "--db", url)
			require.Equal(t, ExitOK, code, errs)
			require.Contains(t, out, "channel credentials: 2 encrypted with key k2")
			st, err = store.Open(context.Background(), url, store.Options{Secrets: storetest.Keyring(t, k2)})
			require.NoError(t, err)
			defer st.Close()
			ch, err := st.ChannelGet(context.Background(), "fb")
			require.NoError(t, err)
			require.Equal(t, map[string]string{"app_secret": "app-secret-77", "page_access_token": "EAAG-token-77"}, ch.Credentials)
		})
	}
}

func TestSecretKeyErrors(t *testing.T) {
	t.Parallel()
	db := storetest.SQLiteURL(t)
	short := writeKeys(t, "k1:c2hvcnQ=")
	code, _, errs := runSwitchboard(t, "migrate", "--db", db, "--secret-key-file", short)
	require.Equal(t, ExitUsage, code)
	require.Contains(t, errs, "--secret-key-file "+short+": secret key 1: not 32 bytes in base64")
	code, _, errs = runSwitchboard(t, "token", "create", "--role", "admin", "--db", db, "--secret-key-file", filepath.Join(t.TempDir(), "missing"))
	require.Equal(t, ExitUsage, code)
	require.Contains(t, errs, "--secret-key-file")
}

// TestServeSecrets checks what serve says of the credentials at start: not encrypted without
// keys; encrypted with them; and a refusal to start, naming the credential, when a key is missing.
func TestServeSecrets(t *testing.T) {
	t.Parallel()
	db := storetest.SQLiteURL(t)
	r := startServe(t, "--db", db, "--flows", "")
	require.Contains(t, r.stderr.String(), "channel credentials are not encrypted at rest")
	require.Equal(t, ExitOK, r.shutdown(t))

	k1 := storetest.NewSecretKey("k1")
	keys := writeKeys(t, k1)
	st, err := store.Open(context.Background(), db, store.Options{Secrets: storetest.Keyring(t, k1)})
	require.NoError(t, err)
	_, err = st.ChannelCreate(context.Background(), store.Channel{ID: "x", Type: store.ChannelTwitter,
		Credentials: map[string]string{"consumer_secret": "cs-1"}}, "test")
	require.NoError(t, err)
	st.Close()

	r = startServe(t, "--db", db, "--flows", "", "--secret-key-file", keys)
	require.Contains(t, r.stderr.String(), `msg="channel credentials are encrypted at rest" key=k1`)
	require.Equal(t, ExitOK, r.shutdown(t))

	code, _, errs := runSwitchboard(t, "serve", "--addr", "127.0.0.1:0", "--db", db, "--flows", "")
	require.Equal(t, ExitProblems, code)
	require.Contains(t, errs, `channel x credential consumer_secret is encrypted with key "k1", but no secret key is configured`)
}
