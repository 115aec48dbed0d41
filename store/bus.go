package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/lib/pq"
)

// Bus carries short notifications between the nodes that share a database: new work to claim,
// an offer for an agent. On PostgreSQL it is LISTEN/NOTIFY, so every node hears every message,
// its own included; on SQLite, which one node uses, it stays in the process. Notifications only
// wake: whatever they announce is in the database, and nodes poll for it as well.
type Bus interface {
	// Publish sends a message on a topic to every node.
	Publish(ctx context.Context, topic, payload string) error
	// Subscribe returns the messages of every topic, until cancel is called.
	Subscribe() (messages <-chan Message, cancel func())
}

// Topics the store's users share. Each package names its own wake-up topics; these are read
// by more than one.
const (
	// TopicChannel says a channel was created, changed or deleted; the payload is its id.
	// Every node drops what it cached of the channel.
	TopicChannel = "channel"
	// TopicReconnected is delivered by the bus itself after its connection came back:
	// notifications may have been missed, so subscribers look again at whatever they wait for
	// and forget what they cached.
	TopicReconnected = "reconnected"
)

// Message is one notification.
type Message struct {
	Topic   string
	Payload string
}

// busChannel names the PostgreSQL notification channel of a schema: notifications are
// database-wide, and each schema is its own Switchboard.
func busChannel(schema string) string {
	name := "switchboard." + schema
	if len(name) > 63 { // longer names are refused by pg_notify
		sum := sha256.Sum256([]byte(schema))
		name = "switchboard." + hex.EncodeToString(sum[:12])
	}
	return name
}

// localBus fans messages out to the subscribers of this process.
type localBus struct {
	mu   sync.Mutex
	subs map[chan Message]struct{}
}

func newLocalBus() *localBus { return &localBus{subs: map[chan Message]struct{}{}} }

func (b *localBus) Publish(_ context.Context, topic, payload string) error {
	b.deliver(Message{Topic: topic, Payload: payload})
	return nil
}

// deliver hands a message to each subscriber that has room; a slow one misses it and relies on
// polling, as every subscriber must.
func (b *localBus) deliver(m Message) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs {
		select {
		case ch <- m:
		default:
		}
	}
}

func (b *localBus) Subscribe() (<-chan Message, func()) {
	ch := make(chan Message, 256)
	b.mu.Lock()
	b.subs[ch] = struct{}{}
	b.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			b.mu.Lock()
			delete(b.subs, ch)
			b.mu.Unlock()
		})
	}
}

// pgBus publishes with pg_notify and listens on a connection of its own, which reconnects by
// itself when the database restarts.
type pgBus struct {
	*localBus
	s        *sqlStore
	listener *pq.Listener
	channel  string
	done     chan struct{}
	closed   sync.Once
}

func newPGBus(s *sqlStore, url string, log *slog.Logger) (*pgBus, error) {
	var schema string
	if err := s.db.Get(&schema, `SELECT current_schema()`); err != nil {
		return nil, fmt.Errorf("read the schema: %w", err)
	}
	channel := busChannel(schema)
	l := pq.NewListener(url, 100*time.Millisecond, 10*time.Second, func(ev pq.ListenerEventType, err error) {
		if err != nil {
			log.Warn("the notification connection", "event", ev, "err", err)
		}
	})
	if err := l.Listen(channel); err != nil {
		l.Close()
		return nil, fmt.Errorf("listen for notifications: %w", err)
	}
	b := &pgBus{localBus: newLocalBus(), s: s, listener: l, channel: channel, done: make(chan struct{})}
	go b.relay()
	return b, nil
}

func (b *pgBus) Publish(ctx context.Context, topic, payload string) error {
	_, err := b.s.db.ExecContext(ctx, `SELECT pg_notify($1, $2)`, b.channel, topic+"\n"+payload)
	if err != nil {
		return fmt.Errorf("notify %s: %w", topic, err)
	}
	return nil
}

// relay hands what the listener hears to the subscribers; after a reconnection, when
// notifications may have been missed, it tells them to look anyway.
func (b *pgBus) relay() {
	for {
		select {
		case n, ok := <-b.listener.Notify:
			if !ok {
				return
			}
			if n == nil { // the connection was re-established
				b.deliver(Message{Topic: TopicReconnected})
				continue
			}
			topic, payload, _ := strings.Cut(n.Extra, "\n")
			b.deliver(Message{Topic: topic, Payload: payload})
		case <-time.After(90 * time.Second):
			go func() { _ = b.listener.Ping() }()
		case <-b.done:
			return
		}
	}
}

// close stops the relay and the listener; closing again does nothing.
func (b *pgBus) close() {
	b.closed.Do(func() {
		close(b.done)
		b.listener.Close()
	})
}
