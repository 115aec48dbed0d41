-- The durable pipeline: raw webhook payloads, the keys of events already seen, conversations
-- and their interactions (the transcripts), sessions with their waits and timers, and the outbox
-- of actions to send.

-- +goose Up
CREATE TABLE webhook_events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    channel_id   TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    body         BLOB NOT NULL,
    status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    lease_until  TEXT,
    processed_at TEXT,
    error        TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX webhook_events_pending ON webhook_events (received_at) WHERE status = 'pending';

CREATE TABLE event_keys (
    channel_id TEXT NOT NULL,
    key        TEXT NOT NULL,
    seen_at    TEXT NOT NULL,
    PRIMARY KEY (channel_id, key)
) STRICT, WITHOUT ROWID;

CREATE TABLE conversations (
    id                  TEXT PRIMARY KEY,
    channel_id          TEXT NOT NULL,
    customer            TEXT NOT NULL,
    contact_id          TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    agent               TEXT NOT NULL DEFAULT '',
    skill               TEXT NOT NULL DEFAULT '',
    important           INTEGER NOT NULL DEFAULT 0,
    tags                TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags)),
    disposition         TEXT NOT NULL DEFAULT '',
    opened_at           TEXT NOT NULL,
    closed_at           TEXT,
    last_inbound_at     TEXT,
    last_outbound_at    TEXT,
    first_response_at   TEXT,
    read_watermark      TEXT,
    delivered_watermark TEXT,
    updated_at          TEXT NOT NULL
) STRICT;

CREATE UNIQUE INDEX conversations_one_open ON conversations (channel_id, customer) WHERE status = 'open';
CREATE INDEX conversations_opened ON conversations (opened_at, id);

CREATE TABLE interactions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    channel_id      TEXT NOT NULL,
    direction       TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    external_id     TEXT NOT NULL DEFAULT '',
    kind            TEXT NOT NULL,
    public          INTEGER NOT NULL DEFAULT 0,
    author          TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(author)),
    text            TEXT NOT NULL DEFAULT '',
    thread          TEXT NOT NULL DEFAULT '',
    parent          TEXT NOT NULL DEFAULT '',
    attachments     TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(attachments)),
    at              TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    action_id       TEXT NOT NULL DEFAULT '',
    agent           TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX interactions_conversation ON interactions (conversation_id, id);
CREATE INDEX interactions_external ON interactions (channel_id, external_id) WHERE external_id <> '';
CREATE INDEX interactions_action ON interactions (action_id) WHERE action_id <> '';

CREATE TABLE sessions (
    id              TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    flow_id         TEXT NOT NULL,
    flow_version    INTEGER NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('running', 'waiting', 'ended', 'failed')),
    wait_kind       TEXT NOT NULL DEFAULT '',
    deadline        TEXT,
    seq             INTEGER NOT NULL DEFAULT 0,
    version         INTEGER NOT NULL DEFAULT 1,
    state           TEXT NOT NULL CHECK (json_valid(state)),
    lease_until     TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;

CREATE UNIQUE INDEX sessions_one_active ON sessions (conversation_id) WHERE status IN ('running', 'waiting');
CREATE INDEX sessions_due ON sessions (deadline) WHERE status = 'waiting' AND deadline IS NOT NULL;

CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    action_id        TEXT NOT NULL UNIQUE,
    channel_id       TEXT NOT NULL,
    conversation_id  TEXT NOT NULL,
    session_id       TEXT NOT NULL DEFAULT '',
    wait_seq         INTEGER NOT NULL DEFAULT 0,
    type             TEXT NOT NULL,
    action           TEXT NOT NULL CHECK (json_valid(action)),
    private_target   TEXT,
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    lease_until      TEXT,
    first_attempt_at TEXT,
    last_error       TEXT NOT NULL DEFAULT '',
    external_id      TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL,
    done_at          TEXT
) STRICT;

CREATE UNIQUE INDEX outbox_one_private_reply ON outbox (channel_id, private_target) WHERE private_target IS NOT NULL;
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';

-- +goose Down
DROP TABLE outbox;
DROP TABLE sessions;
DROP TABLE interactions;
DROP TABLE conversations;
DROP TABLE event_keys;
DROP TABLE webhook_events;
