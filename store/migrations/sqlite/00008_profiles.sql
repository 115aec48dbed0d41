-- Profiles: what the networks' profile APIs told of a customer (Messenger's and Instagram's
-- User Profile APIs), keyed as contacts are, by channel type and the customer's id on it. A
-- cache: a row is looked up again once older than the channel's profile_refresh, a failed
-- look-up (error not empty) keeps the names of the last one that worked and is not repeated
-- before its retry_at, and rows not looked up for --retain-profiles are pruned.

-- +goose Up
CREATE TABLE profiles (
    channel      TEXT NOT NULL,
    external_id  TEXT NOT NULL,
    name         TEXT NOT NULL DEFAULT '',
    first_name   TEXT NOT NULL DEFAULT '',
    last_name    TEXT NOT NULL DEFAULT '',
    handle       TEXT NOT NULL DEFAULT '',
    picture      TEXT NOT NULL DEFAULT '',
    fetched_at   TEXT,
    looked_up_at TEXT NOT NULL,
    error        TEXT NOT NULL DEFAULT '',
    retry_at     TEXT,
    PRIMARY KEY (channel, external_id)
) STRICT;

CREATE INDEX profiles_looked_up_at ON profiles (looked_up_at);

-- +goose Down
DROP TABLE profiles;
