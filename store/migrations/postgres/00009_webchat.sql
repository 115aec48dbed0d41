-- Web chat mailboxes: what each visitor of a web chat without a callback_url wrote and was
-- answered, numbered per visitor so that the widget's stream resumes after the last number it
-- saw; the files visitors attached, kept with a size cap; and the key of visitor tokens.

-- +goose Up
CREATE TABLE webchat_messages (
    channel_id  TEXT NOT NULL,
    visitor     TEXT NOT NULL,
    seq         BIGINT NOT NULL,
    key         TEXT NOT NULL,
    direction   TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    text        TEXT NOT NULL DEFAULT '',
    attachments TEXT NOT NULL DEFAULT '[]',
    agent       TEXT NOT NULL DEFAULT '',
    delivered   BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (channel_id, visitor, seq)
);

CREATE UNIQUE INDEX webchat_messages_key ON webchat_messages (channel_id, visitor, key);
CREATE INDEX webchat_messages_created ON webchat_messages (created_at);

CREATE TABLE webchat_files (
    id           TEXT PRIMARY KEY,
    channel_id   TEXT NOT NULL,
    visitor      TEXT NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    data         BYTEA NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);

CREATE INDEX webchat_files_visitor ON webchat_files (channel_id, visitor, created_at);
CREATE INDEX webchat_files_created ON webchat_files (created_at);

-- The key that signs visitor tokens, made on first use and shared by every node.
CREATE TABLE webchat_keys (
    id         TEXT PRIMARY KEY,
    secret     BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE webchat_keys;
DROP TABLE webchat_files;
DROP TABLE webchat_messages;
