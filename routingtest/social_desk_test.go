package routingtest

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/channels/fakenet"
	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/server/openapitest"
	"github.com/switchboardhq/switchboard/store"
)

// facebook creates a Facebook channel on a fake Graph API, with settings over the fake's.
func (c *centre) facebook(t *testing.T, id string, graph *fakenet.FakeGraph, settings map[string]any) {
	t.Helper()
	fb := graph.FacebookChannel()
	for k, v := range settings {
		fb.Settings[k] = v
	}
	c.adminCall(t, "POST", "/api/v1/channels", map[string]any{"id": id, "type": "facebook", "name": id,
		"credentials": fb.Credentials, "settings": fb.Settings, "enabled": true}).expect(t, 201)
}

// handOver stores a conversation of a customer on a channel with the customer's interactions,
// assigned to an agent, as the ACD leaves one it assigned; it returns the conversation's id and
// the interactions' ids.
func (c *centre) handOver(t *testing.T, channel, customer, agent string, ins ...store.Interaction) (string, []int64) {
	t.Helper()
	var conv store.Conversation
	var ids []int64
	require.NoError(t, c.st.InTx(c.ctx, func(tx store.Tx) error {
		var err error
		if conv, _, err = tx.ConversationOpen(c.ctx, channel, customer, ""); err != nil {
			return err
		}
		for _, in := range ins {
			in.ConversationID, in.ChannelID, in.Direction = conv.ID, channel, store.Inbound
			in.Author = engine.Author{ID: customer, Name: customer}
			stored, err := tx.InteractionInsert(c.ctx, in)
			if err != nil {
				return err
			}
			ids = append(ids, stored.ID)
			conv.LastInboundAt = &in.At
		}
		conv.Agent, conv.Skill = agent, "billing"
		if err := tx.ConversationUpdate(c.ctx, conv); err != nil {
			return err
		}
		now := c.clock.Now()
		return tx.QueueInsert(c.ctx, store.QueueEntry{Ref: "s-" + conv.ID + "/1", SessionID: "s-" + conv.ID, ConversationID: conv.ID,
			ChannelID: channel, ChannelType: "facebook", Skill: "billing", EnqueuedAt: now, Status: store.QueueAssigned, Agent: agent,
			AssignedAt: &now})
	}))
	return conv.ID, ids
}

func TestAgentReplyRules(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		graph := fakenet.NewFakeGraph(t)
		c.skill(t, "billing", nil)
		c.facebook(t, "page", graph, nil)
		ana := c.agent(t, "ana", map[string]any{"skills": map[string]int{"billing": 5}})
		conv, ids := c.handOver(t, "page", "psid-1", "ana",
			store.Interaction{ExternalID: "m_1", Kind: "message", Text: "my order is late", At: at("08:00:00")},
			store.Interaction{ExternalID: fakenet.PageID + "_555001", Kind: "comment", Public: true, Text: "still waiting!", At: at("08:00:00")})
		dm, comment := ids[0], ids[1]
		reply := func(body map[string]any) *answer {
			return c.call(t, ana, "POST", "/api/v1/agent/conversations/"+conv+"/reply", body)
		}
		sent := func(n int) {
			t.Helper()
			c.d.RunDue(c.ctx)
			eventually(t, fmt.Sprintf("%d sends reach Graph", n), func() bool { return len(graph.Sent()) == n })
		}
		nothingQueued := func() {
			t.Helper()
			counts, err := c.st.PipelineCounts(c.ctx)
			require.NoError(t, err)
			require.Zero(t, counts.PendingOutbox, "a refused reply queues nothing")
		}
		statusOf := func(i int) func() bool {
			return func() bool {
				v := c.deskView(t, ana, conv)
				return len(v.Interactions) > i && v.Interactions[i].Send != nil && v.Interactions[i].Send.Status != "pending"
			}
		}

		// a private reply to the public comment, once
		reply(map[string]any{"text": "Let me look: I write you privately.", "visibility": "private", "reply_to": comment}).expect(t, 202)
		sent(1)
		eventually(t, "the private reply is recorded", statusOf(2))
		require.Equal(t, "Let me look: I write you privately.", graph.Sent()[0].Text)
		again := reply(map[string]any{"text": "And again", "visibility": "private", "reply_to": comment})
		again.refused(t, 409, "private_reply_used")
		nothingQueued()
		v := c.deskView(t, ana, conv)
		require.Equal(t, "used", v.Interactions[1].PrivateReply)
		require.Empty(t, v.Interactions[0].PrivateReply)
		require.True(t, v.Window.PublicAllowed)

		reply(map[string]any{"text": "x", "reply_to": 999999999}).refused(t, 400, "invalid")
		var bad struct {
			Error struct{ Field string } `json:"error"`
		}
		reply(map[string]any{"text": "x", "reply_to": "abc"}).expect(t, 400).decode(t, &bad)
		require.Equal(t, "reply_to", bad.Error.Field)
		reply(map[string]any{"text": "x", "visibility": "public", "reply_to": dm}).refused(t, 422, "refused")

		// a send the network refuses shows failed with its reason, and is sent again on demand
		graph.FailNext(551, 0, 1)
		var item store.OutboxItem
		reply(map[string]any{"text": "Your order ships today.", "reply_to": dm}).expect(t, 202).decode(t, &item)
		c.d.RunDue(c.ctx)
		eventually(t, "the refused send is recorded", statusOf(3))
		failed := c.deskView(t, ana, conv).Interactions[3]
		require.Equal(t, "Your order ships today.", failed.Text)
		require.NotNil(t, failed.Send)
		require.Equal(t, "failed", failed.Send.Status)
		require.Contains(t, failed.Send.Error, "551")
		in, err := c.st.InteractionByAction(c.ctx, item.ActionID)
		require.NoError(t, err)
		retry := func(id int64) *answer {
			return c.call(t, ana, "POST", fmt.Sprintf("/api/v1/agent/conversations/%s/retry/%d", conv, id), nil)
		}
		retry(dm).refused(t, 404, "not_found")
		retry(in.ID).expect(t, 202)
		sent(2)
		require.Equal(t, "Your order ships today.", graph.Sent()[1].Text)
		eventually(t, "the retried send is recorded", statusOf(3))
		require.Equal(t, "sent", c.deskView(t, ana, conv).Interactions[3].Send.Status)
		retry(in.ID).refused(t, 409, "conflict")
		nothingQueued()
		c.call(t, ana, "POST", "/api/v1/agent/conversations/"+conv+"/retry/x"+strconv.Itoa(1), nil).refused(t, 400, "invalid")

		// past the 24-hour window, a private message is refused before anything is sent
		c.clock.Set(at("08:00:00").Add(25 * time.Hour))
		v = c.deskView(t, ana, conv)
		require.False(t, v.Window.PrivateOpen)
		require.Equal(t, at("08:00:00").Add(24*time.Hour), v.Window.PrivateUntil.UTC())
		closed := reply(map[string]any{"text": "Are you still there?", "reply_to": dm})
		var e struct {
			Error struct{ Code, Field string } `json:"error"`
		}
		closed.expect(t, 422).decode(t, &e)
		require.Equal(t, "window_closed", e.Error.Code)
		require.Equal(t, "visibility", e.Error.Field)
		nothingQueued()
	})
}

func TestAgentActions(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		graph := fakenet.NewFakeGraph(t)
		c.skill(t, "billing", nil)
		c.facebook(t, "page", graph, nil)
		ana := c.agent(t, "ana", map[string]any{"skills": map[string]int{"billing": 5}})
		bo := c.agent(t, "bo", map[string]any{"skills": map[string]int{"billing": 5}})
		comment := fakenet.PageID + "_555002"
		conv, ids := c.handOver(t, "page", "psid-2", "ana",
			store.Interaction{ExternalID: comment, Kind: "comment", Public: true, Text: "rubbish service", At: at("08:00:00")},
			store.Interaction{ExternalID: "m_2", Kind: "message", Text: "hello", At: at("08:00:00")})
		act := func(token, action string, interaction int64) *answer {
			return c.call(t, token, "POST", "/api/v1/agent/conversations/"+conv+"/actions",
				map[string]any{"action": action, "interaction": interaction})
		}
		field := func(a *answer, status int, code, field string) {
			t.Helper()
			var e struct {
				Error struct{ Code, Field string } `json:"error"`
			}
			a.expect(t, status).decode(t, &e)
			require.Equal(t, code, e.Error.Code)
			require.Equal(t, field, e.Error.Field)
		}
		field(act(ana, "retweet", ids[0]), 422, "refused", "action")
		field(act(ana, "shout", ids[0]), 422, "refused", "action")
		field(act(ana, "like", ids[1]), 422, "refused", "action")
		field(act(ana, "like", 99999999), 400, "invalid", "interaction")
		act(bo, "like", ids[0]).refused(t, 409, "not_yours")

		act(ana, "like", ids[0]).expect(t, 202)
		for _, a := range []string{"hide", "unhide"} {
			// the id as the digits of a string, as some clients send ids
			c.call(t, ana, "POST", "/api/v1/agent/conversations/"+conv+"/actions",
				map[string]any{"action": a, "interaction": strconv.FormatInt(ids[0], 10)}).expect(t, 202)
		}
		c.d.RunDue(c.ctx)
		eventually(t, "the three actions reach Graph", func() bool { return len(graph.Requests()) == 3 })
		paths := map[string]any{}
		for _, r := range graph.Requests() {
			paths[r.Path] = r.Body["is_hidden"]
		}
		require.Contains(t, paths, "/"+fakenet.GraphVersion+"/"+comment+"/likes")
		eventually(t, "the transcript shows them sent", func() bool {
			kinds := []string{}
			for _, in := range c.deskView(t, ana, conv).Interactions {
				if in.Direction == "outbound" && in.Send != nil && in.Send.Status == "sent" {
					kinds = append(kinds, in.Kind)
				}
			}
			return fmt.Sprint(kinds) == "[like hide unhide]"
		})
		var hides []any
		for _, r := range graph.Requests() {
			if r.Path == "/"+fakenet.GraphVersion+"/"+comment {
				hides = append(hides, r.Body["is_hidden"])
			}
		}
		require.Len(t, hides, 2)
		require.ElementsMatch(t, []any{true, false}, hides)
	})
}

// upload posts a file to a conversation as a browser's form does.
func (c *centre) upload(t *testing.T, token, conv, name, contentType string, data []byte) *answer {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, name))
	h.Set("Content-Type", contentType)
	part, err := w.CreatePart(h)
	require.NoError(t, err)
	_, _ = part.Write(data)
	require.NoError(t, w.Close())
	req, err := http.NewRequest("POST", c.url+"/api/v1/agent/conversations/"+conv+"/files", bytes.NewReader(body.Bytes()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.http.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	spec, err := openapitest.Load()
	require.NoError(t, err)
	if err := spec.Check(req, body.Bytes(), resp, b); err != nil {
		t.Errorf("the upload answered %d, which the OpenAPI document does not describe: %v\nbody: %s", resp.StatusCode, err, b)
	}
	return &answer{what: "upload " + name, status: resp.StatusCode, body: b}
}

// png is the smallest PNG file.
var png = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

func TestAgentAttachments(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		graph := fakenet.NewFakeGraph(t)
		c.skill(t, "billing", nil)
		c.facebook(t, "page", graph, nil)
		ana := c.agent(t, "ana", map[string]any{"skills": map[string]int{"billing": 5}})
		bo := c.agent(t, "bo", map[string]any{"skills": map[string]int{"billing": 5}})
		conv, _ := c.handOver(t, "page", "psid-3", "ana",
			store.Interaction{ExternalID: "m_3", Kind: "message", Text: "send me the invoice", At: at("08:00:00")})

		refusedFile := func(a *answer) {
			t.Helper()
			var e struct {
				Error struct{ Field string } `json:"error"`
			}
			a.expect(t, 422).decode(t, &e)
			require.Equal(t, "file", e.Error.Field)
		}
		refusedFile(c.upload(t, ana, conv, "page.html", "text/html", []byte("<html></html>")))
		refusedFile(c.upload(t, ana, conv, "fake.png", "image/png", []byte("not a png at all")))
		c.upload(t, bo, conv, "x.png", "image/png", png).refused(t, 403, "forbidden")
		var file struct {
			ID   string `json:"id"`
			Name string `json:"name"`
			Type string `json:"type"`
			Size int    `json:"size"`
		}
		c.upload(t, ana, conv, "invoice.png", "image/png", png).expect(t, 201).decode(t, &file)
		require.Equal(t, "invoice.png", file.Name)
		require.Equal(t, "image/png", file.Type)
		require.Equal(t, len(png), file.Size)

		reply := func(body map[string]any) *answer {
			return c.call(t, ana, "POST", "/api/v1/agent/conversations/"+conv+"/reply", body)
		}
		reply(map[string]any{"attachments": []string{"f_nothing"}}).refused(t, 400, "invalid")
		reply(map[string]any{"attachments": []string{file.ID}}).expect(t, 202)
		c.d.RunDue(c.ctx)
		eventually(t, "the attachment reaches Graph", func() bool { return len(graph.Sent()) == 1 })
		sentURL := graph.Sent()[0].Text // the fake records an attachment's url as the message's text
		require.True(t, strings.HasPrefix(sentURL, c.url+"/files/"+file.ID+"?sig="), sentURL)

		// the network fetches it by its signed address, and by nothing else
		resp, err := http.Get(sentURL)
		require.NoError(t, err)
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Equal(t, 200, resp.StatusCode)
		require.Equal(t, png, got)
		resp, err = http.Get(c.url + "/files/" + file.ID + "?sig=forged")
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, 404, resp.StatusCode)

		v := c.deskView(t, ana, conv)
		require.Len(t, v.Interactions, 2)
		require.Equal(t, "outbound", v.Interactions[1].Direction)
		require.Equal(t, []engine.Attachment{{Type: "image", URL: "/api/v1/webchat/files/" + file.ID}}, v.Interactions[1].Attachments,
			"the transcript links the file for agents")

		// On a public comment: a public reply carries one image, as the comment's attachment_url,
		// which Graph fetches; a private reply to the comment is the network's one message for
		// it, so text with a file is refused before anything is sent.
		comment := fakenet.PageID + "_555004"
		onComment, _ := c.handOver(t, "page", "psid-4", "ana",
			store.Interaction{ExternalID: comment, Kind: "comment", Public: true, Text: "is this the right size?", At: c.clock.Now()})
		upload := func(name, contentType string, data []byte) string {
			var f struct {
				ID string `json:"id"`
			}
			c.upload(t, ana, onComment, name, contentType, data).expect(t, 201).decode(t, &f)
			return f.ID
		}
		photo, pdf := upload("size.png", "image/png", png), upload("size.pdf", "application/pdf", []byte("%PDF-1.4\n%%EOF\n"))
		refusedAttachments := func(body map[string]any) {
			t.Helper()
			var e struct {
				Error struct{ Code, Field string } `json:"error"`
			}
			c.call(t, ana, "POST", "/api/v1/agent/conversations/"+onComment+"/reply", body).expect(t, 422).decode(t, &e)
			require.Equal(t, "attachments", e.Error.Field)
		}
		refusedAttachments(map[string]any{"text": "the guide", "visibility": "public", "attachments": []string{pdf}})
		refusedAttachments(map[string]any{"text": "two", "visibility": "public", "attachments": []string{photo, photo}})
		refusedAttachments(map[string]any{"text": "here it is", "visibility": "private", "attachments": []string{photo}})
		c.call(t, ana, "POST", "/api/v1/agent/conversations/"+onComment+"/reply",
			map[string]any{"text": "It is, see the chart", "visibility": "public", "attachments": []string{photo}}).expect(t, 202)
		c.d.RunDue(c.ctx)
		eventually(t, "the photo comment reaches Graph", func() bool { return len(graph.Sent()) == 2 })
		sent := graph.Sent()[1]
		require.Equal(t, "comment", sent.Kind)
		require.Equal(t, comment, sent.Parent)
		require.Equal(t, "It is, see the chart", sent.Text)
		require.True(t, strings.HasPrefix(sent.Attachment, c.url+"/files/"+photo+"?sig="), "the comment's attachment_url: %q", sent.Attachment)
		// the private reply may still carry the file alone
		c.call(t, ana, "POST", "/api/v1/agent/conversations/"+onComment+"/reply",
			map[string]any{"visibility": "private", "attachments": []string{pdf}}).expect(t, 202)
		c.d.RunDue(c.ctx)
		eventually(t, "the private reply reaches Graph", func() bool { return len(graph.Sent()) == 3 })
		require.True(t, strings.HasPrefix(graph.Sent()[2].Attachment, c.url+"/files/"+pdf+"?sig="), graph.Sent()[2].Attachment)
	})
}

// A web chat visitor gets an agent's file in the widget, as they get their own.
func TestAgentAttachmentsInWebchat(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		c.support(t, "web", nil)
		ana := c.agent(t, "ana", map[string]any{"skills": map[string]int{"billing": 5}})
		c.login(t, ana)
		var session struct {
			Visitor string `json:"visitor"`
			Token   string `json:"token"`
		}
		c.call(t, "", "POST", "/webchat/web/session", nil).expect(t, 200).decode(t, &session)
		c.call(t, session.Token, "POST", "/webchat/web/messages", map[string]any{"id": "m-1", "text": "the invoice, please"}).expect(t, 202)
		var conv string
		eventually(t, "the visitor waits for an agent", func() bool {
			for id, e := range c.queue(t) {
				if e.Status == store.QueueQueued {
					conv = id
				}
			}
			return conv != ""
		})
		c.step(t)
		require.Equal(t, []string{conv}, c.serving(t, ana))

		var file struct {
			ID string `json:"id"`
		}
		c.upload(t, ana, conv, "invoice.png", "image/png", png).expect(t, 201).decode(t, &file)
		c.call(t, ana, "POST", "/api/v1/agent/conversations/"+conv+"/reply", map[string]any{"text": "Here it is",
			"attachments": []string{file.ID}}).expect(t, 202)
		c.d.RunDue(c.ctx)
		var mailbox struct {
			Messages []struct {
				Direction   string              `json:"direction"`
				Attachments []engine.Attachment `json:"attachments"`
			} `json:"messages"`
		}
		eventually(t, "the reply reaches the visitor's mailbox", func() bool {
			c.call(t, session.Token, "GET", "/webchat/web/messages", nil).expect(t, 200).decode(t, &mailbox)
			n := len(mailbox.Messages)
			return n > 0 && mailbox.Messages[n-1].Direction == "out" && len(mailbox.Messages[n-1].Attachments) == 1
		})
		got := mailbox.Messages[len(mailbox.Messages)-1].Attachments[0]
		require.Equal(t, engine.Attachment{Type: "image", URL: "/webchat/web/files/" + file.ID}, got)
		req, err := http.NewRequest("GET", c.url+got.URL, nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+session.Token)
		resp, err := c.http.Do(req)
		require.NoError(t, err)
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Equal(t, 200, resp.StatusCode, "the visitor fetches it as their own")
		require.Equal(t, png, data)
	})
}
