-- The first schema: flows and their versions, channels, skills, agents, calendars, emergency
-- switches, contacts, API tokens and the audit log. Times are TEXT in UTC with microseconds
-- (2006-01-02T15:04:05.000000Z), so that text order is time order; JSON is TEXT.

-- +goose Up
CREATE TABLE flows (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL DEFAULT '',
    description    TEXT NOT NULL DEFAULT '',
    source         TEXT NOT NULL DEFAULT '',
    format         TEXT NOT NULL DEFAULT 'yaml',
    revision       INTEGER NOT NULL DEFAULT 1,
    latest_version INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    updated_by     TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE flow_versions (
    flow_id    TEXT NOT NULL REFERENCES flows (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL CHECK (version > 0),
    source     TEXT NOT NULL,
    format     TEXT NOT NULL,
    author     TEXT NOT NULL DEFAULT '',
    message    TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    PRIMARY KEY (flow_id, version)
) STRICT;

-- +goose StatementBegin
CREATE TRIGGER flow_versions_immutable BEFORE UPDATE ON flow_versions
BEGIN
    SELECT RAISE(ABORT, 'flow versions are immutable');
END;
-- +goose StatementEnd

CREATE TABLE channels (
    id            TEXT PRIMARY KEY,
    type          TEXT NOT NULL,
    name          TEXT NOT NULL DEFAULT '',
    credentials   TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(credentials)),
    settings      TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(settings)),
    default_flow  TEXT NOT NULL DEFAULT '',
    default_skill TEXT NOT NULL DEFAULT '',
    enabled       INTEGER NOT NULL DEFAULT 1,
    needs_reauth  INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX channels_default_flow ON channels (default_flow) WHERE default_flow <> '';

CREATE TABLE skills (
    name           TEXT PRIMARY KEY,
    description    TEXT NOT NULL DEFAULT '',
    dispositions   TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(dispositions)),
    require_accept INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    updated_by     TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE agents (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL DEFAULT '',
    skills           TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(skills)),
    capacity         INTEGER NOT NULL DEFAULT 1,
    channel_capacity TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(channel_capacity)),
    groups           TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(groups)),
    blending         INTEGER NOT NULL DEFAULT 0,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    updated_by       TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE calendars (
    name       TEXT PRIMARY KEY,
    definition TEXT NOT NULL CHECK (json_valid(definition)),
    version    INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE switches (
    name       TEXT PRIMARY KEY,
    is_on      INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE contacts (
    id          TEXT PRIMARY KEY,
    channel     TEXT NOT NULL,
    external_id TEXT NOT NULL,
    name        TEXT NOT NULL DEFAULT '',
    handle      TEXT NOT NULL DEFAULT '',
    vip         INTEGER NOT NULL DEFAULT 0,
    attributes  TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(attributes)),
    last_agent  TEXT NOT NULL DEFAULT '',
    tags        TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags)),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (channel, external_id)
) STRICT;

CREATE INDEX contacts_created_at ON contacts (created_at, id);

CREATE TABLE tokens (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL DEFAULT '',
    role         TEXT NOT NULL,
    agent        TEXT NOT NULL DEFAULT '',
    hash         TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    last_used_at TEXT
) STRICT;

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL DEFAULT '',
    action    TEXT NOT NULL,
    object    TEXT NOT NULL,
    object_id TEXT NOT NULL DEFAULT '',
    detail    TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail))
) STRICT;

CREATE INDEX audit_log_object ON audit_log (object, object_id, id);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE tokens;
DROP TABLE contacts;
DROP TABLE switches;
DROP TABLE calendars;
DROP TABLE agents;
DROP TABLE skills;
DROP TABLE channels;
DROP TRIGGER flow_versions_immutable;
DROP TABLE flow_versions;
DROP TABLE flows;
