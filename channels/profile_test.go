package channels_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/channels"
	"github.com/switchboardhq/switchboard/channels/fakenet"
)

func TestProfileLooksUpMessengerAndInstagramCustomers(t *testing.T) {
	t.Parallel()
	graph := fakenet.NewFakeGraph(t)
	graph.RequireToken(fakenet.AppSecret, fakenet.PageAccessToken, fakenet.IGAccessToken)
	graph.SetProfile("PSID-1", fakenet.GraphProfile{FirstName: "María José", LastName: "García", Picture: "https://cdn.example/p.jpg"})
	graph.SetProfile("IGSID-1", fakenet.GraphProfile{Name: "Peter Chang", Username: "peter_chang_live"})
	graph.SetProfile("IGSID-2", fakenet.GraphProfile{Username: "noname"})

	p, err := newClient().Profile(context.Background(), graph.FacebookChannel(), "PSID-1")
	require.NoError(t, err)
	require.Equal(t, channels.Profile{Name: "María José García", FirstName: "María José", LastName: "García",
		Picture: "https://cdn.example/p.jpg"}, p)
	reqs := graph.Requests()
	require.Len(t, reqs, 1)
	require.Equal(t, "GET", reqs[0].Method)
	require.Equal(t, "/v21.0/PSID-1", reqs[0].Path)
	require.Equal(t, "name,first_name,last_name,profile_pic", reqs[0].Query.Get("fields"))
	require.Equal(t, channels.AppSecretProof(fakenet.AppSecret, fakenet.PageAccessToken), reqs[0].Query.Get("appsecret_proof"))

	p, err = newClient().Profile(context.Background(), graph.InstagramChannel(), "IGSID-1")
	require.NoError(t, err)
	require.Equal(t, channels.Profile{Name: "Peter Chang", Handle: "peter_chang_live"}, p)
	require.Equal(t, "name,username,profile_pic", graph.Requests()[1].Query.Get("fields"))

	p, err = newClient().Profile(context.Background(), graph.InstagramChannel(), "IGSID-2")
	require.NoError(t, err, "Instagram answers a null name for a customer who set none")
	require.Equal(t, channels.Profile{Handle: "noname"}, p)
}

func TestProfileFailuresAreClassified(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name           string
		instagram      bool
		code, subcode  int
		customer       string
		class          channels.ErrorClass
		wantCode       int
		wantRetryAfter bool
	}{
		{name: "a Messenger account without a profile", code: 100, subcode: 2018218, class: channels.ClassFatal, wantCode: 100},
		{name: "an Instagram commenter who never wrote", instagram: true, code: 230, class: channels.ClassFatal, wantCode: 230},
		{name: "a token Graph no longer takes", code: 190, class: channels.ClassReauth, wantCode: 190},
		{name: "a rate limit", code: 613, class: channels.ClassThrottle, wantCode: 613, wantRetryAfter: true},
		{name: "a temporary failure", instagram: true, code: 2, class: channels.ClassRetry, wantCode: 2},
		{name: "an id Graph cannot read", customer: "PSID-unknown", class: channels.ClassFatal, wantCode: 100},
		{name: "an Instagram id without consent", instagram: true, customer: "IGSID-unknown", class: channels.ClassFatal, wantCode: 230},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			graph := fakenet.NewFakeGraph(t)
			ch := graph.FacebookChannel()
			if tt.instagram {
				ch = graph.InstagramChannel()
			}
			customer := tt.customer
			if customer == "" {
				customer = "known"
				graph.SetProfile(customer, fakenet.GraphProfile{Name: "Known"})
				graph.FailProfiles(tt.code, tt.subcode)
			}
			_, err := newClient().Profile(context.Background(), ch, customer)
			require.Error(t, err)
			var se *channels.SendError
			require.ErrorAs(t, err, &se)
			require.Equal(t, tt.class, se.Class, "%v", err)
			require.Equal(t, tt.wantCode, se.Code, "%v", err)
			require.Equal(t, tt.wantRetryAfter, se.RetryAfter > 0, "%v", err)
		})
	}
}

func TestProfileLookupRefusesWhatNoNetworkAnswers(t *testing.T) {
	t.Parallel()
	graph := fakenet.NewFakeGraph(t)
	x := channels.Channel{ID: "x", Type: channels.TypeTwitter}
	for _, tt := range []struct {
		ch       channels.Channel
		customer string
	}{
		{graph.FacebookChannel(), "user_ref:abc"},
		{graph.InstagramChannel(), "comment:178"},
		{graph.FacebookChannel(), ""},
		{x, "4002"},
	} {
		_, err := newClient().Profile(context.Background(), tt.ch, tt.customer)
		require.Equal(t, channels.ClassFatal, channels.ClassOf(err), "%s %q: %v", tt.ch.Type, tt.customer, err)
	}
	require.Zero(t, graph.ProfileLookups(), "nothing is asked of the network")

	noToken := graph.FacebookChannel()
	noToken.Credentials = map[string]string{}
	_, err := newClient().Profile(context.Background(), noToken, "PSID-1")
	require.Equal(t, channels.ClassReauth, channels.ClassOf(err), "%v", err)
}

func TestProfileLookupGivesUpWithItsContext(t *testing.T) {
	t.Parallel()
	graph := fakenet.NewFakeGraph(t)
	graph.SetProfile("PSID-1", fakenet.GraphProfile{FirstName: "Ana"})
	graph.DelayProfiles(time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := newClient().Profile(ctx, graph.FacebookChannel(), "PSID-1")
	require.Error(t, err)
	require.ErrorIs(t, err, context.DeadlineExceeded)
}
