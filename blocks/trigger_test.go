package blocks_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/sim"
)

// The four channel triggers (facebook, instagram, twitter, webchat) share one runtime, in
// trigger.go; they are tested together here.

func TestTriggerLeavesByTheExitNamedAfterTheKind(t *testing.T) {
	t.Parallel()
	for channel, kinds := range triggerKinds {
		for _, kind := range kinds {
			t.Run(channel+"/"+kind, func(t *testing.T) {
				t.Parallel()
				f := around(t, channel, "b: {type: end}")
				o := play(t, f, sim.Scenario{Interaction: engine.Interaction{Channel: channel, Kind: kind}})
				require.Equal(t, []string{"in", "b"}, o.Path)
				require.Equal(t, kind, o.Exits[0], "the trigger leaves by the exit named after the kind")
				require.Equal(t, engine.StatusEnded, o.Status)
				require.Nil(t, o.Error)
			})
		}
	}
}

func TestTriggerEndsTheSessionForAKindNotInEvents(t *testing.T) {
	t.Parallel()
	f := load(t, registry, `switchboard: 1
id: comments-only
name: Comments only
blocks:
  in:
    type: facebook.trigger
    params: {events: [comment]}
    next: {comment: b}
  b: {type: end}
`)
	require.Equal(t, []string{"comment"}, f.Node("in").Exits)

	o := play(t, f, sim.Scenario{Interaction: engine.Interaction{Channel: "facebook", Kind: "message", Text: "hola"}})
	require.Equal(t, []string{"in"}, o.Path, "a message does not go past a trigger that takes comments only")
	require.Equal(t, []string{""}, o.Exits)
	require.Equal(t, engine.StatusEnded, o.Status)
	require.Nil(t, o.Error)

	o = play(t, f, sim.Scenario{Interaction: engine.Interaction{Channel: "facebook", Kind: "comment", Public: true}})
	require.Equal(t, []string{"in", "b"}, o.Path)
}

const twoTriggersPerChannel = `switchboard: 1
id: entries
name: Entries
blocks:
  fb-comments:
    type: facebook.trigger
    params: {events: [comment]}
    next: {comment: a}
  fb-messages:
    type: facebook.trigger
    params: {events: [message, post]}
    next: {message: b, post: b}
  x:
    type: twitter.trigger
    next: {mention: c, dm: c}
  a: {type: end}
  b: {type: end}
  c: {type: end}
`

func TestFlowEntryPicksTheTriggerOfTheChannelAndKind(t *testing.T) {
	t.Parallel()
	f := load(t, registry, twoTriggersPerChannel)
	tests := []struct {
		channel, kind string
		entry         string // "" for none
		path          []string
	}{
		{"facebook", "comment", "fb-comments", []string{"fb-comments", "a"}},
		{"facebook", "message", "fb-messages", []string{"fb-messages", "b"}},
		{"facebook", "post", "fb-messages", []string{"fb-messages", "b"}},
		{"twitter", "dm", "x", []string{"x", "c"}},
		{"twitter", "mention", "x", []string{"x", "c"}},
		// No facebook trigger lists the kind: the first facebook trigger takes it, and ends it.
		{"facebook", "story", "fb-comments", []string{"fb-comments"}},
		{"instagram", "comment", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.channel+"/"+tt.kind, func(t *testing.T) {
			t.Parallel()
			entry := f.Entry(tt.channel, tt.kind)
			if tt.entry == "" {
				require.Nil(t, entry)
			} else {
				require.NotNil(t, entry)
				require.Equal(t, tt.entry, entry.ID)
			}
			o := play(t, f, sim.Scenario{Interaction: engine.Interaction{Channel: tt.channel, Kind: tt.kind}})
			if tt.entry == "" {
				require.Equal(t, engine.StatusFailed, o.Status)
				require.Contains(t, errorOf(o), "flow entries has no trigger for the instagram channel")
				return
			}
			require.Equal(t, engine.StatusEnded, o.Status, errorOf(o))
			require.Equal(t, tt.path, o.Path)
		})
	}
}

func TestFlowEntryNeedsAChannel(t *testing.T) {
	t.Parallel()
	f := load(t, registry, twoTriggersPerChannel)
	require.Nil(t, f.Entry("", "message"), "an interaction without a channel enters by no trigger, and by no other block")
	require.Nil(t, f.Entry("", ""))

	s, trace := (&engine.Runtime{}).Start(t.Context(), f, engine.Interaction{Kind: "message"}, engine.StartOptions{})
	require.Empty(t, trace)
	require.Equal(t, engine.StatusFailed, s.Status)
	require.Contains(t, s.Error, "flow entries has no trigger")
}
