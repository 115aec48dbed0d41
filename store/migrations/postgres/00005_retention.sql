-- Retention: what pruning looks rows up by, so that each batch reads only the rows it deletes.
-- Sessions are found by conversation when a closed conversation goes with them.

-- +goose Up
CREATE INDEX webhook_events_processed ON webhook_events (processed_at) WHERE status IN ('done', 'failed');
CREATE INDEX event_keys_seen ON event_keys (seen_at);
CREATE INDEX conversations_closed ON conversations (closed_at) WHERE status = 'closed';
CREATE INDEX sessions_conversation ON sessions (conversation_id);
CREATE INDEX outbox_done ON outbox (done_at) WHERE status IN ('sent', 'failed');
CREATE INDEX audit_log_at ON audit_log (at);

-- +goose Down
DROP INDEX audit_log_at;
DROP INDEX outbox_done;
DROP INDEX sessions_conversation;
DROP INDEX conversations_closed;
DROP INDEX event_keys_seen;
DROP INDEX webhook_events_processed;
