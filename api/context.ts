/**
 * What the API needs from the rest of the system, handed in by whoever starts
 * it (the launcher, `npm run api`, or a test).
 */
import type { Client } from '@temporalio/client';
import type { ResolveCredential } from '../activities/pipeline/credentials';
import type { Pool } from 'pg';
import type { WhooshConfig } from '../infra/config';
import type { DbHealth } from '../infra/db';
import type { Logger } from '../infra/logger';

import type { ForgePipelines } from './webhooks/forge-pipelines';

export interface ApiContext {
  readonly config: WhooshConfig;
  readonly temporal: Client;
  readonly pool: Pool;
  readonly logger: Logger;
  readonly version: string;
  /** Effective admin token (configured or generated), if any. */
  readonly adminToken?: string;
  /** Base URL of the Temporal Web UI, for links; undefined when unknown. */
  readonly temporalUiUrl?: string;
  /** Stored pipelines with a forge trigger (the pipeline store); omitted = forge events start no pipeline. */
  readonly forgePipelines?: ForgePipelines;
  /** The webhook relay to wake when a delivery is stored; omitted = another process relays. */
  readonly relay?: { kick(): void };
  /** The pipeline webhook relay to wake when a request is stored; omitted = another process relays. */
  readonly pipelineRelay?: { kick(): void };
  /** Credentials for Webhook nodes' authentication (the credential store); omitted = none resolve. */
  readonly resolveCredential?: ResolveCredential;
  /** Whether Postgres is reachable; while it is not, the API answers 503 at once. Omitted = not tracked. */
  readonly dbHealth?: DbHealth;
  /** How often MCP sessions look for pipelines being (de)activated; omitted = 2 s. */
  readonly mcpPollMs?: number;
  /** Folder with the built dashboard; omitted = no UI served. */
  readonly uiDir?: string;
}
