/**
 * Webhook-triggered runs in Postgres: which pipeline answers a method and
 * path (an active one's pinned version on /webhook, the latest saved version
 * on /webhook-test), and the outbox of requests stored before they are
 * acknowledged, which the relay claims (leases) and starts.
 */
import type { Pool, PoolClient } from 'pg';
import type { Item, N8nWorkflow } from '../../domain/pipeline/types';
import { WEBHOOK_TYPE, webhookEndpoints, type WebhookEndpoint } from '../../domain/pipeline/webhook-trigger';

type Queryable = Pool | PoolClient;

export interface WebhookTarget {
  readonly pipelineId: string;
  readonly version: number;
  readonly document: N8nWorkflow;
  readonly endpoint: WebhookEndpoint;
}

const pick = (rows: { id: string; version: number; document: N8nWorkflow }[], method: string, path: string): WebhookTarget | undefined => {
  for (const r of rows) {
    const endpoint = webhookEndpoints(r.document).find((e) => e.path === path && e.method === method);
    if (endpoint) return { pipelineId: r.id, version: r.version, document: r.document, endpoint };
  }
  return undefined;
};

/** The active pipeline answering `method` `path` on /webhook, with its pinned version. */
export async function findActiveWebhook(db: Queryable, method: string, path: string): Promise<WebhookTarget | undefined> {
  const { rows } = await db.query<{ id: string; version: number; document: N8nWorkflow }>(
    `SELECT p.id, v.version, v.document FROM pipeline_webhooks w JOIN pipelines p ON p.id = w.pipeline_id AND p.active
     JOIN pipeline_versions v ON v.pipeline_id = p.id AND v.version = p.active_version WHERE w.method = $1 AND w.path = $2`,
    [method, path],
  );
  return pick(rows, method, path);
}

/** The pipeline whose latest saved version has a Webhook node on `path` (the most recently changed first): /webhook-test. */
export async function findTestWebhook(db: Queryable, method: string, path: string): Promise<WebhookTarget | undefined> {
  const { rows } = await db.query<{ id: string; version: number; document: N8nWorkflow }>(
    `SELECT p.id, v.version, v.document FROM pipelines p JOIN pipeline_versions v ON v.pipeline_id = p.id AND v.version = p.latest_version
     WHERE json_typeof(v.document->'nodes') = 'array' AND EXISTS (SELECT 1 FROM json_array_elements(v.document->'nodes') n
       WHERE n->>'type' = $1 AND trim(both '/' from n->'parameters'->>'path') = $2)
     ORDER BY p.updated_at DESC LIMIT 20`,
    [WEBHOOK_TYPE, path],
  );
  return pick(rows, method, path);
}

export interface NewRequest {
  readonly pipelineId: string;
  readonly version: number;
  readonly node: string;
  readonly test: boolean;
  readonly executionId: string;
  readonly input: Item[];
}

export interface StoredRequest extends NewRequest {
  readonly id: number;
  readonly attempts: number;
}

export async function recordRequest(db: Queryable, r: NewRequest): Promise<number> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO pipeline_requests (pipeline_id, version, node, test, execution_id, input) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [r.pipelineId, r.version, r.node, r.test, r.executionId, JSON.stringify(r.input)],
  );
  return Number(rows[0]!.id);
}

/** Claims up to `limit` due requests for `leaseSeconds`; with `pipelineIds`, only theirs (tests that share the outbox). */
export async function claimDueRequests(db: Queryable, limit: number, leaseSeconds: number, pipelineIds?: readonly string[]): Promise<StoredRequest[]> {
  const { rows } = await db.query<{ id: string; pipeline_id: string; version: number; node: string; test: boolean; execution_id: string; input: Item[]; attempts: number }>(
    `UPDATE pipeline_requests SET next_attempt_at = clock_timestamp() + make_interval(secs => $2), attempts = attempts + 1
     WHERE id IN (SELECT id FROM pipeline_requests WHERE status = 'pending' AND next_attempt_at <= clock_timestamp()
                    AND ($3::text[] IS NULL OR pipeline_id = ANY($3::text[]))
                  ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
     RETURNING id, pipeline_id, version, node, test, execution_id, input, attempts`,
    [limit, leaseSeconds, pipelineIds === undefined ? null : [...pipelineIds]],
  );
  return rows.map((r) => ({ id: Number(r.id), pipelineId: r.pipeline_id, version: r.version, node: r.node, test: r.test, executionId: r.execution_id, input: r.input, attempts: r.attempts }));
}

export async function markRequestStarted(db: Queryable, id: number): Promise<void> {
  await db.query(`UPDATE pipeline_requests SET status = 'started', last_error = NULL, started_at = clock_timestamp() WHERE id = $1`, [id]);
}

export async function retryRequest(db: Queryable, id: number, error: string, delaySeconds: number): Promise<void> {
  await db.query(`UPDATE pipeline_requests SET last_error = $2, next_attempt_at = clock_timestamp() + make_interval(secs => $3) WHERE id = $1`, [id, error.slice(0, 1000), delaySeconds]);
}

/** A request that can never start (its pipeline was deleted): kept, with why. */
export async function failRequest(db: Queryable, id: number, error: string): Promise<void> {
  await db.query(`UPDATE pipeline_requests SET status = 'failed', last_error = $2 WHERE id = $1`, [id, error.slice(0, 1000)]);
}
