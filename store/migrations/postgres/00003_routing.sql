-- Routing: the agents' states, the queue of conversations waiting for agents (kept after they
-- are served, for statistics), and leases such as the one that makes a node the assigner.

-- +goose Up
CREATE TABLE agent_states (
    agent_id   TEXT PRIMARY KEY,
    state      TEXT NOT NULL DEFAULT 'offline' CHECK (state IN ('offline', 'available', 'busy', 'break')),
    reason     TEXT NOT NULL DEFAULT '',
    since      TIMESTAMPTZ NOT NULL,
    idle_since TIMESTAMPTZ,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE queue_entries (
    ref              TEXT PRIMARY KEY,
    session_id       TEXT NOT NULL,
    conversation_id  TEXT NOT NULL,
    channel_id       TEXT NOT NULL,
    channel_type     TEXT NOT NULL,
    skill            TEXT NOT NULL,
    priority         INTEGER NOT NULL DEFAULT 1,
    public           BOOLEAN NOT NULL DEFAULT FALSE,
    enqueued_at      TIMESTAMPTZ NOT NULL,
    preferred_agent  TEXT NOT NULL DEFAULT '',
    preferred_until  TIMESTAMPTZ,
    status           TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'offered', 'assigned', 'closed', 'withdrawn')),
    agent            TEXT NOT NULL DEFAULT '',
    offers           INTEGER NOT NULL DEFAULT 0,
    offered_at       TIMESTAMPTZ,
    offer_expires_at TIMESTAMPTZ,
    excluded         JSONB NOT NULL DEFAULT '[]',
    assigned_at      TIMESTAMPTZ,
    closed_at        TIMESTAMPTZ,
    withdrawn_at     TIMESTAMPTZ,
    disposition      TEXT NOT NULL DEFAULT '',
    updated_at       TIMESTAMPTZ NOT NULL
);

CREATE INDEX queue_entries_open ON queue_entries (skill, enqueued_at) WHERE status IN ('queued', 'offered', 'assigned');
CREATE INDEX queue_entries_enqueued ON queue_entries (enqueued_at);
CREATE INDEX queue_entries_conversation ON queue_entries (conversation_id);

CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE leases;
DROP TABLE queue_entries;
DROP TABLE agent_states;
