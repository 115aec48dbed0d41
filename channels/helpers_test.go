package channels_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/channels"
	"github.com/switchboardhq/switchboard/channels/fakenet"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// The fixtures' page, Instagram account and X user.
const (
	pageID    = fakenet.PageID
	igAccount = fakenet.IGAccountID
	xUser     = fakenet.XUserID
)

// fixture reads a webhook fixture's exact bytes.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "webhooks", name))
	require.NoError(t, err)
	return b
}

// fixtureChannel is a channel of the fixture's network, with the fixtures' secrets.
func fixtureChannel(name string) channels.Channel {
	switch {
	case strings.HasPrefix(name, "facebook"):
		return channels.Channel{ID: "fb-1", Type: channels.TypeFacebook,
			Credentials: map[string]string{"app_secret": fakenet.AppSecret, "page_access_token": fakenet.PageAccessToken, "verify_token": fakenet.VerifyToken},
			Settings:    map[string]any{"account_id": pageID}}
	case strings.HasPrefix(name, "instagram"):
		return channels.Channel{ID: "ig-1", Type: channels.TypeInstagram,
			Credentials: map[string]string{"app_secret": fakenet.AppSecret, "access_token": fakenet.IGAccessToken, "verify_token": fakenet.VerifyToken},
			Settings:    map[string]any{"account_id": igAccount}}
	case strings.HasPrefix(name, "x-"):
		return channels.Channel{ID: "x-1", Type: channels.TypeTwitter,
			Credentials: map[string]string{"consumer_secret": fakenet.ConsumerSecret, "access_token": fakenet.XAccessToken},
			Settings:    map[string]any{"account_id": xUser}}
	}
	return channels.Channel{ID: "wc-1", Type: channels.TypeWebchat}
}

// fixtureNames lists the webhook fixtures' bodies.
func fixtureNames(t testing.TB) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join("testdata", "webhooks", "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, names)
	for i, n := range names {
		names[i] = filepath.Base(n)
	}
	return names
}

// headers is a header lookup over fixed values, case-insensitive like net/http's.
func headers(kv ...string) func(string) string {
	return func(name string) string {
		for i := 0; i+1 < len(kv); i += 2 {
			if strings.EqualFold(kv[i], name) {
				return kv[i+1]
			}
		}
		return ""
	}
}

// parseOne parses a body that must yield exactly one event.
func parseOne(t *testing.T, ch channels.Channel, body string) channels.Event {
	t.Helper()
	evs, err := channels.Parse(ch, []byte(body))
	require.NoError(t, err)
	require.Len(t, evs, 1, "events: %+v", evs)
	return evs[0]
}
