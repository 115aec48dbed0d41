package server

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The gate sends a conversation's first typing state at once, drops a repeat within the second,
// sends a change when the second is over, forgets a conversation on a reply, and keeps a bound.
func TestTypingGateCoalesces(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }
	g := typingGate{now: clock}
	sent := make(chan typingNote, 10)
	send := func(n typingNote) { sent <- n }
	on, off := typingNote{Channel: "c", Visitor: "v_1", Typing: true}, typingNote{Channel: "c", Visitor: "v_1", Typing: false}

	require.True(t, g.offer("conv", on, send))
	require.Equal(t, on, <-sent, "the first state goes at once")
	require.True(t, g.offer("conv", on, send))
	require.Empty(t, sent, "a repeat within the second is dropped")
	require.True(t, g.offer("conv", off, send))
	require.Eventually(t, func() bool { return len(sent) == 1 }, time.Minute, 5*time.Millisecond, "a change goes when the second is over")
	require.Equal(t, off, <-sent)

	advance(2 * time.Second)
	require.True(t, g.offer("conv", on, send))
	require.Equal(t, on, <-sent, "after the second, a state goes at once")
	require.True(t, g.offer("conv", off, send)) // waits for the second's end
	g.forget("conv")
	g.mu.Lock()
	require.Empty(t, g.slots, "a reply forgets the conversation")
	g.mu.Unlock()
	require.True(t, g.offer("conv", on, send))
	require.Equal(t, on, <-sent, "a forgotten conversation starts afresh")
	g.forget("conv")

	for i := range typingSlots {
		require.True(t, g.offer(fmt.Sprint("c", i), on, func(typingNote) {}))
	}
	require.False(t, g.offer("one-more", on, send), "the gate is full while every slot is within its second")
	advance(2 * time.Second)
	require.True(t, g.offer("one-more", on, send), "slots past their second make room")
	require.Equal(t, on, <-sent)
}
