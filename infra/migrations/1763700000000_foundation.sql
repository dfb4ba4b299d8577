-- Up Migration

-- One row per system self-check run: the workflow's activity writes it and
-- reads it back, proving the worker reaches Postgres.
CREATE TABLE system_checks (
  id          uuid        PRIMARY KEY,
  workflow_id text        NOT NULL,
  run_id      text        NOT NULL,
  note        text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX system_checks_workflow_idx ON system_checks (workflow_id);

-- Down Migration
DROP TABLE system_checks;
