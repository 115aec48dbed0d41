package store

import (
	"context"
	"errors"
	"time"

	"github.com/switchboardhq/switchboard/engine"
)

// ErrDuplicate means an event was seen before: it is not processed again.
var ErrDuplicate = errors.New("seen before")

// Pipeline is the durable pipeline's storage: raw webhook payloads, conversations and their
// interactions, sessions and their timers, and the outbox. Writes that must happen together go
// through InTx; claims lease rows to one node at a time, with FOR UPDATE SKIP LOCKED on
// PostgreSQL so that several nodes share the work.
type Pipeline interface {
	// WebhookEventInsert stores a raw payload, pending processing.
	WebhookEventInsert(ctx context.Context, channelID string, body []byte) (WebhookEvent, error)
	// WebhookEventClaim leases up to limit pending payloads, oldest first, that no node holds
	// (no lease, or one that ran out: its node died) and whose next attempt is due, and counts
	// the attempt.
	WebhookEventClaim(ctx context.Context, lease time.Duration, limit int) ([]WebhookEvent, error)
	// WebhookEventExtend renews the leases of payloads still being processed.
	WebhookEventExtend(ctx context.Context, ids []int64, lease time.Duration) error
	// WebhookEventRetry releases a payload whose processing failed until its next attempt.
	WebhookEventRetry(ctx context.Context, id int64, next time.Time, lastError string) error

	// InTx runs fn in a transaction: everything it writes is committed together, or nothing.
	InTx(ctx context.Context, fn func(Tx) error) error
	// InTxBatch runs several units of work in one transaction: a unit that fails is left out
	// (the transaction is rolled back and the others run again without it) and its error
	// returned at its index, so units must be safe to run more than once: they keep nothing
	// from a run that was rolled back. Committing many units at once is what lets a busy
	// server acknowledge each only once it is durable.
	InTxBatch(ctx context.Context, fns []func(Tx) error) []error

	// SessionClaimDue leases waiting sessions whose deadline has passed, earliest first.
	SessionClaimDue(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Session, error)
	// OutboxClaimDue leases pending outbox rows whose next attempt is due.
	OutboxClaimDue(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]OutboxItem, error)
	// OutboxClaimDueExcept leases due outbox rows as OutboxClaimDue does, passing over the rows
	// of the channels in except: send lanes that are full or paused.
	OutboxClaimDueExcept(ctx context.Context, now time.Time, lease time.Duration, limit int, except []string) ([]OutboxItem, error)
	// OutboxRelease gives claimed rows back without an attempt: their lease ends, the attempt
	// their claim counted is taken back, and they are due at notBefore at the earliest. A row
	// another claim took over since (its attempts moved on) is left alone.
	OutboxRelease(ctx context.Context, claims []OutboxItem, notBefore time.Time) error
	// OutboxAttemptStart records that the attempt of a row claimed with attempts begins, and
	// holds the row until leaseUntil; ErrNotFound when the claim is no longer this one.
	OutboxAttemptStart(ctx context.Context, id int64, attempts int, leaseUntil time.Time) error
	// NextDue returns the earliest deadline of a waiting session or pending outbox row, or the
	// zero time when there is none: how long the workers may sleep.
	NextDue(ctx context.Context) (time.Time, error)

	ConversationGet(ctx context.Context, id string) (Conversation, error)
	// ConversationFind returns the open conversation of a customer on a channel; ErrNotFound when none.
	ConversationFind(ctx context.Context, channelID, customer string) (Conversation, error)
	// InboundState reads in one query what handling a customer's message needs first: the
	// customer's open conversation on the channel, its active session, and whether the
	// message's event key and its removal tombstone (removedKey, "" for none) were recorded.
	InboundState(ctx context.Context, channelID, customer, key, removedKey string) (InboundState, error)
	ConversationList(ctx context.Context, p ConversationListParams) ([]Conversation, error)
	InteractionList(ctx context.Context, conversationID string) ([]Interaction, error)
	InteractionGet(ctx context.Context, id int64) (Interaction, error)
	SessionGet(ctx context.Context, id string) (Session, error)
	// SessionActive returns the running or waiting session of a conversation; ErrNotFound when none.
	SessionActive(ctx context.Context, conversationID string) (Session, error)
	// EventKeyExists tells whether an event key was recorded (tombstones of removed comments).
	EventKeyExists(ctx context.Context, channelID, key string) (bool, error)
	// InteractionByAction returns our outbound interaction of an action.
	InteractionByAction(ctx context.Context, actionID string) (Interaction, error)
	// InteractionByExternal returns an interaction by its network id.
	InteractionByExternal(ctx context.Context, channelID, externalID string) (Interaction, error)
	OutboxGet(ctx context.Context, actionID string) (OutboxItem, error)
	// OutboxByPrivateTarget returns the private reply queued for a comment, if any.
	OutboxByPrivateTarget(ctx context.Context, channelID, target string) (OutboxItem, error)
	// PipelineCounts counts what is in flight, for metrics and tests.
	PipelineCounts(ctx context.Context) (PipelineCounts, error)
	// PipelineMetrics reads the outbox per channel and the backlog of pending payloads, for
	// /metrics.
	PipelineMetrics(ctx context.Context, now time.Time) (PipelineMetrics, error)
}

// Tx is the pipeline's writes and reads inside one transaction.
type Tx interface {
	// EventKeyInsert records an event's dedupe key; ErrDuplicate when it is there already.
	EventKeyInsert(ctx context.Context, channelID, key string) error
	// EventKeyExists tells whether a key was recorded (tombstones of removed comments).
	EventKeyExists(ctx context.Context, channelID, key string) (bool, error)
	// WebhookEventInsert stores a raw payload in the transaction, pending or done.
	WebhookEventInsert(ctx context.Context, channelID string, body []byte, done bool) (WebhookEvent, error)
	WebhookEventFinish(ctx context.Context, id int64, failure string) error

	ChannelGet(ctx context.Context, id string) (Channel, error)
	// ChannelNeedsReauth marks a channel whose token the network refused.
	ChannelNeedsReauth(ctx context.Context, id string) error

	// ConversationOpen returns the open conversation of a customer on a channel, opening one
	// when there is none; created tells which. Racing calls open one conversation.
	ConversationOpen(ctx context.Context, channelID, customer, contactID string) (c Conversation, created bool, err error)
	// ConversationCreate stores a new open conversation with its id; ErrExists when the customer
	// has an open one on the channel already.
	ConversationCreate(ctx context.Context, c Conversation) (Conversation, error)
	ConversationGet(ctx context.Context, id string) (Conversation, error)
	// ConversationFind returns the open conversation of a customer on a channel; ErrNotFound when none.
	ConversationFind(ctx context.Context, channelID, customer string) (Conversation, error)
	ConversationUpdate(ctx context.Context, c Conversation) error

	InteractionInsert(ctx context.Context, i Interaction) (Interaction, error)
	// InteractionByAction returns our outbound interaction of an action.
	InteractionByAction(ctx context.Context, actionID string) (Interaction, error)
	// InteractionByExternal returns an interaction by its network id.
	InteractionByExternal(ctx context.Context, channelID, externalID string) (Interaction, error)
	InteractionUpdate(ctx context.Context, i Interaction) error
	// InteractionsMark sets the status of a conversation's outbound interactions sent and
	// written up to a time to delivered or read (watermarks), never lowering it.
	InteractionsMark(ctx context.Context, conversationID string, upTo time.Time, status string) error

	SessionGet(ctx context.Context, id string) (Session, error)
	// SessionActive returns the running or waiting session of a conversation; ErrNotFound when none.
	SessionActive(ctx context.Context, conversationID string) (Session, error)
	SessionInsert(ctx context.Context, s Session) (Session, error)
	// SessionUpdate writes a session if its version is still ifVersion (ErrStale otherwise),
	// bumps the version and releases any lease.
	SessionUpdate(ctx context.Context, s Session, ifVersion int64) (Session, error)

	// OutboxInsert queues an action; ErrExists for an action id queued before, or a second
	// private reply to the same comment.
	OutboxInsert(ctx context.Context, o OutboxItem) (OutboxItem, error)
	OutboxGet(ctx context.Context, actionID string) (OutboxItem, error)
	// OutboxFinish marks an item sent or failed.
	OutboxFinish(ctx context.Context, id int64, status, externalID, lastError string) error
	// OutboxRetry schedules another attempt of a send that failed for sure.
	OutboxRetry(ctx context.Context, id int64, next time.Time, lastError string) error
	// OutboxReconcileLater schedules a look at a send whose outcome is unknown: its attempt
	// mark stays, so that it is read back from its network before being sent again.
	OutboxReconcileLater(ctx context.Context, id int64, next time.Time, lastError string) error
	// OutboxRequeue puts a failed send back in the queue, due at once; an attempt of unknown
	// outcome is read back from its network first. ErrNotFound when the row is not failed.
	OutboxRequeue(ctx context.Context, id int64) error

	RoutingTx
	WebchatTx
}

// WebhookEvent is a raw webhook payload, stored before it is answered.
type WebhookEvent struct {
	ID         int64     `json:"id"`
	ChannelID  string    `json:"channel_id"`
	ReceivedAt time.Time `json:"received_at"`
	Body       []byte    `json:"-"`
	Status     string    `json:"status"`
	Attempts   int       `json:"attempts"`
	Error      string    `json:"error"`
}

// Conversation statuses.
const (
	ConversationOpen   = "open"
	ConversationClosed = "closed"
)

// Conversation is the thread a customer's interactions on a channel belong to. A customer has at
// most one open conversation per channel.
type Conversation struct {
	ID        string `json:"id"`
	ChannelID string `json:"channel_id"`
	// Customer is the customer's id on the network.
	Customer  string `json:"customer"`
	ContactID string `json:"contact_id"`
	Status    string `json:"status"`
	// Agent is the agent who owns the conversation, when one does.
	Agent           string     `json:"agent"`
	Skill           string     `json:"skill"`
	Important       bool       `json:"important"`
	Tags            []string   `json:"tags"`
	Disposition     string     `json:"disposition"`
	OpenedAt        time.Time  `json:"opened_at"`
	ClosedAt        *time.Time `json:"closed_at"`
	LastInboundAt   *time.Time `json:"last_inbound_at"`
	LastOutboundAt  *time.Time `json:"last_outbound_at"`
	FirstResponseAt *time.Time `json:"first_response_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
}

// ConversationListParams filter conversations, newest first.
type ConversationListParams struct {
	ChannelID, Status, Agent, Skill, ContactID, Disposition string
	// From and To bound the opening time.
	From, To time.Time
	Limit    int
	Offset   int
}

// Directions of interactions: the customer's, and ours. The database keeps them as "in" and
// "out".
const (
	Inbound  = "inbound"
	Outbound = "outbound"
)

// Interaction is one message of a transcript: the customer's, or ours.
type Interaction struct {
	ID             int64               `json:"id"`
	ConversationID string              `json:"conversation_id"`
	ChannelID      string              `json:"channel_id"`
	Direction      string              `json:"direction"`
	ExternalID     string              `json:"external_id"`
	Kind           string              `json:"kind"`
	Public         bool                `json:"public"`
	Author         engine.Author       `json:"author"`
	Text           string              `json:"text"`
	Thread         string              `json:"thread"`
	Parent         string              `json:"parent"`
	Attachments    []engine.Attachment `json:"attachments"`
	// At is when it was written; CreatedAt when it was stored.
	At        time.Time `json:"at"`
	CreatedAt time.Time `json:"created_at"`
	// ActionID is the outbox action of our own sends.
	ActionID string `json:"action_id"`
	// Agent is the agent who wrote an outbound reply.
	Agent string `json:"agent"`
	// Status of outbound ones: pending, sent, delivered, read or failed.
	Status string `json:"status"`
	// Error is why an outbound message that is not sent failed, or why its last attempt did
	// while it is retried: the network's words and codes. InteractionList fills it.
	Error string `json:"error,omitempty"`
}

// Engine returns the interaction as the engine sees it.
func (i Interaction) Engine(channelType string) engine.Interaction {
	return engine.Interaction{ID: i.ExternalID, Channel: channelType, ChannelID: i.ChannelID, Kind: i.Kind, Public: i.Public,
		Text: i.Text, Author: i.Author, Thread: i.Thread, Parent: i.Parent, Time: i.At, Attachments: i.Attachments}
}

// Session is a stored session: the engine's state, and what the pipeline indexes of it.
type Session struct {
	ID             string     `json:"id"`
	ConversationID string     `json:"conversation_id"`
	FlowID         string     `json:"flow_id"`
	FlowVersion    int        `json:"flow_version"`
	Status         string     `json:"status"`
	WaitKind       string     `json:"wait_kind"`
	Deadline       *time.Time `json:"deadline"`
	Seq            int64      `json:"seq"`
	// Version counts writes; a write from an older version is refused (ErrStale).
	Version   int64          `json:"version"`
	State     engine.Session `json:"state"`
	CreatedAt time.Time      `json:"created_at"`
	UpdatedAt time.Time      `json:"updated_at"`
}

// Outbox statuses.
const (
	OutboxPending = "pending"
	OutboxSent    = "sent"
	OutboxFailed  = "failed"
)

// OutboxItem is an action waiting to be sent to a network, or sent.
type OutboxItem struct {
	ID             int64  `json:"id"`
	ActionID       string `json:"action_id"`
	ChannelID      string `json:"channel_id"`
	ConversationID string `json:"conversation_id"`
	// SessionID and WaitSeq name the session waiting for the result, when one does.
	SessionID string        `json:"session_id"`
	WaitSeq   int64         `json:"wait_seq"`
	Action    engine.Action `json:"action"`
	// PrivateTarget is the comment a private reply answers: one per comment.
	PrivateTarget  string     `json:"private_target"`
	Status         string     `json:"status"`
	Attempts       int        `json:"attempts"`
	NextAttemptAt  time.Time  `json:"next_attempt_at"`
	FirstAttemptAt *time.Time `json:"first_attempt_at"`
	LastError      string     `json:"last_error"`
	ExternalID     string     `json:"external_id"`
	CreatedAt      time.Time  `json:"created_at"`
	DoneAt         *time.Time `json:"done_at"`
	// AttemptStartedAt is when the last attempt began; set on a pending row, that attempt's
	// outcome is unknown (it timed out, or its node died before recording it).
	AttemptStartedAt *time.Time `json:"attempt_started_at"`
}

// PipelineCounts count what is in flight.
type PipelineCounts struct {
	PendingEvents     int `json:"pending_events" db:"pending_events"`
	WaitingSessions   int `json:"waiting_sessions" db:"waiting_sessions"`
	PendingOutbox     int `json:"pending_outbox" db:"pending_outbox"`
	OpenConversations int `json:"open_conversations" db:"open_conversations"`
}
