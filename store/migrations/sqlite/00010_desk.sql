-- The agent workspace: how far each agent has read each conversation (its unread count is the
-- customer's messages stored after that mark), and the canned responses agents insert.

-- +goose Up
CREATE TABLE agent_reads (
    agent_id        TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    read_at         TEXT NOT NULL,
    PRIMARY KEY (agent_id, conversation_id)
) STRICT;

CREATE INDEX agent_reads_read ON agent_reads (read_at);

CREATE TABLE canned_responses (
    id         TEXT PRIMARY KEY,
    title      TEXT NOT NULL,
    shortcut   TEXT NOT NULL DEFAULT '',
    text       TEXT NOT NULL,
    channel_id TEXT NOT NULL DEFAULT '',
    skill      TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX canned_responses_scope ON canned_responses (channel_id, skill);

-- +goose Down
DROP TABLE canned_responses;
DROP TABLE agent_reads;
