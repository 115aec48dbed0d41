package channels_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/channels"
	"github.com/switchboardhq/switchboard/engine"
)

// TestParseFixtures checks what testdata/webhooks/README.md says each fixture must yield.
func TestParseFixtures(t *testing.T) {
	t.Parallel()
	type want struct {
		kind     channels.EventKind
		ikind    string
		public   bool
		author   engine.Author
		text     string // a part of the text
		customer string
		metadata string
	}
	tests := []struct {
		file string
		want []want
		// watermark, when set, is a read watermark the payload must also yield.
		watermark time.Time
		// ignored are the names of the events the payload yields as ignored, in order.
		ignored []string
	}{
		{file: "facebook-feed-comment.json", want: []want{{kind: channels.EventInbound, ikind: "comment", public: true,
			author: engine.Author{ID: "7001", Name: "Ana Ruiz"}, text: "duplicada ¿me ayudan?", customer: "7001"}}},
		{file: "facebook-feed-visitor-post.json", want: []want{{kind: channels.EventInbound, ikind: "post", public: true,
			author: engine.Author{ID: "7002", Name: "Bruno Costa"}, text: "Great service", customer: "7002"}}},
		{file: "facebook-messenger-batch.json", want: []want{
			{kind: channels.EventInbound, ikind: "message", author: engine.Author{ID: "PSID-8801"}, text: "cancelar mi plan", customer: "PSID-8801"},
			{kind: channels.EventOutbound, ikind: "message", author: engine.Author{ID: pageID}, text: "Te ayudamos", customer: "PSID-8801", metadata: "out-1"},
		}, watermark: time.UnixMilli(1763722802800).UTC()},
		{file: "instagram-comment.json", want: []want{{kind: channels.EventInbound, ikind: "comment", public: true,
			author: engine.Author{ID: "IGSID-5501", Handle: "ana.r"}, text: "plan familiar", customer: "IGSID-5501"}}},
		{file: "instagram-direct.json", want: []want{{kind: channels.EventInbound, ikind: "message",
			author: engine.Author{ID: "IGSID-5501"}, text: "Cordoba", customer: "IGSID-5501"}}},
		{file: "x-direct-message.json", want: []want{{kind: channels.EventInbound, ikind: "dm",
			author: engine.Author{ID: "4002", Name: "Bob Lee", Handle: "bob"}, text: "charged twice", customer: "4002"}}},
		{file: "x-mention.json", want: []want{{kind: channels.EventInbound, ikind: "mention", public: true,
			author: engine.Author{ID: "4003", Name: "Carla Diaz", Handle: "carla_d"}, text: "never arrived", customer: "4003"}}},
		{file: "facebook-feed-comment-sender-id.json", want: []want{{kind: channels.EventInbound, ikind: "comment", public: true,
			author: engine.Author{ID: "7101", Name: "Lucía Gómez"}, text: "código de verificación", customer: "7101"}}},
		{file: "facebook-feed-page-comment.json", want: []want{
			{kind: channels.EventInbound, ikind: "comment", public: true, author: engine.Author{ID: "7102", Name: "Marco Rossi"}, text: "no code", customer: "7102"},
			{kind: channels.EventInbound, ikind: "comment", public: true, author: engine.Author{ID: "7103", Name: "Nadia Haddad"}, text: "non plus", customer: "7103"},
			{kind: channels.EventOutbound, ikind: "comment", public: true, author: engine.Author{ID: pageID, Name: "Acme"}, text: "on it"},
		}, ignored: []string{"feed reaction add"}},
		{file: "facebook-messenger-postback-user-ref.json", want: []want{{kind: channels.EventInbound, ikind: "message",
			author: engine.Author{ID: "user_ref:UREF-4411-aa"}, text: "Talk to someone", customer: "user_ref:UREF-4411-aa"}}},
		{file: "facebook-ignored-events.json", ignored: []string{"reaction", "optin", "delivery without a watermark", "standby message", "leadgen"}},
		{file: "x-direct-message-media-list.json", want: []want{{kind: channels.EventInbound, ikind: "dm",
			author: engine.Author{ID: "4005", Name: "Dana Kim", Handle: "dana_k"}, text: "receipt", customer: "4005"}}},
		{file: "x-ignored-events.json", ignored: []string{"direct_message_indicate_typing_events", "direct_message_mark_read_events", "favorite_events", "follow_events"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			ch := fixtureChannel(tt.file)
			evs, err := channels.Parse(ch, fixture(t, tt.file))
			require.NoError(t, err)
			var interactions []channels.Event
			var marks []channels.Event
			var ignored []string
			for _, e := range evs {
				if e.Kind == channels.EventIgnored {
					require.Empty(t, e.Key, "nothing is recorded of an ignored event")
					ignored = append(ignored, e.Ignored)
					continue
				}
				require.NotEmpty(t, e.Key, "every event has a dedupe key")
				switch e.Kind {
				case channels.EventInbound, channels.EventOutbound:
					interactions = append(interactions, e)
				case channels.EventWatermark:
					marks = append(marks, e)
				default:
					t.Fatalf("unexpected %s event %+v", e.Kind, e)
				}
			}
			require.Equal(t, tt.ignored, ignored)
			require.Len(t, interactions, len(tt.want))
			for i, w := range tt.want {
				e := interactions[i]
				in := e.Interaction
				require.Equal(t, w.kind, e.Kind)
				require.Equal(t, w.ikind, in.Kind)
				require.Equal(t, w.public, in.Public)
				require.Equal(t, w.author, in.Author)
				require.Contains(t, in.Text, w.text)
				require.Equal(t, w.customer, e.Customer)
				require.Equal(t, w.metadata, e.Metadata)
				require.Equal(t, ch.Type, in.Channel)
				require.Equal(t, ch.ID, in.ChannelID)
				require.NotEmpty(t, in.ID)
				require.NotEmpty(t, in.Thread)
				require.False(t, in.Time.IsZero(), "the interaction has its time")
			}
			if tt.watermark.IsZero() {
				require.Empty(t, marks)
				return
			}
			require.Len(t, marks, 1)
			require.True(t, marks[0].Read, "a read, not a delivery")
			require.Equal(t, "PSID-8801", marks[0].Customer)
			require.True(t, tt.watermark.Equal(marks[0].Watermark), "watermark %s, want %s", marks[0].Watermark, tt.watermark)
		})
	}
}

// TestParseGolden compares each fixture's events in full with testdata/golden; -update rewrites them.
func TestParseGolden(t *testing.T) {
	t.Parallel()
	for _, name := range fixtureNames(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			evs, err := channels.Parse(fixtureChannel(name), fixture(t, name))
			require.NoError(t, err)
			got, err := json.MarshalIndent(evs, "", "  ")
			require.NoError(t, err)
			got = append(got, '\n')
			path := filepath.Join("testdata", "golden", strings.TrimSuffix(name, ".json")+".events.json")
			if *update {
				require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
				require.NoError(t, os.WriteFile(path, got, 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run go test -update to write the golden file")
			require.Equal(t, string(want), string(got))
		})
	}
}

func keys(t *testing.T, ch channels.Channel, body string) []string {
	t.Helper()
	evs, err := channels.Parse(ch, []byte(body))
	require.NoError(t, err)
	out := []string{}
	for _, e := range evs {
		if e.Kind != channels.EventIgnored {
			out = append(out, e.Key)
		}
	}
	return out
}

// ignoredNames parses a body whose events must all be ignored, and names them.
func ignoredNames(t *testing.T, ch channels.Channel, body string) []string {
	t.Helper()
	evs, err := channels.Parse(ch, []byte(body))
	require.NoError(t, err)
	var names []string
	for _, e := range evs {
		require.Equal(t, channels.EventIgnored, e.Kind, "%+v", e)
		require.Empty(t, e.Key)
		names = append(names, e.Ignored)
	}
	return names
}

// TestKeysSurviveRebatching delivers the same events in other batches, at other entry times:
// the keys stay the same, so a retry is recognised however Meta or X groups it.
func TestKeysSurviveRebatching(t *testing.T) {
	t.Parallel()
	fb := fixtureChannel("facebook")
	original := keys(t, fb, string(fixture(t, "facebook-messenger-batch.json")))
	require.Equal(t, []string{"m_AbC123", "m_EcHo01", "read:PSID-8801:1763722802800"}, original)

	message := `{"sender":{"id":"PSID-8801"},"recipient":{"id":"104857600000001"},"timestamp":1763722801400,"message":{"mid":"m_AbC123","text":"Hola, quiero cancelar mi plan"}}`
	echo := `{"sender":{"id":"104857600000001"},"recipient":{"id":"PSID-8801"},"timestamp":1763722802800,"message":{"mid":"m_EcHo01","is_echo":true,"app_id":4242,"metadata":"out-1","text":"Te ayudamos enseguida"}}`
	read := `{"sender":{"id":"PSID-8801"},"recipient":{"id":"104857600000001"},"timestamp":1763722803100,"read":{"watermark":1763722802800}}`
	other := `{"sender":{"id":"PSID-9999"},"recipient":{"id":"104857600000001"},"timestamp":1763722900000,"message":{"mid":"m_Other","text":"hi"}}`
	merged := `{"object":"page","entry":[{"id":"104857600000001","time":1763722999999,"messaging":[` + read + `,` + other + `,` + echo + `,` + message + `]}]}`
	require.ElementsMatch(t, append(original, "m_Other"), keys(t, fb, merged))

	comment := string(fixture(t, "facebook-feed-comment.json"))
	commentKeys := keys(t, fb, comment)
	rebatched := strings.Replace(comment, `"time":1763722800`, `"time":1763729999`, 1)
	rebatched = strings.Replace(rebatched, `"changes":[`, `"changes":[{"field":"feed","value":{"item":"reaction","verb":"add","post_id":"1_2","reaction_type":"like","from":{"id":"7"}}},`, 1)
	require.Equal(t, commentKeys, keys(t, fb, rebatched))

	x := fixtureChannel("x-")
	dm := string(fixture(t, "x-direct-message.json"))
	withAnother := strings.Replace(dm, `"direct_message_events":[`, `"direct_message_events":[{"type":"message_create","id":"1811000000000000002","created_timestamp":"1763723200999","message_create":{"target":{"recipient_id":"3001"},"sender_id":"4002","message_data":{"text":"hello?"}}},`, 1)
	require.Equal(t, []string{"1811000000000000002", "1811000000000000001"}, keys(t, x, withAnother))

	for _, name := range fixtureNames(t) {
		ch := fixtureChannel(name)
		require.Equal(t, keys(t, ch, string(fixture(t, name))), keys(t, ch, string(fixture(t, name))), "%s parsed twice", name)
	}
}

// TestLargeIDsStayStrings sends ids as JSON numbers past 2^53: they come out digit for digit.
func TestLargeIDsStayStrings(t *testing.T) {
	t.Parallel()
	const big = "123456789012345678901234567890"
	fb := fixtureChannel("facebook")
	e := parseOne(t, fb, `{"object":"page","entry":[{"id":104857600000001,"time":1763722801500,"messaging":[{"sender":{"id":`+big+`},"recipient":{"id":104857600000001},"timestamp":1763722801400,"message":{"mid":"m_1","text":"hi"}}]}]}`)
	require.Equal(t, big, e.Customer)
	require.Equal(t, big, e.Interaction.Author.ID)
	require.Equal(t, pageID, e.Account)

	e = parseOne(t, fb, `{"object":"page","entry":[{"id":"104857600000001","time":1,"changes":[{"field":"feed","value":{"item":"comment","verb":"add","post_id":"104857600000001_9007199254740993","comment_id":9007199254740993,"from":{"id":9007199254740995,"name":"N"},"message":"x","created_time":1763722799}}]}]}`)
	require.Equal(t, "9007199254740993", e.Interaction.ID, "2^53+1 would read back as 2^53 through a float64")
	require.Equal(t, "9007199254740995", e.Customer)

	x := fixtureChannel("x-")
	e = parseOne(t, x, `{"for_user_id":3001,"tweet_create_events":[{"id":1811000000000000101,"text":"@acme_help hi","user":{"id":4003,"screen_name":"c"},"timestamp_ms":"1763723300456"}]}`)
	require.Equal(t, "1811000000000000101", e.Key)
	require.Equal(t, "4003", e.Customer)
	require.Equal(t, "3001", e.Account)

	_, err := channels.Parse(fb, []byte(`{"object":"page","entry":[{"id":"1","messaging":[{"sender":{"id":1.5e3},"message":{"mid":"m"}}]}]}`))
	require.ErrorContains(t, err, "neither a string nor a whole number")
}

func TestTimestampsInSecondsOrMilliseconds(t *testing.T) {
	t.Parallel()
	at := time.Date(2025, 11, 21, 11, 0, 0, 0, time.UTC)
	tests := []struct {
		stamp string
		want  time.Time
	}{
		{`1763722800`, at},
		{`1763722800000`, at},
		{`1763722800123`, at.Add(123 * time.Millisecond)},
		{`"1763722800"`, at},
		{`"1763722800123"`, at.Add(123 * time.Millisecond)},
		{`1763722800.5`, at.Add(500 * time.Millisecond)},
		{`"2025-11-21T11:00:00+0000"`, at},
		{`"2025-11-21T08:00:00-03:00"`, at},
		{`"Fri Nov 21 11:00:00 +0000 2025"`, at},
	}
	fb := fixtureChannel("facebook")
	for _, tt := range tests {
		t.Run(tt.stamp, func(t *testing.T) {
			e := parseOne(t, fb, `{"object":"page","entry":[{"id":"1","time":5,"messaging":[{"sender":{"id":"p"},"recipient":{"id":"1"},"timestamp":`+tt.stamp+`,"message":{"mid":"m","text":"t"}}]}]}`)
			require.True(t, tt.want.Equal(e.Interaction.Time), "got %s", e.Interaction.Time)
			e = parseOne(t, fb, `{"object":"page","entry":[{"id":"1","changes":[{"field":"feed","value":{"item":"comment","verb":"add","comment_id":"c","post_id":"p","from":{"id":"u"},"created_time":`+tt.stamp+`}}]}]}`)
			require.True(t, tt.want.Equal(e.Interaction.Time), "got %s", e.Interaction.Time)
		})
	}
	// The same comment, its time once in seconds and once in milliseconds, has one key.
	s := `{"object":"page","entry":[{"id":"1","changes":[{"field":"feed","value":{"item":"comment","verb":"add","comment_id":"c","post_id":"p","from":{"id":"u"},"created_time":1763722800}}]}]}`
	require.Equal(t, keys(t, fb, s), keys(t, fb, strings.Replace(s, "1763722800", `"1763722800000"`, 1)))

	x := fixtureChannel("x-")
	e := parseOne(t, x, `{"for_user_id":"3001","tweet_create_events":[{"id_str":"1","text":"hi","user":{"id_str":"9"},"created_at":"Fri Nov 21 11:00:00 +0000 2025"}]}`)
	require.True(t, at.Equal(e.Interaction.Time))

	for stamp, want := range map[string]string{
		`"yesterday"`:          `time "yesterday" is neither`,
		`"NaN"`:                `time "NaN" is out of range`,
		`-5`:                   `time "-5" is out of range`,
		`99999999999999999999`: "out of range",
		`"1e400"`:              "out of range",
		`true`:                 "neither epoch seconds",
	} {
		_, err := channels.Parse(fb, []byte(`{"object":"page","entry":[{"id":"1","messaging":[{"sender":{"id":"p"},"timestamp":`+stamp+`,"message":{"mid":"m"}}]}]}`))
		require.ErrorContains(t, err, want, stamp)
	}
}

func TestParseMessenger(t *testing.T) {
	t.Parallel()
	fb := fixtureChannel("facebook")
	wrap := func(events ...string) string {
		return `{"object":"page","entry":[{"id":"104857600000001","time":1763722801500,"messaging":[` + strings.Join(events, ",") + `]}]}`
	}
	const from = `"sender":{"id":"PSID-1"},"recipient":{"id":"104857600000001"},"timestamp":1763722801400,`

	e := parseOne(t, fb, wrap(`{`+from+`"message":{"mid":"m_1","text":"mira","reply_to":{"mid":"m_0"},"attachments":[{"type":"image","payload":{"url":"https://cdn/img.jpg"}},{"type":"fallback","url":"https://example.com","title":"x","payload":null}]}}`))
	require.Equal(t, "m_0", e.Interaction.Parent)
	require.Equal(t, []engine.Attachment{{Type: "image", URL: "https://cdn/img.jpg"}, {Type: "fallback", URL: "https://example.com"}}, e.Interaction.Attachments)

	e = parseOne(t, fb, wrap(`{`+from+`"message":{"mid":"m_2","quick_reply":{"payload":"PLAN_A"}}}`))
	require.Equal(t, "PLAN_A", e.Interaction.Text, "a quick reply without text reads as its payload")

	e = parseOne(t, fb, wrap(`{`+from+`"postback":{"mid":"m_pb","title":"Hablar con alguien","payload":"AGENT"}}`))
	require.Equal(t, channels.EventInbound, e.Kind)
	require.Equal(t, "m_pb", e.Key)
	require.Equal(t, "Hablar con alguien", e.Interaction.Text)
	require.Equal(t, "message", e.Interaction.Kind)

	e = parseOne(t, fb, wrap(`{`+from+`"postback":{"title":"Menu","payload":"MENU"}}`))
	require.Equal(t, "postback:PSID-1:1763722801400:MENU", e.Key, "without a mid: sender, timestamp and payload")

	e = parseOne(t, fb, wrap(`{`+from+`"delivery":{"mids":["m_EcHo01"],"watermark":1763722802800}}`))
	require.Equal(t, channels.EventWatermark, e.Kind)
	require.False(t, e.Read)
	require.Equal(t, "delivery:PSID-1:1763722802800", e.Key)

	evs, err := channels.Parse(fb, []byte(wrap(
		`{`+from+`"reaction":{"mid":"m_1","action":"react","reaction":"love","emoji":"❤"}}`,
		`{`+from+`"optin":{"ref":"x"}}`,
		`{`+from+`"pass_thread_control":{"new_owner_app_id":"1"}}`)))
	require.NoError(t, err)
	require.Len(t, evs, 3)
	for i, name := range []string{"reaction", "optin", "pass_thread_control"} {
		require.Equal(t, channels.EventIgnored, evs[i].Kind, "reactions, opt-ins and handovers are left out")
		require.Equal(t, name, evs[i].Ignored)
		require.Equal(t, pageID, evs[i].Account)
	}
	require.Equal(t, "m_1", evs[0].Target, "the message reacted to")

	standby := `{"object":"page","entry":[{"id":"104857600000001","time":1,"standby":[{` + from + `"message":{"mid":"m_s","text":"hi"}}]}]}`
	evs, err = channels.Parse(fb, []byte(standby))
	require.NoError(t, err)
	require.Len(t, evs, 1)
	require.Equal(t, channels.EventIgnored, evs[0].Kind, "standby events belong to the app that owns the thread")
	require.Equal(t, "standby message", evs[0].Ignored)
	require.Equal(t, "m_s", evs[0].Target)

	e = parseOne(t, fb, wrap(`{"sender":{"id":"104857600000001"},"recipient":{"id":"PSID-1"},"timestamp":1,"message":{"mid":"m_page","text":"sent from the inbox"}}`))
	require.Equal(t, channels.EventOutbound, e.Kind, "the page's own message, even without is_echo")
	require.Equal(t, "PSID-1", e.Customer)
	require.Empty(t, e.Metadata)

	// flags written as strings, as the reference's samples write every property
	e = parseOne(t, fb, wrap(`{"sender":{"id":"104857600000002"},"recipient":{"id":"PSID-1"},"timestamp":"1763722801400","message":{"mid":"m_str","is_echo":"true","metadata":"out-2","text":"ok"}}`))
	require.Equal(t, channels.EventOutbound, e.Kind, `is_echo "true"`)
	require.Equal(t, "out-2", e.Metadata)
	e = parseOne(t, fb, wrap(`{`+from+`"message":{"mid":"m_del","is_deleted":"1"}}`))
	require.Equal(t, channels.EventRemoved, e.Kind, `is_deleted "1"`)
	e = parseOne(t, fb, wrap(`{`+from+`"message":{"mid":"m_f","is_echo":"false","is_deleted":0,"text":"hi"}}`))
	require.Equal(t, channels.EventInbound, e.Kind)
	_, err = channels.Parse(fb, []byte(wrap(`{`+from+`"message":{"mid":"m_bad","is_echo":"maybe"}}`)))
	require.ErrorContains(t, err, `message.is_echo is a JSON string "maybe" where a boolean is expected`)
}

// TestParseUserRef reads senders known only by a user_ref (the checkbox plugin, chat plugin
// guests): their customer is "user_ref:<value>", never a page-scoped id.
func TestParseUserRef(t *testing.T) {
	t.Parallel()
	fb := fixtureChannel("facebook")
	wrap := func(event string) string {
		return `{"object":"page","entry":[{"id":"104857600000001","time":1763722801500,"messaging":[` + event + `]}]}`
	}
	e := parseOne(t, fb, wrap(`{"sender":{"user_ref":"UREF-1"},"recipient":{"id":"104857600000001"},"timestamp":"1527459824","postback":{"mid":"m_pb1","title":"Start","payload":"GET_STARTED"}}`))
	require.Equal(t, channels.EventInbound, e.Kind)
	require.Equal(t, "m_pb1", e.Key)
	require.Equal(t, "user_ref:UREF-1", e.Customer)
	require.Equal(t, engine.Author{ID: "user_ref:UREF-1"}, e.Interaction.Author)
	require.Equal(t, "user_ref:UREF-1", e.Interaction.Thread)
	require.True(t, time.Unix(1527459824, 0).Equal(e.Interaction.Time), "a timestamp of seconds in a string")

	e = parseOne(t, fb, wrap(`{"sender":{"user_ref":"UREF-1"},"recipient":{"id":"104857600000001"},"timestamp":1527459825000,"postback":{"title":"Start","payload":"GET_STARTED"}}`))
	require.Equal(t, "postback:user_ref:UREF-1:1527459825000:GET_STARTED", e.Key, "without a mid: the user_ref stands for the sender")

	e = parseOne(t, fb, wrap(`{"sender":{"user_ref":"UREF-2"},"recipient":{"id":"104857600000001"},"timestamp":1,"message":{"mid":"m_guest","text":"hi from the chat plugin"}}`))
	require.Equal(t, "user_ref:UREF-2", e.Customer, "a chat plugin guest's message")

	e = parseOne(t, fb, wrap(`{"sender":{"id":"PSID-9","user_ref":"UREF-3"},"recipient":{"id":"104857600000001"},"timestamp":1,"message":{"mid":"m_both","text":"hi"}}`))
	require.Equal(t, "PSID-9", e.Customer, "the page-scoped id first")

	// the reference's sample: the postback as a change of the messaging_postbacks field
	e = parseOne(t, fb, `{"object":"page","entry":[{"id":"104857600000001","time":1,"changes":[{"field":"messaging_postbacks","value":{"sender":{"user_ref":"UREF-4"},"recipient":{"id":"104857600000001"},"timestamp":"1527459824","postback":{"mid":"m_pb4","title":"T","payload":"P","referral":{"ref":"r","source":"SHORT_URL","type":"OPEN_THREAD"}}}}]}]}`)
	require.Equal(t, "user_ref:UREF-4", e.Customer)
	require.Equal(t, "m_pb4", e.Key)

	_, err := channels.Parse(fb, []byte(wrap(`{"sender":{},"recipient":{"id":"104857600000001"},"timestamp":1,"postback":{"title":"T"}}`)))
	require.ErrorContains(t, err, "postback has neither sender.id nor sender.user_ref")
}

func TestParseFeed(t *testing.T) {
	t.Parallel()
	fb := fixtureChannel("facebook")
	change := func(value string) string {
		return `{"object":"page","entry":[{"id":"104857600000001","time":1763722800,"changes":[{"field":"feed","value":` + value + `}]}]}`
	}
	for _, verb := range []string{"remove", "hide"} {
		e := parseOne(t, fb, change(`{"item":"comment","verb":"`+verb+`","post_id":"104857600000001_900100","comment_id":"900100_555001","from":{"id":"7001"},"created_time":1763722850}`))
		require.Equal(t, channels.EventRemoved, e.Kind)
		require.Equal(t, "900100_555001", e.Target)
		require.Equal(t, "feed:900100_555001:comment:"+verb+":1763722850000:7001", e.Key)
	}
	e := parseOne(t, fb, change(`{"item":"status","verb":"remove","post_id":"104857600000001_900200","created_time":1763722850}`))
	require.Equal(t, channels.EventRemoved, e.Kind)
	require.Equal(t, "104857600000001_900200", e.Target)

	for ignored, name := range map[string]string{
		`{"item":"comment","verb":"edited","comment_id":"c","post_id":"p","from":{"id":"7001"},"message":"new"}`: "feed comment edited",
		`{"item":"comment","verb":"unhide","comment_id":"c","post_id":"p"}`:                                      "feed comment unhide",
		`{"item":"reaction","verb":"add","post_id":"p","reaction_type":"like","from":{"id":"7001"}}`:             "feed reaction add",
		`{"item":"like","verb":"add","sender_id":"739017722955825"}`:                                             "feed like add",
	} {
		require.Equal(t, []string{name}, ignoredNames(t, fb, change(ignored)), ignored)
	}
	for field, name := range map[string]string{"leadgen": "leadgen", "ratings": "ratings", "mention": "mention"} {
		body := `{"object":"page","entry":[{"id":"104857600000001","time":1,"changes":[{"field":"` + field + `","value":{}}]}]}`
		require.Equal(t, []string{name}, ignoredNames(t, fb, body))
	}

	e = parseOne(t, fb, change(`{"item":"comment","verb":"add","post_id":"104857600000001_900100","comment_id":"900100_555002","parent_id":"900100_555001","from":{"id":"104857600000001","name":"Acme"},"message":"Te escribimos por privado","created_time":1763722860}`))
	require.Equal(t, channels.EventOutbound, e.Kind, "the page's own comment")
	require.Empty(t, e.Customer)
	require.Equal(t, "900100_555001", e.Interaction.Parent)

	e = parseOne(t, fb, change(`{"item":"comment","verb":"add","post_id":"p_1","comment_id":"c_1","from":{"id":"7001"},"message":"mirá","photo":"https://cdn/p.jpg","created_time":1}`))
	require.Equal(t, []engine.Attachment{{Type: "image", URL: "https://cdn/p.jpg"}}, e.Interaction.Attachments)

	e = parseOne(t, fb, change(`{"item":"photo","verb":"add","post_id":"p_2","photo_id":"9","link":"https://cdn/photo.jpg","from":{"id":"7003"},"message":"look","created_time":1}`))
	require.Equal(t, "post", e.Interaction.Kind)
	require.Equal(t, []engine.Attachment{{Type: "image", URL: "https://cdn/photo.jpg"}}, e.Interaction.Attachments)

	e = parseOne(t, fb, change(`{"item":"status","verb":"add","post_id":"p_3","from":{"id":"7003"},"message":"two","photos":["https://cdn/1.jpg","https://cdn/2.jpg"],"created_time":1}`))
	require.Len(t, e.Interaction.Attachments, 2)

	_, err := channels.Parse(fb, []byte(change(`{"item":"comment","verb":"add","post_id":"p"}`)))
	require.ErrorContains(t, err, "feed comment add has no comment_id")
}

// TestParseFeedAuthors reads a comment's author from from, or else from sender_id and
// sender_name; comments of different people belong to different customers, the page's own
// comments to none, and a comment whose author is not told to a customer of its own.
func TestParseFeedAuthors(t *testing.T) {
	t.Parallel()
	fb := fixtureChannel("facebook")
	change := func(values ...string) string {
		var changes []string
		for _, v := range values {
			changes = append(changes, `{"field":"feed","value":`+v+`}`)
		}
		return `{"object":"page","entry":[{"id":"104857600000001","time":1763722800,"changes":[` + strings.Join(changes, ",") + `]}]}`
	}
	evs, err := channels.Parse(fb, []byte(change(
		`{"item":"comment","verb":"add","post_id":"1_2","comment_id":"2_10","sender_id":"7101","sender_name":"Lucía","message":"a","created_time":1}`,
		`{"item":"comment","verb":"add","post_id":"1_2","comment_id":"2_11","sender_id":7102,"sender_name":"Marco","message":"b","created_time":2}`,
		`{"item":"comment","verb":"add","post_id":"1_2","comment_id":"2_12","from":{"id":"7103","name":"Nadia"},"sender_id":"7103","message":"c","created_time":3}`,
		`{"item":"comment","verb":"add","post_id":"1_2","comment_id":"2_13","from":{"name":"Omar"},"sender_id":"7104","message":"d","created_time":4}`,
	)))
	require.NoError(t, err)
	require.Len(t, evs, 4)
	for i, want := range []engine.Author{{ID: "7101", Name: "Lucía"}, {ID: "7102", Name: "Marco"}, {ID: "7103", Name: "Nadia"}, {ID: "7104", Name: "Omar"}} {
		require.Equal(t, channels.EventInbound, evs[i].Kind)
		require.Equal(t, want, evs[i].Interaction.Author)
		require.Equal(t, want.ID, evs[i].Customer)
		require.True(t, strings.HasSuffix(evs[i].Key, ":"+want.ID), "the author is part of the key: %s", evs[i].Key)
	}

	e := parseOne(t, fb, change(`{"item":"comment","verb":"add","post_id":"1_2","comment_id":"2_14","parent_id":"2_10","sender_id":"104857600000001","sender_name":"Acme","message":"we are on it","created_time":5}`))
	require.Equal(t, channels.EventOutbound, e.Kind, "the page's comment, named by sender_id, is ours")
	require.Empty(t, e.Customer)
	require.Equal(t, "2_10", e.Interaction.Parent)

	e = parseOne(t, fb, change(`{"item":"status","verb":"add","post_id":"1_3","sender_id":"104857600000001","message":"news","created_time":5}`))
	require.Equal(t, channels.EventOutbound, e.Kind, "the page's own post")

	e = parseOne(t, fb, change(`{"item":"comment","verb":"add","post_id":"1_2","comment_id":"2_15","message":"who am I","created_time":6}`))
	require.Equal(t, channels.EventInbound, e.Kind)
	require.Empty(t, e.Interaction.Author.ID)
	require.Equal(t, "comment:2_15", e.Customer, "an unnamed author is a customer of the comment's own")

	e = parseOne(t, fb, change(`{"item":"comment","verb":"add","comment_id":"2_16","post":{"id":"1_2","status_type":"mobile_status_update"},"sender_id":"7101","message":"x","created_time":7}`))
	require.Equal(t, "1_2", e.Interaction.Thread, "the post's id read from the post object")
}

func TestParseInstagram(t *testing.T) {
	t.Parallel()
	ig := fixtureChannel("instagram")
	entry := func(body string) string {
		return `{"object":"instagram","entry":[{"id":"17841400000000001","time":1763723000,` + body + `}]}`
	}
	e := parseOne(t, ig, entry(`"changes":[{"field":"comments","value":{"comment_id":"179001","from":{"id":"IGSID-1","username":"u1"},"text":"hola","media":{"id":"178001"},"parent_id":"179000"}}]`))
	require.Equal(t, "179001", e.Key, "the comment id read from comment_id")
	require.Equal(t, "179000", e.Interaction.Parent)
	require.Equal(t, "178001", e.Interaction.Thread)

	e = parseOne(t, ig, entry(`"field":"comments","value":{"id":"179002","from":{"id":"IGSID-1","username":"u1"},"text":"sin changes","media":{"id":"178001"}}`))
	require.Equal(t, "179002", e.Key, "field and value on the entry itself")
	require.Equal(t, "sin changes", e.Interaction.Text)

	e = parseOne(t, ig, entry(`"changes":[{"field":"live_comments","value":{"id":"179003","from":{"id":"IGSID-2","username":"u2"},"text":"live!","media":{"id":"178002","media_product_type":"LIVE"}}}]`))
	require.Equal(t, "comment", e.Interaction.Kind)

	e = parseOne(t, ig, entry(`"changes":[{"field":"comments","value":{"id":"179004","from":{"id":"17841400000000001","username":"acme"},"text":"gracias!","media":{"id":"178001"}}}]`))
	require.Equal(t, channels.EventOutbound, e.Kind, "our own comment")

	e = parseOne(t, ig, entry(`"changes":[{"field":"mentions","value":{"media_id":"178100","comment_id":"179100"}}]`))
	require.Equal(t, "mention", e.Interaction.Kind)
	require.True(t, e.Interaction.Public)
	require.Equal(t, "179100", e.Interaction.ID)
	require.Equal(t, "178100", e.Interaction.Thread)
	require.Equal(t, "178100", e.Interaction.Parent)

	require.Equal(t, "mention:179100", e.Customer, "a mention's author is not told: a customer of its own")

	e = parseOne(t, ig, entry(`"changes":[{"field":"mentions","value":{"media_id":"178101"}}]`))
	require.Equal(t, "178101", e.Interaction.ID, "a caption mention is the media")
	require.Empty(t, e.Interaction.Parent)

	e = parseOne(t, ig, entry(`"changes":[{"field":"comments","value":{"id":"179005","text":"no from","media":{"id":"178001"}}}]`))
	require.Equal(t, "comment:179005", e.Customer, "a comment without from is a customer of its own")

	e = parseOne(t, ig, entry(`"changes":[{"field":"messages","value":{"sender":{"id":"IGSID-3"},"recipient":{"id":"17841400000000001"},"timestamp":"1763723100200","message":{"mid":"aWdf-test","text":"dashboard test"}}}]`))
	require.Equal(t, "aWdf-test", e.Key, "the dashboard's changes form of Direct")
	require.Equal(t, "message", e.Interaction.Kind)

	e = parseOne(t, ig, entry(`"messaging":[{"sender":{"id":"IGSID-3"},"recipient":{"id":"17841400000000001"},"timestamp":1763723100200,"message":{"mid":"aWdf-del","is_deleted":true}}]`))
	require.Equal(t, channels.EventRemoved, e.Kind)
	require.Equal(t, "aWdf-del", e.Target)

	e = parseOne(t, ig, entry(`"messaging":[{"sender":{"id":"IGSID-3"},"recipient":{"id":"17841400000000001"},"timestamp":1763723100999,"read":{"mid":"aWdf-out"}}]`))
	require.Equal(t, channels.EventWatermark, e.Kind)
	require.True(t, e.Read)
	require.True(t, time.UnixMilli(1763723100999).Equal(e.Watermark), "Instagram reads carry the mid: the receipt's time is the watermark")

	e = parseOne(t, ig, entry(`"messaging":[{"sender":{"id":"IGSID-3"},"recipient":{"id":"17841400000000001"},"timestamp":1,"message":{"mid":"aWdf-story","attachments":[{"type":"story_mention","payload":{"url":"https://lookaside/story"}}]}}]`))
	require.Equal(t, []engine.Attachment{{Type: "story_mention", URL: "https://lookaside/story"}}, e.Interaction.Attachments)

	e = parseOne(t, ig, entry(`"messaging":[{"sender":{"id":"17841400000000001"},"recipient":{"id":"IGSID-3"},"timestamp":1,"message":{"mid":"aWdf-echo","is_echo":true,"text":"ok","metadata":"sess/3.0"}}]`))
	require.Equal(t, channels.EventOutbound, e.Kind)
	require.Equal(t, "sess/3.0", e.Metadata)
	require.Equal(t, "IGSID-3", e.Customer)

	_, err := channels.Parse(ig, []byte(entry(`"changes":[{"field":"comments","value":{"text":"no id"}}]`)))
	require.ErrorContains(t, err, "neither id nor comment_id")
}

func TestParseX(t *testing.T) {
	t.Parallel()
	x := fixtureChannel("x-")
	e := parseOne(t, x, `{"for_user_id":"3001","tweet_create_events":[{"id_str":"2","text":"@acme_help my order…","extended_tweet":{"full_text":"@acme_help my order 7781 never arrived and nobody answers my emails, this is the third time","extended_entities":{"media":[{"type":"photo","media_url_https":"https://pbs/1.jpg"}]}},"in_reply_to_status_id_str":"1","user":{"id_str":"4003","name":"Carla Diaz","screen_name":"carla_d"},"timestamp_ms":"1763723300456"}]}`)
	require.Contains(t, e.Interaction.Text, "third time", "extended_tweet.full_text first")
	require.Equal(t, "1", e.Interaction.Thread, "a reply's thread is the tweet it answers")
	require.Equal(t, "1", e.Interaction.Parent)
	require.Equal(t, []engine.Attachment{{Type: "image", URL: "https://pbs/1.jpg"}}, e.Interaction.Attachments)

	e = parseOne(t, x, `{"for_user_id":"3001","tweet_create_events":[{"id_str":"3","text":"@carla_d sorry! DM us","in_reply_to_status_id_str":"2","in_reply_to_user_id_str":"4003","user":{"id_str":"3001","screen_name":"acme_help"},"timestamp_ms":"1763723400000"}]}`)
	require.Equal(t, channels.EventOutbound, e.Kind, "our own tweet")
	require.Equal(t, "4003", e.Customer)

	require.Equal(t, []string{"retweet"}, ignoredNames(t, x, `{"for_user_id":"3001","tweet_create_events":[{"id_str":"4","text":"RT @acme_help: news","retweeted_status":{"id_str":"1"},"user":{"id_str":"4004"}}]}`),
		"retweets are left out")

	e = parseOne(t, x, `{"for_user_id":"3001","direct_message_events":[{"type":"message_create","id":"1811000000000000009","created_timestamp":"1763723500000","message_create":{"target":{"recipient_id":"4002"},"sender_id":"3001","message_data":{"text":"Hi Bob"}}}],"users":{"3001":{"id":"3001","name":"Acme Help","screen_name":"acme_help"},"4002":{"id":"4002","name":"Bob Lee","screen_name":"bob"}}}`)
	require.Equal(t, channels.EventOutbound, e.Kind, "our own DM")
	require.Equal(t, "4002", e.Customer)
	require.Equal(t, "4002", e.Interaction.Thread, "a DM's thread is the other participant")
	require.Equal(t, engine.Author{ID: "3001", Name: "Acme Help", Handle: "acme_help"}, e.Interaction.Author)

	for ignored, name := range map[string]string{
		`{"for_user_id":"3001","favorite_events":[{"id":"f","favorited_status":{"id_str":"1"},"user":{"id_str":"4003"}}]}`:                                                  "favorite_events",
		`{"for_user_id":"3001","follow_events":[{"type":"follow","source":{"id":"4003"},"target":{"id":"3001"}}]}`:                                                          "follow_events",
		`{"for_user_id":"3001","direct_message_indicate_typing_events":[{"created_timestamp":"1","sender_id":"4002","target":{"recipient_id":"3001"}}]}`:                    "direct_message_indicate_typing_events",
		`{"for_user_id":"3001","direct_message_mark_read_events":[{"created_timestamp":"1","sender_id":"4002","target":{"recipient_id":"3001"},"last_read_event_id":"1"}]}`: "direct_message_mark_read_events",
		`{"for_user_id":"3001","direct_message_events":[{"type":"reaction_create","id":"9"}]}`:                                                                              "direct_message_events reaction_create",
		`{"for_user_id":"3001","user_event":{"revoke":{"date_time":"2025-11-21T11:00:00Z","source":{"user_id":"4002"}}}}`:                                                   "user_event",
	} {
		require.Equal(t, []string{name}, ignoredNames(t, x, ignored), ignored)
	}
	evs, err := channels.Parse(x, []byte(`{"for_user_id":"3001","favorite_events":[{"id":"f1"},{"id":"f2"}]}`))
	require.NoError(t, err)
	require.Len(t, evs, 2, "one per event")
	require.Equal(t, "f2", evs[1].Target)

	// a DM's attachment media as one object (DM events v1.1) or as a list
	for _, media := range []string{
		`{"type":"photo","media_url_https":"https://ton/1.jpg"}`,
		`[{"type":"photo","media_url_https":"https://ton/1.jpg"}]`,
	} {
		e = parseOne(t, x, `{"for_user_id":"3001","direct_message_events":[{"type":"message_create","id":"18","created_timestamp":"1763723500000","message_create":{"target":{"recipient_id":"3001"},"sender_id":"4002","message_data":{"text":"see","attachment":{"type":"media","media":`+media+`}}}}]}`)
		require.Equal(t, []engine.Attachment{{Type: "image", URL: "https://ton/1.jpg"}}, e.Interaction.Attachments, media)
	}

	e = parseOne(t, x, `{"for_user_id":"3001","tweet_delete_events":[{"status":{"id":"1811000000000000101","user_id":"4003"},"timestamp_ms":"1763723600000"}]}`)
	require.Equal(t, channels.EventRemoved, e.Kind)
	require.Equal(t, "1811000000000000101", e.Target)

	noAccount := x
	noAccount.Settings = nil
	_, err = channels.Parse(noAccount, []byte(`{"tweet_create_events":[{"id_str":"5","text":"hi","user":{"id_str":"4003"}}]}`))
	require.ErrorContains(t, err, "no for_user_id")
	e = parseOne(t, x, `{"tweet_create_events":[{"id_str":"5","text":"hi","user":{"id_str":"3001"}}]}`)
	require.Equal(t, channels.EventOutbound, e.Kind, "without for_user_id, settings.account_id tells our own tweets")
}

func TestParseWebchat(t *testing.T) {
	t.Parallel()
	ch := channels.Channel{ID: "wc-1", Type: channels.TypeWebchat}
	e := parseOne(t, ch, `{"id":"w-1","channel":"facebook","text":"hola","author":{"id":"visitor-9","name":"Vi"},"time":"2025-11-21T11:00:00Z"}`)
	require.Equal(t, "w-1", e.Key)
	require.Equal(t, "webchat", e.Interaction.Channel, "the channel is forced")
	require.Equal(t, "wc-1", e.Interaction.ChannelID)
	require.Equal(t, "message", e.Interaction.Kind)
	require.False(t, e.Interaction.Public)
	require.Equal(t, "visitor-9", e.Customer)
	require.Equal(t, "visitor-9", e.Interaction.Thread)

	body := `{"text":"sin id","author":{"id":"visitor-9"}}`
	e = parseOne(t, ch, body)
	require.Regexp(t, `^sha256:[0-9a-f]{64}$`, e.Key)
	require.Equal(t, e.Key, e.Interaction.ID)
	require.Equal(t, e.Key, parseOne(t, ch, body).Key, "the same body, the same key")

	e = parseOne(t, ch, `{"id":"w-2","kind":"comment","text":"c","author":{"id":"v"}}`)
	require.True(t, e.Interaction.Public, "public defaults from the kind")
	e = parseOne(t, ch, `{"id":"w-3","kind":"comment","public":false,"text":"c","author":{"id":"v"}}`)
	require.False(t, e.Interaction.Public)
}

func TestParseMalformed(t *testing.T) {
	t.Parallel()
	fb, ig, x := fixtureChannel("facebook"), fixtureChannel("instagram"), fixtureChannel("x-")
	wc := channels.Channel{ID: "wc", Type: channels.TypeWebchat}
	tests := []struct {
		name string
		ch   channels.Channel
		body string
		want string
	}{
		{"empty", fb, ``, "empty body"},
		{"not json", fb, `hello`, "want a JSON object"},
		{"a list", fb, `[{"object":"page"}]`, "want a JSON object"},
		{"cut short", fb, `{"object":"page","entry":[`, "not valid JSON"},
		{"two values", fb, `{"object":"page"} {}`, "more than one JSON value"},
		{"a stray brace", fb, `{"object":"page","entry":[]} }`, `more than one JSON value: "}" follows`},
		{"instagram to a page", fb, `{"object":"instagram","entry":[]}`, `object is "instagram"; a facebook channel takes "page"`},
		{"page to instagram", ig, `{"object":"page","entry":[]}`, `object is "page"`},
		{"entry a string", fb, `{"object":"page","entry":["x"]}`, "entry 1: want a JSON object"},
		{"entry without id", fb, `{"object":"page","entry":[{"time":1}]}`, "entry 1: no id"},
		{"entry a string", fb, `{"object":"page","entry":"x"}`, "entry is a JSON string where a list is expected"},
		{"changes a number", fb, `{"object":"page","entry":[{"id":"1","changes":5}]}`, "changes is a JSON number where a list is expected"},
		{"x events a string", x, `{"for_user_id":"1","direct_message_events":"x"}`, "direct_message_events is a JSON string where a list is expected"},
		{"message without mid", fb, `{"object":"page","entry":[{"id":"1","messaging":[{"sender":{"id":"p"},"message":{"text":"x"}}]}]}`, "entry 1 messaging 1: message has no mid"},
		{"text a number", fb, `{"object":"page","entry":[{"id":"1","messaging":[{"sender":{"id":"p"},"message":{"mid":"m","text":5}}]}]}`, "message.text is a JSON number where a string is expected"},
		{"x text an object", x, `{"for_user_id":"1","tweet_create_events":[{"id_str":"1","text":{},"user":{"id_str":"2"}}]}`, "tweet_create_events 1: text is a JSON object where a string is expected"},
		{"x tweet without user", x, `{"for_user_id":"1","tweet_create_events":[{"id_str":"1","text":"x"}]}`, "has no user.id_str"},
		{"x dm without sender", x, `{"for_user_id":"1","direct_message_events":[{"type":"message_create","id":"9","message_create":{"target":{"recipient_id":"1"}}}]}`, "has no sender_id"},
		{"webchat no author", wc, `{"id":"w","text":"x"}`, "author.id is missing"},
		{"webchat bad kind", wc, `{"id":"w","kind":"Fax Machine","author":{"id":"v"}}`, `kind "Fax Machine"`},
		{"webchat bad time", wc, `{"id":"w","time":"ayer","author":{"id":"v"}}`, "webchat payload"},
		{"unknown type", channels.Channel{ID: "q", Type: "myspace"}, `{}`, `unknown type "myspace"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := channels.Parse(tt.ch, []byte(tt.body))
			require.ErrorContains(t, err, tt.want)
			require.Empty(t, evs)
		})
	}

	// One bad event does not hide the good ones beside it.
	evs, err := channels.Parse(fb, []byte(`{"object":"page","entry":[{"id":"1","messaging":[{"sender":{"id":"p"},"message":{"text":"no mid"}},{"sender":{"id":"p"},"recipient":{"id":"1"},"timestamp":1,"message":{"mid":"m_ok","text":"fine"}}]}]}`))
	require.ErrorContains(t, err, "entry 1 messaging 1: message has no mid")
	require.Len(t, evs, 1)
	require.Equal(t, "m_ok", evs[0].Key)
}

func BenchmarkParse(b *testing.B) {
	for _, name := range []string{"facebook-messenger-batch.json", "facebook-feed-comment.json", "x-direct-message.json"} {
		ch, body := fixtureChannel(name), fixture(b, name)
		b.Run(strings.TrimSuffix(name, ".json"), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := channels.Parse(ch, body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
