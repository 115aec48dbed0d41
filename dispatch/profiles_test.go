package dispatch

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/channels"
	"github.com/switchboardhq/switchboard/channels/fakenet"
	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/store"
	"github.com/switchboardhq/switchboard/store/storetest"
)

// storetestSQLite is the SQLite backend, for the tests that need one database only.
var storetestSQLite = storetest.Backends[0]

// greetFlow answers every interaction with what the flow knows of the customer's name.
// The session ends at once (no send to wait for), so that the customer's next message starts
// a new one.
var greetFlow = triggeredFlow("greet", `    type: set
    params:
      vars:
        greeting: '"name=" + contact.name + " first=" + contact.first_name + " handle=" + contact.handle + " author=" + interaction.author.name'`)

// profileHarness is a harness whose dispatcher looks profiles up on the fake Graph.
func profileHarness(t *testing.T, b backend, configure func(*Config)) *harness {
	return newHarness(t, b, func(c *Config) {
		c.Profiles = &channels.Client{Clock: c.Clock}
		if configure != nil {
			configure(c)
		}
	})
}

// greeting delivers a customer's message and returns the greeting the flow made.
func (h *harness) greeting(ch store.Channel, object, account, customer string, n int) string {
	h.t.Helper()
	out := h.deliverOne(ch, messengerMessage(h.t, object, account, customer, fmt.Sprintf("mid-%s-%d", customer, n), "hola", h.clock.Now()))
	return h.replyText(out)
}

// replyText is the greeting a session made.
func (h *harness) replyText(out *Outcome) string {
	h.t.Helper()
	require.Equal(h.t, "session", out.Delivered)
	require.Equal(h.t, engine.StatusEnded, out.Status, "%v", out.Error)
	greeting, _ := out.Vars.Get("greeting").(string)
	return greeting
}

// profile returns the cached profile of a customer.
func (h *harness) profile(channelType, customer string) store.Profile {
	h.t.Helper()
	p, err := h.st.ProfileGet(context.Background(), channelType, customer)
	require.NoError(h.t, err)
	return p
}

func TestMessengerProfileIsLookedUpCachedAndRefreshed(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		h := profileHarness(t, b, nil)
		h.publish("greet", greetFlow)
		ch := h.facebook("greet")
		h.graph.SetProfile("PSID-1", fakenet.GraphProfile{FirstName: "María José", LastName: "García", Picture: "https://cdn.example/p.jpg"})

		require.Equal(t, "name=María José García first=María José handle= author=María José García",
			h.greeting(ch, "page", pageID, "PSID-1", 1))
		require.Equal(t, 1, h.graph.ProfileLookups())
		require.Equal(t, 1, h.count(`SELECT count(*) FROM interactions WHERE direction = 'in' AND CAST(author AS TEXT) LIKE ?`, "%María José García%"),
			"the transcript names the customer")
		p := h.profile("facebook", "PSID-1")
		require.Equal(t, "García", p.LastName)
		require.Equal(t, "https://cdn.example/p.jpg", p.Picture)
		require.Empty(t, p.Error)

		// a new session within the refresh age reads the cache
		h.clock.Advance(6 * 24 * time.Hour)
		require.Equal(t, "name=María José García first=María José handle= author=María José García",
			h.greeting(ch, "page", pageID, "PSID-1", 2))
		require.Equal(t, 1, h.graph.ProfileLookups(), "the cached profile is used")

		// past the refresh age (7 days by default) it is looked up again
		h.graph.SetProfile("PSID-1", fakenet.GraphProfile{FirstName: "Majo", LastName: "García"})
		h.clock.Advance(2 * 24 * time.Hour)
		require.Equal(t, "name=Majo García first=Majo handle= author=Majo García", h.greeting(ch, "page", pageID, "PSID-1", 3))
		require.Equal(t, 2, h.graph.ProfileLookups())
	})
}

func TestInstagramProfileNamesAndHandles(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		h := profileHarness(t, b, nil)
		h.publish("greet", greetFlow)
		ch := h.instagram("greet")
		h.graph.SetProfile("IGSID-1", fakenet.GraphProfile{Name: "Peter Chang", Username: "peter_chang_live"})
		h.graph.SetProfile("IGSID-2", fakenet.GraphProfile{Username: "no.name"})

		require.Equal(t, "name=Peter Chang first=Peter handle=peter_chang_live author=Peter Chang",
			h.greeting(ch, "instagram", igAccount, "IGSID-1", 1))
		require.Equal(t, "name= first= handle=no.name author=", h.greeting(ch, "instagram", igAccount, "IGSID-2", 1),
			"a customer who set no name is greeted without one")
		reqs := h.graph.Requests()
		require.Equal(t, "name,username,profile_pic", reqs[0].Query.Get("fields"))
		require.Equal(t, fakenet.IGAccessToken, reqs[0].Query.Get("access_token"))

		// a comment carries its username: the cache names its author, nothing is looked up
		lookups := h.graph.ProfileLookups()
		out := h.deliverOne(ch, igComment(t, "17900000000000101", "IGSID-1", "peter_chang_live", "hola", h.clock.Now()))
		require.Equal(t, "name=Peter Chang first=Peter handle=peter_chang_live author=Peter Chang", h.replyText(out))
		out = h.deliverOne(ch, igComment(t, "17900000000000102", "IGSID-9", "stranger", "hola", h.clock.Now()))
		require.Equal(t, "name= first= handle=stranger author=", h.replyText(out),
			"a commenter who never wrote is not looked up: Instagram would refuse without their consent")
		require.Equal(t, lookups, h.graph.ProfileLookups())
	})
}

func TestCommentsAndXEventsNameTheirAuthors(t *testing.T) {
	t.Parallel()
	h := profileHarness(t, storetestSQLite, nil)
	h.publish("greet", greetFlow)
	fb := h.facebook("greet")
	out := h.deliverOne(fb, feedComment(t, "900100_555001", "7001", "Ana Ruiz", "¿hola?", h.clock.Now()))
	require.Equal(t, "name=Ana Ruiz first=Ana handle= author=Ana Ruiz", h.replyText(out))

	x := h.twitter("greet")
	out = h.deliverOne(x, xDirectMessage(t, "dm-1", "4002", "hola", h.clock.Now()))
	require.Equal(t, "name=Bob first=Bob handle=bob author=Bob", h.replyText(out), "the DM's users map names the sender")
	out = h.deliverOne(x, xMention(t, "1850000000000000001", "4003", "carla_m", "@acme hola", h.clock.Now()))
	require.Equal(t, "name=carla_m first=carla_m handle=carla_m author=carla_m", h.replyText(out))
	require.Zero(t, h.graph.ProfileLookups(), "what the events tell is not looked up")
}

func TestFailedProfileLookupsNeverFailTheFlow(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name          string
		code, subcode int
		retry         time.Duration
		channelPaused bool
		outcome       string
	}{
		{name: "no profile for this user", code: 100, subcode: 2018218, retry: profileRetryRefused, outcome: "refused"},
		{name: "no consent", code: 230, retry: profileRetryRefused, outcome: "refused"},
		{name: "temporary", code: 2, retry: profileRetrySoon, outcome: "failed"},
		{name: "bad token", code: 190, retry: profileChannelPause, channelPaused: true, outcome: "reauth"},
		{name: "rate limit", code: 613, retry: 5 * time.Minute, channelPaused: true, outcome: "throttle"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			metrics := &profileMetrics{}
			h := profileHarness(t, storetestSQLite, func(c *Config) { c.Metrics = metrics })
			h.publish("greet", greetFlow)
			ch := h.facebook("greet")
			h.graph.SetProfile("PSID-1", fakenet.GraphProfile{FirstName: "Ana", LastName: "Ruiz"})
			h.graph.SetProfile("PSID-2", fakenet.GraphProfile{FirstName: "Beto", LastName: "Sosa"})
			h.graph.FailProfiles(tt.code, tt.subcode)

			require.Equal(t, "name= first= handle= author=", h.greeting(ch, "page", pageID, "PSID-1", 1),
				"the flow replies, without a name")
			p := h.profile("facebook", "PSID-1")
			require.Contains(t, p.Error, fmt.Sprintf("code %d", tt.code))
			require.NotNil(t, p.RetryAt)
			require.Equal(t, tt.retry, p.RetryAt.Sub(p.LookedUpAt))

			// the failure is not asked again before its time
			h.graph.FailProfiles(0, 0)
			h.greeting(ch, "page", pageID, "PSID-1", 2)
			require.Equal(t, 1, h.graph.ProfileLookups())
			// a failure of the channel's (its token, its rate limit) pauses its other customers too
			if tt.channelPaused {
				require.Equal(t, "name= first= handle= author=", h.greeting(ch, "page", pageID, "PSID-2", 1))
				require.Equal(t, 1, h.graph.ProfileLookups())
			} else {
				require.Equal(t, "name=Beto Sosa first=Beto handle= author=Beto Sosa", h.greeting(ch, "page", pageID, "PSID-2", 1))
				require.Equal(t, 2, h.graph.ProfileLookups())
			}
			// and is asked again once its time has come
			n := h.graph.ProfileLookups()
			h.clock.Advance(tt.retry)
			require.Equal(t, "name=Ana Ruiz first=Ana handle= author=Ana Ruiz", h.greeting(ch, "page", pageID, "PSID-1", 3))
			require.Equal(t, n+1, h.graph.ProfileLookups())
			require.Equal(t, tt.outcome, metrics.outcomes[0])
			require.Equal(t, "found", metrics.outcomes[len(metrics.outcomes)-1])
		})
	}
}

// profileMetrics records the outcomes of profile look-ups.
type profileMetrics struct {
	nopMetrics
	mu       sync.Mutex
	outcomes []string
}

func (m *profileMetrics) ProfileLookup(channelType, outcome string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.outcomes = append(m.outcomes, outcome)
}

func TestFailedRefreshKeepsTheName(t *testing.T) {
	t.Parallel()
	h := profileHarness(t, storetestSQLite, nil)
	h.publish("greet", greetFlow)
	ch := h.facebook("greet")
	h.graph.SetProfile("PSID-1", fakenet.GraphProfile{FirstName: "Ana", LastName: "Ruiz"})
	require.Equal(t, "name=Ana Ruiz first=Ana handle= author=Ana Ruiz", h.greeting(ch, "page", pageID, "PSID-1", 1))
	h.clock.Advance(8 * 24 * time.Hour)
	h.graph.FailProfiles(1, 0)
	require.Equal(t, "name=Ana Ruiz first=Ana handle= author=Ana Ruiz", h.greeting(ch, "page", pageID, "PSID-1", 2),
		"the last name that worked is used")
	require.Equal(t, 2, h.graph.ProfileLookups())
	p := h.profile("facebook", "PSID-1")
	require.NotEmpty(t, p.Error)
	require.Equal(t, epoch, p.FetchedAt.UTC(), "when it last worked")
}

func TestSlowProfileLookupIsCutAtItsTimeout(t *testing.T) {
	t.Parallel()
	h := profileHarness(t, storetestSQLite, func(c *Config) { c.ProfileTimeout = 50 * time.Millisecond })
	h.publish("greet", greetFlow)
	ch := h.facebook("greet")
	h.graph.SetProfile("PSID-1", fakenet.GraphProfile{FirstName: "Ana"})
	h.graph.DelayProfiles(time.Hour)
	require.Equal(t, "name= first= handle= author=", h.greeting(ch, "page", pageID, "PSID-1", 1),
		"a Graph slower than the timeout leaves the name empty")
	p := h.profile("facebook", "PSID-1")
	require.Contains(t, p.Error, "deadline exceeded")
	require.Equal(t, profileRetrySoon, p.RetryAt.Sub(p.LookedUpAt))
}

func TestBusyProfileSlotsDoNotHoldTheFlow(t *testing.T) {
	t.Parallel()
	h := profileHarness(t, storetestSQLite, func(c *Config) { c.ProfileTimeout, c.ProfileLookups = 50*time.Millisecond, 1 })
	h.publish("greet", greetFlow)
	ch := h.facebook("greet")
	h.graph.SetProfile("PSID-1", fakenet.GraphProfile{FirstName: "Ana"})
	h.d.profiles.slots <- struct{}{} // the one slot is taken
	require.Equal(t, "name= first= handle= author=", h.greeting(ch, "page", pageID, "PSID-1", 1))
	require.Zero(t, h.graph.ProfileLookups(), "nothing was asked without a slot")
	_, err := h.st.ProfileGet(context.Background(), "facebook", "PSID-1")
	require.ErrorIs(t, err, store.ErrNotFound, "a look-up that never ran leaves nothing to wait for")
	<-h.d.profiles.slots
	h.d.profiles.timeout = time.Minute // a free slot: the look-up is not cut, however loaded the machine
	require.Equal(t, "name=Ana first=Ana handle= author=Ana", h.greeting(ch, "page", pageID, "PSID-1", 2))
}

func TestProfilesSettingTurnsLookupsOff(t *testing.T) {
	t.Parallel()
	h := profileHarness(t, storetestSQLite, nil)
	h.publish("greet", greetFlow)
	fb := h.graph.FacebookChannel()
	fb.Settings["profiles"] = false
	ch := h.channel(fb, "greet")
	h.graph.SetProfile("PSID-1", fakenet.GraphProfile{FirstName: "Ana"})
	require.Equal(t, "name= first= handle= author=", h.greeting(ch, "page", pageID, "PSID-1", 1))
	require.Zero(t, h.graph.ProfileLookups())
}

func TestKnownContactWithoutANameTakesTheProfiles(t *testing.T) {
	t.Parallel()
	h := profileHarness(t, storetestSQLite, nil)
	h.publish("greet", triggeredFlow("greet", `    type: contact.lookup
    next: {found: hi, created: hi}
  hi:
    type: set
    params: {vars: {greeting: 'string(contact.known) + " name=" + contact.name + " first=" + contact.first_name'}}`))
	ch := h.facebook("greet")
	// a contact recorded earlier without a name (say, from a private reply to a comment)
	_, _, err := h.st.ContactLookup(context.Background(), "facebook", engine.Author{ID: "PSID-1"}, nil)
	require.NoError(t, err)
	h.graph.SetProfile("PSID-1", fakenet.GraphProfile{FirstName: "María José", LastName: "García"})
	require.Equal(t, "true name=María José García first=María José", h.greeting(ch, "page", pageID, "PSID-1", 1))
	// a new customer's contact is created with the profile's name
	h.graph.SetProfile("PSID-2", fakenet.GraphProfile{FirstName: "Beto", LastName: "Sosa"})
	require.Equal(t, "true name=Beto Sosa first=Beto", h.greeting(ch, "page", pageID, "PSID-2", 1))
	c, found, err := h.st.ContactLookup(context.Background(), "facebook", engine.Author{ID: "PSID-2"}, nil)
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, "Beto Sosa", c.Name)
}
