-- Up Migration

-- The read model of team formations: one row per team, written by the
-- teamFormation workflow's activities (the workflow is the source of truth;
-- this is what the API and the dashboard list and filter).
CREATE TABLE teams (
  id                      text        PRIMARY KEY,
  workflow_id             text        NOT NULL,
  run_id                  text        NOT NULL,
  repository_id           bigint      REFERENCES repositories (id) ON DELETE SET NULL,
  repository              text        NOT NULL,
  forge                   text        NOT NULL,
  issue_number            integer     NOT NULL,
  issue_title             text        NOT NULL,
  issue_url               text        NOT NULL,
  status                  text        NOT NULL CHECK (status IN ('forming', 'deploying', 'active', 'cleaning_up', 'done', 'cancelled', 'failed')),
  classification          jsonb       NOT NULL,
  -- Why the heuristics classified the task when an LLM was asked to (null: no fallback).
  classification_fallback text,
  -- For every role: every candidate's score, its parts and reasons, and who was chosen.
  scoring                 jsonb       NOT NULL,
  unfilled                jsonb       NOT NULL DEFAULT '[]',
  report_comment_id       bigint,
  outcome                 text,
  error                   text,
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now(),
  ended_at                timestamptz
);
CREATE INDEX teams_created_idx ON teams (created_at DESC, id DESC);
CREATE INDEX teams_repository_idx ON teams (repository, created_at DESC);
CREATE INDEX teams_status_idx ON teams (status, created_at DESC);
CREATE INDEX teams_workflow_idx ON teams (workflow_id);

-- Who fills each role now (a reform replaces the row), and the agent's container.
CREATE TABLE team_members (
  team_id    text        NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  role_id    text        NOT NULL,
  role_title text        NOT NULL,
  agent_id   text        NOT NULL,
  agent_name text        NOT NULL,
  model      text,
  score      real        NOT NULL,
  reasons    jsonb       NOT NULL DEFAULT '[]',
  container  jsonb,
  joined_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (team_id, role_id)
);

-- Down Migration
DROP TABLE team_members;
DROP TABLE teams;
