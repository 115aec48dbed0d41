package dispatch

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/store"
	"github.com/switchboardhq/switchboard/store/storetest"
)

func TestBackoffGrowsToTenMinutesWithJitter(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		attempts int
		base     time.Duration
	}{
		{0, 2 * time.Second}, {1, 2 * time.Second}, {2, 4 * time.Second}, {3, 8 * time.Second},
		{6, 64 * time.Second}, {9, 512 * time.Second}, {10, 10 * time.Minute}, {11, 10 * time.Minute},
		{64, 10 * time.Minute}, {1 << 20, 10 * time.Minute},
	} {
		t.Run(fmt.Sprint(tc.attempts), func(t *testing.T) {
			lo, hi := tc.base*8/10, tc.base*12/10
			seen := map[time.Duration]bool{}
			below, above := 0, 0
			for range 500 {
				d := backoff(tc.attempts, 0)
				require.GreaterOrEqual(t, d, lo, "attempt %d waits at least 80 %% of %s", tc.attempts, tc.base)
				require.LessOrEqual(t, d, hi, "attempt %d waits at most 120 %% of %s", tc.attempts, tc.base)
				seen[d] = true
				if d < tc.base {
					below++
				} else if d > tc.base {
					above++
				}
			}
			require.Greater(t, len(seen), 400, "the jitter spreads the waits: %d distinct of 500", len(seen))
			require.Greater(t, below, 100, "some waits are shorter than %s", tc.base)
			require.Greater(t, above, 100, "some waits are longer than %s", tc.base)
		})
	}

	t.Run("retry-after", func(t *testing.T) {
		require.Equal(t, 5*time.Minute, backoff(1, 5*time.Minute), "the network's Retry-After wins when longer")
		d := backoff(12, time.Second)
		require.GreaterOrEqual(t, d, 8*time.Minute, "a shorter Retry-After does not cut the backoff")
		require.LessOrEqual(t, d, 12*time.Minute)
	})
}

func TestIsNetworkAction(t *testing.T) {
	t.Parallel()
	facebook := store.Channel{ID: "fb", Type: store.ChannelFacebook}
	instagram := store.Channel{ID: "ig", Type: store.ChannelInstagram}
	twitter := store.Channel{ID: "x", Type: store.ChannelTwitter}
	widget := store.Channel{ID: "w", Type: store.ChannelWebchat, Settings: map[string]any{}}
	callback := store.Channel{ID: "wc", Type: store.ChannelWebchat, Settings: map[string]any{"callback_url": "https://example.com/cb"}}
	for _, tc := range []struct {
		ch   store.Channel
		typ  engine.ActionType
		want bool
	}{
		{facebook, engine.ActionReply, true},
		{facebook, engine.ActionLike, true},
		{facebook, engine.ActionHide, true},
		{instagram, engine.ActionReply, true},
		{instagram, engine.ActionHide, true},
		{twitter, engine.ActionReply, true},
		{twitter, engine.ActionRetweet, true},
		{twitter, engine.ActionLike, true},
		{callback, engine.ActionReply, true},
		{widget, engine.ActionReply, false},
		{facebook, engine.ActionTag, false},
		{facebook, engine.ActionClose, false},
		{facebook, engine.ActionRoute, false},
		{facebook, engine.ActionHTTP, false},
		{facebook, engine.ActionContact, false},
		{callback, engine.ActionTag, false},
		{twitter, engine.ActionClose, false},
	} {
		t.Run(tc.ch.ID+"/"+string(tc.typ), func(t *testing.T) {
			got := isNetworkAction(tc.ch, &engine.Action{Type: tc.typ})
			require.Equal(t, tc.want, got, "is a %s on %s a network action", tc.typ, tc.ch.ID)
		})
	}
}

func TestRefuse(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		h := newHarness(t, b, nil)
		ago := func(d time.Duration) *time.Time {
			at := epoch.Add(-d)
			return &at
		}
		fb := store.Channel{ID: "fb", Type: store.ChannelFacebook, Settings: map[string]any{}}
		fbHuman := store.Channel{ID: "fb", Type: store.ChannelFacebook, Settings: map[string]any{"human_agent": true}}
		ig := store.Channel{ID: "ig", Type: store.ChannelInstagram, Settings: map[string]any{}}
		x := store.Channel{ID: "x", Type: store.ChannelTwitter, Settings: map[string]any{}}
		web := store.Channel{ID: "w", Type: store.ChannelWebchat, Settings: map[string]any{}}
		private := &engine.Action{Type: engine.ActionReply, Visibility: "private", Text: "hola", Recipient: "PSID-1"}
		human := &engine.Action{Type: engine.ActionReply, Visibility: "private", Text: "hola", Recipient: "PSID-1", Agent: "ana"}
		public := &engine.Action{Type: engine.ActionReply, Visibility: "public", Text: "hola", Target: "c_1"}
		like := &engine.Action{Type: engine.ActionLike, Target: "c_1"}
		toComment := &engine.Action{Type: engine.ActionReply, Visibility: "private", Text: "hola", Target: "c_1"}
		message := engine.Interaction{Kind: "message"}
		comment := engine.Interaction{ID: "c_1", Kind: "comment", Public: true}

		// one private reply to comment c_1 was queued on fb already
		require.NoError(t, h.st.InTx(h.ctx, func(tx store.Tx) error {
			_, err := tx.OutboxInsert(h.ctx, store.OutboxItem{ActionID: "s_old/1.1", ChannelID: "fb", ConversationID: "conv_old",
				Action: *toComment, PrivateTarget: "c_1"})
			return err
		}))

		for _, tc := range []struct {
			name string
			ch   store.Channel
			in   engine.Interaction
			last *time.Time
			a    *engine.Action
			want string // part of the refusal; "" when allowed
		}{
			{"message inside the window", fb, message, ago(23 * time.Hour), private, ""},
			{"message at the window's end", fb, message, ago(24 * time.Hour), private, ""},
			{"message after the window", fb, message, ago(25 * time.Hour), private, "outside the 24-hour messaging window"},
			{"instagram message after the window", ig, message, ago(25 * time.Hour), private, "24-hour"},
			{"human agent with HUMAN_AGENT", fbHuman, message, ago(3 * 24 * time.Hour), human, ""},
			{"human agent without HUMAN_AGENT", fb, message, ago(25 * time.Hour), human, "24-hour"},
			{"human agent after 7 days", fbHuman, message, ago(8 * 24 * time.Hour), human, "24-hour"},
			{"a bot is no human agent", fbHuman, message, ago(25 * time.Hour), private, "24-hour"},
			{"public replies have no window", fb, comment, ago(25 * time.Hour), public, ""},
			{"likes have no window", fb, comment, ago(25 * time.Hour), like, ""},
			{"x has no window", x, message, ago(25 * time.Hour), private, ""},
			{"web chat has no window", web, message, ago(25 * time.Hour), private, ""},
			{"no message from the customer yet", fb, message, nil, private, ""},
			{"a second private reply to a comment", fb, comment, ago(time.Minute), toComment, "has had its private reply already"},
			{"a private reply to another channel's comment", ig, comment, ago(time.Minute), toComment, ""},
			{"a private reply to a comment ignores the 24-hour window", ig, comment, ago(25 * time.Hour), toComment, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				e := &effects{channel: tc.ch, conversation: &store.Conversation{ID: "conv_1", ChannelID: tc.ch.ID,
					LastInboundAt: tc.last}, in: tc.in, now: epoch}
				err := h.d.refuse(h.ctx, e, tc.a)
				if tc.want == "" {
					require.NoError(t, err)
					return
				}
				require.Error(t, err)
				require.Contains(t, err.Error(), tc.want)
			})
		}
	})
}

func TestKeyedMutex(t *testing.T) {
	t.Parallel()
	var k keyedMutex

	t.Run("one key at a time", func(t *testing.T) {
		var inside, overlaps atomic.Int32
		var wg sync.WaitGroup
		for range 64 {
			wg.Go(func() {
				unlock := k.lock("conv_a")
				if inside.Add(1) != 1 {
					overlaps.Add(1)
				}
				for range 100 {
					if inside.Load() != 1 {
						overlaps.Add(1)
					}
				}
				inside.Add(-1)
				unlock()
			})
		}
		wg.Wait()
		require.Zero(t, overlaps.Load(), "two holders of one key overlapped")
	})

	t.Run("keys do not block each other", func(t *testing.T) {
		unlockA := k.lock("conv_a")
		got := make(chan struct{})
		go func() {
			unlock := k.lock("conv_b")
			unlock()
			close(got)
		}()
		select {
		case <-got:
		case <-time.After(2 * time.Minute):
			t.Fatal("conv_b waited for conv_a's lock")
		}
		waiting := make(chan struct{})
		released := make(chan struct{})
		go func() {
			close(waiting)
			unlock := k.lock("conv_a")
			close(released)
			unlock()
		}()
		<-waiting
		select {
		case <-released:
			t.Fatal("a second holder of conv_a got the lock while the first held it")
		default:
		}
		unlockA()
		select {
		case <-released:
		case <-time.After(2 * time.Minute):
			t.Fatal("conv_a was not handed over once released")
		}
	})

	t.Run("forgets released keys", func(t *testing.T) {
		k.mu.Lock()
		defer k.mu.Unlock()
		require.Empty(t, k.locks, "no lock is kept for keys nobody holds")
	})
}

// countingStore counts the transactions the committers open.
type countingStore struct {
	store.Store
	mu      sync.Mutex
	batches []int
}

func (c *countingStore) InTxBatch(ctx context.Context, fns []func(store.Tx) error) []error {
	c.mu.Lock()
	c.batches = append(c.batches, len(fns))
	c.mu.Unlock()
	return c.Store.InTxBatch(ctx, fns)
}

var errUnit = errors.New("this unit fails")

func TestCommitBatchesUnitsEachWithItsOwnError(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		h := newHarness(t, b, nil)
		counting := &countingStore{Store: h.st}
		d := New(Config{Store: counting, Clock: h.clock, Logger: testLogger(t), Committers: 1})
		ctx := h.ctx
		require.NoError(t, h.st.InTx(ctx, func(tx store.Tx) error { return tx.EventKeyInsert(ctx, "batch", "taken") }))

		const units = 200
		errs := make([]error, units)
		var wg sync.WaitGroup
		for i := range units {
			wg.Go(func() {
				errs[i] = d.commit(ctx, func(tx store.Tx) error {
					key := fmt.Sprintf("unit-%d", i)
					if err := tx.EventKeyInsert(ctx, "batch", key); err != nil {
						return err
					}
					switch {
					case i%7 == 3:
						return fmt.Errorf("unit %d: %w", i, errUnit) // its write is rolled back alone
					case i%10 == 5:
						return tx.EventKeyInsert(ctx, "batch", "taken") // a key committed before
					}
					return nil
				})
			})
		}
		// every unit waits in the queue before the committer starts: it takes them in batches
		require.Eventually(t, func() bool { return len(d.commits) == units }, time.Minute, time.Millisecond)
		done := make(chan struct{})
		go func() {
			d.commitLoop(ctx)
			close(done)
		}()
		wg.Wait()

		counting.mu.Lock()
		require.Equal(t, []int{maxBatch, units - maxBatch}, counting.batches, "%d units commit in 2 transactions", units)
		counting.mu.Unlock()
		committed := 0
		for i, err := range errs {
			key := fmt.Sprintf("unit-%d", i)
			var exists bool
			require.NoError(t, h.st.InTx(ctx, func(tx store.Tx) error {
				var err error
				exists, err = tx.EventKeyExists(ctx, "batch", key)
				return err
			}))
			switch {
			case i%7 == 3:
				require.ErrorIs(t, err, errUnit, "unit %d gets its own error", i)
				require.Contains(t, err.Error(), fmt.Sprintf("unit %d:", i))
				require.False(t, exists, "unit %d failed: its write is rolled back", i)
			case i%10 == 5:
				require.ErrorIs(t, err, store.ErrDuplicate, "unit %d gets its own error", i)
				require.False(t, exists, "unit %d failed: its write is rolled back", i)
			default:
				require.NoError(t, err, "unit %d", i)
				require.True(t, exists, "unit %d committed", i)
				committed++
			}
		}
		require.Equal(t, committed+1, h.count(`SELECT count(*) FROM event_keys WHERE channel_id = 'batch'`))
	})
}

func TestCommitOfACancelledCallerStillCommits(t *testing.T) {
	t.Parallel()
	h := newHarness(t, storetest.Backends[0], nil)
	ctx, cancel := context.WithCancel(h.ctx)
	started, release := make(chan struct{}), make(chan struct{})
	result := make(chan error, 1)
	go func() {
		result <- h.d.commit(ctx, func(tx store.Tx) error {
			close(started)
			<-release
			return tx.EventKeyInsert(h.ctx, "cancelled", "k")
		})
	}()
	<-started
	cancel()
	require.ErrorIs(t, <-result, context.Canceled, "the caller stops waiting")
	close(release)
	require.Eventually(t, func() bool {
		return h.count(`SELECT count(*) FROM event_keys WHERE channel_id = 'cancelled'`) == 1
	}, time.Minute, 5*time.Millisecond, "the unit commits all the same: callers rely on dedupe keys")
}

func TestProcessPartlyUnreadablePayload(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		h := newHarness(t, b, nil)
		h.publish("replies", repliesFlow)
		fb := h.facebook("replies")
		at := epoch.Add(-time.Minute)
		good := map[string]any{"sender": map[string]any{"id": "PSID-1"}, "recipient": map[string]any{"id": pageID},
			"timestamp": at.UnixMilli(), "message": map[string]any{"mid": "m_good", "text": "hola"}}
		noMid := map[string]any{"sender": map[string]any{"id": "PSID-2"}, "recipient": map[string]any{"id": pageID},
			"timestamp": at.UnixMilli(), "message": map[string]any{"text": "sin mid"}}
		body := mustJSON(t, map[string]any{"object": "page", "entry": []any{
			map[string]any{"id": pageID, "time": at.UnixMilli(), "messaging": []any{good}},
			map[string]any{"id": pageID, "time": at.UnixMilli(), "messaging": []any{noMid}},
			"not an entry",
		}})
		ev, err := h.d.Ingest(h.ctx, fb, body)
		require.NoError(t, err)
		outs, err := h.d.Process(h.ctx, ev)
		require.NoError(t, err, "what could be read is handled; the payload is not processed again")
		require.Len(t, outs, 1)
		require.Equal(t, "session", outs[0].Delivered)

		require.Equal(t, 1, h.count(`SELECT count(*) FROM interactions WHERE direction = 'in' AND external_id = 'm_good'`))
		require.Equal(t, 1, h.count(`SELECT count(*) FROM interactions WHERE direction = 'in'`), "nothing of the unreadable events")
		require.Equal(t, 1, h.count(`SELECT count(*) FROM webhook_events WHERE id = ? AND status = 'failed'
			AND error LIKE '%entry 2 messaging 1: message has no mid%' AND error LIKE '%entry 3%'`, ev.ID),
			"the payload is set aside as failed, with the reasons")

		h.clock.Advance(time.Hour)
		require.Zero(t, h.claim(), "a payload set aside is not claimed")

		// a payload that is not JSON at all is set aside with nothing handled
		ev, err = h.d.Ingest(h.ctx, fb, []byte(`{"object":"page","entry":[`))
		require.NoError(t, err)
		outs, err = h.d.Process(h.ctx, ev)
		require.NoError(t, err)
		require.Empty(t, outs)
		require.Equal(t, 1, h.count(`SELECT count(*) FROM webhook_events WHERE id = ? AND status = 'failed' AND error LIKE '%ends early%'`, ev.ID))
		require.Equal(t, 1, h.count(`SELECT count(*) FROM interactions WHERE direction = 'in'`))
	})
}
