package routing_test

import (
	"cmp"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/routing"
	"github.com/switchboardhq/switchboard/store"
)

// t0 is the boards' "now": a Tuesday morning.
var t0 = time.Date(2026, 11, 17, 10, 0, 0, 0, time.UTC)

// ago is a time before t0.
func ago(d time.Duration) time.Time { return t0.Add(-d) }

// boardAgent is an agent of a board case, with the conversations it has already.
type boardAgent struct {
	routing.Agent
	// load counts the agent's conversations by channel type.
	load map[string]int
}

func agent(id string, skills map[string]int, opts ...func(*boardAgent)) boardAgent {
	a := boardAgent{Agent: routing.Agent{ID: id, Skills: skills, Capacity: 1, State: routing.StateAvailable,
		IdleSince: ago(time.Hour)}}
	for _, o := range opts {
		o(&a)
	}
	return a
}

func capacity(n int) func(*boardAgent) { return func(a *boardAgent) { a.Capacity = n } }
func channelCapacity(typ string, n int) func(*boardAgent) {
	return func(a *boardAgent) {
		if a.ChannelCapacity == nil {
			a.ChannelCapacity = map[string]int{}
		}
		a.ChannelCapacity[typ] = n
	}
}
func state(s string) func(*boardAgent)        { return func(a *boardAgent) { a.State = s } }
func blending(a *boardAgent)                  { a.Blending = true }
func idleSince(t time.Time) func(*boardAgent) { return func(a *boardAgent) { a.IdleSince = t } }
func serving(typ string, n int) func(*boardAgent) {
	return func(a *boardAgent) {
		if a.load == nil {
			a.load = map[string]int{}
		}
		a.load[typ] += n
	}
}

// entry is a webchat conversation for a skill, enqueued some time before t0.
func entry(ref, skill string, waited time.Duration, opts ...func(*routing.Entry)) *routing.Entry {
	e := &routing.Entry{Ref: ref, Skill: skill, ChannelType: store.ChannelWebchat, EnqueuedAt: ago(waited)}
	for _, o := range opts {
		o(e)
	}
	return e
}

func priority(p int) func(*routing.Entry) { return func(e *routing.Entry) { e.Priority = p } }
func channelType(typ string) func(*routing.Entry) {
	return func(e *routing.Entry) { e.ChannelType = typ }
}
func preferred(agent string, until time.Time) func(*routing.Entry) {
	return func(e *routing.Entry) { e.Preferred, e.PreferredUntil = agent, until }
}
func excluded(agents ...string) func(*routing.Entry) {
	return func(e *routing.Entry) {
		e.Excluded = map[string]bool{}
		for _, a := range agents {
			e.Excluded[a] = true
		}
	}
}
func order(k0, k1 int64) func(*routing.Entry) {
	return func(e *routing.Entry) { e.Order = [2]int64{k0, k1} }
}

// newBoard puts agents and their loads on a board, then the entries, in order.
func newBoard(agents []boardAgent, entries []*routing.Entry) *routing.Board {
	b := routing.NewBoard()
	fill(b, agents, entries)
	return b
}

// fill puts agents and their loads on a board, then the entries, in order.
func fill(b *routing.Board, agents []boardAgent, entries []*routing.Entry) {
	for _, a := range agents {
		b.PutAgent(a.Agent)
		for _, key := range slices.Sorted(maps.Keys(a.load)) {
			if typ, ok := refChannelType[key]; ok {
				b.AddChannelLoad(a.ID, typ, key, a.load[key], time.Time{})
			} else {
				b.AddLoad(a.ID, key, a.load[key], time.Time{})
			}
		}
	}
	for _, e := range entries {
		b.Add(e)
	}
}

// id is an agent's id; "" for none.
func id(a *routing.Agent) string {
	if a == nil {
		return ""
	}
	return a.ID
}

// decisions are assignments as ref → agent.
func decisions(as []routing.Assignment) map[string]string {
	out := map[string]string{}
	for _, a := range as {
		out[a.Entry.Ref] = a.Agent.ID
	}
	return out
}

func TestBoardMatch(t *testing.T) {
	t.Parallel()
	billing := map[string]int{"billing": 10}
	cases := []struct {
		name    string
		agents  []boardAgent
		entries []*routing.Entry
		now     time.Time // t0 when zero
		// want says who takes each entry; entries left out wait.
		want map[string]string
	}{
		{
			name:    "the most proficient free agent",
			agents:  []boardAgent{agent("ana", map[string]int{"billing": 5}), agent("bo", map[string]int{"billing": 12}), agent("cy", map[string]int{"billing": 20}, state(routing.StateBreak))},
			entries: []*routing.Entry{entry("c1", "billing", time.Minute)},
			want:    map[string]string{"c1": "bo"},
		},
		{
			name: "equal proficiency: the longest idle",
			agents: []boardAgent{agent("ana", billing, idleSince(ago(10*time.Minute))), agent("bo", billing, idleSince(ago(50*time.Minute))),
				agent("cy", billing, idleSince(ago(30*time.Minute)))},
			entries: []*routing.Entry{entry("c1", "billing", time.Minute), entry("c2", "billing", 30*time.Second)},
			want:    map[string]string{"c1": "bo", "c2": "cy"},
		},
		{
			name:    "equal proficiency and idle time: the first id",
			agents:  []boardAgent{agent("bo", billing), agent("ana", billing)},
			entries: []*routing.Entry{entry("c1", "billing", time.Minute)},
			want:    map[string]string{"c1": "ana"},
		},
		{
			name:    "an agent without the skill, or at level 0, gets nothing",
			agents:  []boardAgent{agent("ana", map[string]int{"sales": 20}), agent("bo", map[string]int{"billing": 0})},
			entries: []*routing.Entry{entry("c1", "billing", time.Minute)},
			want:    map[string]string{},
		},
		{
			name:    "a full agent is passed over",
			agents:  []boardAgent{agent("ana", map[string]int{"billing": 5}), agent("bo", map[string]int{"billing": 12}, serving("webchat", 1))},
			entries: []*routing.Entry{entry("c1", "billing", time.Minute)},
			want:    map[string]string{"c1": "ana"},
		},
		{
			name:   "capacity: the best agent takes conversations until full",
			agents: []boardAgent{agent("ana", map[string]int{"billing": 5}, capacity(5)), agent("bo", map[string]int{"billing": 12}, capacity(3), serving("facebook", 1))},
			entries: []*routing.Entry{entry("c1", "billing", 4*time.Minute), entry("c2", "billing", 3*time.Minute),
				entry("c3", "billing", 2*time.Minute), entry("c4", "billing", time.Minute)},
			want: map[string]string{"c1": "bo", "c2": "bo", "c3": "ana", "c4": "ana"},
		},
		{
			name:   "capacity per channel type",
			agents: []boardAgent{agent("ana", map[string]int{"billing": 5}, capacity(3)), agent("bo", map[string]int{"billing": 12}, capacity(3), channelCapacity("facebook", 1), serving("facebook", 1))},
			entries: []*routing.Entry{entry("fb", "billing", 2*time.Minute, channelType(store.ChannelFacebook)),
				entry("web", "billing", time.Minute)},
			want: map[string]string{"fb": "ana", "web": "bo"},
		},
		{
			name:    "a channel type an agent takes none of",
			agents:  []boardAgent{agent("bo", billing, capacity(3), channelCapacity("twitter", 0))},
			entries: []*routing.Entry{entry("tw", "billing", 2*time.Minute, channelType(store.ChannelTwitter)), entry("web", "billing", time.Minute)},
			want:    map[string]string{"web": "bo"},
		},
		{
			name: "offline and on a break: nothing",
			agents: []boardAgent{agent("ana", billing, state(routing.StateOffline)), agent("bo", billing, state(routing.StateBreak)),
				agent("cy", billing, state(routing.StateBreak), blending)},
			entries: []*routing.Entry{entry("c1", "billing", time.Minute)},
			want:    map[string]string{},
		},
		{
			name:    "busy: only with blending",
			agents:  []boardAgent{agent("ana", map[string]int{"billing": 20}, state(routing.StateBusy)), agent("bo", map[string]int{"billing": 1}, state(routing.StateBusy), blending)},
			entries: []*routing.Entry{entry("c1", "billing", time.Minute), entry("c2", "billing", time.Second)},
			want:    map[string]string{"c1": "bo"},
		},
		{
			name:   "priority before age",
			agents: []boardAgent{agent("ana", billing)},
			entries: []*routing.Entry{entry("old", "billing", time.Hour), entry("vip", "billing", time.Second, priority(10)),
				entry("low", "billing", 2*time.Hour, priority(-1))},
			want: map[string]string{"vip": "ana"},
		},
		{
			name:    "the oldest first at equal priority",
			agents:  []boardAgent{agent("ana", billing)},
			entries: []*routing.Entry{entry("new", "billing", time.Second), entry("old", "billing", time.Hour), entry("mid", "billing", time.Minute)},
			want:    map[string]string{"old": "ana"},
		},
		{
			name:    "the first in at equal priority and age",
			agents:  []boardAgent{agent("ana", billing)},
			entries: []*routing.Entry{entry("first", "billing", time.Minute), entry("second", "billing", time.Minute)},
			want:    map[string]string{"first": "ana"},
		},
		{
			name:   "distribution keys after priority, before age",
			agents: []boardAgent{agent("ana", billing, capacity(2))},
			entries: []*routing.Entry{entry("old", "billing", time.Hour, order(1, 0)), entry("k0", "billing", time.Second, order(0, 5)),
				entry("k1", "billing", time.Minute, order(0, 7)), entry("vip", "billing", 0, priority(2), order(9, 9))},
			want: map[string]string{"vip": "ana", "k0": "ana"},
		},
		{
			name: "skills served in their entries' order",
			agents: []boardAgent{agent("ana", map[string]int{"billing": 3, "sales": 3}), agent("bo", map[string]int{"sales": 1}),
				agent("cy", map[string]int{"billing": 1})},
			entries: []*routing.Entry{entry("b1", "billing", time.Minute), entry("s1", "sales", 2*time.Minute), entry("b2", "billing", 30*time.Second)},
			// s1 is the oldest: ana takes it, and billing gets cy only
			want: map[string]string{"s1": "ana", "b1": "cy"},
		},
		{
			name:    "the preferred agent first, however proficient",
			agents:  []boardAgent{agent("ana", map[string]int{"billing": 1}), agent("bo", map[string]int{"billing": 20})},
			entries: []*routing.Entry{entry("c1", "billing", time.Minute, preferred("ana", t0.Add(time.Minute)))},
			want:    map[string]string{"c1": "ana"},
		},
		{
			name:    "the preferred agent takes it even without the skill",
			agents:  []boardAgent{agent("ana", map[string]int{"sales": 1}), agent("bo", billing)},
			entries: []*routing.Entry{entry("c1", "billing", time.Minute, preferred("ana", t0.Add(time.Minute)))},
			want:    map[string]string{"c1": "ana"},
		},
		{
			name:    "held for a busy preferred agent until its time",
			agents:  []boardAgent{agent("ana", billing, serving("webchat", 1)), agent("bo", billing)},
			entries: []*routing.Entry{entry("c1", "billing", time.Minute, preferred("ana", t0.Add(time.Second)))},
			want:    map[string]string{},
		},
		{
			name:    "released to anyone at its time",
			agents:  []boardAgent{agent("ana", billing, serving("webchat", 1)), agent("bo", billing)},
			entries: []*routing.Entry{entry("c1", "billing", time.Minute, preferred("ana", t0))},
			want:    map[string]string{"c1": "bo"},
		},
		{
			name:    "held for a preferred agent unknown to the board",
			agents:  []boardAgent{agent("bo", billing)},
			entries: []*routing.Entry{entry("c1", "billing", time.Minute, preferred("gone", t0.Add(time.Minute)))},
			want:    map[string]string{},
		},
		{
			name:    "a preferred agent who turned it down does not hold it",
			agents:  []boardAgent{agent("ana", billing), agent("bo", billing)},
			entries: []*routing.Entry{entry("c1", "billing", time.Minute, preferred("ana", t0.Add(time.Minute)), excluded("ana"))},
			want:    map[string]string{"c1": "bo"},
		},
		{
			name: "a preferred agent takes the held conversations that fit",
			agents: []boardAgent{agent("ana", billing, capacity(3), channelCapacity("facebook", 1), serving("facebook", 1)),
				agent("bo", billing, serving("webchat", 1))},
			entries: []*routing.Entry{entry("fb", "billing", 2*time.Minute, channelType(store.ChannelFacebook), preferred("ana", t0.Add(time.Minute))),
				entry("web", "billing", time.Minute, preferred("ana", t0.Add(time.Minute)))},
			want: map[string]string{"web": "ana"},
		},
		{
			name:    "exclusions: not offered again to who turned it down",
			agents:  []boardAgent{agent("ana", map[string]int{"billing": 1}), agent("bo", map[string]int{"billing": 20})},
			entries: []*routing.Entry{entry("c1", "billing", time.Minute, excluded("bo"))},
			want:    map[string]string{"c1": "ana"},
		},
		{
			name:    "excluded by everyone free: it waits",
			agents:  []boardAgent{agent("ana", billing), agent("bo", billing, serving("webchat", 1))},
			entries: []*routing.Entry{entry("c1", "billing", time.Minute, excluded("ana"))},
			want:    map[string]string{},
		},
		{
			name: "an entry nobody free may take does not hold up the ones behind it",
			agents: []boardAgent{agent("ana", billing, capacity(2), channelCapacity("facebook", 0)),
				agent("bo", billing, serving("webchat", 1))},
			entries: []*routing.Entry{entry("c1", "billing", 3*time.Minute, excluded("ana")),
				entry("fb", "billing", 2*time.Minute, channelType(store.ChannelFacebook)), entry("c3", "billing", time.Minute)},
			want: map[string]string{"c3": "ana"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			now := tc.now
			if now.IsZero() {
				now = t0
			}
			b := newBoard(tc.agents, tc.entries)
			got := decisions(b.Match(now))
			require.Equal(t, tc.want, got, "who takes what")
			for _, e := range tc.entries {
				if _, taken := tc.want[e.Ref]; taken {
					require.Nil(t, b.Entry(e.Ref), "%s was taken: it is off the board", e.Ref)
				} else {
					require.NotNil(t, b.Entry(e.Ref), "%s waits on the board", e.Ref)
				}
			}
			require.Empty(t, b.Match(now), "a second match at the same time finds nothing more")
		})
	}
}

func TestBoardMatchCountsLoad(t *testing.T) {
	t.Parallel()
	b := newBoard([]boardAgent{agent("ana", map[string]int{"billing": 5}, capacity(2))},
		[]*routing.Entry{entry("c1", "billing", 3*time.Minute), entry("c2", "billing", 2*time.Minute), entry("c3", "billing", time.Minute)})
	require.Equal(t, 3, b.Waiting("billing"))
	require.Equal(t, map[string]string{"c1": "ana", "c2": "ana"}, decisions(b.Match(t0)))
	require.Equal(t, 2, b.Agent("ana").Load(), "each assignment takes a place of the agent's capacity")
	require.Equal(t, 1, b.Waiting("billing"))

	b.AddLoad("ana", store.ChannelWebchat, -1, t0)
	require.Equal(t, t0, b.Agent("ana").IdleSince, "an agent who finishes a conversation is idle from now")
	require.Equal(t, map[string]string{"c3": "ana"}, decisions(b.Match(t0)))
	require.Zero(t, b.Waiting("billing"))

	b.AddLoad("ana", store.ChannelWebchat, -5, t0)
	require.Zero(t, b.Agent("ana").Load(), "load never goes below zero")
	b.AddLoad("nobody", store.ChannelWebchat, 1, t0) // unknown agents are ignored
}

func TestBoardPutAgentKeepsLoad(t *testing.T) {
	t.Parallel()
	b := newBoard([]boardAgent{agent("ana", map[string]int{"billing": 5}, capacity(2), serving("webchat", 2))},
		[]*routing.Entry{entry("c1", "billing", time.Minute)})
	require.Empty(t, b.Match(t0), "ana is full")
	b.PutAgent(routing.Agent{ID: "ana", Skills: map[string]int{"billing": 5}, Capacity: 3, State: routing.StateAvailable})
	require.Equal(t, 2, b.Agent("ana").Load(), "a new picture of the agent keeps its load")
	require.Equal(t, map[string]string{"c1": "ana"}, decisions(b.Match(t0)), "the capacity raised, ana takes one more")

	b.Add(entry("c2", "billing", time.Second))
	b.PutAgent(routing.Agent{ID: "ana", Skills: map[string]int{"sales": 5}, Capacity: 9, State: routing.StateAvailable})
	require.Empty(t, b.Match(t0), "ana lost the skill")
	b.PutAgent(routing.Agent{ID: "ana", Skills: map[string]int{"billing": 5}, Capacity: 0, State: routing.StateAvailable})
	require.Empty(t, b.Match(t0), "a capacity of zero counts as one, and ana has three")
}

func TestBoardRemove(t *testing.T) {
	t.Parallel()
	b := newBoard([]boardAgent{agent("ana", map[string]int{"billing": 5}, serving("webchat", 1))},
		[]*routing.Entry{entry("c1", "billing", 3*time.Minute), entry("held", "billing", 2*time.Minute, preferred("ana", t0.Add(time.Hour))),
			entry("c3", "billing", time.Minute)})
	require.Equal(t, 3, b.Waiting("billing"), "held entries count as waiting")
	b.Remove("c1")
	b.Remove("held")
	b.Remove("nothing")
	require.Equal(t, 1, b.Waiting("billing"))
	b.Add(entry("c3", "billing", time.Hour)) // a second Add replaces the entry
	require.Equal(t, 1, b.Waiting("billing"))
	b.AddLoad("ana", store.ChannelWebchat, -1, t0)
	require.Equal(t, map[string]string{"c3": "ana"}, decisions(b.Match(t0)))
}

func TestOrderKeys(t *testing.T) {
	t.Parallel()
	at := t0.Add(-time.Minute)
	private := store.QueueEntry{EnqueuedAt: at}
	public := store.QueueEntry{EnqueuedAt: at, Public: true}
	channel := func(settings map[string]any) store.Channel { return store.Channel{ID: "c", Settings: settings} }
	cases := []struct {
		name     string
		settings map[string]any
		e        store.QueueEntry
		want     [2]int64
	}{
		{"none", nil, public, [2]int64{}},
		{"oldest is the age, which decides last", map[string]any{"distribution": []any{"oldest"}}, private, [2]int64{0, 0}},
		{"after oldest nothing counts", map[string]any{"distribution": []any{"oldest", "public_first"}}, private, [2]int64{0, 0}},
		{"oldest second", map[string]any{"distribution": []any{"public_first", "oldest"}}, private, [2]int64{1, 0}},
		{"newest", map[string]any{"distribution": []any{"newest"}}, private, [2]int64{-at.UnixNano(), 0}},
		{"account priority", map[string]any{"distribution": []any{"account_priority"}, "account_priority": float64(7)}, private, [2]int64{-7, 0}},
		{"private first, private", map[string]any{"distribution": []any{"private_first"}}, private, [2]int64{0, 0}},
		{"private first, public", map[string]any{"distribution": []any{"private_first"}}, public, [2]int64{1, 0}},
		{"public first, public", map[string]any{"distribution": []any{"public_first"}}, public, [2]int64{0, 0}},
		{"public first, private", map[string]any{"distribution": []any{"public_first"}}, private, [2]int64{1, 0}},
		{"two levels", map[string]any{"distribution": []string{"public_first", "newest"}}, private, [2]int64{1, -at.UnixNano()}},
		{"a third level is ignored", map[string]any{"distribution": []any{"private_first", "account_priority", "newest"}, "account_priority": 3},
			public, [2]int64{1, -3}},
		{"unknown orders count as none", map[string]any{"distribution": []any{"loudest", 7}}, public, [2]int64{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, routing.OrderKeys(channel(tc.settings), tc.e))
		})
	}
}

// TestBoardDistributionOrders checks the order one agent is given a channel's conversations in,
// for each distribution the channel may set.
func TestBoardDistributionOrders(t *testing.T) {
	t.Parallel()
	type conv struct {
		ref    string
		age    time.Duration
		public bool
		pri    int
	}
	convs := []conv{
		{"pub-old", 4 * time.Minute, true, 0},
		{"priv-old", 3 * time.Minute, false, 0},
		{"pub-new", 2 * time.Minute, true, 0},
		{"priv-new", time.Minute, false, 0},
		{"vip", 30 * time.Second, true, 1},
	}
	cases := []struct {
		distribution []any
		want         []string
	}{
		{nil, []string{"vip", "pub-old", "priv-old", "pub-new", "priv-new"}},
		{[]any{"oldest"}, []string{"vip", "pub-old", "priv-old", "pub-new", "priv-new"}},
		{[]any{"newest"}, []string{"vip", "priv-new", "pub-new", "priv-old", "pub-old"}},
		{[]any{"private_first"}, []string{"vip", "priv-old", "priv-new", "pub-old", "pub-new"}},
		{[]any{"public_first"}, []string{"vip", "pub-old", "pub-new", "priv-old", "priv-new"}},
		{[]any{"private_first", "newest"}, []string{"vip", "priv-new", "priv-old", "pub-new", "pub-old"}},
		{[]any{"public_first", "oldest"}, []string{"vip", "pub-old", "pub-new", "priv-old", "priv-new"}},
		{[]any{"newest", "private_first"}, []string{"vip", "priv-new", "pub-new", "priv-old", "pub-old"}},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.distribution), func(t *testing.T) {
			t.Parallel()
			ch := store.Channel{ID: "web", Settings: map[string]any{"distribution": tc.distribution}}
			b := newBoard([]boardAgent{agent("ana", map[string]int{"billing": 5})}, nil)
			for _, c := range convs {
				qe := store.QueueEntry{Ref: c.ref, EnqueuedAt: ago(c.age), Public: c.public}
				b.Add(entry(c.ref, "billing", c.age, priority(c.pri), order(routing.OrderKeys(ch, qe)[0], routing.OrderKeys(ch, qe)[1])))
			}
			var got []string
			for range convs {
				as := b.Match(t0)
				require.Len(t, as, 1, "one place, one conversation")
				got = append(got, as[0].Entry.Ref)
				b.AddLoad("ana", store.ChannelWebchat, -1, t0)
			}
			require.Equal(t, tc.want, got)
		})
	}
}

func TestBoardAccountPriorityAcrossChannels(t *testing.T) {
	t.Parallel()
	gold := store.Channel{ID: "gold", Settings: map[string]any{"distribution": []any{"account_priority"}, "account_priority": float64(9)}}
	basic := store.Channel{ID: "basic", Settings: map[string]any{"distribution": []any{"account_priority"}, "account_priority": float64(1)}}
	keys := func(ch store.Channel, age time.Duration) func(*routing.Entry) {
		k := routing.OrderKeys(ch, store.QueueEntry{EnqueuedAt: ago(age)})
		return order(k[0], k[1])
	}
	b := newBoard([]boardAgent{agent("ana", map[string]int{"billing": 5})},
		[]*routing.Entry{entry("basic-old", "billing", time.Hour, keys(basic, time.Hour)), entry("gold-new", "billing", time.Second, keys(gold, time.Second))})
	require.Equal(t, map[string]string{"gold-new": "ana"}, decisions(b.Match(t0)), "the account with the higher priority first")
}

func TestBoardOldestAndUnsetChannelsInterleaveByAge(t *testing.T) {
	t.Parallel()
	oldest := store.Channel{ID: "oldest", Settings: map[string]any{"distribution": []any{"oldest"}}}
	unset := store.Channel{ID: "unset"}
	keys := func(ch store.Channel, age time.Duration) func(*routing.Entry) {
		k := routing.OrderKeys(ch, store.QueueEntry{EnqueuedAt: ago(age)})
		return order(k[0], k[1])
	}
	b := newBoard([]boardAgent{agent("ana", map[string]int{"billing": 5})}, []*routing.Entry{
		entry("unset-old", "billing", 3*time.Minute, keys(unset, 3*time.Minute)),
		entry("oldest-mid", "billing", 2*time.Minute, keys(oldest, 2*time.Minute)),
		entry("unset-new", "billing", time.Minute, keys(unset, time.Minute)),
	})
	var got []string
	for range 3 {
		as := b.Match(t0)
		require.Len(t, as, 1)
		got = append(got, as[0].Entry.Ref)
		b.AddLoad("ana", store.ChannelWebchat, -1, t0)
	}
	require.Equal(t, []string{"unset-old", "oldest-mid", "unset-new"}, got, "a channel set to oldest is served by age with the others")
}

func TestBoardPreferredHeldThenReleased(t *testing.T) {
	t.Parallel()
	until := t0.Add(2 * time.Minute)
	agents := []boardAgent{agent("ana", map[string]int{"billing": 1}, serving("webchat", 1)), agent("bo", map[string]int{"billing": 20})}
	b := newBoard(agents, []*routing.Entry{entry("c1", "billing", 0, preferred("ana", until))})
	require.Empty(t, b.Match(t0), "held for ana, who is busy, though bo is free")
	require.Empty(t, b.Match(until.Add(-time.Nanosecond)), "still held a moment before its time")
	require.Equal(t, 1, b.Waiting("billing"))
	require.Equal(t, map[string]string{"c1": "bo"}, decisions(b.Match(until)), "released to anyone at its time")

	// Freed agrees: the preferred agent freed in time takes it; too late, the best agent does.
	b = newBoard(agents, []*routing.Entry{entry("c1", "billing", 0, preferred("ana", until))})
	require.Nil(t, b.Freed("bo", t0), "bo may not take it yet")
	b.AddLoad("ana", store.ChannelWebchat, -1, t0)
	require.Equal(t, "c1", b.Freed("ana", t0).Ref)

	b = newBoard(agents, []*routing.Entry{entry("c1", "billing", 0, preferred("ana", until))})
	b.AddLoad("bo", store.ChannelWebchat, 1, t0)
	b.AddLoad("bo", store.ChannelWebchat, -1, until)
	got := b.Freed("bo", until)
	require.NotNil(t, got, "the hold ran out: bo, freed, takes it")
	require.Equal(t, "c1", got.Ref)

	// Offer agrees too.
	b = newBoard(agents, nil)
	require.Nil(t, b.Offer(entry("c1", "billing", 0, preferred("ana", until)), t0), "held for ana")
	require.Equal(t, 1, b.Waiting("billing"))
	b = newBoard(agents, nil)
	require.Equal(t, "bo", id(b.Offer(entry("c1", "billing", 0, preferred("ana", t0)), t0)), "a hold that ran out holds nothing")
}

func TestBoardOffer(t *testing.T) {
	t.Parallel()
	agents := []boardAgent{agent("ana", map[string]int{"billing": 5}), agent("bo", map[string]int{"billing": 12}, serving("webchat", 1)),
		agent("cy", map[string]int{"billing": 8}, state(routing.StateBreak))}
	b := newBoard(agents, nil)
	require.Equal(t, "ana", id(b.Offer(entry("c1", "billing", 0), t0)), "the best free agent")
	require.Nil(t, b.Entry("c1"), "an entry offered at once is not on the board")
	require.Nil(t, b.Offer(entry("c2", "billing", 0), t0), "nobody free: it waits")
	require.NotNil(t, b.Entry("c2"))
	require.Nil(t, b.Offer(entry("c3", "sales", 0), t0), "a skill nobody has: it waits")
	require.Equal(t, 1, b.Waiting("sales"))

	b = newBoard(agents, []*routing.Entry{entry("old", "billing", time.Hour, excluded("ana"))})
	require.Empty(t, b.Match(t0), "ana turned the old one down; bo is busy")
	require.Equal(t, "ana", id(b.Offer(entry("new", "billing", 0), t0)), "a new one goes to ana though the old one waits")
}

func TestBoardFreed(t *testing.T) {
	t.Parallel()
	agents := []boardAgent{
		agent("ana", map[string]int{"billing": 5, "sales": 2}, capacity(2), serving("webchat", 2)),
		agent("bo", map[string]int{"billing": 12}, state(routing.StateBreak)),
	}
	entries := []*routing.Entry{
		entry("b-old", "billing", 3*time.Minute), entry("s-vip", "sales", time.Minute, priority(3)),
		entry("b-new", "billing", 2*time.Minute), entry("b-excl", "billing", 4*time.Hour, excluded("ana")),
	}
	b := newBoard(agents, entries)
	require.Nil(t, b.Freed("ana", t0), "ana is full")
	require.Nil(t, b.Freed("bo", t0), "bo is on a break")
	require.Nil(t, b.Freed("nobody", t0))
	b.AddLoad("ana", store.ChannelWebchat, -1, t0)
	require.Equal(t, "s-vip", b.Freed("ana", t0).Ref, "the best entry of all the agent's skills")
	require.Nil(t, b.Freed("ana", t0), "full again")
	b.AddLoad("ana", store.ChannelWebchat, -2, t0)
	require.Equal(t, "b-old", b.Freed("ana", t0).Ref, "not the one ana turned down")
	require.Equal(t, "b-new", b.Freed("ana", t0).Ref)
	require.Nil(t, b.Freed("ana", t0))
	require.Equal(t, 1, b.Waiting("billing"), "b-excl waits for someone else")
}

// TestBoardAgreesWithReference compares the board's decisions with a plain O(n) model of the
// same rules, on random boards: Match, then Offer of a new entry, then an agent freed (Freed
// until it is full), each against the model's Match.
func TestBoardAgreesWithReference(t *testing.T) {
	t.Parallel()
	seeds := 3000
	if testing.Short() {
		seeds = 300
	}
	for seed := range seeds {
		r := rand.New(rand.NewPCG(uint64(seed), 42))
		sc := randomScenario(r)
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			checkAgainstReference(t, r, sc)
		})
	}
}

// FuzzBoardAgreesWithReference is TestBoardAgreesWithReference on the seeds the fuzzer finds.
func FuzzBoardAgreesWithReference(f *testing.F) {
	for seed := range uint64(16) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, seed uint64) {
		r := rand.New(rand.NewPCG(seed, 42))
		checkAgainstReference(t, r, randomScenario(r))
	})
}

// scenario is a random board: skills' policies, agents (with loads) and entries, and the time
// of the match.
type scenario struct {
	policies map[string]routing.Policy
	agents   []boardAgent
	entries  []*routing.Entry
	now      time.Time
}

var (
	refSkills   = []string{"billing", "sales", "tech"}
	refChannels = []string{store.ChannelWebchat, store.ChannelFacebook, store.ChannelTwitter}
	// refChannelType gives the reference's channels' types, by id.
	refChannelType = map[string]string{"web1": store.ChannelWebchat, "web2": store.ChannelWebchat, "fb1": store.ChannelFacebook,
		"tw1": store.ChannelTwitter}
	refChannelIDs = slices.Sorted(maps.Keys(refChannelType))
	refIDs        = []string{"ana", "bo", "cy", "di", "ed", "flo", "gus", "hal"}
	refGroups     = []string{"day", "night", "tier1", "tier2"}
)

func randomScenario(r *rand.Rand) scenario {
	sc := scenario{now: t0.Add(time.Duration(r.IntN(4)) * time.Minute), policies: map[string]routing.Policy{}}
	for _, s := range refSkills {
		if r.IntN(2) == 0 {
			continue // the default: most proficient, no limit
		}
		sc.policies[s] = routing.Policy{Strategy: routing.Strategies[r.IntN(len(routing.Strategies))], Limit: r.IntN(3),
			Routed: r.IntN(3) == 0}
		if r.IntN(2) == 0 {
			p := sc.policies[s]
			p.Groups = []string{refGroups[r.IntN(2)], refGroups[2+r.IntN(2)]} // in order
			sc.policies[s] = p
		}
	}
	for _, id := range refIDs[:1+r.IntN(len(refIDs))] {
		a := boardAgent{Agent: routing.Agent{ID: id, Skills: map[string]int{}, Capacity: 1 + r.IntN(3),
			State: routing.States[r.IntN(len(routing.States))], Blending: r.IntN(2) == 0,
			IdleSince: t0.Add(-time.Duration(r.IntN(4)) * time.Minute), Recent: map[string]int{}}, load: map[string]int{}}
		if r.IntN(2) == 0 {
			a.LastAssigned = t0.Add(-time.Duration(r.IntN(4)) * time.Minute)
		}
		for _, g := range refGroups {
			if r.IntN(3) == 0 {
				a.Groups = append(a.Groups, g)
			}
		}
		if r.IntN(3) > 0 {
			a.State = routing.StateAvailable
		}
		for _, s := range refSkills {
			if r.IntN(3) > 0 {
				a.Skills[s] = r.IntN(4) // 0 is "not really"
			}
			if r.IntN(3) == 0 {
				a.Recent[s] = r.IntN(3)
			}
		}
		if r.IntN(3) == 0 {
			a.ChannelCapacity = map[string]int{refChannels[r.IntN(len(refChannels))]: r.IntN(2)}
			if r.IntN(2) == 0 { // a bound on one channel, by its id
				a.ChannelCapacity[refChannelIDs[r.IntN(len(refChannelIDs))]] = r.IntN(2)
			}
		}
		for range r.IntN(a.Capacity + 1) {
			a.load[refChannelIDs[r.IntN(len(refChannelIDs))]]++
		}
		sc.agents = append(sc.agents, a)
	}
	for i := range r.IntN(16) {
		sc.entries = append(sc.entries, randomEntry(r, fmt.Sprintf("e%d", i), sc.agents))
	}
	return sc
}

func randomEntry(r *rand.Rand, ref string, agents []boardAgent) *routing.Entry {
	e := &routing.Entry{Ref: ref, Skill: refSkills[r.IntN(len(refSkills))], Priority: r.IntN(3),
		ChannelID: refChannelIDs[r.IntN(len(refChannelIDs))], NoBlending: r.IntN(4) == 0, Order: [2]int64{int64(r.IntN(2)), int64(r.IntN(2))},
		EnqueuedAt: t0.Add(-time.Duration(r.IntN(5)) * time.Minute)}
	e.ChannelType = refChannelType[e.ChannelID]
	if r.IntN(3) == 0 {
		e.Preferred = refIDs[r.IntN(len(refIDs))] // maybe not on the board
		e.PreferredUntil = t0.Add(time.Duration(r.IntN(5)) * time.Minute)
	}
	if r.IntN(5) == 0 {
		e.Strategy = routing.Strategies[r.IntN(len(routing.Strategies))] // its channel's
	}
	if r.IntN(3) == 0 { // an escalation step
		e.MinLevel = r.IntN(4)
		for _, s := range refSkills {
			if r.IntN(3) == 0 {
				e.Also = append(e.Also, s) // maybe its own skill: ignored
			}
		}
	}
	if r.IntN(3) == 0 {
		e.Excluded = map[string]bool{}
		for _, a := range agents {
			if r.IntN(3) == 0 {
				e.Excluded[a.ID] = true
			}
		}
	}
	return e
}

// clone copies an entry, so that the board and the model each have their own.
func clone(e *routing.Entry) *routing.Entry {
	c := *e
	c.Excluded = maps.Clone(e.Excluded)
	return &c
}

func checkAgainstReference(t *testing.T, r *rand.Rand, sc scenario) {
	entries := make([]*routing.Entry, len(sc.entries))
	for i, e := range sc.entries {
		entries[i] = clone(e)
	}
	b := routing.NewBoard()
	b.Choose = refChoose
	for _, s := range slices.Sorted(maps.Keys(sc.policies)) {
		b.SetPolicy(s, sc.policies[s])
	}
	fill(b, sc.agents, entries)
	m := newModel(sc.agents, sc.entries)
	m.policies = sc.policies

	require.Equal(t, m.match(sc.now), pairs(b.Match(sc.now)), "Match")
	require.Empty(t, b.Match(sc.now), "a second Match at the same time")
	for _, s := range refSkills {
		require.Equal(t, m.waiting(s), b.Waiting(s), "waiting for %s", s)
	}

	// A new entry: Offer decides as Add and Match would.
	e := randomEntry(r, "new", sc.agents)
	m.add(clone(e))
	want := m.match(sc.now)
	require.LessOrEqual(t, len(want), 1, "the model's board was matched: only the new entry may go")
	got := b.Offer(clone(e), sc.now)
	if len(want) == 0 {
		require.Nil(t, got, "Offer: the new entry waits")
		require.NotNil(t, b.Entry("new"))
	} else {
		require.NotNil(t, got, "Offer: the new entry goes to %s", want[0][1])
		require.Equal(t, want[0], [2]string{"new", got.ID}, "Offer")
	}

	// An agent finishes a conversation: Freed, until it is full, decides as Match would.
	var busy []boardAgent
	for _, a := range sc.agents {
		if m.agents[a.ID].load > 0 {
			busy = append(busy, a)
		}
	}
	if len(busy) == 0 {
		return
	}
	a := busy[r.IntN(len(busy))]
	ch := m.anyLoadChannel(a.ID)
	m.addLoad(a.ID, ch, -1, sc.now)
	want = m.match(sc.now)
	b.AddChannelLoad(a.ID, refChannelType[ch], ch, -1, sc.now)
	freed := [][2]string{}
	for {
		e := b.Freed(a.ID, sc.now)
		if e == nil {
			break
		}
		freed = append(freed, [2]string{e.Ref, a.ID})
	}
	slices.SortFunc(freed, cmpPair)
	require.Equal(t, want, freed, "Freed(%s) after it finished a %s conversation", a.ID, ch)
	require.Empty(t, b.Match(sc.now), "Freed left nothing for Match")
}

func pairs(as []routing.Assignment) [][2]string {
	out := [][2]string{}
	for _, a := range as {
		out = append(out, [2]string{a.Entry.Ref, a.Agent.ID})
	}
	slices.SortFunc(out, func(x, y [2]string) int { return cmpPair(x, y) })
	return out
}

func cmpPair(x, y [2]string) int {
	if x[0] != y[0] {
		if x[0] < y[0] {
			return -1
		}
		return 1
	}
	if x[1] < y[1] {
		return -1
	} else if x[1] > y[1] {
		return 1
	}
	return 0
}

// model is the reference: the board's rules, written plainly, in O(n) per decision.
type model struct {
	agents   map[string]*modelAgent
	entries  []*routing.Entry // waiting, in the order they were added
	seq      map[string]int
	next     int
	policies map[string]routing.Policy
}

type modelAgent struct {
	routing.Agent
	load   int
	byType map[string]int
	// byChannel counts the load on the reference's channels, by id.
	byChannel map[string]int
}

func newModel(agents []boardAgent, entries []*routing.Entry) *model {
	m := &model{agents: map[string]*modelAgent{}, seq: map[string]int{}}
	for _, a := range agents {
		ma := &modelAgent{Agent: a.Agent, byType: map[string]int{}, byChannel: map[string]int{}}
		ma.Recent = maps.Clone(a.Recent)
		if ma.Recent == nil {
			ma.Recent = map[string]int{}
		}
		if ma.Capacity <= 0 {
			ma.Capacity = 1
		}
		for key, n := range a.load {
			ma.load += n
			if typ, ok := refChannelType[key]; ok {
				ma.byType[typ] += n
				ma.byChannel[key] += n
			} else {
				ma.byType[key] += n
			}
		}
		m.agents[a.ID] = ma
	}
	for _, e := range entries {
		m.add(clone(e))
	}
	return m
}

func (m *model) add(e *routing.Entry) {
	m.entries = append(m.entries, e)
	m.seq[e.Ref] = m.next
	m.next++
}

func (m *model) addLoad(id, channel string, n int, now time.Time) {
	a := m.agents[id]
	a.load = max(a.load+n, 0)
	typ := refChannelType[channel]
	a.byType[typ] = max(a.byType[typ]+n, 0)
	a.byChannel[channel] = max(a.byChannel[channel]+n, 0)
	if n < 0 {
		a.IdleSince = now
	}
}

// anyLoadChannel is a channel the agent serves a conversation of.
func (m *model) anyLoadChannel(id string) string {
	a := m.agents[id]
	for _, ch := range slices.Sorted(maps.Keys(a.byChannel)) {
		if a.byChannel[ch] > 0 {
			return ch
		}
	}
	return ""
}

func (m *model) free(a *modelAgent) bool {
	switch {
	case a.State == routing.StateAvailable:
	case a.State == routing.StateBusy && a.Blending:
	default:
		return false
	}
	return a.load < a.Capacity
}

func (m *model) fits(a *modelAgent, e *routing.Entry) bool {
	if e.Excluded[a.ID] {
		return false
	}
	if limit, ok := a.ChannelCapacity[e.ChannelType]; ok && a.byType[e.ChannelType] >= limit {
		return false
	}
	if limit, ok := a.ChannelCapacity[e.ChannelID]; ok && a.byChannel[e.ChannelID] >= limit {
		return false
	}
	// a channel that does not blend: only agents serving no other channel's conversation
	return !e.NoBlending || a.load == a.byChannel[e.ChannelID]
}

// held tells whether an entry waits for its preferred agent at a time.
func held(e *routing.Entry, now time.Time) bool {
	return e.Preferred != "" && now.Before(e.PreferredUntil) && !e.Excluded[e.Preferred]
}

func (m *model) waiting(skill string) int {
	n := 0
	for _, e := range m.entries {
		if e.Skill == skill {
			n++
		}
	}
	return n
}

// match makes every assignment possible: held entries to their preferred agent, in the order
// they came; then every other entry, best first (priority, keys, age, arrival), to the best free
// agent who may take it (proficiency, idle time, id). It returns them sorted.
func (m *model) match(now time.Time) [][2]string {
	out := [][2]string{}
	taken := map[string]bool{}
	take := func(e *routing.Entry, a *modelAgent) {
		out = append(out, [2]string{e.Ref, a.ID})
		taken[e.Ref] = true
		a.load++
		a.byType[e.ChannelType]++
		a.byChannel[e.ChannelID]++
		a.Recent[e.Skill]++
		a.LastAssigned = now
	}
	for _, e := range m.entries {
		if m.strategy(e) == routing.StrategyManual {
			taken[e.Ref] = false // claimed by agents, never assigned
		} else if held(e, now) {
			if a := m.agents[e.Preferred]; a != nil && m.free(a) && m.fits(a, e) {
				take(e, a)
			}
		}
	}
	var queued []*routing.Entry
	for _, e := range m.entries {
		if _, manual := taken[e.Ref]; !manual && !held(e, now) {
			queued = append(queued, e)
		}
	}
	slices.SortStableFunc(queued, func(x, y *routing.Entry) int {
		switch {
		case x.Priority != y.Priority:
			return y.Priority - x.Priority
		case x.Order != y.Order:
			if x.Order[0] != y.Order[0] {
				return int(x.Order[0] - y.Order[0])
			}
			return int(x.Order[1] - y.Order[1])
		case !x.EnqueuedAt.Equal(y.EnqueuedAt):
			return x.EnqueuedAt.Compare(y.EnqueuedAt)
		}
		return m.seq[x.Ref] - m.seq[y.Ref]
	})
	for _, e := range queued {
		// its own skill first, then its Also skills, in order
		for _, skill := range append([]string{e.Skill}, e.Also...) {
			if best := m.best(e, skill); best != nil {
				take(&routing.Entry{Ref: e.Ref, Skill: skill, ChannelType: e.ChannelType, ChannelID: e.ChannelID}, best)
				break
			}
		}
	}
	kept := m.entries[:0]
	for _, e := range m.entries {
		if got, ok := taken[e.Ref]; !ok || !got {
			kept = append(kept, e)
		}
	}
	m.entries = kept
	slices.SortFunc(out, cmpPair)
	return out
}

// best is the agent who takes an entry by one of its skills, or nil: the free agents who may
// take it, in the strategy's order, or the one the reference router picks among them.
func (m *model) best(e *routing.Entry, skill string) *modelAgent {
	var cands []*modelAgent
	for _, a := range m.agents {
		limit := m.policies[skill].Limit
		if a.Skills[skill] <= 0 || a.Skills[skill] < e.MinLevel || !m.free(a) || !m.fits(a, e) || (limit > 0 && a.Recent[skill] >= limit) {
			continue
		}
		cands = append(cands, a)
	}
	strategy := e.Strategy // an Also skill serves the entry by its own skill's rules
	if strategy == "" {
		strategy = cmp.Or(m.policies[e.Skill].Strategy, routing.StrategyMostProficient)
	}
	tier := func(a *modelAgent) int {
		for i, g := range m.policies[skill].Groups {
			if slices.Contains(a.Groups, g) {
				return i
			}
		}
		return len(m.policies[skill].Groups)
	}
	slices.SortFunc(cands, func(x, y *modelAgent) int {
		if tx, ty := tier(x), tier(y); tx != ty {
			return tx - ty // the skill's groups in order, then agents in none
		}
		if better(x, y, skill, strategy) {
			return -1
		}
		return 1
	})
	if len(cands) == 0 {
		return nil
	}
	if m.policies[e.Skill].Routed && len(cands) > 1 {
		cands = cands[:min(len(cands), routing.MaxCandidates)]
		ids := make([]string, len(cands))
		for i, a := range cands {
			ids[i] = a.ID
		}
		if i := slices.Index(ids, refChooseID(e.Ref, ids)); i >= 0 {
			return cands[i]
		}
	}
	return cands[0]
}

// strategy is the strategy an entry is served by.
func (m *model) strategy(e *routing.Entry) string {
	if e.Strategy != "" {
		return e.Strategy
	}
	if s := m.policies[e.Skill].Strategy; s != "" {
		return s
	}
	return routing.StrategyMostProficient
}

// better tells whether agent a goes before b for a skill, by a strategy: each strategy is a
// list of comparisons, tried in turn, then the id.
func better(a, b *modelAgent, skill, strategy string) bool {
	level := func() int { return cmp.Compare(b.Skills[skill], a.Skills[skill]) }
	idle := func() int { return a.IdleSince.Compare(b.IdleSince) }
	busy := func() int { return cmp.Compare(a.load*b.Capacity, b.load*a.Capacity) }
	last := func() int { return a.LastAssigned.Compare(b.LastAssigned) }
	order := map[string][]func() int{
		routing.StrategyMostProficient: {level, idle},
		routing.StrategyLongestIdle:    {idle, level},
		routing.StrategyLeastBusy:      {busy, level, idle},
		routing.StrategyRoundRobin:     {level, last, idle},
	}[strategy]
	for _, c := range order {
		if n := c(); n != 0 {
			return n < 0
		}
	}
	return a.ID < b.ID
}

// refChooseID is the reference's external router: by the entry, the last candidate, nobody,
// or an agent who is not a candidate (the last two fall back to the first candidate).
func refChooseID(ref string, ids []string) string {
	sum := 0
	for _, c := range ref {
		sum += int(c)
	}
	switch sum % 3 {
	case 0:
		return ids[len(ids)-1]
	case 1:
		return ""
	}
	return "stranger"
}

// refChoose is refChooseID as the board's Chooser.
func refChoose(e *routing.Entry, cands []*routing.Agent) *routing.Agent {
	ids := make([]string, len(cands))
	for i, a := range cands {
		ids[i] = a.ID
	}
	switch id := refChooseID(e.Ref, ids); id {
	case "":
		return nil
	case "stranger":
		return &routing.Agent{ID: id}
	default:
		return cands[slices.Index(ids, id)]
	}
}

// Each strategy orders the same free agents its own way; a channel's strategy on an entry
// overrides its skill's, and a policy set after the agents rebuilds their order.
func TestBoardStrategies(t *testing.T) {
	t.Parallel()
	agents := func() []boardAgent {
		return []boardAgent{
			agent("ana", map[string]int{"billing": 20}, capacity(4), serving("webchat", 2), idleSince(ago(time.Minute))),
			agent("bo", map[string]int{"billing": 5}, capacity(2), idleSince(ago(time.Hour))),
			agent("cy", map[string]int{"billing": 20}, capacity(4), serving("webchat", 1), idleSince(ago(30*time.Minute)),
				func(a *boardAgent) { a.LastAssigned = ago(time.Hour) }),
		}
	}
	for _, tc := range []struct {
		strategy string
		want     string
	}{
		{routing.StrategyMostProficient, "cy"}, // ana and cy at 20: cy idle longer
		{routing.StrategyLongestIdle, "bo"},
		{routing.StrategyLeastBusy, "bo"},   // 0/2 against 2/4 and 1/4
		{routing.StrategyRoundRobin, "ana"}, // ana has never been given one
		{routing.StrategyManual, ""},
	} {
		t.Run(tc.strategy, func(t *testing.T) {
			t.Parallel()
			b := routing.NewBoard()
			b.SetPolicy("billing", routing.Policy{Strategy: tc.strategy})
			fill(b, agents(), nil)
			require.Equal(t, tc.want, id(b.Offer(entry("c1", "billing", 0), t0)), "Offer")

			b = newBoard(agents(), nil)
			b.SetPolicy("billing", routing.Policy{Strategy: tc.strategy}) // after the agents
			b.Add(entry("c1", "billing", 0))
			want := map[string]string{}
			if tc.want != "" {
				want["c1"] = tc.want
			}
			require.Equal(t, want, decisions(b.Match(t0)), "Match after a new policy")

			b = newBoard(agents(), []*routing.Entry{entry("c1", "billing", 0, func(e *routing.Entry) { e.Strategy = tc.strategy })})
			require.Equal(t, want, decisions(b.Match(t0)), "the entry's own strategy over the skill's")
		})
	}
}

// An agent who had the policy's limit of new conversations of a skill takes no more of it, but
// still takes other skills'; a routed skill's Chooser picks among the candidates.
func TestBoardLimitAndChooser(t *testing.T) {
	t.Parallel()
	b := routing.NewBoard()
	b.SetPolicy("billing", routing.Policy{Limit: 1})
	fill(b, []boardAgent{agent("ana", map[string]int{"billing": 20, "sales": 1}, capacity(3)), agent("bo", map[string]int{"billing": 1}, capacity(3))}, nil)
	require.Equal(t, "ana", id(b.Offer(entry("c1", "billing", 0), t0)))
	require.Equal(t, "bo", id(b.Offer(entry("c2", "billing", 0), t0)), "ana had her one")
	require.Equal(t, "ana", id(b.Offer(entry("s1", "sales", 0), t0)), "the limit is the skill's")
	require.Nil(t, b.Offer(entry("c3", "billing", 0), t0), "both had their one")

	b = routing.NewBoard()
	b.SetPolicy("billing", routing.Policy{Routed: true})
	var offered []string
	b.Choose = func(e *routing.Entry, cands []*routing.Agent) *routing.Agent {
		offered = offered[:0]
		for _, c := range cands {
			offered = append(offered, c.ID)
		}
		return cands[len(cands)-1]
	}
	fill(b, []boardAgent{agent("ana", map[string]int{"billing": 20}), agent("bo", map[string]int{"billing": 10}), agent("cy", map[string]int{"billing": 1})}, nil)
	require.Equal(t, "cy", id(b.Offer(entry("c1", "billing", 0), t0)))
	require.Equal(t, []string{"ana", "bo", "cy"}, offered, "the candidates, best first")
	require.Equal(t, "bo", id(b.Offer(entry("c2", "billing", 0), t0)))
	require.Equal(t, "ana", id(b.Offer(entry("c3", "billing", 0), t0)), "one candidate left: the Chooser is not asked")
	require.Equal(t, []string{"ana", "bo"}, offered)
}

// A decision looks past at most MaxPassedOver free agents who may not take a conversation (here
// below its escalation step's proficiency, ahead in the longest_idle order). Within the bound
// the first who may take it does; beyond it the conversation waits for a later decision and
// does not hold up those behind it, and it is served once the agents ahead of its one have
// taken other conversations and left the heap.
func TestBoardPassesOverABoundedNumberOfAgents(t *testing.T) {
	t.Parallel()
	crowd := func(n int) []boardAgent {
		out := []boardAgent{agent("zed", map[string]int{"billing": 18}, idleSince(ago(time.Hour)))}
		for i := range n {
			out = append(out, agent(fmt.Sprintf("a%03d", i), map[string]int{"billing": 5}, idleSince(ago(2*time.Hour+time.Duration(i)*time.Second))))
		}
		return out
	}
	expert := func(e *routing.Entry) { e.MinLevel = 15 }
	for _, tc := range []struct {
		name   string
		before int
		want   string
	}{
		{"within the bound", routing.MaxPassedOver - 1, "zed"},
		{"beyond it", routing.MaxPassedOver, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := routing.NewBoard()
			b.SetPolicy("billing", routing.Policy{Strategy: routing.StrategyLongestIdle})
			fill(b, crowd(tc.before), nil)
			require.Equal(t, tc.want, id(b.Offer(entry("vip", "billing", time.Minute, expert), t0)), "Offer")
		})
	}

	b := routing.NewBoard()
	b.SetPolicy("billing", routing.Policy{Strategy: routing.StrategyLongestIdle})
	fill(b, crowd(routing.MaxPassedOver), []*routing.Entry{entry("vip", "billing", 2*time.Minute, expert), entry("c1", "billing", time.Minute)})
	require.Equal(t, map[string]string{"c1": fmt.Sprintf("a%03d", routing.MaxPassedOver-1)}, decisions(b.Match(t0)),
		"the expert's conversation waits; the one behind it goes to the longest idle")
	b.Add(entry("c2", "billing", 0))
	require.Equal(t, map[string]string{"vip": "zed", "c2": fmt.Sprintf("a%03d", routing.MaxPassedOver-2)}, decisions(b.Match(t0)),
		"one fewer ahead of zed: within the bound")
}
