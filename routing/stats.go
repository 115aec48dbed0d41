package routing

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"time"

	"github.com/switchboardhq/switchboard/blocks"
	"github.com/switchboardhq/switchboard/settings"
	"github.com/switchboardhq/switchboard/store"
)

// DefaultServiceLevel is the answer time a channel's service level counts when it sets no
// service_level_seconds.
const DefaultServiceLevel = 60 * time.Second

// Stats are the live figures supervisors watch, for a period [From, To) of enqueueing times.
type Stats struct {
	From     time.Time      `json:"from"`
	To       time.Time      `json:"to"`
	At       time.Time      `json:"at"`
	Skills   []QueueStats   `json:"skills"`
	Channels []QueueStats   `json:"channels"`
	Agents   []AgentStats   `json:"agents"`
	SLA      []ChannelSLA   `json:"sla"`
	States   map[string]int `json:"states"`
	// Alerts are the conditions of open conversations the channels' alert_* settings ask
	// supervisors to be told of, oldest first.
	Alerts []Alert `json:"alerts"`
}

// QueueStats are the figures of one skill or one channel.
type QueueStats struct {
	// Name is the skill's name or the channel's id.
	Name string `json:"name"`
	// Agents counts the agents of a skill by state (for channels: those of its skills).
	Agents map[string]int `json:"agents"`
	// Waiting counts the conversations waiting now; LongestWait is the oldest one's wait.
	Waiting     int     `json:"waiting"`
	LongestWait float64 `json:"longest_wait_seconds"`
	// Offered are the conversations that entered the queue in the period; Answered those an
	// agent took; Abandoned those that left before one did (the block's timeout).
	Offered   int `json:"offered"`
	Answered  int `json:"answered"`
	Abandoned int `json:"abandoned"`
	// AnsweredByStep counts the answered conversations by the escalation step (from 1) they
	// were at when an agent took them; those without escalation are left out.
	AnsweredByStep map[string]int `json:"answered_by_step,omitempty"`
	// Requeued counts the times conversations went back to the queue unanswered (auto_requeue).
	Requeued int `json:"requeued"`
	// ServiceLevel is the share of answered and abandoned conversations answered within the
	// channel's threshold, from 0 to 1; null when there is none.
	ServiceLevel *float64 `json:"service_level"`
	// AverageWait is the mean time to answer; AverageHandle the mean time from answer to close.
	AverageWait   *float64 `json:"average_wait_seconds"`
	AverageHandle *float64 `json:"average_handle_seconds"`
	// Targets are what a channel's figures are held against (its target_* settings); a
	// skill's figures have none.
	Targets *settings.Targets `json:"targets,omitempty"`
}

// AgentStats are one agent's figures.
type AgentStats struct {
	Agent     string   `json:"agent"`
	Name      string   `json:"name"`
	State     string   `json:"state"`
	Reason    string   `json:"reason"`
	Active    int      `json:"active"`
	Completed int      `json:"completed"`
	Handle    *float64 `json:"average_handle_seconds"`
}

// ChannelSLA is a channel's first response and resolution times for conversations opened in
// the period, counted only inside its working hours (the calendar named by its working_hours
// setting; all the time when it has none).
type ChannelSLA struct {
	Channel          string   `json:"channel"`
	Calendar         string   `json:"calendar"`
	Conversations    int      `json:"conversations"`
	Responded        int      `json:"responded"`
	Resolved         int      `json:"resolved"`
	FirstResponse    *float64 `json:"average_first_response_seconds"`
	Resolution       *float64 `json:"average_resolution_seconds"`
	FirstResponseMax *float64 `json:"max_first_response_seconds"`
	ResolutionMax    *float64 `json:"max_resolution_seconds"`
}

// Compute computes the statistics of a period at a moment.
func Compute(ctx context.Context, st store.Store, from, to, now time.Time) (*Stats, error) {
	return compute(ctx, st, from, to, now, slaPage)
}

// compute is Compute reading conversations page at a time for the SLA.
func compute(ctx context.Context, st store.Store, from, to, now time.Time, page int) (*Stats, error) {
	s := &Stats{From: from, To: to, At: now, Skills: []QueueStats{}, Channels: []QueueStats{}, Agents: []AgentStats{},
		SLA: []ChannelSLA{}, States: map[string]int{}}
	agents, err := st.AgentList(ctx)
	if err != nil {
		return nil, err
	}
	stateList, err := st.AgentStateList(ctx)
	if err != nil {
		return nil, err
	}
	states := map[string]store.AgentState{}
	for _, x := range stateList {
		states[x.AgentID] = x
	}
	channels, err := st.ChannelList(ctx)
	if err != nil {
		return nil, err
	}
	chByID := map[string]settings.ChannelSettings{}
	for _, c := range channels {
		chByID[c.ID] = channelSettings(c)
	}
	skills, err := st.SkillList(ctx)
	if err != nil {
		return nil, err
	}
	period, err := st.QueueList(ctx, store.QueueListParams{From: from, To: to})
	if err != nil {
		return nil, err
	}
	waiting, err := st.QueueList(ctx, store.QueueListParams{Statuses: []string{store.QueueQueued, store.QueueOffered}})
	if err != nil {
		return nil, err
	}
	open, err := st.QueueList(ctx, store.QueueListParams{Statuses: []string{store.QueueOffered, store.QueueAssigned}})
	if err != nil {
		return nil, err
	}

	agentState := func(id string) string {
		if x, ok := states[id]; ok {
			return x.State
		}
		return StateOffline
	}
	for _, a := range agents {
		s.States[agentState(a.ID)]++
	}
	skillAgents := func(skill string) map[string]int {
		m := map[string]int{}
		for _, a := range agents {
			if a.Skills[skill] > 0 {
				m[agentState(a.ID)]++
			}
		}
		return m
	}
	for _, sk := range skills {
		q := figures(sk.Name, now, chByID, filter(period, func(e store.QueueEntry) bool { return e.Skill == sk.Name }),
			filter(waiting, func(e store.QueueEntry) bool { return e.Skill == sk.Name }))
		q.Agents = skillAgents(sk.Name)
		s.Skills = append(s.Skills, q)
	}
	for _, ch := range channels {
		q := figures(ch.ID, now, chByID, filter(period, func(e store.QueueEntry) bool { return e.ChannelID == ch.ID }),
			filter(waiting, func(e store.QueueEntry) bool { return e.ChannelID == ch.ID }))
		q.Agents = map[string]int{}
		targets := chByID[ch.ID].Targets
		q.Targets = &targets
		for _, a := range agents {
			for _, sk := range skills {
				if a.Skills[sk.Name] > 0 && slices.ContainsFunc(period, func(e store.QueueEntry) bool {
					return e.ChannelID == ch.ID && e.Skill == sk.Name
				}) {
					q.Agents[agentState(a.ID)]++
					break
				}
			}
		}
		s.Channels = append(s.Channels, q)
	}
	for _, a := range agents {
		as := AgentStats{Agent: a.ID, Name: a.Name, State: agentState(a.ID), Reason: states[a.ID].Reason}
		var handles []float64
		for _, e := range period {
			if e.Agent == a.ID && e.Status == store.QueueClosed && e.AssignedAt != nil && e.ClosedAt != nil {
				as.Completed++
				handles = append(handles, e.ClosedAt.Sub(*e.AssignedAt).Seconds())
			}
		}
		for _, e := range open {
			if e.Agent == a.ID {
				as.Active++
			}
		}
		as.Handle = mean(handles)
		s.Agents = append(s.Agents, as)
	}
	if s.Alerts, err = alerts(ctx, st, chByID, append(slices.Clip(waiting), filter(open, func(e store.QueueEntry) bool {
		return e.Status == store.QueueAssigned
	})...), now); err != nil {
		return nil, err
	}
	for _, ch := range channels {
		sla, err := channelSLA(ctx, st, ch, from, to, page)
		if err != nil {
			return nil, err
		}
		s.SLA = append(s.SLA, sla)
	}
	return s, nil
}

func filter(es []store.QueueEntry, keep func(store.QueueEntry) bool) []store.QueueEntry {
	var out []store.QueueEntry
	for _, e := range es {
		if keep(e) {
			out = append(out, e)
		}
	}
	return out
}

// figures computes a skill's or a channel's queue figures.
func figures(name string, now time.Time, channels map[string]settings.ChannelSettings, period, waiting []store.QueueEntry) QueueStats {
	q := QueueStats{Name: name, Offered: len(period), Waiting: len(waiting)}
	for _, e := range waiting {
		q.LongestWait = max(q.LongestWait, now.Sub(e.EnqueuedAt).Seconds())
	}
	var waits, handles []float64
	within := 0
	for _, e := range period {
		q.Requeued += e.Requeues
		switch {
		case e.AssignedAt != nil:
			q.Answered++
			if e.Step > 0 {
				if q.AnsweredByStep == nil {
					q.AnsweredByStep = map[string]int{}
				}
				q.AnsweredByStep[strconv.Itoa(e.Step)]++
			}
			wait := e.AssignedAt.Sub(e.EnqueuedAt)
			waits = append(waits, wait.Seconds())
			if wait <= serviceLevel(channels[e.ChannelID]) {
				within++
			}
			if e.ClosedAt != nil {
				handles = append(handles, e.ClosedAt.Sub(*e.AssignedAt).Seconds())
			}
		case e.Status == store.QueueWithdrawn:
			q.Abandoned++
		}
	}
	if n := q.Answered + q.Abandoned; n > 0 {
		sl := float64(within) / float64(n)
		q.ServiceLevel = &sl
	}
	q.AverageWait, q.AverageHandle = mean(waits), mean(handles)
	return q
}

// channelSettings reads a channel's typed settings for the statistics; the ACD logs those
// that do not fit their spec.
func channelSettings(ch store.Channel) settings.ChannelSettings {
	s, _ := settings.ParseChannel(ch.Type, ch.Settings)
	return s
}

func mean(xs []float64) *float64 {
	if len(xs) == 0 {
		return nil
	}
	sum := 0.0
	for _, x := range xs {
		sum += x
	}
	m := sum / float64(len(xs))
	return &m
}

func maxOf(xs []float64) *float64 {
	if len(xs) == 0 {
		return nil
	}
	m := slices.Max(xs)
	return &m
}

// slaPage is how many conversations the SLA reads at once: the most the store lists.
const slaPage = 1000

// channelSLA computes a channel's SLA for conversations opened in the period, reading them
// pageSize at a time.
func channelSLA(ctx context.Context, st store.Store, ch store.Channel, from, to time.Time, pageSize int) (ChannelSLA, error) {
	sla := ChannelSLA{Channel: ch.ID}
	working := func(a, b time.Time) float64 { return b.Sub(a).Seconds() }
	if name := channelSettings(ch).WorkingHours; name != "" {
		cal, err := st.CalendarGet(ctx, name)
		switch {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			return sla, err
		default:
			def := cal.CalendarDef
			c, err := blocks.CompileCalendar(&def)
			if err != nil {
				return sla, err
			}
			sla.Calendar = name
			working = func(a, b time.Time) float64 { return c.WorkingTime(a, b).Seconds() }
		}
	}
	// The store lists a page of at most slaPage conversations at a time: every page counts.
	var convs []store.Conversation
	for offset := 0; ; offset += pageSize {
		page, err := st.ConversationList(ctx, store.ConversationListParams{ChannelID: ch.ID, From: from, To: to,
			Limit: pageSize, Offset: offset})
		if err != nil {
			return sla, err
		}
		convs = append(convs, page...)
		if len(page) < pageSize {
			break
		}
	}
	var firsts, resolutions []float64
	for _, c := range convs {
		sla.Conversations++
		if c.FirstResponseAt != nil {
			sla.Responded++
			firsts = append(firsts, working(c.OpenedAt, *c.FirstResponseAt))
		}
		if c.ClosedAt != nil {
			sla.Resolved++
			resolutions = append(resolutions, working(c.OpenedAt, *c.ClosedAt))
		}
	}
	sla.FirstResponse, sla.Resolution = mean(firsts), mean(resolutions)
	sla.FirstResponseMax, sla.ResolutionMax = maxOf(firsts), maxOf(resolutions)
	return sla, nil
}
