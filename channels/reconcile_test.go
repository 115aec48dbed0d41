package channels_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/channels"
	"github.com/switchboardhq/switchboard/channels/fakenet"
	"github.com/switchboardhq/switchboard/engine"
)

// readBackCase is a send of one network and the context it is sent in.
type readBackCase struct {
	name string
	ch   func(g *fakenet.FakeGraph, x *fakenet.FakeX) channels.Channel
	a    engine.Action
	sc   channels.SendContext
}

var readBackCases = []readBackCase{
	{"facebook comment reply", func(g *fakenet.FakeGraph, _ *fakenet.FakeX) channels.Channel { return g.FacebookChannel() },
		engine.Action{ID: "s/1.0", Type: engine.ActionReply, Visibility: "public", Target: "104857600000001_55", Text: "¡Gracias!"},
		channels.SendContext{Customer: "9001", InteractionKind: "comment", InteractionTime: now.Add(-time.Minute)}},
	{"messenger message", func(g *fakenet.FakeGraph, _ *fakenet.FakeX) channels.Channel { return g.FacebookChannel() },
		engine.Action{ID: "s/2.0", Type: engine.ActionReply, Text: "Te escribimos por aquí"}, messageContext},
	{"instagram message", func(g *fakenet.FakeGraph, _ *fakenet.FakeX) channels.Channel { return g.InstagramChannel() },
		engine.Action{ID: "s/3.0", Type: engine.ActionReply, Text: "hola"},
		channels.SendContext{Customer: "IGSID-77", LastInbound: now.Add(-time.Minute), InteractionKind: "message"}},
	{"instagram comment reply", func(g *fakenet.FakeGraph, _ *fakenet.FakeX) channels.Channel { return g.InstagramChannel() },
		engine.Action{ID: "s/4.0", Type: engine.ActionReply, Visibility: "public", Target: "17858893269000001", Text: "gracias"},
		channels.SendContext{Customer: "IGSID-77", InteractionKind: "comment", InteractionTime: now.Add(-time.Minute)}},
	{"x reply", func(_ *fakenet.FakeGraph, x *fakenet.FakeX) channels.Channel { return x.Channel() },
		engine.Action{ID: "s/5.0", Type: engine.ActionReply, Visibility: "public", Target: "1811000000000000001", Text: "on it"},
		channels.SendContext{Customer: "2244", InteractionKind: "mention"}},
	{"x dm", func(_ *fakenet.FakeGraph, x *fakenet.FakeX) channels.Channel { return x.Channel() },
		engine.Action{ID: "s/6.0", Type: engine.ActionReply, Text: "on it, privately"},
		channels.SendContext{Customer: "2244", InteractionKind: "dm"}},
}

// misbehave is what the fake of a case's network does to the next send.
func misbehave(g *fakenet.FakeGraph, x *fakenet.FakeX, ch channels.Channel, late bool) {
	switch {
	case ch.Type == channels.TypeTwitter && late:
		x.AnswerAfter(time.Minute, 1)
	case ch.Type == channels.TypeTwitter:
		x.DropAfterReading(1)
	case late:
		g.AnswerAfter(time.Minute, 1)
	default:
		g.DropAfterReading(1)
	}
}

// TestReadBackPerNetwork sends a reply the network takes without answering (too late, or
// dropping the connection): the send is ClassUnknown, and reading back finds it with the id
// the network gave it. Before the send it is absent; an id recorded for another action is not
// taken for it; a read the network fails is unknown.
func TestReadBackPerNetwork(t *testing.T) {
	t.Parallel()
	for _, c := range readBackCases {
		for _, late := range []bool{true, false} {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				clock := engine.NewManualClock(now)
				g, x := fakenet.NewFakeGraph(t), fakenet.NewFakeX(t)
				g.RequireToken(fakenet.AppSecret, fakenet.PageAccessToken, fakenet.IGAccessToken)
				g.SetClock(clock)
				x.SetClock(clock)
				x.RequireToken(fakenet.XAccessToken)
				ch := c.ch(g, x)
				client := &channels.Client{Clock: clock}
				ctx := context.Background()
				a := c.a
				at := channels.Attempt{Action: &a, Context: c.sc, Began: now}

				rb := client.ReadBack(ctx, ch, at)
				require.Equal(t, channels.Absent, rb.Outcome, "before the send: %s", rb.Reason)

				// the send gives up on a network that answers a minute late once the network holds
				// it, not at a deadline a busy machine may reach first; the reads wait as long as
				// they need
				misbehave(g, x, ch, late)
				cancelWhenHeld := g.CancelWhenHeld
				if ch.Type == channels.TypeTwitter {
					cancelWhenHeld = x.CancelWhenHeld
				}
				sendCtx, cancel := cancelWhenHeld(ctx)
				_, err := client.Send(sendCtx, ch, &a, c.sc)
				cancel()
				require.Equal(t, channels.ClassUnknown, channels.ClassOf(err), "err: %v", err)
				sent := append(g.Sent(), x.Sent()...)
				require.Len(t, sent, 1, "the network has it")

				rb = client.ReadBack(ctx, ch, at)
				require.Equal(t, channels.Found, rb.Outcome, rb.Reason)
				require.Equal(t, sent[0].ID, rb.ExternalID)

				taken := at
				taken.Taken = func(id string) bool { return id == sent[0].ID }
				rb = client.ReadBack(ctx, ch, taken)
				require.Equal(t, channels.Absent, rb.Outcome, "another action's item is not this one's: %s", rb.Reason)

				later := at
				later.Began = now.Add(time.Minute)
				rb = client.ReadBack(ctx, ch, later)
				require.Equal(t, channels.Absent, rb.Outcome, "an item older than the attempt is not its: %s", rb.Reason)

				if ch.Type == channels.TypeTwitter {
					x.FailNext(503, 1)
				} else {
					g.FailNext(2, 0, 1)
				}
				rb = client.ReadBack(ctx, ch, at)
				require.Equal(t, channels.Unknown, rb.Outcome, "a failed read tells nothing")
				require.True(t, rb.Temporary, "a later read may tell: %s", rb.Reason)
			})
		}
	}
}

// TestReadBackFollowsPages finds a reply among more comments than one page holds, the
// newest first, and stops at the first one older than the attempt.
func TestReadBackFollowsPages(t *testing.T) {
	t.Parallel()
	clock := engine.NewManualClock(now)
	g := fakenet.NewFakeGraph(t)
	g.SetClock(clock)
	fb := g.FacebookChannel()
	client := &channels.Client{Clock: clock}
	ctx := context.Background()
	sc := channels.SendContext{InteractionKind: "comment", InteractionTime: now}
	mine := engine.Action{ID: "s/9.0", Type: engine.ActionReply, Visibility: "public", Target: "post_1", Text: "the one"}
	_, err := client.Send(ctx, fb, &mine, sc)
	require.NoError(t, err)
	began := clock.Now()
	for i := range 250 {
		clock.Advance(time.Second)
		other := engine.Action{Type: engine.ActionReply, Visibility: "public", Target: "post_1", Text: "another " + string(rune('a'+i%26))}
		_, err := client.Send(ctx, fb, &other, sc)
		require.NoError(t, err)
	}
	rb := client.ReadBack(ctx, fb, channels.Attempt{Action: &mine, Context: sc, Began: began})
	require.Equal(t, channels.Found, rb.Outcome, rb.Reason)
	require.Equal(t, g.Sent()[0].ID, rb.ExternalID)
	reads := 0
	for _, r := range g.Requests() {
		if r.Method == http.MethodGet {
			reads++
			require.Equal(t, "reverse_chronological", r.Query.Get("order"))
		}
	}
	require.Equal(t, 3, reads, "251 comments newest first, 100 a page")
}

// TestReadBackWhatCannotBeChecked lists the sends no network lets us read back.
func TestReadBackWhatCannotBeChecked(t *testing.T) {
	t.Parallel()
	g, x, wc := fakenet.NewFakeGraph(t), fakenet.NewFakeX(t), fakenet.NewFakeWebchat(t)
	client := newClient()
	ctx := context.Background()
	for name, tc := range map[string]struct {
		ch   channels.Channel
		a    engine.Action
		sc   channels.SendContext
		want channels.ReadBackOutcome
	}{
		"private reply to a comment": {g.FacebookChannel(), engine.Action{Type: engine.ActionReply, Visibility: "private", Target: "c_1", Text: "hi"},
			channels.SendContext{InteractionKind: "comment"}, channels.Unknown},
		"instagram mention": {g.InstagramChannel(), engine.Action{Type: engine.ActionReply, Visibility: "public", Target: "m_1", Text: "hi"},
			channels.SendContext{InteractionKind: "mention"}, channels.Unknown},
		"attachments only": {g.FacebookChannel(), engine.Action{Type: engine.ActionReply, Attachments: []engine.Attachment{{Type: "image", URL: "https://example.com/a.png"}}},
			messageContext, channels.Unknown},
		"web chat callback": {wc.Channel(), engine.Action{Type: engine.ActionReply, Text: "hi"}, channels.SendContext{}, channels.Unknown},
		"web chat polled":   {channels.Channel{ID: "w", Type: channels.TypeWebchat}, engine.Action{ID: "s/1.0", Type: engine.ActionReply, Text: "hi"}, channels.SendContext{}, channels.Found},
		"a like":            {g.FacebookChannel(), engine.Action{Type: engine.ActionLike, Target: "c_1"}, channels.SendContext{}, channels.Absent},
		"a retweet":         {x.Channel(), engine.Action{Type: engine.ActionRetweet, Target: "1"}, channels.SendContext{}, channels.Absent},
	} {
		rb := client.ReadBack(ctx, tc.ch, channels.Attempt{Action: &tc.a, Context: tc.sc, Began: now})
		require.Equal(t, tc.want, rb.Outcome, "%s: %s", name, rb.Reason)
		require.NotEmpty(t, rb.Reason, name)
		require.False(t, rb.Temporary, name)
	}
	require.Empty(t, g.Requests(), "nothing is asked of a network that cannot tell")
	require.Empty(t, x.Requests())
}
