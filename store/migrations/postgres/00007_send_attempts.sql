-- Send attempts: when the attempt of an outbox row began, written before the network is called.
-- A row claimed again with an attempt started and no result has an unknown outcome: it is read
-- back from its network before it is sent again.

-- +goose Up
ALTER TABLE outbox ADD COLUMN attempt_started_at TIMESTAMPTZ;

-- +goose Down
ALTER TABLE outbox DROP COLUMN attempt_started_at;
