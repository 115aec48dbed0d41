-- +goose Up
-- An assignment counts the agent's open conversations in its transaction.
CREATE INDEX queue_entries_agent ON queue_entries (agent) WHERE status IN ('offered', 'assigned');

-- +goose Down
DROP INDEX queue_entries_agent;
