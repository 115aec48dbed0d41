-- The payload queue: stored payloads are claimed oldest first, as soon as they are stored; a
-- payload whose processing failed waits for its next attempt.

-- +goose Up
ALTER TABLE webhook_events ADD COLUMN next_attempt_at TIMESTAMPTZ;
DROP INDEX webhook_events_pending;
CREATE INDEX webhook_events_queue ON webhook_events (id) WHERE status = 'pending';

-- +goose Down
DROP INDEX webhook_events_queue;
CREATE INDEX webhook_events_pending ON webhook_events (received_at) WHERE status = 'pending';
ALTER TABLE webhook_events DROP COLUMN next_attempt_at;
