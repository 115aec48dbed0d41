package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/channels"
	"github.com/switchboardhq/switchboard/channels/fakenet"
	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/server"
	"github.com/switchboardhq/switchboard/store"
)

// The flow's reply to everything (testdata/flows/replies.yaml).
const reply = "¡Gracias por escribirnos! ¿Nos das más detalles?"

// fixtureCase is what the fixtures' README says a fixture yields, and what the flow's reply
// to it asks of the network.
type fixtureCase struct {
	file    string
	channel string
	// in is the customer's interaction the fixture yields.
	in store.Interaction
	// textHas is a part of the customer's text.
	textHas string
	// path and body are the network request of the flow's reply (graph paths without the version).
	path string
	body func(actionID string) map[string]any
	// attachments, when set, are the customer's interaction's attachments.
	attachments []engine.Attachment
}

func (c fixtureCase) network() string {
	if c.channel == xChannel {
		return "twitter"
	}
	if c.channel == igChannel {
		return "instagram"
	}
	return "facebook"
}

// signatureHeader is the header the fixture's network signs with.
func (c fixtureCase) signatureHeader() string {
	if c.channel == xChannel {
		return channels.HeaderXSignature
	}
	return channels.HeaderMetaSignature
}

var fixtureCases = []fixtureCase{
	{file: "facebook-feed-comment.json", channel: pageChannel,
		in:      store.Interaction{ExternalID: "900100_555001", Kind: "comment", Public: true, Author: author("7001", "Ana Ruiz", "")},
		textHas: "¿me ayudan?", path: "/900100_555001/comments",
		body: func(string) map[string]any { return map[string]any{"message": reply} }},
	{file: "facebook-feed-visitor-post.json", channel: pageChannel,
		in:      store.Interaction{ExternalID: "104857600000001_900200", Kind: "post", Public: true, Author: author("7002", "Bruno Costa", "")},
		textHas: "Great service", path: "/104857600000001_900200/comments",
		body: func(string) map[string]any { return map[string]any{"message": reply} }},
	{file: "facebook-messenger-batch.json", channel: pageChannel,
		in:      store.Interaction{ExternalID: "m_AbC123", Kind: "message", Public: false, Author: author("PSID-8801", "", "")},
		textHas: "cancelar mi plan", path: "/" + fakenet.PageID + "/messages",
		body: func(id string) map[string]any {
			return map[string]any{"recipient": map[string]any{"id": "PSID-8801"}, "messaging_type": "RESPONSE",
				"message": map[string]any{"text": reply, "metadata": id}}
		}},
	{file: "instagram-comment.json", channel: igChannel,
		in:      store.Interaction{ExternalID: "17900000000000001", Kind: "comment", Public: true, Author: author("IGSID-5501", "", "ana.r")},
		textHas: "plan familiar", path: "/17900000000000001/replies",
		body: func(string) map[string]any { return map[string]any{"message": reply} }},
	{file: "instagram-direct.json", channel: igChannel,
		in:      store.Interaction{ExternalID: "aWdfZAbc001", Kind: "message", Public: false, Author: author("IGSID-5501", "", "")},
		textHas: "Cordoba", path: "/" + fakenet.IGAccountID + "/messages",
		body: func(id string) map[string]any {
			return map[string]any{"recipient": map[string]any{"id": "IGSID-5501"}, "messaging_type": "RESPONSE",
				"message": map[string]any{"text": reply, "metadata": id}}
		}},
	{file: "x-direct-message.json", channel: xChannel,
		in:      store.Interaction{ExternalID: "1811000000000000001", Kind: "dm", Public: false, Author: author("4002", "Bob Lee", "bob")},
		textHas: "charged twice", path: "/2/dm_conversations/with/4002/messages",
		body: func(string) map[string]any { return map[string]any{"text": reply} }},
	{file: "x-mention.json", channel: xChannel,
		in:      store.Interaction{ExternalID: "1811000000000000101", Kind: "mention", Public: true, Author: author("4003", "Carla Diaz", "carla_d")},
		textHas: "never arrived", path: "/2/tweets",
		body: func(string) map[string]any {
			return map[string]any{"text": reply, "reply": map[string]any{"in_reply_to_tweet_id": "1811000000000000101"}}
		}},
	{file: "facebook-feed-comment-sender-id.json", channel: pageChannel,
		in:      store.Interaction{ExternalID: "900300_556001", Kind: "comment", Public: true, Author: author("7101", "Lucía Gómez", "")},
		textHas: "código de verificación", path: "/900300_556001/comments",
		body: func(string) map[string]any { return map[string]any{"message": reply} }},
	{file: "facebook-messenger-postback-user-ref.json", channel: pageChannel,
		in:      store.Interaction{ExternalID: "m_PbUref01", Kind: "message", Public: false, Author: author("user_ref:UREF-4411-aa", "", "")},
		textHas: "Talk to someone", path: "/" + fakenet.PageID + "/messages",
		body: func(id string) map[string]any {
			return map[string]any{"recipient": map[string]any{"user_ref": "UREF-4411-aa"}, "messaging_type": "RESPONSE",
				"message": map[string]any{"text": reply, "metadata": id}}
		}},
	{file: "x-direct-message-media-list.json", channel: xChannel,
		in:      store.Interaction{ExternalID: "1811000000000000011", Kind: "dm", Public: false, Author: author("4005", "Dana Kim", "dana_k")},
		textHas: "receipt", path: "/2/dm_conversations/with/4005/messages",
		body: func(string) map[string]any { return map[string]any{"text": reply} },
		attachments: []engine.Attachment{{Type: "image",
			URL: "https://ton.twitter.com/1.1/ton/data/dm/1811000000000000011/1811000000000000012/receipt.jpg"}}},
}

func TestEveryFixtureYieldsWhatItsREADMESays(t *testing.T) {
	t.Parallel()
	for _, fc := range fixtureCases {
		t.Run(strings.TrimSuffix(fc.file, ".json"), func(t *testing.T) {
			eachBackend(t, func(t *testing.T, b backend) {
				n := startNode(t, b)
				body, sig := fixture(t, fc.file)
				path := "/webhooks/" + fc.network() + "/" + fc.channel
				r := n.do(t, "POST", path, body, fc.signatureHeader(), sig, "Content-Type", "application/json")
				require.Equal(t, 200, r.status, "%s", r.body)
				require.Equal(t, "EVENT_RECEIVED", string(r.body))
				n.settle(t)

				ins := n.interactions(t, fc.channel)
				var inbound []store.Interaction
				for _, in := range ins {
					if in.Direction == store.Inbound {
						inbound = append(inbound, in)
					}
				}
				require.Len(t, inbound, 1, "one customer interaction: %+v", ins)
				got := inbound[0]
				require.Equal(t, fc.in.ExternalID, got.ExternalID)
				require.Equal(t, fc.in.Kind, got.Kind)
				require.Equal(t, fc.in.Public, got.Public)
				require.Equal(t, fc.in.Author, got.Author)
				require.Contains(t, got.Text, fc.textHas)
				if fc.attachments != nil {
					require.Equal(t, fc.attachments, got.Attachments)
				}
				conv, err := n.st.ConversationGet(t.Context(), got.ConversationID)
				require.NoError(t, err)
				require.Equal(t, fc.in.Author.ID, conv.Customer, "the conversation is the author's")

				// the flow's reply, through the outbox, to the network's real endpoint
				var replies []store.Interaction
				for _, in := range ins {
					if in.Direction == store.Outbound && in.ActionID != "" {
						replies = append(replies, in)
					}
				}
				require.Len(t, replies, 1, "the flow replied once")
				out := replies[0]
				require.Equal(t, reply, out.Text)
				require.Equal(t, store.OutboxSent, out.Status)
				require.Equal(t, fc.in.Public, out.Public, "the reply goes the way the customer wrote")
				requests := n.graph.Requests()
				wantPath := "/" + fakenet.GraphVersion + fc.path
				if fc.channel == xChannel {
					requests, wantPath = n.x.Requests(), fc.path
				}
				require.Len(t, requests, 1)
				require.Equal(t, "POST", requests[0].Method)
				require.Equal(t, wantPath, requests[0].Path)
				require.Equal(t, fc.body(out.ActionID), requests[0].Body)
				require.NotEmpty(t, out.ExternalID, "the network's id of the reply is kept")

				if fc.file == "facebook-messenger-batch.json" {
					checkMessengerBatch(t, ins)
				}
				if fc.file == "facebook-feed-comment.json" {
					require.True(t, bytes.Contains(body, []byte(`\u00bf`)), "the fixture keeps Meta's escape")
					require.Contains(t, got.Text, "¿", "the escape is read as ¿")
				}

				// the network delivers it again, four more times: nothing new
				before := n.snapshot(t)
				for range 4 {
					r := n.do(t, "POST", path, body, fc.signatureHeader(), sig)
					require.Equal(t, 200, r.status, "%s", r.body)
				}
				n.settle(t)
				require.Equal(t, before, n.snapshot(t), "a payload delivered five times is processed once")
				require.Equal(t, 5, n.db.Count(t, `SELECT count(*) FROM webhook_events WHERE status = 'done'`),
					"each delivery is stored and done")
			})
		})
	}
}

// TestFeedCommentsOfSeveralPeopleNamedBySenderID posts comments of two people named by
// sender_id, the page's own answer named the same way, and a reaction: each person has a
// conversation and a reply of their own, the page's answer is recorded as ours, and the
// reaction leaves nothing.
func TestFeedCommentsOfSeveralPeopleNamedBySenderID(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		n := startNode(t, b)
		body, sig := fixture(t, "facebook-feed-page-comment.json")
		path := "/webhooks/facebook/" + pageChannel
		r := n.do(t, "POST", path, body, channels.HeaderMetaSignature, sig, "Content-Type", "application/json")
		require.Equal(t, 200, r.status, "%s", r.body)
		n.settle(t)

		require.Equal(t, 2, n.db.Count(t, `SELECT count(*) FROM conversations`))
		require.Zero(t, n.db.Count(t, `SELECT count(*) FROM conversations WHERE customer = ''`), "no conversation of nobody")
		byCustomer := map[string][]store.Interaction{}
		ctx := t.Context()
		for _, customer := range []string{"7102", "7103"} {
			conv, err := n.st.ConversationFind(ctx, pageChannel, customer)
			require.NoError(t, err, "customer %s has a conversation", customer)
			ins, err := n.st.InteractionList(ctx, conv.ID)
			require.NoError(t, err)
			byCustomer[customer] = ins
		}
		inbound := func(ins []store.Interaction) []string {
			var ids []string
			for _, in := range ins {
				if in.Direction == store.Inbound {
					ids = append(ids, in.ExternalID)
				}
			}
			return ids
		}
		require.Equal(t, []string{"900300_556002"}, inbound(byCustomer["7102"]))
		require.Equal(t, []string{"900300_556003"}, inbound(byCustomer["7103"]))

		var pages []store.Interaction
		for _, in := range byCustomer["7102"] {
			if in.ExternalID == "900300_556004" {
				pages = append(pages, in)
			}
		}
		require.Len(t, pages, 1, "the page's answer is in the conversation of the comment it answers")
		require.Equal(t, store.Outbound, pages[0].Direction, "the page's comment is ours, not a customer's")

		var paths []string
		for _, req := range n.graph.Requests() {
			paths = append(paths, req.Path)
		}
		require.ElementsMatch(t, []string{"/" + fakenet.GraphVersion + "/900300_556002/comments", "/" + fakenet.GraphVersion + "/900300_556003/comments"},
			paths, "one reply to each person, none to the page's comment or the reaction")

		before := n.snapshot(t)
		r = n.do(t, "POST", path, body, channels.HeaderMetaSignature, sig)
		require.Equal(t, 200, r.status, "%s", r.body)
		n.settle(t)
		require.Equal(t, before, n.snapshot(t), "delivered again: nothing new")
	})
}

// TestIgnoredEventFixtures posts payloads of events the engine has no use for: they are
// answered, stored and done, logged at debug with their type, and leave nothing else.
func TestIgnoredEventFixtures(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		n := startNode(t, b)
		for _, fc := range []fixtureCase{{file: "facebook-ignored-events.json", channel: pageChannel}, {file: "x-ignored-events.json", channel: xChannel}} {
			body, sig := fixture(t, fc.file)
			r := n.do(t, "POST", "/webhooks/"+fc.network()+"/"+fc.channel, body, fc.signatureHeader(), sig, "Content-Type", "application/json")
			require.Equal(t, 200, r.status, "%s: %s", fc.file, r.body)
		}
		n.settle(t)
		require.Equal(t, 2, n.db.Count(t, `SELECT count(*) FROM webhook_events WHERE status = 'done' AND error = ''`),
			"each payload is done, none failed")
		require.Equal(t, snapshot{}, n.snapshot(t), "ignored events leave nothing")
		require.ElementsMatch(t, []string{"reaction", "optin", "delivery without a watermark", "standby message", "leadgen",
			"favorite_events", "follow_events", "direct_message_indicate_typing_events", "direct_message_mark_read_events"},
			n.logs.messages(slog.LevelDebug, "a webhook event is ignored", "type"), "each is logged at debug with its type")
	})
}

// checkMessengerBatch checks the batch's echo and read receipt.
func checkMessengerBatch(t *testing.T, ins []store.Interaction) {
	t.Helper()
	var echo *store.Interaction
	for i, in := range ins {
		if in.ExternalID == "m_EcHo01" {
			require.Nil(t, echo, "the echo is recorded once")
			echo = &ins[i]
		}
	}
	require.NotNil(t, echo, "the echo of our send is recorded")
	require.Equal(t, store.Outbound, echo.Direction, "the echo is ours, not the customer's")
	require.Equal(t, "Te ayudamos enseguida", echo.Text)
	require.Equal(t, "read", echo.Status, "the read watermark covers the echo")
	for _, in := range ins {
		if in.ActionID != "" {
			require.Equal(t, store.OutboxSent, in.Status, "our reply, written after the watermark, is not read")
		}
	}
	require.Len(t, ins, 3, "the customer's message, the echo, the flow's reply")
}

// author is an interaction's author.
func author(id, name, handle string) engine.Author {
	return engine.Author{ID: id, Name: name, Handle: handle}
}

func TestMessengerBatchRebatchedIsProcessedOnce(t *testing.T) {
	t.Parallel()
	batch, sig := fixture(t, "facebook-messenger-batch.json")
	var whole struct {
		Object string            `json:"object"`
		Entry  []json.RawMessage `json:"entry"`
	}
	require.NoError(t, json.Unmarshal(batch, &whole))
	require.Len(t, whole.Entry, 3)
	split := make([][]byte, len(whole.Entry))
	for i, e := range whole.Entry {
		split[i] = mustJSON(t, map[string]any{"object": whole.Object, "entry": []json.RawMessage{e}})
	}
	path := "/webhooks/facebook/" + pageChannel
	post := func(t *testing.T, n *node, body []byte, sig string) {
		t.Helper()
		r := n.do(t, "POST", path, body, channels.HeaderMetaSignature, sig)
		require.Equal(t, 200, r.status, "%s", r.body)
	}
	eachBackend(t, func(t *testing.T, b backend) {
		// the batch, then its entries one by one: nothing new
		first := startNode(t, b)
		post(t, first, batch, sig)
		first.settle(t)
		want := first.snapshot(t)
		checkMessengerBatch(t, first.interactions(t, pageChannel))
		for _, body := range split {
			post(t, first, body, channels.SignHex(fakenet.AppSecret, body))
		}
		first.settle(t)
		require.Equal(t, want, first.snapshot(t), "the events of a batch delivered again one by one are not processed again")

		// the entries one by one, then the batch: the same as the batch alone
		second := startNode(t, b)
		for _, body := range split {
			post(t, second, body, channels.SignHex(fakenet.AppSecret, body))
			second.settle(t)
		}
		post(t, second, batch, sig)
		second.settle(t)
		require.Equal(t, want, second.snapshot(t))
		checkMessengerBatch(t, second.interactions(t, pageChannel))
	})
}

func TestUnsignedOrMisaddressedWebhooksStoreNothing(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		n := startNode(t, b)
		comment, commentSig := fixture(t, "facebook-feed-comment.json")
		_, otherSig := fixture(t, "facebook-feed-visitor-post.json")
		dm, dmSig := fixture(t, "x-direct-message.json")
		// re-encoding the body turns \u00bf into ¿: the signature no longer matches its bytes
		var decoded any
		require.NoError(t, json.Unmarshal(comment, &decoded))
		reencoded, err := json.Marshal(decoded)
		require.NoError(t, err)
		require.NotEqual(t, comment, reencoded)

		for _, tc := range []struct {
			name   string
			path   string
			body   []byte
			header []string
			status int
		}{
			{"no signature", "/webhooks/facebook/" + pageChannel, comment, nil, 401},
			{"another body's signature", "/webhooks/facebook/" + pageChannel, comment, []string{channels.HeaderMetaSignature, otherSig}, 403},
			{"sha1 only", "/webhooks/facebook/" + pageChannel, comment, []string{"X-Hub-Signature", "sha1=" + strings.Repeat("0", 40)}, 401},
			{"malformed signature", "/webhooks/facebook/" + pageChannel, comment, []string{channels.HeaderMetaSignature, "sha256=zz"}, 403},
			{"re-encoded body", "/webhooks/facebook/" + pageChannel, reencoded, []string{channels.HeaderMetaSignature, commentSig}, 403},
			{"signed with another secret", "/webhooks/facebook/" + pageChannel, comment,
				[]string{channels.HeaderMetaSignature, channels.SignHex("not-the-app-secret", comment)}, 403},
			{"x signature in Meta's header", "/webhooks/twitter/" + xChannel, dm, []string{channels.HeaderMetaSignature, dmSig}, 401},
			{"hex where X signs in base64", "/webhooks/twitter/" + xChannel, dm,
				[]string{channels.HeaderXSignature, channels.SignHex(fakenet.ConsumerSecret, dm)}, 403},
			{"unknown channel", "/webhooks/facebook/no-such-page", comment, []string{channels.HeaderMetaSignature, commentSig}, 404},
			{"another network's channel", "/webhooks/instagram/" + pageChannel, comment, []string{channels.HeaderMetaSignature, commentSig}, 404},
			{"x path for a facebook channel", "/webhooks/twitter/" + pageChannel, comment, []string{channels.HeaderMetaSignature, commentSig}, 404},
			{"unknown network", "/webhooks/myspace/" + pageChannel, comment, []string{channels.HeaderMetaSignature, commentSig}, 404},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := n.do(t, "POST", tc.path, tc.body, tc.header...)
				require.Equal(t, tc.status, r.status, "%s", r.body)
			})
		}
		n.settle(t)
		require.Zero(t, n.db.Count(t, `SELECT count(*) FROM webhook_events`), "nothing is stored")
		require.Zero(t, n.db.Count(t, `SELECT count(*) FROM interactions`))
		require.Empty(t, n.graph.Requests())

		// a body over the limit is refused before it is read
		for _, size := range []int{server.DefaultBodyLimit + 1, 64 << 20} {
			status := postOversized(t, n, "/webhooks/facebook/"+pageChannel, size, channels.HeaderMetaSignature, commentSig)
			require.Equal(t, 413, status, "a body of %d bytes", size)
		}
		require.Zero(t, n.db.Count(t, `SELECT count(*) FROM webhook_events`), "nothing is stored")

		// a disabled channel takes no webhooks either, from the moment its change is announced
		// (as the admin API does once it committed the change)
		ch, err := n.st.ChannelGet(t.Context(), pageChannel)
		require.NoError(t, err)
		ch.Enabled = false
		_, err = n.st.ChannelUpdate(t.Context(), ch, "e2e")
		require.NoError(t, err)
		require.NoError(t, n.d.AnnounceChannelChange(t.Context(), pageChannel))
		handshake := "/webhooks/facebook/" + pageChannel + "?hub.mode=subscribe&hub.challenge=1&hub.verify_token=" + fakenet.VerifyToken
		require.Equal(t, 404, n.do(t, "GET", handshake, nil).status)
		r := n.do(t, "POST", "/webhooks/facebook/"+pageChannel, comment, channels.HeaderMetaSignature, commentSig)
		require.Equal(t, 404, r.status, "%s", r.body)
		require.Zero(t, n.db.Count(t, `SELECT count(*) FROM webhook_events`))
	})
}

// postOversized sends the head of a POST whose Content-Length is size, and the first bytes
// of its body, and returns the status of the answer, which must come before the rest.
func postOversized(t *testing.T, n *node, path string, size int, header ...string) int {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(n.url, "http://"))
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(time.Minute)))
	head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n",
		path, strings.TrimPrefix(n.url, "http://"), size)
	for i := 0; i+1 < len(header); i += 2 {
		head += header[i] + ": " + header[i+1] + "\r\n"
	}
	_, err = io.WriteString(conn, head+"\r\n"+strings.Repeat(" ", 1024))
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

func TestVerificationHandshakes(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		n := startNode(t, b)
		meta := func(mode, token, challenge string) string {
			return "?" + url.Values{"hub.mode": {mode}, "hub.verify_token": {token}, "hub.challenge": {challenge}}.Encode()
		}
		for _, network := range []struct{ name, channel string }{{"facebook", pageChannel}, {"instagram", igChannel}} {
			path := "/webhooks/" + network.name + "/" + network.channel
			r := n.do(t, "GET", path+meta("subscribe", fakenet.VerifyToken, "1158201444"), nil)
			require.Equal(t, 200, r.status, "%s", r.body)
			require.Equal(t, "1158201444", string(r.body), "the challenge, exactly")
			require.True(t, strings.HasPrefix(r.header.Get("Content-Type"), "text/plain"), r.header.Get("Content-Type"))

			r = n.do(t, "GET", path+meta("subscribe", "wrong-token", "1158201444"), nil)
			require.Equal(t, 403, r.status)
			require.NotContains(t, string(r.body), "1158201444")
			r = n.do(t, "GET", path+meta("unsubscribe", fakenet.VerifyToken, "1158201444"), nil)
			require.Equal(t, 403, r.status)
		}

		r := n.do(t, "GET", "/webhooks/twitter/"+xChannel+"?crc_token=Y3JjLXRva2Vu", nil)
		require.Equal(t, 200, r.status, "%s", r.body)
		require.True(t, strings.HasPrefix(r.header.Get("Content-Type"), "application/json"), r.header.Get("Content-Type"))
		require.Equal(t, map[string]any{"response_token": channels.SignBase64(fakenet.ConsumerSecret, []byte("Y3JjLXRva2Vu"))}, r.json(t))

		r = n.do(t, "GET", "/webhooks/twitter/"+pageChannel+"?crc_token=abc", nil)
		require.Equal(t, 404, r.status, "a facebook channel answers no X CRC")
		r = n.do(t, "GET", "/webhooks/facebook/no-such-page"+meta("subscribe", fakenet.VerifyToken, "1"), nil)
		require.Equal(t, 404, r.status)
		require.Zero(t, n.db.Count(t, `SELECT count(*) FROM webhook_events`))
	})
}
