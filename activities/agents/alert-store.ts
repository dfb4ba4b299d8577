/**
 * Alerts: threshold breaches raised by the health checks, at most one open per
 * (node, kind), resolved automatically when the condition clears.
 */
import type { Pool, PoolClient } from 'pg';

type Queryable = Pool | PoolClient;

export type AlertKind = 'node_down' | 'node_degraded' | 'slow_tokens' | 'slow_response' | 'missing_models';

export interface Alert {
  readonly id: number;
  readonly nodeId: string | null;
  readonly kind: AlertKind;
  readonly severity: 'warning' | 'critical';
  readonly message: string;
  readonly raisedAt: string;
  readonly updatedAt: string;
  readonly resolvedAt: string | null;
}

export async function raiseAlert(db: Queryable, nodeId: string | null, kind: AlertKind, severity: Alert['severity'], message: string): Promise<void> {
  await db.query(
    `INSERT INTO alerts (node_id, kind, severity, message) VALUES ($1, $2, $3, $4)
     ON CONFLICT (coalesce(node_id, ''), kind) WHERE resolved_at IS NULL
     DO UPDATE SET message = excluded.message, severity = excluded.severity, updated_at = now()`,
    [nodeId, kind, severity, message],
  );
}

export async function resolveAlert(db: Queryable, nodeId: string | null, kind: AlertKind): Promise<void> {
  await db.query(`UPDATE alerts SET resolved_at = now() WHERE coalesce(node_id, '') = coalesce($1, '') AND kind = $2 AND resolved_at IS NULL`, [nodeId, kind]);
}

export async function listAlerts(db: Queryable, filter: { status: 'open' | 'resolved' | 'all'; nodeId?: string; limit: number }): Promise<Alert[]> {
  const { rows } = await db.query<{
    id: string;
    node_id: string | null;
    kind: AlertKind;
    severity: Alert['severity'];
    message: string;
    raised_at: Date;
    updated_at: Date;
    resolved_at: Date | null;
  }>(
    `SELECT id, node_id, kind, severity, message, raised_at, updated_at, resolved_at FROM alerts
     WHERE ($1 = 'all' OR ($1 = 'open') = (resolved_at IS NULL)) AND ($2::text IS NULL OR node_id = $2)
     ORDER BY raised_at DESC, id DESC LIMIT $3`,
    [filter.status, filter.nodeId ?? null, filter.limit],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    nodeId: r.node_id,
    kind: r.kind,
    severity: r.severity,
    message: r.message,
    raisedAt: r.raised_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    resolvedAt: r.resolved_at?.toISOString() ?? null,
  }));
}
