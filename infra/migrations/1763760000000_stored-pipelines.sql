-- Up Migration

-- Stored pipelines (n8n documents) and their versions. A save never edits a
-- version: PUT adds the next one, so a run pinned to a version keeps running
-- what it started with. Documents are `json`, not `jsonb`, to keep n8n's key
-- order (export gives back what was imported).
CREATE TABLE pipelines (
  id              text        PRIMARY KEY,
  name            text        NOT NULL,
  tags            text[]      NOT NULL DEFAULT '{}',
  active          boolean     NOT NULL DEFAULT false,
  -- The version the triggers run, pinned at activation.
  active_version  integer,
  latest_version  integer     NOT NULL,
  -- Of the latest version: its trigger kind, the trigger node's notes, its validation problems.
  trigger         text,
  notes           text,
  problems        json        NOT NULL DEFAULT '[]',
  created_at      timestamptz NOT NULL DEFAULT now(),
  created_by      text        NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  updated_by      text        NOT NULL,
  CHECK (NOT active OR active_version IS NOT NULL)
);
CREATE INDEX pipelines_created_idx ON pipelines (created_at DESC, id DESC);
CREATE INDEX pipelines_tags_idx ON pipelines USING gin (tags);

CREATE TABLE pipeline_versions (
  pipeline_id  text        NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
  version      integer     NOT NULL,
  name         text        NOT NULL,
  document     json        NOT NULL,
  problems     json        NOT NULL DEFAULT '[]',
  created_at   timestamptz NOT NULL DEFAULT now(),
  created_by   text        NOT NULL,
  PRIMARY KEY (pipeline_id, version)
);

-- Down Migration
DROP TABLE pipeline_versions;
DROP TABLE pipelines;
