-- Up Migration

-- Monitored repositories on Gitea or GitHub.
CREATE TABLE repositories (
  id                    bigserial   PRIMARY KEY,
  kind                  text        NOT NULL CHECK (kind IN ('gitea', 'github')),
  base_url              text        NOT NULL,
  owner                 text        NOT NULL,
  name                  text        NOT NULL,
  token                 text,
  token_file            text,
  webhook_secret        text        NOT NULL,
  monitor               boolean     NOT NULL DEFAULT true,
  labels                text[]      NOT NULL DEFAULT '{}',
  sync_interval_seconds integer,
  last_synced_at        timestamptz,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  UNIQUE (kind, owner, name)
);

-- The webhook outbox and delivery log: a delivery is stored before it is
-- acknowledged; the relay then starts or signals its workflow until Temporal
-- accepts, recording the outcome here.
CREATE TABLE webhook_deliveries (
  id              bigserial   PRIMARY KEY,
  forge           text        NOT NULL,
  delivery_id     text,
  event           text        NOT NULL,
  action          text,
  repository_id   bigint      REFERENCES repositories (id) ON DELETE SET NULL,
  repository      text        NOT NULL,
  issue_number    integer,
  intent          jsonb       NOT NULL,
  status          text        NOT NULL CHECK (status IN ('pending', 'started', 'existing', 'signalled', 'no-workflow', 'ignored', 'failed')),
  workflow_id     text,
  outcome         text,
  attempts        integer     NOT NULL DEFAULT 0,
  last_error      text,
  received_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  next_attempt_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  processed_at    timestamptz
);
CREATE INDEX webhook_deliveries_pending_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_received_idx ON webhook_deliveries (received_at DESC);

-- Rejected deliveries (bad or missing signature): only counted, never stored.
CREATE TABLE webhook_rejections (
  forge   text        NOT NULL,
  reason  text        NOT NULL,
  count   bigint      NOT NULL DEFAULT 0,
  last_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (forge, reason)
);

-- One row per issue sync of a repository.
CREATE TABLE sync_runs (
  id                bigserial   PRIMARY KEY,
  repository_id     bigint      NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  mode              text        NOT NULL CHECK (mode IN ('incremental', 'full')),
  since             timestamptz,
  started_at        timestamptz NOT NULL DEFAULT now(),
  finished_at       timestamptz,
  issues_seen       integer     NOT NULL DEFAULT 0,
  workflows_started integer     NOT NULL DEFAULT 0,
  error             text
);
CREATE INDEX sync_runs_repository_idx ON sync_runs (repository_id, started_at DESC);

-- Down Migration
DROP TABLE sync_runs;
DROP TABLE webhook_rejections;
DROP TABLE webhook_deliveries;
DROP TABLE repositories;
