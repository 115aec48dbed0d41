package server

// The visitor's stream: server-sent events, one per mailbox message, with the message's number
// as the event id. A stream starts after the id the widget names (Last-Event-ID, as a browser
// reconnecting sends it, or ?after=), so each message reaches the widget once and in order
// across reconnects. The store's bus wakes the streams of a visitor when a message is stored,
// on any node; each stream also looks again every few seconds, in case a wake-up was missed.
// The bus also brings the agent's typing state, sent as a "typing" event without an id.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboardhq/switchboard/dispatch"
	"github.com/switchboardhq/switchboard/store"
)

// Stream timings.
const (
	streamKeepalive = 15 * time.Second
	streamLookAgain = 5 * time.Second
)

// webchatHub wakes the streams of visitors when their mailbox changes.
type webchatHub struct {
	mu      sync.Mutex
	started bool
	total   int
	// streams are each visitor's open streams ("<channel> <visitor>").
	streams map[string]map[*streamSub]struct{}
}

// streamSub is what the hub tells one open stream: its mailbox changed, or the agent's typing
// state (the latest only).
type streamSub struct {
	wake   chan struct{}
	typing chan bool
}

// subscribe registers a stream of a visitor; ok is false when the visitor, or the server, has
// as many streams open as the limits allow.
func (h *webchatHub) subscribe(s *Server, key string) (sub *streamSub, cancel func(), ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.started {
		h.started = true
		h.streams = map[string]map[*streamSub]struct{}{}
		go h.listen(s.life, s.cfg.Store.Bus())
	}
	if h.total >= s.webchat.limits.Streams || len(h.streams[key]) >= s.webchat.limits.StreamsPerVisitor {
		return nil, nil, false
	}
	sub = &streamSub{wake: make(chan struct{}, 1), typing: make(chan bool, 1)}
	if h.streams[key] == nil {
		h.streams[key] = map[*streamSub]struct{}{}
	}
	h.streams[key][sub] = struct{}{}
	h.total++
	return sub, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.streams[key], sub)
		if len(h.streams[key]) == 0 {
			delete(h.streams, key)
		}
		h.total--
	}, true
}

// listen hands the bus's web chat messages to the streams they concern.
func (h *webchatHub) listen(ctx context.Context, bus store.Bus) {
	msgs, cancel := bus.Subscribe()
	defer cancel()
	for {
		select {
		case <-ctx.Done():
			return
		case m := <-msgs:
			switch m.Topic {
			case dispatch.TopicWebchat:
				h.wake(m.Payload)
			case TopicWebchatTyping:
				var note typingNote
				if json.Unmarshal([]byte(m.Payload), &note) == nil {
					h.typing(note.Channel+" "+note.Visitor, note.Typing)
				}
			case store.TopicReconnected:
				h.wake("")
			}
		}
	}
}

// wake signals the streams of a visitor, or every stream for "".
func (h *webchatHub) wake(key string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	signal := func(set map[*streamSub]struct{}) {
		for sub := range set {
			select {
			case sub.wake <- struct{}{}:
			default:
			}
		}
	}
	if key != "" {
		signal(h.streams[key])
		return
	}
	for _, set := range h.streams {
		signal(set)
	}
}

// typing hands the agent's typing state to the streams of a visitor; a state not yet sent
// gives way to the newer one.
func (h *webchatHub) typing(key string, on bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for sub := range h.streams[key] {
		select {
		case <-sub.typing:
		default:
		}
		sub.typing <- on // only the hub writes, under its lock: there is room
	}
}

// webchatStream streams the visitor's mailbox after the last event id the widget has.
func (s *Server) webchatStream(c *fiber.Ctx) error {
	ch, visitor := visitorOf(c)
	raw, name := c.Get("Last-Event-ID"), "Last-Event-ID"
	if raw == "" {
		raw, name = c.Query("after"), "after"
	}
	after, err := afterParam(c, name, strings.TrimSpace(raw))
	if err != nil {
		return err
	}
	sub, cancel, ok := s.webchatHub.subscribe(s, ch.ID+" "+visitor)
	if !ok {
		c.Set(fiber.HeaderRetryAfter, "10")
		return errorf(fiber.StatusTooManyRequests, "too_many_streams", "this visitor has as many streams open as allowed; close one, or read GET /webchat/%s/messages", ch.ID)
	}
	st, done, life, log := s.cfg.Store, s.done, s.life, s.log
	streamHeaders(c)
	// The writer runs after the handler returns, when c is no longer ours to read.
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		defer cancel()
		fmt.Fprintf(w, "retry: 2000\n\n")
		if w.Flush() != nil {
			return
		}
		keepalive := time.NewTicker(streamKeepalive)
		defer keepalive.Stop()
		again := time.NewTicker(streamLookAgain)
		defer again.Stop()
		for {
			// send everything after the last id sent, page by page
			for {
				msgs, err := st.WebchatList(life, ch.ID, visitor, after, pollPage)
				if err != nil {
					log.Warn("web chat stream: read the mailbox", "channel", ch.ID, "err", err)
					return // the widget reconnects and resumes after the last id it got
				}
				for _, m := range msgs {
					data, _ := json.Marshal(m)
					fmt.Fprintf(w, "id: %d\nevent: message\ndata: %s\n\n", m.Seq, data)
					after = m.Seq
				}
				if len(msgs) > 0 && w.Flush() != nil {
					return // the visitor went away
				}
				if len(msgs) < pollPage {
					break
				}
			}
			// a typing state waiting goes out before the stream waits again, whatever else is ready
			select {
			case on := <-sub.typing:
				if !writeTyping(w, on) {
					return
				}
			default:
			}
			select {
			case <-sub.wake:
			case on := <-sub.typing:
				if !writeTyping(w, on) {
					return
				}
			case <-again.C:
			case <-keepalive.C:
				fmt.Fprint(w, ": keepalive\n\n")
				if w.Flush() != nil {
					return
				}
			case <-done:
				return
			}
		}
	})
	return nil
}

// writeTyping sends the agent's typing state; false when the visitor went away. The event has
// no id: it is not in the mailbox and leaves Last-Event-ID as it is.
func writeTyping(w *bufio.Writer, on bool) bool {
	fmt.Fprintf(w, "event: typing\ndata: {\"typing\":%t}\n\n", on)
	return w.Flush() == nil
}
