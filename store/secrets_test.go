package store_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/store"
	"github.com/switchboardhq/switchboard/store/storetest"
)

func TestSecrets(t *testing.T) {
	storetest.RunSecrets(t)
}

func TestParseKeyring(t *testing.T) {
	raw := make([]byte, 32)
	for i := range raw {
		raw[i] = byte(i)
	}
	key := base64.StdEncoding.EncodeToString(raw)
	sum := sha256.Sum256(raw)
	derived := hex.EncodeToString(sum[:4])
	good := []struct {
		text string
		ids  []string
	}{
		{key, []string{derived}},
		{key + "\n", []string{derived}},
		{"k2:" + storetest.NewSecretKey("x")[2:] + ",k1:" + key, []string{"k2", "k1"}},
		{"# rotated in March\nnew:" + key + "\n old:" + strings.TrimRight(storetest.NewSecretKey("x")[2:], "=") + "\n", []string{"new", "old"}},
	}
	for _, tc := range good {
		k, err := store.ParseKeyring(tc.text)
		require.NoError(t, err, "%q", tc.text)
		require.Equal(t, tc.ids, k.IDs())
		require.Equal(t, tc.ids[0], k.Current(), "the first key encrypts")
		for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
			shown := fmt.Sprintf(format, k)
			require.NotContains(t, shown, key[:12], "a keyring never shows its keys")
			require.Contains(t, shown, tc.ids[0])
		}
	}
	bad := []struct{ text, msg string }{
		{"", "no secret key given"},
		{"# only a comment\n", "no secret key given"},
		{"k1:" + base64.StdEncoding.EncodeToString(raw[:16]), "secret key 1: not 32 bytes in base64"},
		{"k1:not base64!", "secret key 1: not 32 bytes in base64"},
		{"k1:" + key + ",k1:" + key, `secret key 2: id "k1" is given twice`},
		{"bad/id:" + key, `secret key 1: id "bad/id"`},
	}
	for _, tc := range bad {
		_, err := store.ParseKeyring(tc.text)
		require.ErrorIs(t, err, store.ErrInvalid, "%q", tc.text)
		require.ErrorContains(t, err, tc.msg)
		require.NotContains(t, err.Error(), key, "an error never shows a key")
	}
}
