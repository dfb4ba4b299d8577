-- Up Migration

-- The read model of council kickoffs: one row per council, written by the
-- councilKickoff workflow's activities (the workflow is the source of truth;
-- this is what the API and the dashboard list, filter and read artifacts from).
CREATE TABLE councils (
  id                text        PRIMARY KEY,
  workflow_id       text        NOT NULL,
  run_id            text        NOT NULL,
  repository_id     bigint      REFERENCES repositories (id) ON DELETE SET NULL,
  repository        text        NOT NULL,
  forge             text        NOT NULL,
  issue_number      integer     NOT NULL,
  issue_title       text        NOT NULL,
  issue_url         text        NOT NULL,
  status            text        NOT NULL CHECK (status IN ('deliberating', 'synthesizing', 'awaiting_decision', 'creating_tasks', 'approved', 'cancelled', 'expired', 'failed')),
  quorum            text        NOT NULL CHECK (quorum IN ('core_only', 'all')),
  -- Who sits on the council and why, and the optional roles left out and why.
  composition       jsonb       NOT NULL,
  -- The round running or last run, and the round whose plan is up for decision (or approved).
  current_round     integer     NOT NULL DEFAULT 0,
  plan_round        integer,
  decision          jsonb,
  -- The issues the approved plan became: [{ key, title, number, url, created }].
  task_issues       jsonb       NOT NULL DEFAULT '[]',
  outcome           text,
  error             text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  ended_at          timestamptz
);
CREATE INDEX councils_created_idx ON councils (created_at DESC, id DESC);
CREATE INDEX councils_repository_idx ON councils (repository, created_at DESC);
CREATE INDEX councils_status_idx ON councils (status, created_at DESC);
CREATE INDEX councils_workflow_idx ON councils (workflow_id);

-- Each round: the first plan, then one per /revise, with the feedback it answers.
CREATE TABLE council_rounds (
  council_id          text        NOT NULL REFERENCES councils (id) ON DELETE CASCADE,
  round               integer     NOT NULL,
  status              text        NOT NULL CHECK (status IN ('deliberating', 'synthesizing', 'proposed', 'failed', 'approved', 'revised', 'cancelled', 'expired')),
  feedback            text,
  requested_by        text,
  plan_artifact_id    text,
  summary_comment_id  bigint,
  decision            jsonb,
  error               text,
  started_at          timestamptz NOT NULL DEFAULT now(),
  ended_at            timestamptz,
  PRIMARY KEY (council_id, round)
);

-- What each member did in each round: the node that answered, failovers, a repair, or why it failed.
CREATE TABLE council_members (
  council_id   text        NOT NULL,
  round        integer     NOT NULL,
  role         text        NOT NULL,
  title        text        NOT NULL,
  core         boolean     NOT NULL,
  status       text        NOT NULL CHECK (status IN ('deliberating', 'answered', 'failed')),
  node_id      text,
  model        text,
  failed_over  jsonb       NOT NULL DEFAULT '[]',
  repaired     boolean     NOT NULL DEFAULT false,
  artifact_id  text,
  error        text,
  started_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz,
  PRIMARY KEY (council_id, round, role),
  FOREIGN KEY (council_id, round) REFERENCES council_rounds (council_id, round) ON DELETE CASCADE
);

-- The artifacts, validated against their schemas: one per member and round, and the round's kickoff plan.
CREATE TABLE council_artifacts (
  id          text        PRIMARY KEY,
  council_id  text        NOT NULL,
  round       integer     NOT NULL,
  kind        text        NOT NULL CHECK (kind IN ('requirements', 'architecture', 'test_strategy', 'threat_model', 'operations_plan', 'user_flows', 'kickoff_plan')),
  role        text        NOT NULL,
  content     jsonb       NOT NULL,
  node_id     text,
  model       text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (council_id, round, kind),
  FOREIGN KEY (council_id, round) REFERENCES council_rounds (council_id, round) ON DELETE CASCADE
);

-- Down Migration
DROP TABLE council_artifacts;
DROP TABLE council_members;
DROP TABLE council_rounds;
DROP TABLE councils;
