-- Assignment strategies: a skill's routing settings (strategy, limit of new conversations per
-- agent and window, external router), and an index to count the agents' recent assignments.

-- +goose Up
ALTER TABLE skills ADD COLUMN routing JSONB NOT NULL DEFAULT '{}';
CREATE INDEX queue_entries_assigned ON queue_entries (assigned_at) WHERE assigned_at IS NOT NULL;

-- +goose Down
DROP INDEX queue_entries_assigned;
ALTER TABLE skills DROP COLUMN routing;
