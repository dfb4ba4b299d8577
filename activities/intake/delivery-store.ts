/**
 * The webhook outbox and delivery log. A delivery is written (with what it
 * means) before the forge gets its answer; the relay claims pending ones,
 * carries them out and records the outcome, retrying with backoff while
 * Temporal does not answer.
 */
import type { Pool, PoolClient } from 'pg';
import type { Intent } from '../../domain/intake/route-event';
import type { IntentOutcome } from './intake-starter';

type Queryable = Pool | PoolClient;

export interface NewDelivery {
  readonly forge: 'gitea' | 'github';
  readonly deliveryId: string | null;
  readonly event: string;
  readonly action: string | null;
  readonly repositoryId: number | null;
  readonly repository: string;
  readonly issueNumber: number | null;
  readonly intent: Intent;
  /** The normalised event, kept when forge-triggered pipelines take it (the relay starts them). */
  readonly pipelineEvent?: unknown;
}

export interface Delivery extends NewDelivery {
  readonly id: number;
  readonly status: 'pending' | IntentOutcome['status'] | 'failed';
  readonly workflowId: string | null;
  readonly outcome: string | null;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly receivedAt: string;
  readonly processedAt: string | null;
}

interface Row {
  id: string;
  forge: 'gitea' | 'github';
  delivery_id: string | null;
  event: string;
  action: string | null;
  repository_id: string | null;
  repository: string;
  issue_number: number | null;
  intent: Intent;
  status: Delivery['status'];
  workflow_id: string | null;
  outcome: string | null;
  attempts: number;
  last_error: string | null;
  received_at: Date;
  processed_at: Date | null;
  pipeline_event: unknown;
}

const fromRow = (r: Row): Delivery => ({
  id: Number(r.id),
  forge: r.forge,
  deliveryId: r.delivery_id,
  event: r.event,
  action: r.action,
  repositoryId: r.repository_id === null ? null : Number(r.repository_id),
  repository: r.repository,
  issueNumber: r.issue_number,
  intent: r.intent,
  status: r.status,
  workflowId: r.workflow_id,
  outcome: r.outcome,
  attempts: r.attempts,
  lastError: r.last_error,
  receivedAt: r.received_at.toISOString(),
  processedAt: r.processed_at?.toISOString() ?? null,
  ...(r.pipeline_event !== null && r.pipeline_event !== undefined ? { pipelineEvent: r.pipeline_event } : {}),
});

export async function recordDelivery(db: Queryable, d: NewDelivery): Promise<Delivery> {
  // An event pipelines take is relayed even when the intake itself ignores it.
  const ignored = d.intent.type === 'ignore' && d.pipelineEvent === undefined;
  const { rows } = await db.query<Row>(
    `INSERT INTO webhook_deliveries (forge, delivery_id, event, action, repository_id, repository, issue_number, intent, status, outcome, processed_at, pipeline_event)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING *`,
    [d.forge, d.deliveryId, d.event, d.action, d.repositoryId, d.repository, d.issueNumber, d.intent, ignored ? 'ignored' : 'pending', ignored && d.intent.type === 'ignore' ? d.intent.reason : null, ignored ? new Date() : null, d.pipelineEvent === undefined ? null : JSON.stringify(d.pipelineEvent)],
  );
  return fromRow(rows[0]!);
}

/**
 * Claims up to `limit` due deliveries for `leaseSeconds` (other relays skip them meanwhile);
 * with `repositoryIds`, only deliveries of those repositories.
 */
export async function claimDue(db: Queryable, limit: number, leaseSeconds: number, repositoryIds?: readonly number[]): Promise<Delivery[]> {
  const { rows } = await db.query<Row>(
    `UPDATE webhook_deliveries SET next_attempt_at = clock_timestamp() + make_interval(secs => $2), attempts = attempts + 1
     WHERE id IN (SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= clock_timestamp()
                    AND ($3::bigint[] IS NULL OR repository_id = ANY($3::bigint[]))
                  ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
     RETURNING *`,
    [limit, leaseSeconds, repositoryIds === undefined ? null : [...repositoryIds]],
  );
  return rows.map(fromRow);
}

export async function completeDelivery(db: Queryable, id: number, o: IntentOutcome): Promise<void> {
  await db.query(
    `UPDATE webhook_deliveries SET status = $2, workflow_id = $3, outcome = $4, last_error = NULL, processed_at = clock_timestamp() WHERE id = $1`,
    [id, o.status, 'workflowId' in o ? (o.workflowId ?? null) : null, o.outcome],
  );
}

export async function retryDelivery(db: Queryable, id: number, error: string, delaySeconds: number): Promise<void> {
  await db.query(`UPDATE webhook_deliveries SET last_error = $2, next_attempt_at = clock_timestamp() + make_interval(secs => $3) WHERE id = $1`, [
    id,
    error.slice(0, 1000),
    delaySeconds,
  ]);
}

export async function countRejection(db: Queryable, forge: string, reason: string): Promise<void> {
  await db.query(
    `INSERT INTO webhook_rejections (forge, reason, count) VALUES ($1, $2, 1)
     ON CONFLICT (forge, reason) DO UPDATE SET count = webhook_rejections.count + 1, last_at = now()`,
    [forge, reason],
  );
}

export async function rejectionCounts(db: Queryable): Promise<Record<string, number>> {
  const { rows } = await db.query<{ forge: string; reason: string; count: string }>('SELECT forge, reason, count FROM webhook_rejections');
  return Object.fromEntries(rows.map((r) => [`${r.forge}:${r.reason}`, Number(r.count)]));
}

export async function listDeliveries(
  db: Queryable,
  f: { status?: string; repositoryId?: number; issue?: number; before?: number; limit: number },
): Promise<Delivery[]> {
  const { rows } = await db.query<Row>(
    `SELECT * FROM webhook_deliveries
     WHERE ($1::text IS NULL OR status = $1) AND ($2::bigint IS NULL OR repository_id = $2)
       AND ($3::int IS NULL OR issue_number = $3) AND ($4::bigint IS NULL OR id < $4)
     ORDER BY id DESC LIMIT $5`,
    [f.status ?? null, f.repositoryId ?? null, f.issue ?? null, f.before ?? null, f.limit],
  );
  return rows.map(fromRow);
}
