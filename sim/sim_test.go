package sim_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/blocks"
	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/flows"
	"github.com/switchboardhq/switchboard/sim"
)

// registry holds the built-in blocks; registries and loaded flows are safe for concurrent use.
var registry = blocks.NewRegistry()

// at is the moment of every scenario: far from today, so a reading of the wall clock shows.
var at = time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)

// loadFlow loads a flow of testdata/, failing the test with its diagnostics when it has errors.
func loadFlow(t testing.TB, name string) *engine.Flow {
	t.Helper()
	f, diags, err := flows.LoadFile(filepath.Join("testdata", name), registry)
	require.NoError(t, err)
	require.NotNil(t, f, "testdata/%s should load; diagnostics: %v", name, diags)
	return f
}

// run plays a scenario through testdata/chat.yaml and fails the test if the scenario is refused.
func run(t *testing.T, sc sim.Scenario) *sim.Outcome {
	t.Helper()
	out, err := sim.Run(context.Background(), loadFlow(t, "chat.yaml"), sc, nil)
	require.NoError(t, err)
	return out
}

// lastExit is the exit a block of the flow took the last time it ran, or "-" when it never ran.
func lastExit(o *sim.Outcome, block string) string {
	for i := len(o.Steps) - 1; i >= 0; i-- {
		if o.Steps[i].Block == block && o.Steps[i].Flow == "" {
			return o.Steps[i].Exit
		}
	}
	return "-"
}

// chat is the interaction the scenarios of chat.yaml start with.
func chat(text string) engine.Interaction {
	return engine.Interaction{Channel: "webchat", Kind: "message", Text: text, Author: engine.Author{ID: "v1", Name: "Sol"}}
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	flow := loadFlow(t, "channels.yaml")
	written := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		in   engine.Interaction
		want engine.Interaction
	}{
		{
			name: "an empty interaction takes the first trigger's channel and first kind, public for a comment",
			in:   engine.Interaction{},
			want: engine.Interaction{ID: "interaction-1", Channel: "facebook", Kind: "comment", Public: true,
				Author: engine.Author{ID: "customer-1"}, Thread: "interaction-1", Time: at},
		},
		{
			name: "a channel alone takes that channel's trigger's first kind",
			in:   engine.Interaction{Channel: "twitter"},
			want: engine.Interaction{ID: "interaction-1", Channel: "twitter", Kind: "mention", Public: true,
				Author: engine.Author{ID: "customer-1"}, Thread: "interaction-1", Time: at},
		},
		{
			name: "a web chat message is private",
			in:   engine.Interaction{Channel: "webchat"},
			want: engine.Interaction{ID: "interaction-1", Channel: "webchat", Kind: "message", Public: false,
				Author: engine.Author{ID: "customer-1"}, Thread: "interaction-1", Time: at},
		},
		{
			name: "a channel with no trigger gets no kind",
			in:   engine.Interaction{Channel: "instagram"},
			want: engine.Interaction{ID: "interaction-1", Channel: "instagram",
				Author: engine.Author{ID: "customer-1"}, Thread: "interaction-1", Time: at},
		},
		{
			name: "a kind given keeps its public flag",
			in:   engine.Interaction{Channel: "facebook", Kind: "message", Public: true},
			want: engine.Interaction{ID: "interaction-1", Channel: "facebook", Kind: "message", Public: true,
				Author: engine.Author{ID: "customer-1"}, Thread: "interaction-1", Time: at},
		},
		{
			name: "the thread defaults to the id given",
			in:   engine.Interaction{ID: "m-9", Channel: "twitter", Kind: "dm"},
			want: engine.Interaction{ID: "m-9", Channel: "twitter", Kind: "dm",
				Author: engine.Author{ID: "customer-1"}, Thread: "m-9", Time: at},
		},
		{
			name: "what is given is kept",
			in: engine.Interaction{ID: "m-1", Channel: "webchat", Kind: "message", Text: "hola", Thread: "t-1",
				Author: engine.Author{ID: "v1", Name: "Sol"}, Time: written},
			want: engine.Interaction{ID: "m-1", Channel: "webchat", Kind: "message", Text: "hola", Thread: "t-1",
				Author: engine.Author{ID: "v1", Name: "Sol"}, Time: written},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, sim.Normalize(flow, tt.in, at))
		})
	}
}

func TestPublicKind(t *testing.T) {
	t.Parallel()
	for kind, public := range map[string]bool{
		"post": true, "comment": true, "mention": true, "message": false, "dm": false, "": false,
	} {
		require.Equal(t, public, sim.PublicKind(kind), "PublicKind(%q)", kind)
	}
}

func TestDecodeInteraction(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		json    string
		want    engine.Interaction
		wantErr string
	}{
		{
			name: "public absent on a comment is public",
			json: `{"channel": "facebook", "kind": "comment", "text": "hola"}`,
			want: engine.Interaction{Channel: "facebook", Kind: "comment", Text: "hola", Public: true},
		},
		{
			name: "public false on a comment stays private",
			json: `{"channel": "facebook", "kind": "comment", "public": false}`,
			want: engine.Interaction{Channel: "facebook", Kind: "comment", Public: false},
		},
		{
			name: "public absent on a message is private",
			json: `{"channel": "instagram", "kind": "message"}`,
			want: engine.Interaction{Channel: "instagram", Kind: "message", Public: false},
		},
		{
			name: "public true on a message stays public",
			json: `{"kind": "message", "public": true}`,
			want: engine.Interaction{Kind: "message", Public: true},
		},
		{
			name: "public null is absent",
			json: `{"kind": "mention", "public": null}`,
			want: engine.Interaction{Kind: "mention", Public: true},
		},
		{
			name: "every field",
			json: `{"id": "c1", "channel": "twitter", "channel_id": "acme", "kind": "dm", "text": "hi",
				"author": {"id": "42", "name": "Ana", "handle": "ana"}, "thread": "t1", "parent": "p1",
				"time": "2001-02-03T01:05:06-03:00", "attachments": [{"type": "image", "url": "https://example.com/a.png"}]}`,
			want: engine.Interaction{ID: "c1", Channel: "twitter", ChannelID: "acme", Kind: "dm", Text: "hi",
				Author: engine.Author{ID: "42", Name: "Ana", Handle: "ana"}, Thread: "t1", Parent: "p1",
				Time:        time.Date(2001, 2, 3, 1, 5, 6, 0, time.FixedZone("", -3*60*60)),
				Attachments: []engine.Attachment{{Type: "image", URL: "https://example.com/a.png"}}},
		},
		{name: "not JSON", json: `{"kind": `, wantErr: "interaction: unexpected end of JSON input"},
		{name: "a wrong type", json: `{"public": "yes"}`, wantErr: "interaction: json: cannot unmarshal"},
		{name: "a bad time", json: `{"time": "tuesday"}`, wantErr: "interaction: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := sim.DecodeInteraction([]byte(tt.json))
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.True(t, tt.want.Time.Equal(got.Time), "time: want %s, got %s", tt.want.Time, got.Time)
			tt.want.Time, got.Time = time.Time{}, time.Time{}
			require.Equal(t, tt.want, got)
		})
	}
}

// TestFollowUp checks how a customer's reply is filled from the interaction before it: the
// session holds the latest interaction once the reply resumes it.
func TestFollowUp(t *testing.T) {
	t.Parallel()
	comment := engine.Interaction{ID: "c-1", Channel: "facebook", ChannelID: "page-1", Kind: "comment", Public: true,
		Text: "hola", Author: engine.Author{ID: "7001", Name: "Ana"}, Thread: "post-1"}
	tests := []struct {
		name  string
		first engine.Interaction
		reply engine.Interaction
		want  engine.Interaction
	}{
		{
			name:  "an empty reply continues the conversation, two minutes later",
			first: comment,
			reply: engine.Interaction{Text: "sigo acá"},
			want: engine.Interaction{ID: "c-1-reply", Channel: "facebook", ChannelID: "page-1", Kind: "comment", Public: true,
				Text: "sigo acá", Author: engine.Author{ID: "7001", Name: "Ana"}, Thread: "post-1", Time: at.Add(2 * time.Minute)},
		},
		{
			name:  "a reply of another kind is private unless it says so",
			first: comment,
			reply: engine.Interaction{Kind: "message", Text: "por privado"},
			want: engine.Interaction{ID: "c-1-reply", Channel: "facebook", ChannelID: "page-1", Kind: "message", Public: false,
				Text: "por privado", Author: engine.Author{ID: "7001", Name: "Ana"}, Thread: "post-1", Time: at.Add(2 * time.Minute)},
		},
		{
			name:  "what the reply gives is kept",
			first: comment,
			reply: engine.Interaction{ID: "m-2", Channel: "webchat", Kind: "message", Text: "otra vía",
				Author: engine.Author{ID: "v9"}, Thread: "t-9", Time: at.Add(time.Minute)},
			want: engine.Interaction{ID: "m-2", Channel: "webchat", Kind: "message", Text: "otra vía",
				Author: engine.Author{ID: "v9"}, Thread: "t-9", Time: at.Add(time.Minute)},
		},
		{
			name:  "a reply to a normalized interaction takes its made-up id and author",
			first: engine.Interaction{Channel: "webchat", Text: "hola"},
			reply: engine.Interaction{Text: "quiero ayuda"},
			want: engine.Interaction{ID: "interaction-1-reply", Channel: "webchat", Kind: "message", Text: "quiero ayuda",
				Author: engine.Author{ID: "customer-1"}, Thread: "interaction-1", Time: at.Add(2 * time.Minute)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out := run(t, sim.Scenario{Interaction: tt.first, At: at, Events: []sim.Event{
				{Advance: 2 * time.Minute}, {Reply: &tt.reply},
			}})
			require.Equal(t, "replied", lastExit(out, "wait"), "path: %v", out.Path)
			require.Equal(t, tt.want, out.Session.Interaction)
			require.Equal(t, tt.reply.Text, out.Vars["need"])
		})
	}
}

// agents returns fresh agents with the care skill: loads given, all available.
func agents(loads ...int) []*engine.MemoryAgent {
	var out []*engine.MemoryAgent
	for i, load := range loads {
		out = append(out, &engine.MemoryAgent{ID: "g" + strconv.Itoa(i+1), Skills: map[string]int{"care": 10}, Load: load})
	}
	return out
}

func TestRunEvents(t *testing.T) {
	t.Parallel()
	reply := func(text string) sim.Event { return sim.Event{Reply: &engine.Interaction{Text: text}} }
	advance := func(d time.Duration) sim.Event { return sim.Event{Advance: d} }
	tests := []struct {
		name    string
		agents  []*engine.MemoryAgent
		events  []sim.Event
		status  engine.Status
		waiting engine.WaitKind
		path    []string
		exits   map[string]string
		vars    map[string]any
	}{
		{
			name:    "no events: the session waits for the reply",
			status:  engine.StatusWaiting,
			waiting: engine.WaitReply,
			path:    []string{"in", "ask", "wait"},
			exits:   map[string]string{"in": "message", "ask": "sent", "wait": ""},
		},
		{
			name:    "time that passes before the deadline changes nothing",
			events:  []sim.Event{advance(9 * time.Minute)},
			status:  engine.StatusWaiting,
			waiting: engine.WaitReply,
			path:    []string{"in", "ask", "wait"},
		},
		{
			name:    "time that reaches the deadline times the wait out",
			events:  []sim.Event{advance(10 * time.Minute)},
			status:  engine.StatusWaiting,
			waiting: engine.WaitReply,
			path:    []string{"in", "ask", "wait", "wait", "remind", "last-wait"},
			exits:   map[string]string{"wait": "timeout", "remind": "sent", "last-wait": ""},
		},
		{
			name:   "time that passes two deadlines times out both waits",
			events: []sim.Event{advance(2 * time.Hour)},
			status: engine.StatusEnded,
			path:   []string{"in", "ask", "wait", "wait", "remind", "last-wait", "last-wait", "bye"},
			exits:  map[string]string{"wait": "timeout", "last-wait": "timeout"},
		},
		{
			name:    "a reply resumes the wait and is saved",
			agents:  agents(0),
			events:  []sim.Event{reply("quiero ayuda")},
			status:  engine.StatusWaiting,
			waiting: engine.WaitAgent,
			path:    []string{"in", "ask", "wait", "wait", "route"},
			exits:   map[string]string{"wait": "replied", "route": ""},
			vars:    map[string]any{"need": "quiero ayuda", "agent": "g1"},
		},
		{
			name:    "an agent assigned to a queued conversation",
			agents:  agents(1),
			events:  []sim.Event{reply("quiero ayuda"), {Assign: "g1"}},
			status:  engine.StatusWaiting,
			waiting: engine.WaitAgent,
			path:    []string{"in", "ask", "wait", "wait", "route", "route"},
			vars:    map[string]any{"agent": "g1"},
		},
		{
			name:   "the agent closes the conversation",
			agents: agents(1),
			events: []sim.Event{reply("quiero ayuda"), {Assign: "g1"}, {Close: &sim.Close{Agent: "g1", Disposition: "solved"}}},
			status: engine.StatusEnded,
			path:   []string{"in", "ask", "wait", "wait", "route", "route", "route", "end"},
			exits:  map[string]string{"route": "done"},
			vars:   map[string]any{"agent": "g1", "disposition": "solved"},
		},
		{
			name:   "a queued conversation that nobody takes times out",
			agents: agents(1),
			events: []sim.Event{reply("quiero ayuda"), advance(15 * time.Minute)},
			status: engine.StatusEnded,
			exits:  map[string]string{"route": "timeout"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out := run(t, sim.Scenario{Interaction: chat("hola"), At: at, Agents: tt.agents, DefaultSkill: "care", Events: tt.events})
			require.Equal(t, tt.status, out.Status, "error: %v", out.Error)
			require.Nil(t, out.Error)
			if tt.waiting == "" {
				require.Nil(t, out.Waiting)
			} else {
				require.NotNil(t, out.Waiting)
				require.Equal(t, tt.waiting, out.Waiting.Kind)
			}
			if tt.path != nil {
				require.Equal(t, tt.path, out.Path)
			}
			for block, exit := range tt.exits {
				require.Equal(t, exit, lastExit(out, block), "exit of %s; path %v", block, out.Path)
			}
			for name, v := range tt.vars {
				require.Equal(t, v, out.Vars[name], "vars.%s", name)
			}
		})
	}
}

// TestRunTimeoutsAtTheirDeadlines checks that a long advance fires each timeout at its own
// deadline, as a server would, and that the next wait counts from there.
func TestRunTimeoutsAtTheirDeadlines(t *testing.T) {
	t.Parallel()
	out := run(t, sim.Scenario{Interaction: chat("hola"), At: at, Events: []sim.Event{{Advance: 3 * time.Hour}}})
	var times []time.Time
	for _, st := range out.Steps {
		times = append(times, st.At)
	}
	tenMinutes, seventyMinutes := at.Add(10*time.Minute), at.Add(70*time.Minute)
	require.Equal(t, []time.Time{at, at, at, tenMinutes, tenMinutes, tenMinutes, seventyMinutes, seventyMinutes}, times, "path %v", out.Path)
	require.NotNil(t, out.Steps[5].Wait, "last-wait waits")
	require.Equal(t, seventyMinutes, out.Steps[5].Wait.Deadline, "the last wait counts its hour from the first timeout")
	require.Equal(t, engine.StatusEnded, out.Status)
}

func TestRunRefusesBadEvents(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		agents  []*engine.MemoryAgent
		events  []sim.Event
		wantErr string
	}{
		{
			name:    "an event with two kinds",
			events:  []sim.Event{{Advance: time.Minute, Assign: "g1"}},
			wantErr: "event 1: an event is exactly one of advance, reply, assign or close",
		},
		{
			name:    "an event with no kind",
			events:  []sim.Event{{}},
			wantErr: "event 1: an event is exactly one of advance, reply, assign or close",
		},
		{
			name:    "time that goes back",
			events:  []sim.Event{{Advance: -time.Minute}},
			wantErr: "event 1: advance -1m0s: time only moves forward",
		},
		{
			name:    "a reply while the session waits for an agent",
			agents:  agents(0),
			events:  []sim.Event{{Reply: &engine.Interaction{Text: "uno"}}, {Reply: &engine.Interaction{Text: "dos"}}},
			wantErr: "event 2: the customer replied, but the session does not wait for a reply (it is waiting for agent)",
		},
		{
			name:    "a reply after the session ended",
			events:  []sim.Event{{Reply: &engine.Interaction{Text: "uno"}}, {Reply: &engine.Interaction{Text: "dos"}}},
			wantErr: "event 2: the customer replied, but the session does not wait for a reply (it is ended)",
		},
		{
			name:    "an agent assigned while the session waits for a reply",
			events:  []sim.Event{{Assign: "g1"}},
			wantErr: "event 1: " + engine.ErrUnexpectedEvent.Error() + ": it waits for reply, not assigned",
		},
		{
			name:    "a close after the session ended",
			events:  []sim.Event{{Reply: &engine.Interaction{Text: "uno"}}, {Close: &sim.Close{Agent: "g1"}}},
			wantErr: "event 2: the session is ended, not waiting",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, err := sim.Run(context.Background(), loadFlow(t, "chat.yaml"),
				sim.Scenario{Interaction: chat("hola"), At: at, Agents: tt.agents, DefaultSkill: "care", Events: tt.events}, nil)
			require.EqualError(t, err, tt.wantErr)
			require.Nil(t, out)
		})
	}
}

func TestRunFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		failures []engine.ActionType
		nth      []sim.Nth
		ask      string
		remind   string
	}{
		{name: "nothing fails", ask: "sent", remind: "sent"},
		{name: "every reply fails", failures: []engine.ActionType{engine.ActionReply}, ask: "failed", remind: "-"},
		{name: "the second reply fails", nth: []sim.Nth{{Type: engine.ActionReply, N: 2}}, ask: "sent", remind: "failed"},
		{name: "the first reply fails", nth: []sim.Nth{{Type: engine.ActionReply, N: 1}}, ask: "failed", remind: "-"},
		{name: "a route that fails is not a reply", nth: []sim.Nth{{Type: engine.ActionRoute, N: 1}}, ask: "sent", remind: "sent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out := run(t, sim.Scenario{Interaction: chat("hola"), At: at, Failures: tt.failures, FailNth: tt.nth,
				Events: []sim.Event{{Advance: 10 * time.Minute}}})
			require.Equal(t, tt.ask, lastExit(out, "ask"), "path %v", out.Path)
			require.Equal(t, tt.remind, lastExit(out, "remind"), "path %v", out.Path)
		})
	}
}

func TestRunVars(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		vars  map[string]any
		brand string
	}{
		{name: "the flow's own", brand: "Acme"},
		{name: "a scenario's over the flow's", vars: map[string]any{"brand": "Zeta"}, brand: "Zeta"},
		{name: "a scenario's besides the flow's", vars: map[string]any{"topic": "billing"}, brand: "Acme"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out := run(t, sim.Scenario{Interaction: chat("hola"), At: at, Vars: tt.vars, Contact: &engine.Contact{Name: "Sol"}})
			require.Equal(t, tt.brand, out.Vars["brand"])
			for k, v := range tt.vars {
				require.Equal(t, v, out.Vars[k])
			}
			require.Equal(t, "Hola Sol, te escribe "+tt.brand+".", out.Actions[0].Text)
		})
	}
}

func TestRunDefaultSkill(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		skill  string
		status engine.Status
		action *engine.Action
		err    string
	}{
		{name: "routes to the channel's skill", skill: "care", status: engine.StatusWaiting,
			action: &engine.Action{Type: engine.ActionRoute, Skill: "care", Agent: "g1", Priority: 1, Outcome: "assigned"}},
		{name: "nobody has another skill", skill: "billing", status: engine.StatusEnded,
			action: &engine.Action{Type: engine.ActionRoute, Skill: "billing", Priority: 1, Outcome: "no_agents"}},
		{name: "with none the session fails", status: engine.StatusFailed, err: "no skill"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out := run(t, sim.Scenario{Interaction: chat("hola"), At: at, Agents: agents(0), DefaultSkill: tt.skill,
				Events: []sim.Event{{Reply: &engine.Interaction{Text: "ayuda"}}}})
			require.Equal(t, tt.status, out.Status)
			if tt.err != "" {
				require.NotNil(t, out.Error)
				require.Contains(t, *out.Error, tt.err)
				return
			}
			require.Nil(t, out.Error)
			var routes []*engine.Action
			for _, a := range out.Actions {
				if a.Type == engine.ActionRoute {
					a.ID, a.Channel, a.InReplyTo = "", "", ""
					routes = append(routes, a)
				}
			}
			require.Equal(t, []*engine.Action{tt.action}, routes)
		})
	}
}

// TestRunNeverReadsTheWallClock runs a scenario in 2001 twice: the outcomes are the same, every
// step happens at the scenario's time or after the events' advances, and the scenario itself is
// left as it was. Step durations are the one measurement of the wall clock, so they are left out.
func TestRunNeverReadsTheWallClock(t *testing.T) {
	t.Parallel()
	flow := loadFlow(t, "chat.yaml")
	sc := sim.Scenario{Interaction: chat("hola"), At: at, Agents: agents(0, 1), DefaultSkill: "care", Seed: 7,
		Contact: &engine.Contact{Name: "Sol", Attributes: map[string]any{"plan": "gold"}},
		Vars:    map[string]any{"brand": "Zeta"},
		Events: []sim.Event{
			{Advance: 3 * time.Minute},
			{Reply: &engine.Interaction{Text: "quiero ayuda"}},
		}}
	before := *sc.Agents[0]
	outcome := func() *sim.Outcome {
		out, err := sim.Run(context.Background(), flow, sc, nil)
		require.NoError(t, err)
		for i := range out.Steps {
			out.Steps[i].Duration = 0
		}
		out.Session = nil
		return out
	}
	first, second := outcome(), outcome()
	require.Equal(t, first, second)
	require.Equal(t, before, *sc.Agents[0], "a run must not change the scenario's agents")
	require.Equal(t, map[string]any{"brand": "Zeta"}, sc.Vars, "a run must not change the scenario's vars")

	require.Equal(t, at, first.Interaction.Time)
	for i, st := range first.Steps {
		want := at
		if st.Event != "" || i >= 3 {
			want = at.Add(3 * time.Minute)
		}
		require.Equal(t, want, st.At, "step %d (%s)", i, st.Block)
	}
	require.Equal(t, engine.StatusWaiting, first.Status)
	require.Equal(t, "g1", first.Vars["agent"])
}

func TestRunBoundsTimeoutsPerAdvance(t *testing.T) {
	t.Parallel()
	flow := loadFlow(t, "nag.yaml")
	run := func(d time.Duration) (*sim.Outcome, error) {
		return sim.Run(context.Background(), flow, sim.Scenario{Interaction: chat("hola"), At: at,
			Events: []sim.Event{{Advance: d}}}, nil)
	}
	out, err := run(time.Hour)
	require.NoError(t, err)
	require.Equal(t, 2+2*60, len(out.Steps), "a timeout a minute, each a step out of the wait and one back in")
	require.Equal(t, at.Add(time.Hour), out.Steps[len(out.Steps)-1].At)
	require.Equal(t, at.Add(time.Hour+time.Minute), out.Waiting.Deadline)

	_, err = run(24 * time.Hour)
	require.EqualError(t, err, "event 1: advance 24h0m0s: more than 1000 timeouts; advance in smaller steps")
}

// FuzzDecodeInteraction checks that any input either is refused or decodes to an interaction
// that reads back the same once written as JSON.
func FuzzDecodeInteraction(f *testing.F) {
	for _, seed := range []string{
		`{"channel": "facebook", "kind": "comment", "text": "hola"}`,
		`{"kind": "comment", "public": false}`,
		`{"kind": "mention", "public": null}`,
		`{"id": "c1", "author": {"id": "42", "name": "Ana"}, "time": "2001-02-03T01:05:06-03:00", "attachments": [{"type": "image", "url": "u"}]}`,
		`{"attachments": []}`, `{"public": "yes"}`, `[]`, `null`, ``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := sim.DecodeInteraction(data)
		if err != nil {
			require.ErrorContains(t, err, "interaction: ")
			return
		}
		written, err := json.Marshal(in)
		if err != nil {
			return // a time that JSON cannot hold, such as a year past 9999
		}
		again, err := sim.DecodeInteraction(written)
		require.NoError(t, err, "%s", written)
		require.True(t, in.Time.Equal(again.Time))
		in.Time, again.Time = time.Time{}, time.Time{}
		if len(in.Attachments) == 0 {
			in.Attachments = nil // an empty list is left out of the JSON
		}
		require.Equal(t, in, again, "%s", written)
	})
}
