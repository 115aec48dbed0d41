package routingtest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/routing"
	"github.com/switchboardhq/switchboard/settings"
	"github.com/switchboardhq/switchboard/store"
)

// TestStatisticsOfAScriptedDay plays a morning of the web channel (open 09:00–17:00 on
// weekdays, a 60-second service level) and checks the supervisors' figures against the ones
// worked out by hand below.
//
//	08:50:00 alice writes                       08:50:30 ana takes it (wait 30 s)
//	09:05:00 bert writes; nobody free           09:07:00 bo logs in and takes it (wait 120 s)
//	09:08:00 bo answers bert                    09:10:00 ana answers alice
//	09:20:00 ana closes alice (handle 1770 s)   09:25:00 cleo writes
//	09:25:20 ana takes cleo (wait 20 s)         09:30:00 bo closes bert (handle 1380 s)
//	09:35:00 bo goes on a break                 09:40:00 dana writes; nobody free
//	09:55:00 dana's 15 minutes run out: she abandons, and the flow answers her
//	09:58:00 emil writes; nobody free           10:00:00 the figures
func TestStatisticsOfAScriptedDay(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		c.adminCall(t, "PUT", "/api/v1/calendars/office", map[string]any{"timezone": "UTC",
			"open": map[string][]string{"mon-fri": {"09:00-17:00"}}}).expect(t, 200)
		c.skill(t, "billing", nil)
		flow := c.publishFlow(t, flowSource("day", false, "timeout: 15m"))
		c.channel(t, "web", flow, "billing", map[string]any{"working_hours": "office", "service_level_seconds": 60,
			"target_service_level": 90, "target_wait": "2m"})
		// a break reason of the workspace's own list
		c.adminCall(t, "PUT", "/api/v1/workspace/settings", map[string]any{"break_reasons": []string{"lunch", "coaching"}}).expect(t, 200)
		ana := c.agent(t, "ana", map[string]any{"name": "Ana", "skills": map[string]int{"billing": 10}})
		bo := c.agent(t, "bo", map[string]any{"name": "Bo", "skills": map[string]int{"billing": 10}})
		c.login(t, ana)

		reply := func(token, conv, text string) {
			t.Helper()
			c.call(t, token, "POST", "/api/v1/agent/conversations/"+conv+"/reply", map[string]any{"text": text}).expect(t, 202)
			c.d.RunDue(c.ctx)
			eventually(t, "the reply is sent", func() bool { return c.conversation(t, conv).FirstResponseAt != nil })
		}

		c.setTime(t, "08:50:00")
		alice := c.waitsForAgent(t, "web", "alice")
		c.setTime(t, "08:50:30")
		c.step(t)
		require.Equal(t, []string{alice}, c.serving(t, ana))

		c.setTime(t, "09:05:00")
		bert := c.waitsForAgent(t, "web", "bert")
		c.step(t)
		c.setTime(t, "09:07:00")
		c.login(t, bo)
		c.step(t)
		require.Equal(t, []string{bert}, c.serving(t, bo))

		c.setTime(t, "09:08:00")
		reply(bo, bert, "Hello Bert")
		c.setTime(t, "09:10:00")
		reply(ana, alice, "Hello Alice")
		c.setTime(t, "09:20:00")
		c.close(t, ana, alice, "solved").expect(t, 204)

		c.setTime(t, "09:25:00")
		cleo := c.waitsForAgent(t, "web", "cleo")
		c.setTime(t, "09:25:20")
		c.step(t)
		require.Equal(t, []string{cleo}, c.serving(t, ana))
		c.setTime(t, "09:30:00")
		c.close(t, bo, bert, "escalated").expect(t, 204)
		c.setTime(t, "09:35:00")
		c.adminCall(t, "PUT", "/api/v1/agents/bo/state", map[string]any{"state": "break", "reason": "coaching"}).expect(t, 200)

		c.setTime(t, "09:40:00")
		dana := c.waitsForAgent(t, "web", "dana")
		c.step(t)
		c.setTime(t, "09:55:00")
		eventually(t, "dana's wait times out", func() bool {
			e, err := c.st.QueueGet(c.ctx, c.queueRef(t, dana))
			require.NoError(t, err)
			return e.Status == store.QueueWithdrawn
		})
		eventually(t, "the flow answers dana", func() bool { return len(c.conversation(t, dana).said()) == 1 })
		require.Equal(t, []string{"Nobody could take it in time."}, c.conversation(t, dana).said(), "route.skill left by timeout")

		c.setTime(t, "09:58:00")
		c.waitsForAgent(t, "web", "emil")
		c.step(t)
		c.setTime(t, "10:00:00")

		// The whole day.
		s := c.stats(t, "?from="+q(day.Format(time.RFC3339))+"&to="+q(day.Add(24*time.Hour).Format(time.RFC3339)))
		require.Equal(t, at("10:00:00"), s.At.UTC())
		require.Equal(t, map[string]int{"available": 1, "break": 1}, s.States)
		want := figures{Agents: map[string]int{"available": 1, "break": 1}, Waiting: 1, LongestWait: 120, Offered: 5, Answered: 3,
			Abandoned: 1, ServiceLevel: 2.0 / 4, AverageWait: (30.0 + 120 + 20) / 3, AverageHandle: (1770.0 + 1380) / 2}
		want.check(t, "billing", s.Skills)
		want.check(t, "web", s.Channels)
		require.Equal(t, &settings.Targets{ServiceLevel: 0.9, Abandon: 0.05, WaitSeconds: 120}, s.Channels[0].Targets,
			"the channel's targets: two of its settings and a default")
		require.Nil(t, s.Skills[0].Targets, "a skill has no targets")
		checkAgents(t, s.Agents, []routing.AgentStats{
			{Agent: "ana", Name: "Ana", State: "available", Active: 1, Completed: 1, Handle: ptr(1770.0)},
			{Agent: "bo", Name: "Bo", State: "break", Reason: "coaching", Active: 0, Completed: 1, Handle: ptr(1380.0)},
		})
		// In working hours: alice's 20 minutes from 08:50 count from 09:00 only.
		checkSLA(t, s.SLA, routing.ChannelSLA{Channel: "web", Calendar: "office", Conversations: 5, Responded: 3, Resolved: 2,
			FirstResponse: ptr((600.0 + 180 + 900) / 3), FirstResponseMax: ptr(900.0),
			Resolution: ptr((1200.0 + 1500) / 2), ResolutionMax: ptr(1500.0)})

		// From 09:00: alice is out of the period.
		s = c.stats(t, "?from="+q(at("09:00:00").Format(time.RFC3339))+"&to="+q(at("10:00:00").Format(time.RFC3339)))
		want = figures{Agents: map[string]int{"available": 1, "break": 1}, Waiting: 1, LongestWait: 120, Offered: 4, Answered: 2,
			Abandoned: 1, ServiceLevel: 1.0 / 3, AverageWait: (120.0 + 20) / 2, AverageHandle: 1380}
		want.check(t, "billing", s.Skills)
		checkAgents(t, s.Agents, []routing.AgentStats{
			{Agent: "ana", Name: "Ana", State: "available", Active: 1, Completed: 0},
			{Agent: "bo", Name: "Bo", State: "break", Reason: "coaching", Active: 0, Completed: 1, Handle: ptr(1380.0)},
		})
		checkSLA(t, s.SLA, routing.ChannelSLA{Channel: "web", Calendar: "office", Conversations: 4, Responded: 2, Resolved: 1,
			FirstResponse: ptr((180.0 + 900) / 2), FirstResponseMax: ptr(900.0), Resolution: ptr(1500.0), ResolutionMax: ptr(1500.0)})

		// By default, from midnight to now; the stream sends the same.
		s = c.stats(t, "")
		require.Equal(t, day, s.From.UTC())
		require.Equal(t, at("10:00:00"), s.To.UTC())
		require.Equal(t, 5, s.Skills[0].Offered)
		events := c.stream(t, c.admin, "/api/v1/stats/stream?interval=500ms")
		var streamed routing.Stats
		require.NoError(t, json.Unmarshal([]byte(events.next(t, "the statistics", func(e sseEvent) bool { return e.Type == "stats" }).Data), &streamed))
		require.Equal(t, s.Skills, streamed.Skills)
		require.Equal(t, s.SLA, streamed.SLA)

		c.adminCall(t, "GET", "/api/v1/stats?from=yesterday", nil).refused(t, 400, "invalid")
		c.adminCall(t, "GET", "/api/v1/stats?from="+q(at("10:00:00").Format(time.RFC3339))+"&to="+q(at("09:00:00").Format(time.RFC3339)), nil).refused(t, 400, "invalid")
		c.call(t, ana, "GET", "/api/v1/stats", nil).refused(t, 403, "forbidden")
	})
}

func (c *centre) stats(t *testing.T, query string) routing.Stats {
	t.Helper()
	var s routing.Stats
	c.adminCall(t, "GET", "/api/v1/stats"+query, nil).expect(t, 200).decode(t, &s)
	return s
}

// figures are the expected figures of a skill or a channel.
type figures struct {
	Agents                                   map[string]int
	Waiting                                  int
	LongestWait                              float64
	Offered, Answered, Abandoned             int
	ServiceLevel, AverageWait, AverageHandle float64
}

func (f figures) check(t *testing.T, name string, got []routing.QueueStats) {
	t.Helper()
	var q *routing.QueueStats
	for i := range got {
		if got[i].Name == name {
			q = &got[i]
		}
	}
	require.NotNil(t, q, "figures of %s in %+v", name, got)
	require.Equal(t, f.Agents, q.Agents, "%s: agents by state", name)
	require.Equal(t, f.Waiting, q.Waiting, "%s: waiting", name)
	require.InDelta(t, f.LongestWait, q.LongestWait, 1e-9, "%s: longest wait", name)
	require.Equal(t, f.Offered, q.Offered, "%s: offered", name)
	require.Equal(t, f.Answered, q.Answered, "%s: answered", name)
	require.Equal(t, f.Abandoned, q.Abandoned, "%s: abandoned", name)
	require.NotNil(t, q.ServiceLevel, "%s: service level", name)
	require.InDelta(t, f.ServiceLevel, *q.ServiceLevel, 1e-9, "%s: service level", name)
	require.NotNil(t, q.AverageWait, "%s: average wait", name)
	require.InDelta(t, f.AverageWait, *q.AverageWait, 1e-9, "%s: average wait", name)
	require.NotNil(t, q.AverageHandle, "%s: average handle", name)
	require.InDelta(t, f.AverageHandle, *q.AverageHandle, 1e-9, "%s: average handle", name)
}

func checkAgents(t *testing.T, got, want []routing.AgentStats) {
	t.Helper()
	require.Len(t, got, len(want))
	for i, w := range want {
		g := got[i]
		require.Equal(t, w.Agent, g.Agent)
		if w.Handle == nil {
			require.Nil(t, g.Handle, "%s: no handle time", w.Agent)
		} else {
			require.NotNil(t, g.Handle, "%s: handle time", w.Agent)
			require.InDelta(t, *w.Handle, *g.Handle, 1e-9, "%s: handle time", w.Agent)
		}
		g.Handle, w.Handle = nil, nil
		require.Equal(t, w, g)
	}
}

func checkSLA(t *testing.T, got []routing.ChannelSLA, want routing.ChannelSLA) {
	t.Helper()
	require.Len(t, got, 1)
	g := got[0]
	for _, f := range []struct {
		name      string
		want, got *float64
	}{
		{"first response", want.FirstResponse, g.FirstResponse}, {"longest first response", want.FirstResponseMax, g.FirstResponseMax},
		{"resolution", want.Resolution, g.Resolution}, {"longest resolution", want.ResolutionMax, g.ResolutionMax},
	} {
		require.NotNil(t, f.got, f.name)
		require.InDelta(t, *f.want, *f.got, 1e-9, f.name)
	}
	g.FirstResponse, g.FirstResponseMax, g.Resolution, g.ResolutionMax = nil, nil, nil, nil
	want.FirstResponse, want.FirstResponseMax, want.Resolution, want.ResolutionMax = nil, nil, nil, nil
	require.Equal(t, want, g)
}

func TestStatisticsAtMidnight(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, c *centre) {
		c.clock.Set(day.AddDate(0, 0, 1))
		var st routing.Stats
		c.adminCall(t, "GET", "/api/v1/stats", nil).expect(t, 200).decode(t, &st)
		require.Equal(t, day, st.From.UTC(), "at midnight the default period is the day that ended")
		require.Equal(t, day.AddDate(0, 0, 1), st.To.UTC())
	})
}
