package fakenet

// What a fake network keeps of what it accepted, so that a sender can read it back and a test
// can count what reached a customer twice, and the switches that make a fake slow or rude.

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Sent is a message, comment, reply or tweet a fake accepted: what the network now shows.
type Sent struct {
	// ID is the network's id of it, as the answer to the send carried (or would have).
	ID string
	// Kind is message (Messenger or Instagram), comment (Facebook), reply (Instagram comment
	// reply), mention (Instagram mention reply), tweet or dm.
	Kind string
	// Parent is what it answers: the comment or post commented, the tweet replied to; for a
	// message or DM, the conversation's other side (the customer).
	Parent string
	// From is our account: the page, the Instagram account or the X user.
	From string
	// Text is the text, or the attachment's URL when there is no text.
	Text string
	// Attachment is the URL of the file it carries: a message's attachment, a comment's
	// attachment_url (which the fake fetched, as Graph does, and found an image at).
	Attachment string `json:",omitempty"`
	// Metadata is what a Messenger or Instagram message carried as metadata (our action id).
	Metadata string
	// At is when the fake accepted it.
	At time.Time
}

// ledger is what a fake accepted, in order.
type ledger struct {
	mu   sync.Mutex
	sent []Sent
}

func (l *ledger) add(s Sent) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sent = append(l.sent, s)
}

func (l *ledger) snapshot() []Sent {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Sent(nil), l.sent...)
}

// matching is what was accepted that keep says yes to, newest first.
func (l *ledger) matching(keep func(Sent) bool) []Sent {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []Sent
	for i := len(l.sent) - 1; i >= 0; i-- {
		if keep(l.sent[i]) {
			out = append(out, l.sent[i])
		}
	}
	return out
}

func (l *ledger) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sent = nil
}

// Duplicates counts, for each key that more than one accepted item shares, how many there are
// beyond the first: key is, say, the metadata (our action id) or parent and text.
func Duplicates(sent []Sent, key func(Sent) string) map[string]int {
	seen := map[string]int{}
	for _, s := range sent {
		seen[key(s)]++
	}
	out := map[string]int{}
	for k, n := range seen {
		if n > 1 {
			out[k] = n - 1
		}
	}
	return out
}

// misbehaviour is how a fake answers the sends it accepts: late, or not at all.
type misbehaviour struct {
	mu    sync.Mutex
	delay time.Duration
	slow  int // how many more sends answer after delay; -1: all
	drops int // how many more sends have their connection dropped once read
	// giveUp are the callers waiting to be cut short once a send is held (CancelWhenHeld)
	giveUp []heldWaiter
}

type heldWaiter struct {
	ctx    context.Context
	cancel context.CancelFunc
}

// CancelWhenHeld returns a context that ends once the fake holds back a send that AnswerAfter
// slows down (from then on the network has it, and a caller that gives up cannot tell whether
// it went out), or when ctx ends. A test cuts its caller short with it rather than at a
// deadline, which a busy machine may reach before the request reaches the network.
func (m *misbehaviour) CancelWhenHeld(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	m.mu.Lock()
	defer m.mu.Unlock()
	// those whose context ended wait for nothing any more
	m.giveUp = slices.DeleteFunc(m.giveUp, func(w heldWaiter) bool { return w.ctx.Err() != nil })
	m.giveUp = append(m.giveUp, heldWaiter{ctx, cancel})
	return ctx, cancel
}

// holding cuts short the callers waiting for a send to be held.
func (m *misbehaviour) holding() {
	m.mu.Lock()
	waiting := m.giveUp
	m.giveUp = nil
	m.mu.Unlock()
	for _, w := range waiting {
		w.cancel()
	}
}

// AnswerAfter makes the next times sends (every one when times is -1) be accepted at once and
// answered only after delay, as a network slower than its callers' timeout is.
func (m *misbehaviour) AnswerAfter(delay time.Duration, times int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.delay, m.slow = delay, times
}

// DropAfterReading makes the next times sends be accepted and their connection closed without
// an answer, as a connection reset after the network took the request does.
func (m *misbehaviour) DropAfterReading(times int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.drops = times
}

// answer says how to answer a send that was accepted: drop it, or wait first.
func (m *misbehaviour) answer() (drop bool, wait time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.drops > 0 {
		m.drops--
		return true, 0
	}
	if m.slow != 0 {
		if m.slow > 0 {
			m.slow--
		}
		return false, m.delay
	}
	return false, 0
}

func (m *misbehaviour) reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.delay, m.slow, m.drops = 0, 0, 0
}

// deliver answers an accepted send as the switches say: it drops the connection, or waits
// (until the caller gives up, at most), then writes the answer.
func (m *misbehaviour) deliver(w http.ResponseWriter, r *http.Request, write func()) {
	drop, wait := m.answer()
	if drop {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	}
	if wait > 0 {
		m.holding()
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return
		}
	}
	write()
}

// page is one page of a newest-first list: items from the cursor on, at most limit of them,
// and the cursor of the next page ("" at the end).
func page[T any](items []T, after string, limit, maxLimit int) ([]T, string) {
	if limit <= 0 || limit > maxLimit {
		limit = maxLimit
	}
	start, _ := strconv.Atoi(after)
	if start < 0 || start > len(items) {
		start = len(items)
	}
	end := min(start+limit, len(items))
	next := ""
	if end < len(items) {
		next = strconv.Itoa(end)
	}
	return items[start:end], next
}
