package server

// The agent's typing indicator for web chat visitors. An agent says it is typing (or no longer
// is); the server passes that to the visitor's open streams on every node through the store's
// bus, as a "typing" event without an id, so that it neither lands in the mailbox nor moves the
// Last-Event-ID a reconnecting widget resumes after. Nothing is stored. Each conversation gets
// at most one typing event a second: a repeat of the state last sent within the second is
// dropped, a change is sent when the second is over (the latest state only).

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboardhq/switchboard/store"
)

// TopicWebchatTyping carries an agent's typing state to the nodes holding the visitor's
// streams; the payload is a typingNote in JSON.
const TopicWebchatTyping = "webchat.typing"

// Typing bounds.
const (
	// typingWindow is the least time between two typing events of a conversation.
	typingWindow = time.Second
	// typingSlots is how many conversations the gate remembers at once.
	typingSlots = 10000
)

// typingNote is the bus payload of a typing event.
type typingNote struct {
	Channel string `json:"c"`
	Visitor string `json:"v"`
	Typing  bool   `json:"t"`
}

// typingGate coalesces each conversation's typing events to one a window.
type typingGate struct {
	now   func() time.Time
	mu    sync.Mutex
	slots map[string]*typingSlot
}

type typingSlot struct {
	note    typingNote
	at      time.Time // when the last event was sent
	pending bool      // a changed state waits for the window's end
	timer   *time.Timer
}

// offer passes a typing state on through send now, later (at the window's end) or not at all;
// ok is false when the gate is full. send runs outside the gate's lock: publishing may wait on
// the database.
func (g *typingGate) offer(conv string, note typingNote, send func(typingNote)) bool {
	ok, out := g.takes(conv, note, send)
	if out != nil {
		send(*out)
	}
	return ok
}

// takes records a typing state and says what to send now.
func (g *typingGate) takes(conv string, note typingNote, send func(typingNote)) (ok bool, out *typingNote) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.slots == nil {
		g.slots = map[string]*typingSlot{}
	}
	now := g.now()
	sl := g.slots[conv]
	if sl == nil {
		if len(g.slots) >= typingSlots {
			g.prune(now)
		}
		if len(g.slots) >= typingSlots {
			return false, nil
		}
		g.slots[conv] = &typingSlot{note: note, at: now}
		return true, &note
	}
	elapsed := now.Sub(sl.at)
	switch {
	case elapsed >= typingWindow && sl.timer == nil:
		sl.note, sl.at = note, now
		return true, &note
	case sl.note.Typing == note.Typing && !sl.pending:
		// the widget shows this state already
	default:
		sl.note, sl.pending = note, true
		if sl.timer == nil {
			wait := min(max(typingWindow-elapsed, 0), typingWindow)
			sl.timer = time.AfterFunc(wait, func() {
				g.mu.Lock()
				if g.slots[conv] != sl {
					g.mu.Unlock()
					return // forgotten meanwhile: a reply cleared typing
				}
				sl.timer, sl.pending, sl.at = nil, false, g.now()
				late := sl.note
				g.mu.Unlock()
				send(late)
			})
		}
	}
	return true, nil
}

// forget drops what the gate knows of a conversation, and a state waiting to be sent.
func (g *typingGate) forget(conv string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if sl := g.slots[conv]; sl != nil {
		if sl.timer != nil {
			sl.timer.Stop()
		}
		delete(g.slots, conv)
	}
}

// prune drops the conversations whose window is over and which have nothing waiting.
func (g *typingGate) prune(now time.Time) {
	for conv, sl := range g.slots {
		if sl.timer == nil && now.Sub(sl.at) >= typingWindow {
			delete(g.slots, conv)
		}
	}
}

type typingRequest struct {
	Typing *bool `json:"typing"`
}

// agentTyping passes the agent's typing state to the web chat visitor of its conversation.
// On a conversation without a widget visitor it does nothing.
func (s *Server) agentTyping(c *fiber.Ctx) error {
	var req typingRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.Typing == nil {
		return fieldError("typing", "give typing: true while the agent writes, false when it stops")
	}
	ctx := c.UserContext()
	conv, err := s.cfg.Store.ConversationGet(ctx, param(c, "id"))
	if err != nil {
		return err
	}
	mine, err := s.assignedTo(ctx, me(c), conv.ID)
	if err != nil {
		return err
	}
	if !mine {
		return errorf(fiber.StatusConflict, "not_yours", "conversation %s is not assigned to %s", conv.ID, me(c))
	}
	if !store.IsWebchatVisitor(conv.Customer) {
		return c.SendStatus(fiber.StatusNoContent) // no widget shows it
	}
	note := typingNote{Channel: conv.ChannelID, Visitor: conv.Customer, Typing: *req.Typing}
	if !s.typing.offer(conv.ID, note, s.publishTyping) {
		c.Set(fiber.HeaderRetryAfter, "1")
		return errorf(fiber.StatusTooManyRequests, "too_many_requests", "too many conversations are typing at once; send typing again in a second")
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// assignedTo says whether the conversation is assigned to the agent, as replies require.
func (s *Server) assignedTo(ctx context.Context, agent, conversationID string) (bool, error) {
	entries, err := s.cfg.Store.QueueList(ctx, store.QueueListParams{Agent: agent, Statuses: []string{store.QueueAssigned}})
	if err != nil {
		return false, err
	}
	for _, e := range entries {
		if e.ConversationID == conversationID {
			return true, nil
		}
	}
	return false, nil
}

// publishTyping sends a typing state to every node's streams.
func (s *Server) publishTyping(note typingNote) {
	data, _ := json.Marshal(note)
	if err := s.cfg.Store.Bus().Publish(s.life, TopicWebchatTyping, string(data)); err != nil && !errors.Is(err, context.Canceled) {
		s.log.Warn("announce an agent's typing", "channel", note.Channel, "err", err)
	}
}
