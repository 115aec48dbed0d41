package blocks_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/sim"
)

func TestSocialLike(t *testing.T) {
	t.Parallel()
	post := func(channel, kind string, public bool) engine.Interaction {
		return engine.Interaction{Channel: channel, Kind: kind, Public: public, ID: channel + "-" + kind + "-1", Text: "genial"}
	}
	tests := []struct {
		name   string
		action string
		in     engine.Interaction
		err    string // "" when the block leaves by done
	}{
		{"like a facebook comment", "like", post("facebook", "comment", true), ""},
		{"like a facebook post", "like", post("facebook", "post", true), ""},
		{"like an instagram comment", "like", post("instagram", "comment", true), ""},
		{"like a mention on X", "like", post("twitter", "mention", true), ""},
		{"retweet a mention", "retweet", post("twitter", "mention", true), ""},
		{"retweet on facebook", "retweet", post("facebook", "comment", true), "only X has retweets, not facebook"},
		{"retweet on instagram", "retweet", post("instagram", "comment", true), "only X has retweets, not instagram"},
		{"hide a facebook comment", "hide", post("facebook", "comment", true), ""},
		{"hide an instagram comment", "hide", post("instagram", "comment", true), ""},
		{"hide on X", "hide", post("twitter", "mention", true), "only Facebook and Instagram comments can be hidden, not twitter"},
		{"like a private message", "like", post("facebook", "message", false), "cannot like a private message"},
		{"retweet a direct message", "retweet", post("twitter", "dm", false), "cannot retweet a private dm"},
		{"hide a private message", "hide", post("instagram", "message", false), "cannot hide a private message"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := around(t, tt.in.Channel, "b:\n  type: social.like\n  params: {action: "+tt.action+"}\n  next: {done: ok, failed: oops}\nok: {type: end}\noops: {type: end}\n")
			o := play(t, f, sim.Scenario{Interaction: tt.in})
			require.Equal(t, engine.StatusEnded, o.Status)
			if tt.err != "" {
				require.Equal(t, "failed", exitOf(t, o, "b"))
				require.Equal(t, tt.err, stepOf(t, o, "b").Error)
				require.Empty(t, o.Actions, "nothing is sent")
				return
			}
			require.Equal(t, "done", exitOf(t, o, "b"))
			require.Equal(t, []string{"in", "b", "ok"}, o.Path)
			require.Len(t, o.Actions, 1)
			a := o.Actions[0]
			require.Equal(t, engine.ActionType(tt.action), a.Type)
			require.Equal(t, tt.in.ID, a.Target, "the action is on the customer's post")
			require.Equal(t, tt.in.Channel, a.Channel)
		})
	}
}

func TestSocialLikeByDefault(t *testing.T) {
	t.Parallel()
	f := around(t, "facebook", "b: {type: social.like}\n")
	o := play(t, f, sim.Scenario{Interaction: comment("genial")})
	require.Equal(t, "done", exitOf(t, o, "b"))
	require.Equal(t, engine.ActionLike, o.Actions[0].Type)
}

func TestSocialLikeFailingSend(t *testing.T) {
	t.Parallel()
	f := around(t, "facebook", "b: {type: social.like, next: {done: ok, failed: oops}}\nok: {type: end}\noops: {type: end}\n")
	o := play(t, f, sim.Scenario{Interaction: comment("genial"), Failures: []engine.ActionType{engine.ActionLike}})
	require.Equal(t, "failed", exitOf(t, o, "b"))
	require.Equal(t, "the network refused the like (simulated)", stepOf(t, o, "b").Error)
}

func TestSocialLikeWaitsForADurableOutbox(t *testing.T) {
	t.Parallel()
	f := around(t, "twitter", "b: {type: social.like, params: {action: retweet}}\n")
	rt := &engine.Runtime{Outbox: &laterOutbox{}}
	s, _ := rt.Start(t.Context(), f, engine.Interaction{Channel: "twitter", Kind: "mention", Public: true, ID: "t1"}, engine.StartOptions{})
	require.Equal(t, engine.StatusWaiting, s.Status)
	trace, err := rt.Resume(t.Context(), f, s, engine.Event{Kind: engine.EventSent, Seq: s.Seq})
	require.NoError(t, err)
	require.Equal(t, "done", trace[0].Exit, "social.like leaves by done, not sent")
}
