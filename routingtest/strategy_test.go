package routingtest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/routing"
	"github.com/switchboardhq/switchboard/store"
)

// strategyCentre sets up a skill with settings, the flow that routes to it and a web chat
// channel with settings.
func (c *centre) strategyCentre(t *testing.T, skill string, skillSettings map[string]any, channel string, channelSettings map[string]any) {
	t.Helper()
	c.skill(t, skill, skillSettings)
	flow := c.publishFlow(t, flowSource("flow-"+channel, false, "timeout: 15m"))
	c.channel(t, channel, flow, skill, channelSettings)
}

// A skill's longest_idle strategy gives a conversation to the agent idle the longest, however
// proficient; a channel's strategy overrides the skill's.
func TestLongestIdleStrategyAndChannelOverride(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		c.strategyCentre(t, "billing", map[string]any{"strategy": "longest_idle"}, "web", nil)
		flow := c.publishFlow(t, flowSource("flow-vip", false, "timeout: 15m"))
		c.channel(t, "vip", flow, "billing", map[string]any{"strategy": "most_proficient"})
		ana := c.agent(t, "ana", map[string]any{"skills": map[string]int{"billing": 20}})
		bo := c.agent(t, "bo", map[string]any{"skills": map[string]int{"billing": 5}})
		c.login(t, bo)
		c.clock.Advance(time.Minute)
		c.login(t, ana)

		conv := c.waitsForAgent(t, "web", "carla")
		c.step(t)
		require.Equal(t, []string{conv}, c.serving(t, bo), "bo has been idle a minute longer than ana, who is more proficient")

		vip := c.waitsForAgent(t, "vip", "dora")
		c.step(t)
		require.Equal(t, []string{vip}, c.serving(t, ana), "the vip channel's strategy is most_proficient")
	})
}

// least_busy gives a conversation to the agent with the fewest conversations for its capacity.
func TestLeastBusyStrategy(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		c.strategyCentre(t, "billing", map[string]any{"strategy": "least_busy"}, "web", nil)
		ana := c.agent(t, "ana", map[string]any{"skills": map[string]int{"billing": 20}, "capacity": 4})
		bo := c.agent(t, "bo", map[string]any{"skills": map[string]int{"billing": 5}, "capacity": 2})
		c.login(t, ana)
		c.login(t, bo)
		var convs []string
		for _, who := range []string{"carla", "dora", "ema", "fay"} {
			convs = append(convs, c.waitsForAgent(t, "web", who))
			c.clock.Advance(time.Second)
		}
		c.step(t)
		// carla: both free, ana more proficient; dora: ana 1/4, bo 0/2; ema: ana 1/4, bo 1/2;
		// fay: ana 2/4, bo 1/2, ana more proficient
		want := []string{convs[0], convs[2], convs[3]}
		slices.Sort(want)
		require.Equal(t, want, c.serving(t, ana))
		require.Equal(t, []string{convs[1]}, c.serving(t, bo))
	})
}

// round_robin takes turns among the agents of the highest proficiency, by when each last got a
// conversation, as the database records it from one cycle to the next.
func TestRoundRobinStrategy(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		c.strategyCentre(t, "billing", map[string]any{"strategy": "round_robin"}, "web", nil)
		ana := c.agent(t, "ana", map[string]any{"skills": map[string]int{"billing": 10}, "capacity": 5})
		bo := c.agent(t, "bo", map[string]any{"skills": map[string]int{"billing": 10}, "capacity": 5})
		cy := c.agent(t, "cy", map[string]any{"skills": map[string]int{"billing": 3}, "capacity": 5})
		c.login(t, ana)
		c.clock.Advance(time.Minute)
		c.login(t, bo)
		c.login(t, cy)
		got := map[string][]string{}
		for _, who := range []string{"carla", "dora", "ema", "fay"} {
			c.clock.Advance(time.Minute)
			conv := c.waitsForAgent(t, "web", who)
			c.step(t)
			for name, tok := range map[string]string{"ana": ana, "bo": bo, "cy": cy} {
				if slices.Contains(c.serving(t, tok), conv) {
					got[name] = append(got[name], who)
				}
			}
		}
		require.Equal(t, map[string][]string{"ana": {"carla", "ema"}, "bo": {"dora", "fay"}}, got,
			"ana (idle longer) first, then turns; cy, less proficient, gets none")
	})
}

// assignment_limit caps the new conversations of a skill an agent gets per window: beyond it
// the next agent takes them, and the window moves on with the clock.
func TestAssignmentLimit(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		c.strategyCentre(t, "billing", map[string]any{"assignment_limit": 2, "assignment_window": "10m"}, "web", nil)
		ana := c.agent(t, "ana", map[string]any{"skills": map[string]int{"billing": 20}, "capacity": 5})
		bo := c.agent(t, "bo", map[string]any{"skills": map[string]int{"billing": 5}, "capacity": 5})
		c.login(t, ana)
		c.login(t, bo)
		var convs []string
		for _, who := range []string{"carla", "dora", "ema"} {
			convs = append(convs, c.waitsForAgent(t, "web", who))
			c.clock.Advance(time.Second)
		}
		c.step(t)
		require.Len(t, c.serving(t, ana), 2, "ana, the most proficient, gets her two")
		require.Equal(t, []string{convs[2]}, c.serving(t, bo), "the third goes to bo")

		c.clock.Advance(5 * time.Minute)
		fay := c.waitsForAgent(t, "web", "fay")
		c.step(t)
		require.Contains(t, c.serving(t, bo), fay, "ana had two in the last 10 minutes")
		c.clock.Advance(5*time.Minute + time.Second)
		gus := c.waitsForAgent(t, "web", "gus")
		c.step(t)
		require.Contains(t, c.serving(t, ana), gus, "ten minutes on, ana's window is empty again")
	})
}

// manual assigns nothing: agents list the conversations they may claim and claim one; of two
// agents claiming it at once, one gets it.
func TestManualClaim(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		c.strategyCentre(t, "picks", map[string]any{"strategy": "manual"}, "web", nil)
		c.strategyCentre(t, "billing", nil, "auto", map[string]any{"strategy": "longest_idle"})
		ana := c.agent(t, "ana", map[string]any{"skills": map[string]int{"picks": 10}})
		bo := c.agent(t, "bo", map[string]any{"skills": map[string]int{"picks": 10}})
		cy := c.agent(t, "cy", map[string]any{"skills": map[string]int{"billing": 10}})
		c.login(t, ana)
		c.login(t, bo)
		streams := map[string]*sse{ana: c.stream(t, ana, "/api/v1/agent/events"), bo: c.stream(t, bo, "/api/v1/agent/events")}
		// told waits for an agent's event of a type about a conversation
		told := func(tok, kind, conv string) {
			t.Helper()
			streams[tok].next(t, kind+" of "+conv, func(ev sseEvent) bool {
				var e routing.AgentEvent
				return ev.Type == kind && json.Unmarshal([]byte(ev.Data), &e) == nil && e.Conversation == conv && e.Skill == "picks"
			})
		}

		conv := c.waitsForAgent(t, "web", "carla")
		c.clock.Advance(time.Second)
		vip := c.waitsForAgent(t, "web", "dora")
		c.step(t)
		require.Empty(t, c.serving(t, ana), "nothing is assigned")
		require.Empty(t, c.serving(t, bo))
		for _, tok := range []string{ana, bo} {
			told(tok, routing.EventClaimable, conv)
			told(tok, routing.EventClaimable, vip)
		}

		var claimable []store.QueueEntry
		c.call(t, ana, "GET", "/api/v1/agent/claimable", nil).expect(t, 200).decode(t, &claimable)
		require.Len(t, claimable, 2)
		require.Equal(t, conv, claimable[0].ConversationID, "the oldest first")
		require.Equal(t, vip, claimable[1].ConversationID)
		c.call(t, cy, "GET", "/api/v1/agent/claimable", nil).expect(t, 200).decode(t, &claimable)
		require.Empty(t, claimable, "cy does not have the skill")

		ref := c.queue(t)[conv].Ref
		var wins, lost atomic.Int32
		var wg sync.WaitGroup
		for _, tok := range []string{ana, bo} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				switch a := c.call(t, tok, "POST", "/api/v1/agent/claimable/"+url.PathEscape(ref)+"/claim", nil); a.status {
				case 204:
					wins.Add(1)
				case 409:
					lost.Add(1)
				default:
					t.Errorf("a claim answered %d: %s", a.status, a.body)
				}
			}()
		}
		wg.Wait()
		require.Equal(t, int32(1), wins.Load(), "one agent gets it")
		require.Equal(t, int32(1), lost.Load(), "the other is told it is not theirs")
		require.Len(t, append(c.serving(t, ana), c.serving(t, bo)...), 1)
		require.Equal(t, store.QueueAssigned, c.queue(t)[conv].Status)
		c.step(t)
		for _, tok := range []string{ana, bo} {
			told(tok, routing.EventClaimableGone, conv) // pushed: the screens drop it without asking
		}

		c.call(t, ana, "POST", "/api/v1/agent/claimable/"+url.PathEscape(ref)+"/claim", nil).refused(t, 409, "not_yours")
		c.login(t, cy)
		auto := c.waitsForAgent(t, "auto", "ema")
		c.call(t, cy, "POST", "/api/v1/agent/claimable/"+url.PathEscape(c.queue(t)[auto].Ref)+"/claim", nil).refused(t, 422, "refused")
		c.step(t)
		require.Equal(t, []string{auto}, c.serving(t, cy), "an assigned skill's conversations are assigned")
	})
}

// An external router chooses among the candidates; an answer that is not a candidate, or none
// within the skill's router_timeout, leaves the choice to the strategy, and is counted.
func TestExternalRouter(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		var answer atomic.Value
		answer.Store("cy")
		release := make(chan struct{})
		var asked atomic.Pointer[routing.RouterRequest]
		router := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var req routing.RouterRequest
			if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
				http.Error(w, err.Error(), 400)
				return
			}
			asked.Store(&req)
			a := answer.Load().(string)
			if a == "hang" {
				select {
				case <-release:
				case <-r.Context().Done():
				}
				return
			}
			_ = json.NewEncoder(w).Encode(routing.RouterAnswer{Agent: a})
		}))
		t.Cleanup(router.Close)
		t.Cleanup(func() { close(release) })
		var fallbacks sync.Map
		c.acd.RouterFallback = func(reason string) {
			n, _ := fallbacks.LoadOrStore(reason, new(atomic.Int32))
			n.(*atomic.Int32).Add(1)
		}
		count := func(reason string) int32 {
			n, ok := fallbacks.Load(reason)
			if !ok {
				return 0
			}
			return n.(*atomic.Int32).Load()
		}
		// the router's answers are awaited as long as a skill allows, so that a busy machine never
		// turns them into timeouts; the timeout is shortened for the router that hangs
		c.strategyCentre(t, "billing", map[string]any{"router_url": router.URL + "/choose", "router_timeout": "10s"}, "web", nil)
		tokens := map[string]string{}
		for name, level := range map[string]int{"ana": 20, "bo": 10, "cy": 5} {
			tokens[name] = c.agent(t, name, map[string]any{"skills": map[string]int{"billing": level}, "capacity": 3})
			c.login(t, tokens[name])
		}

		first := c.waitsForAgent(t, "web", "carla")
		c.step(t)
		require.Equal(t, []string{first}, c.serving(t, tokens["cy"]), "the router chose cy")
		req := asked.Load()
		require.NotNil(t, req)
		require.Equal(t, first, req.Conversation)
		require.Equal(t, "billing", req.Skill)
		var names []string
		for _, cand := range req.Candidates {
			names = append(names, cand.Agent)
		}
		require.Equal(t, []string{"ana", "bo", "cy"}, names, "the candidates, best first by the strategy")

		answer.Store("zed")
		second := c.waitsForAgent(t, "web", "dora")
		c.step(t)
		require.Equal(t, []string{second}, c.serving(t, tokens["ana"]), "not a candidate: the strategy's first")
		require.Equal(t, int32(1), count(routing.RouterBadAnswer))

		answer.Store("hang")
		c.skill(t, "billing", map[string]any{"router_url": router.URL + "/choose", "router_timeout": "100ms"})
		third := c.waitsForAgent(t, "web", "ema")
		c.step(t)
		require.Contains(t, c.serving(t, tokens["ana"]), third, "no answer in time: the strategy's first")
		require.Equal(t, int32(1), count(routing.RouterTimeout))
	})
}
