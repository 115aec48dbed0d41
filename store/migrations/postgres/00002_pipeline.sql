-- The durable pipeline: raw webhook payloads, the keys of events already seen, conversations
-- and their interactions (the transcripts), sessions with their waits and timers, and the outbox
-- of actions to send.

-- +goose Up
CREATE TABLE webhook_events (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel_id   TEXT NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL,
    body         BYTEA NOT NULL,
    status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    lease_until  TIMESTAMPTZ,
    processed_at TIMESTAMPTZ,
    error        TEXT NOT NULL DEFAULT ''
);

CREATE INDEX webhook_events_pending ON webhook_events (received_at) WHERE status = 'pending';

CREATE TABLE event_keys (
    channel_id TEXT NOT NULL,
    key        TEXT NOT NULL,
    seen_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (channel_id, key)
);

CREATE TABLE conversations (
    id                  TEXT PRIMARY KEY,
    channel_id          TEXT NOT NULL,
    customer            TEXT NOT NULL,
    contact_id          TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    agent               TEXT NOT NULL DEFAULT '',
    skill               TEXT NOT NULL DEFAULT '',
    important           BOOLEAN NOT NULL DEFAULT FALSE,
    tags                JSONB NOT NULL DEFAULT '[]',
    disposition         TEXT NOT NULL DEFAULT '',
    opened_at           TIMESTAMPTZ NOT NULL,
    closed_at           TIMESTAMPTZ,
    last_inbound_at     TIMESTAMPTZ,
    last_outbound_at    TIMESTAMPTZ,
    first_response_at   TIMESTAMPTZ,
    read_watermark      TIMESTAMPTZ,
    delivered_watermark TIMESTAMPTZ,
    updated_at          TIMESTAMPTZ NOT NULL
);

CREATE UNIQUE INDEX conversations_one_open ON conversations (channel_id, customer) WHERE status = 'open';
CREATE INDEX conversations_opened ON conversations (opened_at, id);

CREATE TABLE interactions (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    channel_id      TEXT NOT NULL,
    direction       TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    external_id     TEXT NOT NULL DEFAULT '',
    kind            TEXT NOT NULL,
    public          BOOLEAN NOT NULL DEFAULT FALSE,
    author          JSONB NOT NULL DEFAULT '{}',
    text            TEXT NOT NULL DEFAULT '',
    thread          TEXT NOT NULL DEFAULT '',
    parent          TEXT NOT NULL DEFAULT '',
    attachments     JSONB NOT NULL DEFAULT '[]',
    at              TIMESTAMPTZ NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    action_id       TEXT NOT NULL DEFAULT '',
    agent           TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT ''
);

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
    deadline        TIMESTAMPTZ,
    seq             INTEGER NOT NULL DEFAULT 0,
    version         INTEGER NOT NULL DEFAULT 1,
    state           JSONB NOT NULL,
    lease_until     TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);

CREATE UNIQUE INDEX sessions_one_active ON sessions (conversation_id) WHERE status IN ('running', 'waiting');
CREATE INDEX sessions_due ON sessions (deadline) WHERE status = 'waiting' AND deadline IS NOT NULL;

CREATE TABLE outbox (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    action_id        TEXT NOT NULL UNIQUE,
    channel_id       TEXT NOT NULL,
    conversation_id  TEXT NOT NULL,
    session_id       TEXT NOT NULL DEFAULT '',
    wait_seq         INTEGER NOT NULL DEFAULT 0,
    type             TEXT NOT NULL,
    action           JSONB NOT NULL,
    private_target   TEXT,
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ NOT NULL,
    lease_until      TIMESTAMPTZ,
    first_attempt_at TIMESTAMPTZ,
    last_error       TEXT NOT NULL DEFAULT '',
    external_id      TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMPTZ NOT NULL,
    done_at          TIMESTAMPTZ
);

CREATE UNIQUE INDEX outbox_one_private_reply ON outbox (channel_id, private_target) WHERE private_target IS NOT NULL;
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';

-- +goose Down
DROP TABLE outbox;
DROP TABLE sessions;
DROP TABLE interactions;
DROP TABLE conversations;
DROP TABLE event_keys;
DROP TABLE webhook_events;
