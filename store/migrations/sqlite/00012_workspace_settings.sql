-- The workspace's settings, one document for the whole installation: the reasons agents may
-- give for a break (docs/desk.md). One row, written by admins through the API.

-- +goose Up
CREATE TABLE workspace_settings (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    settings   TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(settings)),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT ''
) STRICT;

-- +goose Down
DROP TABLE workspace_settings;
