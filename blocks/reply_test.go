package blocks_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/sim"
)

func replyFlow(t testing.TB, params string) *engine.Flow {
	t.Helper()
	return around(t, "facebook", "b:\n  type: reply\n  params: "+params+"\n  next: {sent: ok, failed: oops}\nok: {type: end}\noops: {type: end}\n")
}

func TestReplyVisibility(t *testing.T) {
	t.Parallel()
	private := engine.Interaction{Channel: "facebook", Kind: "message", ID: "m1", Text: "hola", Author: engine.Author{ID: "u1", Name: "Ana"}}
	public := engine.Interaction{Channel: "facebook", Kind: "comment", Public: true, ID: "c1", Text: "hola", Author: engine.Author{ID: "u1", Name: "Ana"}}
	tests := []struct {
		name       string
		visibility string
		in         engine.Interaction
		sent       string // the visibility sent; "" when the reply fails
		err        string
	}{
		{"same on a public comment", "same", public, "public", ""},
		{"public on a public comment", "public", public, "public", ""},
		{"private on a public comment", "private", public, "private", ""},
		{"same on a private message", "same", private, "private", ""},
		{"private on a private message", "private", private, "private", ""},
		{"public on a private message", "public", private, "", "cannot answer a private message publicly; reply with visibility private or same"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := replyFlow(t, "{visibility: "+tt.visibility+", text: Gracias}")
			o := play(t, f, sim.Scenario{Interaction: tt.in})
			require.Equal(t, engine.StatusEnded, o.Status)
			replies := actionsOf(o, engine.ActionReply)
			if tt.err != "" {
				require.Equal(t, "failed", exitOf(t, o, "b"))
				require.Equal(t, []string{"in", "b", "oops"}, o.Path)
				require.Equal(t, tt.err, stepOf(t, o, "b").Error)
				require.Empty(t, replies, "nothing is sent")
				return
			}
			require.Equal(t, "sent", exitOf(t, o, "b"))
			require.Equal(t, []string{"in", "b", "ok"}, o.Path)
			require.Len(t, replies, 1)
			r := replies[0]
			require.Equal(t, tt.sent, r.Visibility)
			require.Equal(t, "Gracias", r.Text)
			require.Equal(t, tt.in.ID, r.Target, "the reply answers the customer's interaction")
			require.Equal(t, tt.in.ID, r.InReplyTo)
			require.Equal(t, "u1", r.Recipient)
			require.Equal(t, "facebook", r.Channel)
		})
	}
}

func TestReplyWebChatHasNoPublicReplies(t *testing.T) {
	t.Parallel()
	f := around(t, "webchat", "b:\n  type: reply\n  params: {visibility: public, text: hola}\n  next: {sent: done, failed: done}\ndone: {type: end}\n")
	in := message("hola")
	in.Public = true
	o := play(t, f, sim.Scenario{Interaction: in})
	require.Equal(t, "failed", exitOf(t, o, "b"))
	require.Equal(t, "web chat has no public replies", stepOf(t, o, "b").Error)
}

func TestReplyTemplate(t *testing.T) {
	t.Parallel()
	f := load(t, registry, `switchboard: 1
id: test
name: test
vars: {brand: Acme}
blocks:
  in:
    type: facebook.trigger
    next: {post: b, comment: b, message: b}
  b:
    type: reply
    params:
      text: "Hola {{ contact.name }}, {{ vars.brand }} recibió tu {{ interaction.kind }} ({{ len(interaction.text) }} letras){{ contact.vip ? ' ⭐' : '' }}."
`)
	o := play(t, f, sim.Scenario{Interaction: message("mi factura"), Contact: &engine.Contact{Name: "Ana García", VIP: true}})
	require.Equal(t, "sent", exitOf(t, o, "b"))
	require.Equal(t, "Hola Ana García, Acme recibió tu message (10 letras) ⭐.", actionsOf(o, engine.ActionReply)[0].Text)

	o = play(t, f, sim.Scenario{Interaction: message("hola")})
	require.Equal(t, "Hola Ana, Acme recibió tu message (4 letras).", actionsOf(o, engine.ActionReply)[0].Text,
		"without a contact, the contact's name is the author's")
}

func TestReplyTemplateErrorTakesFailed(t *testing.T) {
	t.Parallel()
	f := replyFlow(t, `{text: "Tu número es {{ int(interaction.text) + 1 }}"}`)
	o := play(t, f, sim.Scenario{Interaction: message("siete")})
	require.Equal(t, "failed", exitOf(t, o, "b"))
	require.Contains(t, stepOf(t, o, "b").Error, "int(interaction.text) + 1")
	require.Empty(t, o.Actions)

	o = play(t, f, sim.Scenario{Interaction: message("7")})
	require.Equal(t, "Tu número es 8", actionsOf(o, engine.ActionReply)[0].Text)
}

func TestReplyVariants(t *testing.T) {
	t.Parallel()
	f := replyFlow(t, `{text: ["uno {{ contact.name }}", "dos {{ contact.name }}", "tres {{ contact.name }}"]}`)
	text := func(seed uint64) string {
		o := play(t, f, sim.Scenario{Interaction: message("hola"), Seed: seed})
		replies := actionsOf(o, engine.ActionReply)
		require.Len(t, replies, 1)
		return replies[0].Text
	}
	seen := map[string]bool{}
	for seed := range uint64(32) {
		first := text(seed)
		require.Equal(t, first, text(seed), "seed %d picks the same variant every time", seed)
		require.Contains(t, []string{"uno Ana", "dos Ana", "tres Ana"}, first, "a variant, rendered")
		seen[first] = true
	}
	require.Greater(t, len(seen), 1, "over 32 seeds more than one variant appears: %v", seen)
}

func TestReplyAttachments(t *testing.T) {
	t.Parallel()
	f := replyFlow(t, `{visibility: private, text: Mirá, attachments: [{type: image, url: "https://example.com/{{ interaction.author.id }}.png"}, {type: file, url: "https://example.com/terms.pdf"}]}`)
	o := play(t, f, sim.Scenario{Interaction: comment("horarios?")})
	require.Equal(t, "sent", exitOf(t, o, "b"))
	require.Equal(t, []engine.Attachment{
		{Type: "image", URL: "https://example.com/u1.png"},
		{Type: "file", URL: "https://example.com/terms.pdf"},
	}, actionsOf(o, engine.ActionReply)[0].Attachments)

	errs := loadErrors(t, flowDoc("test", "facebook", `b:
  type: reply
  params: {visibility: public, text: hola, attachments: [{type: image, url: "https://example.com/a.png"}]}
`))
	require.Len(t, errs, 1, diagText(errs))
	require.Equal(t, "blocks.b.params.attachments", errs[0].Path)
	require.Contains(t, errs[0].Message, "public replies carry text only")
}

func TestReplyFailingSend(t *testing.T) {
	t.Parallel()
	f := replyFlow(t, "{text: hola}")
	o := play(t, f, sim.Scenario{Interaction: message("hola"), Failures: []engine.ActionType{engine.ActionReply}})
	require.Equal(t, engine.StatusEnded, o.Status)
	require.Equal(t, "failed", exitOf(t, o, "b"))
	require.Equal(t, []string{"in", "b", "oops"}, o.Path)
	require.Equal(t, "the network refused the reply (simulated)", stepOf(t, o, "b").Error)

	o = play(t, f, sim.Scenario{Interaction: message("hola"), Failures: []engine.ActionType{engine.ActionLike}})
	require.Equal(t, "sent", exitOf(t, o, "b"), "only replies fail")
}

// laterOutbox answers every send later, as a durable outbox does.
type laterOutbox struct{ sent []*engine.Action }

func (o *laterOutbox) Send(_ context.Context, a *engine.Action) engine.SendResult {
	o.sent = append(o.sent, a)
	return engine.SendResult{Pending: true}
}

func TestReplyWaitsForADurableOutbox(t *testing.T) {
	t.Parallel()
	f := replyFlow(t, "{text: hola}")
	tests := []struct {
		event engine.Event
		exit  string
		err   string
	}{
		{engine.Event{Kind: engine.EventSent}, "sent", ""},
		{engine.Event{Kind: engine.EventSendFailed, Error: "(#10) the user cannot be messaged"}, "failed", "(#10) the user cannot be messaged"},
		{engine.Event{Kind: engine.EventTimeout}, "failed", "the network did not answer in time"},
	}
	for _, tt := range tests {
		t.Run(string(tt.event.Kind), func(t *testing.T) {
			t.Parallel()
			outbox := &laterOutbox{}
			rt := &engine.Runtime{Outbox: outbox}
			s, _ := rt.Start(t.Context(), f, engine.Interaction{Channel: "facebook", Kind: "message", ID: "m1"}, engine.StartOptions{SessionID: "s"})
			require.Equal(t, engine.StatusWaiting, s.Status)
			require.Equal(t, engine.WaitSend, s.Wait.Kind)
			require.Len(t, outbox.sent, 1)
			require.Equal(t, outbox.sent[0].ID, s.Wait.Ref, "the wait names the action it waits on")

			ev := tt.event
			ev.Seq = s.Seq
			trace, err := rt.Resume(t.Context(), f, s, ev)
			require.NoError(t, err)
			require.Equal(t, tt.exit, trace[0].Exit)
			require.Equal(t, tt.err, trace[0].Error)
			require.Equal(t, engine.StatusEnded, s.Status)
			require.Len(t, outbox.sent, 1, "resuming sends nothing again")
		})
	}
}
