-- The first schema: flows and their versions, channels, skills, agents, calendars, emergency
-- switches, contacts, API tokens and the audit log.

-- +goose Up
CREATE TABLE flows (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL DEFAULT '',
    description    TEXT NOT NULL DEFAULT '',
    source         TEXT NOT NULL DEFAULT '',
    format         TEXT NOT NULL DEFAULT 'yaml',
    revision       BIGINT NOT NULL DEFAULT 1,
    latest_version INTEGER NOT NULL DEFAULT 0,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    updated_by     TEXT NOT NULL DEFAULT ''
);

CREATE TABLE flow_versions (
    flow_id    TEXT NOT NULL REFERENCES flows (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL CHECK (version > 0),
    source     TEXT NOT NULL,
    format     TEXT NOT NULL,
    author     TEXT NOT NULL DEFAULT '',
    message    TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (flow_id, version)
);

-- +goose StatementBegin
CREATE FUNCTION flow_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'flow versions are immutable';
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER flow_versions_immutable BEFORE UPDATE ON flow_versions
    FOR EACH ROW EXECUTE FUNCTION flow_versions_immutable();

CREATE TABLE channels (
    id            TEXT PRIMARY KEY,
    type          TEXT NOT NULL,
    name          TEXT NOT NULL DEFAULT '',
    credentials   JSONB NOT NULL DEFAULT '{}',
    settings      JSONB NOT NULL DEFAULT '{}',
    default_flow  TEXT NOT NULL DEFAULT '',
    default_skill TEXT NOT NULL DEFAULT '',
    enabled       BOOLEAN NOT NULL DEFAULT TRUE,
    needs_reauth  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    updated_by    TEXT NOT NULL DEFAULT ''
);

CREATE INDEX channels_default_flow ON channels (default_flow) WHERE default_flow <> '';

CREATE TABLE skills (
    name           TEXT PRIMARY KEY,
    description    TEXT NOT NULL DEFAULT '',
    dispositions   JSONB NOT NULL DEFAULT '[]',
    require_accept BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    updated_by     TEXT NOT NULL DEFAULT ''
);

CREATE TABLE agents (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL DEFAULT '',
    skills           JSONB NOT NULL DEFAULT '{}',
    capacity         INTEGER NOT NULL DEFAULT 1,
    channel_capacity JSONB NOT NULL DEFAULT '{}',
    groups           JSONB NOT NULL DEFAULT '[]',
    blending         BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    updated_by       TEXT NOT NULL DEFAULT ''
);

CREATE TABLE calendars (
    name       TEXT PRIMARY KEY,
    definition JSONB NOT NULL,
    version    BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by TEXT NOT NULL DEFAULT ''
);

CREATE TABLE switches (
    name       TEXT PRIMARY KEY,
    is_on      BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by TEXT NOT NULL DEFAULT ''
);

CREATE TABLE contacts (
    id          TEXT PRIMARY KEY,
    channel     TEXT NOT NULL,
    external_id TEXT NOT NULL,
    name        TEXT NOT NULL DEFAULT '',
    handle      TEXT NOT NULL DEFAULT '',
    vip         BOOLEAN NOT NULL DEFAULT FALSE,
    attributes  JSONB NOT NULL DEFAULT '{}',
    last_agent  TEXT NOT NULL DEFAULT '',
    tags        JSONB NOT NULL DEFAULT '[]',
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (channel, external_id)
);

CREATE INDEX contacts_created_at ON contacts (created_at, id);

CREATE TABLE tokens (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL DEFAULT '',
    role         TEXT NOT NULL,
    agent        TEXT NOT NULL DEFAULT '',
    hash         TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ
);

CREATE TABLE audit_log (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        TIMESTAMPTZ NOT NULL,
    actor     TEXT NOT NULL DEFAULT '',
    action    TEXT NOT NULL,
    object    TEXT NOT NULL,
    object_id TEXT NOT NULL DEFAULT '',
    detail    JSONB NOT NULL DEFAULT '{}'
);

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
DROP TABLE flow_versions;
DROP FUNCTION flow_versions_immutable();
DROP TABLE flows;
