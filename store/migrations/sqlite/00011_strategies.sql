-- Assignment strategies: a skill's routing settings (strategy, limit of new conversations per
-- agent and window, external router), and an index to count the agents' recent assignments.
-- Escalation: a queue entry's steps (route.skill's escalation) and the step it was taken at.
-- Requeues: how many times an assigned conversation went back to the queue unanswered.

-- +goose Up
ALTER TABLE skills ADD COLUMN routing TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(routing));
ALTER TABLE queue_entries ADD COLUMN escalation TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(escalation));
ALTER TABLE queue_entries ADD COLUMN step INTEGER NOT NULL DEFAULT 0;
ALTER TABLE queue_entries ADD COLUMN requeues INTEGER NOT NULL DEFAULT 0;
CREATE INDEX queue_entries_assigned ON queue_entries (assigned_at) WHERE assigned_at IS NOT NULL;

-- +goose Down
DROP INDEX queue_entries_assigned;
ALTER TABLE queue_entries DROP COLUMN requeues;
ALTER TABLE queue_entries DROP COLUMN step;
ALTER TABLE queue_entries DROP COLUMN escalation;
ALTER TABLE skills DROP COLUMN routing;
