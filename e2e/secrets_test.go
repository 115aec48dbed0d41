package e2e

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/channels"
	"github.com/switchboardhq/switchboard/channels/fakenet"
	"github.com/switchboardhq/switchboard/server"
	"github.com/switchboardhq/switchboard/store"
)

// TestCredentialsEncryptedAtRest checks that a node's channel credentials are encrypted in the
// database, and that the webhooks and sends that use them work from the encrypted values.
func TestCredentialsEncryptedAtRest(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		n := startNode(t, b)
		stored := n.db.Strings(t, `SELECT credentials FROM channels WHERE credentials <> '{}' ORDER BY id`)
		require.Len(t, stored, 4)
		for _, v := range stored {
			require.Contains(t, v, `"enc:v1:e2e:`)
			for _, secret := range []string{fakenet.AppSecret, fakenet.VerifyToken, fakenet.PageAccessToken, fakenet.IGAccessToken,
				fakenet.ConsumerSecret, webSecret} {
				require.NotContains(t, v, secret, "a credential in clear in the database")
			}
		}

		// The API shows credentials only as set or unset, encrypted or not.
		secret, hash := server.NewToken()
		_, err := n.st.TokenCreate(t.Context(), store.Token{Name: "admin", Role: store.RoleAdmin, Hash: hash}, "e2e")
		require.NoError(t, err)
		for _, path := range []string{"/api/v1/channels", "/api/v1/channels/" + pageChannel, "/api/v1/audit"} {
			r := n.do(t, "GET", path, nil, "Authorization", "Bearer "+secret)
			require.Equal(t, 200, r.status, "%s: %s", path, r.body)
			require.NotContains(t, string(r.body), "enc:v1", path)
			for _, secret := range []string{fakenet.AppSecret, fakenet.VerifyToken, fakenet.PageAccessToken, fakenet.ConsumerSecret} {
				require.NotContains(t, string(r.body), secret, path)
			}
		}

		q := url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {fakenet.VerifyToken}, "hub.challenge": {"4242"}}.Encode()
		r := n.do(t, "GET", "/webhooks/facebook/"+pageChannel+"?"+q, nil)
		require.Equal(t, 200, r.status, "%s", r.body)
		require.Equal(t, "4242", string(r.body), "the verify token was read back in clear")
		r = n.do(t, "GET", "/webhooks/twitter/"+xChannel+"?crc_token=Y3JjLXRva2Vu", nil)
		require.Equal(t, 200, r.status, "%s", r.body)
		require.Equal(t, map[string]any{"response_token": channels.SignBase64(fakenet.ConsumerSecret, []byte("Y3JjLXRva2Vu"))}, r.json(t))
	})
}
