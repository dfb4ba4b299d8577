-- Up Migration

-- The agent-node registry: Ollama servers from whoosh.yaml (source = 'config')
-- or added through the API (source = 'api').
CREATE TABLE agent_nodes (
  id                  text        PRIMARY KEY,
  name                text        NOT NULL,
  endpoint            text        NOT NULL,
  models              text[]      NOT NULL,
  specialization      text,
  capabilities        text[]      NOT NULL DEFAULT '{}',
  parallel            integer     NOT NULL DEFAULT 1 CHECK (parallel >= 1),
  hardware            jsonb       NOT NULL DEFAULT '{}',
  performance_targets jsonb       NOT NULL DEFAULT '{}',
  source              text        NOT NULL CHECK (source IN ('config', 'api')),
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);

-- Latest health check of each node, written by the health schedule.
CREATE TABLE agent_node_health (
  node_id              text        PRIMARY KEY REFERENCES agent_nodes (id) ON DELETE CASCADE,
  status               text        NOT NULL CHECK (status IN ('up', 'degraded', 'down')),
  version              text,
  models_installed     text[]      NOT NULL DEFAULT '{}',
  models_loaded        text[]      NOT NULL DEFAULT '{}',
  check_latency_ms     integer,
  reason               text,
  last_error           text,
  last_seen            timestamptz,
  checked_at           timestamptz NOT NULL DEFAULT now(),
  consecutive_failures integer     NOT NULL DEFAULT 0
);

-- One row per LLM call on a node: reserved when routed, running while streaming,
-- then succeeded or failed. Load, utilization, tokens/s and latency come from here.
CREATE TABLE llm_calls (
  id                 uuid        PRIMARY KEY,
  node_id            text        NOT NULL,
  model              text        NOT NULL,
  workflow_id        text        NOT NULL,
  state              text        NOT NULL CHECK (state IN ('reserved', 'running', 'succeeded', 'failed')),
  reserved_at        timestamptz NOT NULL DEFAULT now(),
  started_at         timestamptz,
  finished_at        timestamptz,
  lease_expires_at   timestamptz NOT NULL,
  error_type         text,
  error_message      text,
  prompt_tokens      integer,
  eval_tokens        integer,
  eval_duration_ms   double precision,
  total_duration_ms  double precision
);
CREATE INDEX llm_calls_active_idx ON llm_calls (node_id) WHERE state IN ('reserved', 'running');
CREATE INDEX llm_calls_finished_idx ON llm_calls (node_id, finished_at);

-- Large LLM outputs, passed through workflows by reference.
CREATE TABLE llm_outputs (
  id         uuid        PRIMARY KEY,
  call_id    uuid        NOT NULL,
  content    text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Threshold breaches; at most one open alert per (node, kind); resolved when the condition clears.
CREATE TABLE alerts (
  id          bigserial   PRIMARY KEY,
  node_id     text,
  kind        text        NOT NULL,
  severity    text        NOT NULL CHECK (severity IN ('warning', 'critical')),
  message     text        NOT NULL,
  raised_at   timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz
);
CREATE UNIQUE INDEX alerts_open_idx ON alerts (coalesce(node_id, ''), kind) WHERE resolved_at IS NULL;

-- Down Migration
DROP TABLE alerts;
DROP TABLE llm_outputs;
DROP TABLE llm_calls;
DROP TABLE agent_node_health;
DROP TABLE agent_nodes;
