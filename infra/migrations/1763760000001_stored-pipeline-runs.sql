-- Up Migration

-- Runs of stored pipelines: which node they started from (a webhook or
-- schedule trigger, not the Manual Trigger), what started them, and the run
-- a retry repeats. pipeline_key holds the stored pipeline's id and
-- pipeline_version the version the run was pinned to.
ALTER TABLE pipeline_executions
  ADD COLUMN start_node text,
  ADD COLUMN trigger    text,
  ADD COLUMN retry_of   text;
CREATE INDEX pipeline_executions_trigger_idx ON pipeline_executions (pipeline_key, trigger, started_at DESC, id DESC) WHERE parent_execution_id IS NULL;
CREATE INDEX pipeline_executions_stopped_idx ON pipeline_executions (stopped_at) WHERE stopped_at IS NOT NULL;

-- Down Migration
DROP INDEX pipeline_executions_stopped_idx;
DROP INDEX pipeline_executions_trigger_idx;
ALTER TABLE pipeline_executions DROP COLUMN retry_of, DROP COLUMN trigger, DROP COLUMN start_node;
