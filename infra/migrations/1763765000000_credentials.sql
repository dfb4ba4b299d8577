-- Up Migration

-- Credentials pipelines refer to by id (as n8n documents do). `data` is the
-- secret JSON encrypted with AES-256-GCM (activities/credentials/cipher.ts),
-- bound to the row's id and type; the key never lives in the database.
CREATE TABLE credentials (
  id          text        PRIMARY KEY,
  name        text        NOT NULL UNIQUE,
  type        text        NOT NULL CHECK (type IN ('httpHeaderAuth', 'httpBasicAuth', 'httpBearerAuth', 'forgeToken')),
  data        text        NOT NULL,
  created_by  text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE credentials;
