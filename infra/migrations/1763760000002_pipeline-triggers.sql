-- Up Migration

-- The webhooks active pipelines answer on: one pipeline per method and path
-- (activation refuses a second), registered with activation, removed with
-- deactivation.
CREATE TABLE pipeline_webhooks (
  method       text NOT NULL,
  path         text NOT NULL,
  pipeline_id  text NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
  node         text NOT NULL,
  PRIMARY KEY (method, path)
);
CREATE INDEX pipeline_webhooks_pipeline_idx ON pipeline_webhooks (pipeline_id);

-- The outbox of webhook-triggered runs: a request is stored (with the run's
-- execution id and pinned version) before it is acknowledged; the relay
-- starts the run, retrying while Temporal is away. The execution id makes a
-- second start of the same request the same run.
CREATE TABLE pipeline_requests (
  id               bigserial   PRIMARY KEY,
  pipeline_id      text        NOT NULL,
  version          integer     NOT NULL,
  node             text        NOT NULL,
  test             boolean     NOT NULL DEFAULT false,
  execution_id     text        NOT NULL UNIQUE,
  input            json        NOT NULL,
  status           text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'started', 'failed')),
  attempts         integer     NOT NULL DEFAULT 0,
  last_error       text,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  received_at      timestamptz NOT NULL DEFAULT now(),
  started_at       timestamptz
);
CREATE INDEX pipeline_requests_due_idx ON pipeline_requests (next_attempt_at, id) WHERE status = 'pending';

-- Down Migration
DROP TABLE pipeline_requests;
DROP TABLE pipeline_webhooks;
