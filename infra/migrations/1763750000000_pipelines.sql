-- Up Migration

-- Item data and documents are `json`, not `jsonb`: n8n keeps the order of an
-- object's keys (Code sees it, outputs show it), and jsonb would sort them.
--
-- Pipeline runs: one row per execution of an n8n document (top level or a
-- sub-workflow). The pipelineRun workflow is the source of truth for what runs
-- next; this is where its data lives, so that the workflow history carries
-- only small references (execution id, step number).
CREATE TABLE pipeline_executions (
  id                   text        PRIMARY KEY,
  workflow_id          text        NOT NULL,
  -- The stored pipeline's id when there is one, else the document's content hash.
  pipeline_key         text        NOT NULL,
  -- The document as given, and what it ran as: a pinned stored version (later) and its hash.
  document             json        NOT NULL,
  document_hash        text        NOT NULL,
  pipeline_version     integer,
  input                json,
  mode                 text        NOT NULL CHECK (mode IN ('manual', 'trigger', 'webhook', 'integrated', 'cli')),
  parent_execution_id  text        REFERENCES pipeline_executions (id) ON DELETE CASCADE,
  parent_node          text,
  status               text        NOT NULL CHECK (status IN ('running', 'waiting', 'success', 'error', 'canceled')),
  -- The step the run has reached (pipeline_states.seq) and where it waits, if it does.
  current_seq          integer     NOT NULL DEFAULT 0,
  wait_till            timestamptz,
  last_node            text,
  error                json,
  started_at           timestamptz NOT NULL DEFAULT now(),
  stopped_at           timestamptz,
  updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pipeline_executions_started_idx ON pipeline_executions (started_at DESC, id DESC);
CREATE INDEX pipeline_executions_key_idx ON pipeline_executions (pipeline_key, started_at DESC);
CREATE INDEX pipeline_executions_parent_idx ON pipeline_executions (parent_execution_id) WHERE parent_execution_id IS NOT NULL;

-- The engine state after each step, immutable. Step seq + 1 is written with
-- the node runs it produced, in one transaction; a retried advance finds it
-- and returns it instead of running anything again. `step` is what the
-- durable run must do next (an activity's request, a wait, children).
CREATE TABLE pipeline_states (
  execution_id  text        NOT NULL REFERENCES pipeline_executions (id) ON DELETE CASCADE,
  seq           integer     NOT NULL,
  state         json        NOT NULL,
  step          json        NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (execution_id, seq)
);

-- What a side-effect node (an activity) or the children of a sub-workflow
-- node gave back for step seq, read by the advance of step seq: the items
-- travel by reference, never through the workflow history.
CREATE TABLE pipeline_resumes (
  execution_id  text        NOT NULL REFERENCES pipeline_executions (id) ON DELETE CASCADE,
  seq           integer     NOT NULL,
  result        json        NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (execution_id, seq)
);

-- Every run of every node, in n8n's run-data shape (`run`: start time,
-- execution time, status, source, outputs, error, console output).
-- `first_order` is the position of the node among the nodes in the order
-- they first ran, so the API lists nodes as n8n does.
CREATE TABLE pipeline_node_runs (
  execution_id    text        NOT NULL REFERENCES pipeline_executions (id) ON DELETE CASCADE,
  node            text        NOT NULL,
  run_index       integer     NOT NULL,
  first_order     integer     NOT NULL,
  seq             integer     NOT NULL,
  status          text        NOT NULL,
  start_time      timestamptz NOT NULL,
  execution_ms    integer     NOT NULL,
  error           json,
  run             json        NOT NULL,
  PRIMARY KEY (execution_id, node, run_index)
);
CREATE INDEX pipeline_node_runs_order_idx ON pipeline_node_runs (execution_id, first_order, run_index);

-- Down Migration
DROP TABLE pipeline_node_runs;
DROP TABLE pipeline_resumes;
DROP TABLE pipeline_states;
DROP TABLE pipeline_executions;
