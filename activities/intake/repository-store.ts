/**
 * Monitored repositories in Postgres. Tokens and webhook secrets are kept
 * here and never returned by the API (it shows whether they are set).
 */
import type { Pool, PoolClient } from 'pg';
import type { ForgeKind, ForgeRepoRef } from '../forge/forge';

type Queryable = Pool | PoolClient;

export interface Repository {
  readonly id: number;
  readonly kind: ForgeKind;
  readonly baseUrl: string;
  readonly owner: string;
  readonly name: string;
  readonly token: string | null;
  readonly tokenFile: string | null;
  readonly webhookSecret: string;
  readonly monitor: boolean;
  readonly labels: string[];
  readonly syncIntervalSeconds: number | null;
  readonly lastSyncedAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type RepositoryInput = Pick<Repository, 'kind' | 'baseUrl' | 'owner' | 'name' | 'token' | 'tokenFile' | 'webhookSecret' | 'monitor' | 'labels' | 'syncIntervalSeconds'>;

interface Row {
  id: string;
  kind: ForgeKind;
  base_url: string;
  owner: string;
  name: string;
  token: string | null;
  token_file: string | null;
  webhook_secret: string;
  monitor: boolean;
  labels: string[];
  sync_interval_seconds: number | null;
  last_synced_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const fromRow = (r: Row): Repository => ({
  id: Number(r.id),
  kind: r.kind,
  baseUrl: r.base_url,
  owner: r.owner,
  name: r.name,
  token: r.token,
  tokenFile: r.token_file,
  webhookSecret: r.webhook_secret,
  monitor: r.monitor,
  labels: r.labels,
  syncIntervalSeconds: r.sync_interval_seconds,
  lastSyncedAt: r.last_synced_at?.toISOString() ?? null,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

export async function listRepositories(db: Queryable): Promise<Repository[]> {
  const { rows } = await db.query<Row>('SELECT * FROM repositories ORDER BY id');
  return rows.map(fromRow);
}

export async function getRepository(db: Queryable, id: number): Promise<Repository | undefined> {
  const { rows } = await db.query<Row>('SELECT * FROM repositories WHERE id = $1', [id]);
  return rows[0] && fromRow(rows[0]);
}

/** The repositories a webhook payload may be about (owner/name compare case-insensitively, as forges do). */
/** The registered repository owner/name (either forge; names compared in any case), or undefined. */
export async function repositoryNamed(db: Queryable, owner: string, name: string): Promise<Repository | undefined> {
  return (await listRepositories(db)).find((r) => r.owner.toLowerCase() === owner.toLowerCase() && r.name.toLowerCase() === name.toLowerCase());
}

export async function findRepositories(db: Queryable, kind: ForgeKind, owner: string, name: string): Promise<Repository[]> {
  const { rows } = await db.query<Row>('SELECT * FROM repositories WHERE kind = $1 AND lower(owner) = lower($2) AND lower(name) = lower($3)', [kind, owner, name]);
  return rows.map(fromRow);
}

/** Inserts; undefined when the same forge repository is already registered. */
export async function createRepository(db: Queryable, r: RepositoryInput): Promise<Repository | undefined> {
  const { rows } = await db.query<Row>(
    `INSERT INTO repositories (kind, base_url, owner, name, token, token_file, webhook_secret, monitor, labels, sync_interval_seconds)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (kind, owner, name) DO NOTHING RETURNING *`,
    [r.kind, r.baseUrl, r.owner, r.name, r.token, r.tokenFile, r.webhookSecret, r.monitor, r.labels, r.syncIntervalSeconds],
  );
  return rows[0] && fromRow(rows[0]);
}

export async function updateRepository(db: Queryable, id: number, r: RepositoryInput): Promise<Repository | undefined> {
  const { rows } = await db.query<Row>(
    `UPDATE repositories SET kind = $2, base_url = $3, owner = $4, name = $5, token = $6, token_file = $7, webhook_secret = $8,
       monitor = $9, labels = $10, sync_interval_seconds = $11, updated_at = now() WHERE id = $1 RETURNING *`,
    [id, r.kind, r.baseUrl, r.owner, r.name, r.token, r.tokenFile, r.webhookSecret, r.monitor, r.labels, r.syncIntervalSeconds],
  );
  return rows[0] && fromRow(rows[0]);
}

export async function deleteRepository(db: Queryable, id: number): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM repositories WHERE id = $1', [id]);
  return rowCount === 1;
}

/**
 * Where the adapter reaches the repository, with its token: the one stored
 * with it, else the one configured for its base URL (security.forge_tokens).
 * A `token_file` column (set by older versions through the API) is never
 * read: file paths are operator configuration, not API input.
 */
export function forgeRef(r: Repository, configured: readonly { base_url: string; token?: string }[] = []): ForgeRepoRef {
  const fromConfig = configured.find((t) => t.base_url.replace(/\/+$/, '') === r.baseUrl)?.token;
  return { kind: r.kind, baseUrl: r.baseUrl, owner: r.owner, name: r.name, token: r.token ?? fromConfig };
}

export interface SyncRun {
  readonly id: number;
  readonly mode: 'incremental' | 'full';
  readonly since: string | null;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly issuesSeen: number;
  readonly workflowsStarted: number;
  readonly error: string | null;
}

export async function listSyncRuns(db: Queryable, repositoryId: number, limit: number): Promise<SyncRun[]> {
  const { rows } = await db.query<{
    id: string;
    mode: SyncRun['mode'];
    since: Date | null;
    started_at: Date;
    finished_at: Date | null;
    issues_seen: number;
    workflows_started: number;
    error: string | null;
  }>('SELECT * FROM sync_runs WHERE repository_id = $1 ORDER BY started_at DESC, id DESC LIMIT $2', [repositoryId, limit]);
  return rows.map((r) => ({
    id: Number(r.id),
    mode: r.mode,
    since: r.since?.toISOString() ?? null,
    startedAt: r.started_at.toISOString(),
    finishedAt: r.finished_at?.toISOString() ?? null,
    issuesSeen: r.issues_seen,
    workflowsStarted: r.workflows_started,
    error: r.error,
  }));
}
