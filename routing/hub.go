package routing

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/switchboardhq/switchboard/store"
)

// Kinds of agent events.
const (
	EventOffer          = "offer"
	EventOfferWithdrawn = "offer_withdrawn"
	// EventOfferMissed is an offer that rang out before the agent answered it (Reason
	// ReasonTimedOut); State is break when the agent was paused for it.
	EventOfferMissed = "offer_missed"
	EventAssigned    = "assigned"
	EventMessage     = "message"
	EventClosed      = "closed"
	EventState       = "state"
	// EventSend tells the agent how a reply or action of theirs went: Status sent or failed.
	EventSend = "send"
	// EventClaimable tells the agent of a conversation it may claim (manual strategy), and
	// EventClaimableGone that one is no longer its to claim: claimed, withdrawn, or turned down.
	EventClaimable     = "claimable"
	EventClaimableGone = "claimable_gone"
)

// Why an offer stopped ringing for the agent: the Reason of offer_missed and offer_withdrawn.
const (
	// ReasonTimedOut: the offer rang out before the agent answered it.
	ReasonTimedOut = "timed out"
	// ReasonReassigned: a supervisor gave the conversation to another agent.
	ReasonReassigned = "reassigned"
	// ReasonLeftQueue: the conversation stopped waiting for an agent (its flow went on, the
	// customer's wait timed out or the conversation closed).
	ReasonLeftQueue = "left the queue"
)

// AgentEvent is something an agent's screen must know at once: an offer ringing, a conversation
// assigned, a customer's new message. Events are hints; what they announce is in the database.
type AgentEvent struct {
	// ID is the event's place in the agent's stream on this node, given when it is delivered:
	// the SSE id a client resumes from.
	ID           string     `json:"-"`
	Type         string     `json:"type"`
	Agent        string     `json:"agent"`
	Ref          string     `json:"ref,omitempty"`
	Conversation string     `json:"conversation,omitempty"`
	Skill        string     `json:"skill,omitempty"`
	ExpiresAt    *time.Time `json:"expires_at,omitempty"`
	Text         string     `json:"text,omitempty"`
	State        string     `json:"state,omitempty"`
	Reason       string     `json:"reason,omitempty"`
	// ActionID, Status and Error are a send's: its outbox action, sent or failed, and why.
	ActionID string `json:"action_id,omitempty"`
	Status   string `json:"status,omitempty"`
	Error    string `json:"error,omitempty"`
}

// topicAgent is the bus topic of agent events.
const topicAgent = "agent"

// Bounds of the events a hub keeps for agents who reconnect.
const (
	// RingSize is how many of an agent's latest events a hub keeps.
	RingSize = 256
	// maxRings is how many agents' events a hub keeps; past it, an agent's are dropped and its
	// next reconnect is told to reload.
	maxRings = 1000
	// maxEventText is the most of a customer's message an event carries, in characters: events
	// are hints, the transcript has the whole text.
	maxEventText = 280
)

// Hub delivers agent events to the agents' streams connected to this node; events published on
// any node reach it through the store's bus. It numbers each agent's events and keeps the last
// RingSize of them, so that a stream reconnecting to this node gets what it missed.
type Hub struct {
	bus store.Bus
	// epoch tells this hub's event ids from another node's or an earlier run's.
	epoch string
	mu    sync.Mutex
	subs  map[string]map[chan AgentEvent]struct{}
	rings map[string]*eventRing
}

// eventRing is an agent's latest events, numbered from 1.
type eventRing struct {
	last   uint64 // the number of the latest event
	events [RingSize]AgentEvent
}

// NewHub returns a hub listening to a bus until ctx ends.
func NewHub(ctx context.Context, bus store.Bus) *Hub {
	h := &Hub{bus: bus, epoch: strings.ReplaceAll(uuid.NewString(), "-", "")[:12], subs: map[string]map[chan AgentEvent]struct{}{},
		rings: map[string]*eventRing{}}
	msgs, cancel := bus.Subscribe()
	go func() {
		defer cancel()
		for {
			select {
			case m := <-msgs:
				if m.Topic != topicAgent {
					continue
				}
				var ev AgentEvent
				if json.Unmarshal([]byte(m.Payload), &ev) == nil {
					h.deliver(ev)
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	return h
}

// Publish sends an event to the agent's streams on every node.
func (h *Hub) Publish(ctx context.Context, ev AgentEvent) error {
	b, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	return h.bus.Publish(ctx, topicAgent, string(b))
}

// Subscribe returns an agent's events until cancel is called.
func (h *Hub) Subscribe(agent string) (<-chan AgentEvent, func()) {
	ch, _, _, cancel := h.SubscribeAfter(agent, "")
	return ch, cancel
}

// SubscribeAfter returns an agent's events until cancel is called, and the events after
// lastID (an event's ID, "" for none) that were delivered before: replayed. reset tells that
// lastID cannot be resumed from (another node's, an earlier run's, or older than the events
// kept): the client must reload what the events announce.
func (h *Hub) SubscribeAfter(agent, lastID string) (events <-chan AgentEvent, replay []AgentEvent, reset bool, cancel func()) {
	ch := make(chan AgentEvent, 64)
	h.mu.Lock()
	if lastID != "" {
		replay, reset = h.since(agent, lastID)
	}
	if h.subs[agent] == nil {
		h.subs[agent] = map[chan AgentEvent]struct{}{}
	}
	h.subs[agent][ch] = struct{}{}
	h.mu.Unlock()
	var once sync.Once
	return ch, replay, reset, func() {
		once.Do(func() {
			h.mu.Lock()
			delete(h.subs[agent], ch)
			if len(h.subs[agent]) == 0 {
				delete(h.subs, agent)
			}
			h.mu.Unlock()
		})
	}
}

// since returns an agent's kept events after lastID; reset when lastID is not one to resume from.
func (h *Hub) since(agent, lastID string) ([]AgentEvent, bool) {
	epoch, n, ok := strings.Cut(lastID, "-")
	seen, err := strconv.ParseUint(n, 10, 64)
	if !ok || err != nil || epoch != h.epoch {
		return nil, true
	}
	r := h.rings[agent]
	var last uint64
	if r != nil {
		last = r.last
	}
	switch {
	case seen > last:
		return nil, true // not an id this hub gave
	case seen == last:
		return nil, false
	case last-seen > RingSize:
		return nil, true // what was missed is no longer kept
	}
	out := make([]AgentEvent, 0, last-seen)
	for i := seen + 1; i <= last; i++ {
		out = append(out, r.events[i%RingSize])
	}
	return out, false
}

func (h *Hub) deliver(ev AgentEvent) {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := h.rings[ev.Agent]
	if r == nil {
		if len(h.rings) >= maxRings {
			for agent := range h.rings {
				if len(h.subs[agent]) == 0 {
					delete(h.rings, agent)
					break
				}
			}
		}
		r = &eventRing{}
		h.rings[ev.Agent] = r
	}
	r.last++
	ev.ID = h.epoch + "-" + strconv.FormatUint(r.last, 10)
	if utf8.RuneCountInString(ev.Text) > maxEventText {
		ev.Text = string([]rune(ev.Text)[:maxEventText-1]) + "…"
	}
	r.events[r.last%RingSize] = ev
	for ch := range h.subs[ev.Agent] {
		select {
		case ch <- ev:
		default: // a stream that does not keep up misses hints, not data
		}
	}
}

// Observer tells agents of their customers' new messages: the dispatcher's Observer.
type Observer struct{ Hub *Hub }

// SendFinished tells the agent who wrote a reply, or asked for an action, how its sending went.
func (o Observer) SendFinished(item store.OutboxItem, status, failure string) {
	if item.Action.Agent == "" || o.Hub == nil {
		return
	}
	_ = o.Hub.Publish(context.Background(), AgentEvent{Type: EventSend, Agent: item.Action.Agent, Conversation: item.ConversationID,
		ActionID: item.ActionID, Status: status, Error: failure})
}

// Inbound tells the agent who owns a conversation that the customer wrote.
func (o Observer) Inbound(conv store.Conversation, in store.Interaction) {
	if conv.Agent == "" || o.Hub == nil {
		return
	}
	_ = o.Hub.Publish(context.Background(), AgentEvent{Type: EventMessage, Agent: conv.Agent, Conversation: conv.ID, Text: in.Text})
}
