package channels_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/channels"
)

// fuzzParse feeds bodies to Parse: it never panics, is deterministic, and every event it
// returns is whole (a kind, a key, and an interaction for inbound and outbound; a name for
// an ignored one).
func fuzzParse(f *testing.F, ch channels.Channel, prefix string, extra ...string) {
	for _, name := range fixtureNames(f) {
		if strings.HasPrefix(name, prefix) {
			f.Add(fixture(f, name))
		}
	}
	for _, s := range extra {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		evs, err := channels.Parse(ch, body)
		again, err2 := channels.Parse(ch, body)
		require.Equal(t, evs, again, "parsing is deterministic")
		require.Equal(t, err == nil, err2 == nil)
		if err != nil {
			require.NotEmpty(t, err.Error())
		}
		for _, e := range evs {
			if e.Kind == channels.EventIgnored {
				require.Empty(t, e.Key, "nothing is recorded of an ignored event")
				require.NotEmpty(t, e.Ignored, "an ignored event is named")
				continue
			}
			require.NotEmpty(t, e.Key, "event %+v has no key", e)
			switch e.Kind {
			case channels.EventInbound, channels.EventOutbound:
				require.NotEmpty(t, e.Interaction.ID)
				require.Equal(t, ch.Type, e.Interaction.Channel)
				require.Equal(t, ch.ID, e.Interaction.ChannelID)
				require.NotEmpty(t, e.Interaction.Kind)
			case channels.EventWatermark:
				require.False(t, e.Watermark.IsZero())
			case channels.EventRemoved:
				require.NotEmpty(t, e.Target)
			default:
				t.Fatalf("unknown event kind %q", e.Kind)
			}
			_, err := json.Marshal(e)
			require.NoError(t, err)
		}
	})
}

func FuzzParseFacebook(f *testing.F) {
	fuzzParse(f, fixtureChannel("facebook"), "facebook",
		`{"object":"page","entry":[{"id":"1","messaging":[{"sender":{"id":"p"},"recipient":{"id":"1"},"timestamp":1,"postback":{"title":"t","payload":"P"}}]}]}`,
		`{"object":"page","entry":[{"id":"1","messaging":[{"sender":{"id":"p"},"recipient":{"id":"1"},"timestamp":1,"delivery":{"mids":["m"],"watermark":1763722802800}}]}]}`,
		`{"object":"page","entry":[{"id":"1","changes":[{"field":"feed","value":{"item":"comment","verb":"remove","comment_id":"c","post_id":"p","created_time":"1763722800"}}]}]}`,
		`{"object":"page","entry":[{"id":1,"messaging":[{"sender":{"id":12345678901234567890},"message":{"mid":"m","attachments":[{"type":"image","payload":{"url":"u"}}]}}]}]}`,
		`{"object":"page","entry":{"id":"1","messaging":{"sender":{"user_ref":"u"},"recipient":{"id":"1"},"timestamp":"1","postback":{"payload":"P"}}}}`,
		`{"object":"page","entry":[{"id":"1","changes":[{"field":"feed","value":{"item":"comment","verb":"add","comment_id":"c","post":{"id":"p"},"sender_id":1,"sender_name":"n"}}]}]}`,
	)
}

func FuzzParseInstagram(f *testing.F) {
	fuzzParse(f, fixtureChannel("instagram"), "instagram",
		`{"object":"instagram","entry":[{"id":"1","time":1,"field":"comments","value":{"comment_id":"c","from":{"id":"u","username":"n"},"text":"t","media":{"id":"m"}}}]}`,
		`{"object":"instagram","entry":[{"id":"1","time":1,"changes":[{"field":"mentions","value":{"media_id":"m","comment_id":"c"}}]}]}`,
		`{"object":"instagram","entry":[{"id":"1","time":1,"changes":[{"field":"messages","value":{"sender":{"id":"u"},"recipient":{"id":"1"},"timestamp":"1","message":{"mid":"m","is_deleted":true}}}]}]}`,
	)
}

func FuzzParseX(f *testing.F) {
	fuzzParse(f, fixtureChannel("x-"), "x-",
		`{"for_user_id":"3001","tweet_create_events":[{"id_str":"2","text":"t","extended_tweet":{"full_text":"full"},"in_reply_to_status_id_str":"1","user":{"id_str":"3001"},"timestamp_ms":"1"}]}`,
		`{"for_user_id":"3001","tweet_delete_events":[{"status":{"id":"1","user_id":"2"},"timestamp_ms":"1"}]}`,
		`{"for_user_id":"3001","favorite_events":[{}]}`,
	)
}

func FuzzParseWebchat(f *testing.F) {
	fuzzParse(f, channels.Channel{ID: "wc-1", Type: channels.TypeWebchat}, "webchat",
		`{"id":"w-1","channel":"webchat","kind":"message","public":false,"text":"hola","author":{"id":"v","name":"V","handle":"v"},"time":"2025-11-21T11:00:00Z","thread":"t"}`,
		`{"text":"no id","author":{"id":"v"}}`,
		`{"kind":"comment","author":{"id":"v"}}`,
	)
}
