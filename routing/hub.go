package routing

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/switchboardhq/switchboard/store"
)

// Kinds of agent events.
const (
	EventOffer          = "offer"
	EventOfferWithdrawn = "offer_withdrawn"
	EventAssigned       = "assigned"
	EventMessage        = "message"
	EventClosed         = "closed"
	EventState          = "state"
)

// AgentEvent is something an agent's screen must know at once: an offer ringing, a conversation
// assigned, a customer's new message. Events are hints; what they announce is in the database.
type AgentEvent struct {
	Type         string     `json:"type"`
	Agent        string     `json:"agent"`
	Ref          string     `json:"ref,omitempty"`
	Conversation string     `json:"conversation,omitempty"`
	Skill        string     `json:"skill,omitempty"`
	ExpiresAt    *time.Time `json:"expires_at,omitempty"`
	Text         string     `json:"text,omitempty"`
	State        string     `json:"state,omitempty"`
	Reason       string     `json:"reason,omitempty"`
}

// topicAgent is the bus topic of agent events.
const topicAgent = "agent"

// Hub delivers agent events to the agents' streams connected to this node; events published on
// any node reach it through the store's bus.
type Hub struct {
	bus  store.Bus
	mu   sync.Mutex
	subs map[string]map[chan AgentEvent]struct{}
}

// NewHub returns a hub listening to a bus until ctx ends.
func NewHub(ctx context.Context, bus store.Bus) *Hub {
	h := &Hub{bus: bus, subs: map[string]map[chan AgentEvent]struct{}{}}
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
	ch := make(chan AgentEvent, 64)
	h.mu.Lock()
	if h.subs[agent] == nil {
		h.subs[agent] = map[chan AgentEvent]struct{}{}
	}
	h.subs[agent][ch] = struct{}{}
	h.mu.Unlock()
	var once sync.Once
	return ch, func() {
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

func (h *Hub) deliver(ev AgentEvent) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs[ev.Agent] {
		select {
		case ch <- ev:
		default: // a stream that does not keep up misses hints, not data
		}
	}
}

// Observer tells agents of their customers' new messages: the dispatcher's Observer.
type Observer struct{ Hub *Hub }

// Inbound tells the agent who owns a conversation that the customer wrote.
func (o Observer) Inbound(conv store.Conversation, in store.Interaction) {
	if conv.Agent == "" || o.Hub == nil {
		return
	}
	_ = o.Hub.Publish(context.Background(), AgentEvent{Type: EventMessage, Agent: conv.Agent, Conversation: conv.ID, Text: in.Text})
}
