-- Up Migration

-- "Execute up to a node" (n8n's destinationNode): the run records the node it
-- stops at; only that node and the nodes it depends on run.
ALTER TABLE pipeline_executions ADD COLUMN destination_node text;

-- Down Migration
ALTER TABLE pipeline_executions DROP COLUMN destination_node;
