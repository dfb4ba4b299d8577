/**
 * The agent-node registry in Postgres: nodes from whoosh.yaml and the API,
 * their latest health, and the figures the dashboard and routing read from the
 * call log (load, utilization, tokens/s, latency over a recent window).
 */
import type { Pool, PoolClient } from 'pg';
import type { AgentConfig } from '../../infra/config';
import type { NodeStatus, NodeView } from '../../domain/routing/route-call';

export const AGENTS_CHANGED_CHANNEL = 'whoosh_agents';

export interface AgentNode {
  readonly id: string;
  readonly name: string;
  readonly endpoint: string;
  readonly models: string[];
  readonly specialization: string | null;
  readonly capabilities: string[];
  readonly parallel: number;
  readonly hardware: { gpu_type?: string; vram_gb?: number; cpu_cores?: number };
  readonly performance_targets: { min_tokens_per_second?: number; max_response_time_ms?: number };
  readonly source: 'config' | 'api';
}

export interface NodeHealth {
  readonly status: NodeStatus;
  readonly version: string | null;
  readonly modelsInstalled: string[];
  readonly modelsLoaded: string[];
  readonly reason: string | null;
  readonly lastError: string | null;
  readonly lastSeen: string | null;
  readonly checkedAt: string | null;
}

export interface NodeStats {
  readonly inFlight: number;
  readonly queued: number;
  readonly utilization: number;
  readonly tokensPerSecond: number | null;
  readonly latencyP50Ms: number | null;
  readonly latencyP95Ms: number | null;
  readonly callsInWindow: number;
  readonly failuresInWindow: number;
  readonly windowSeconds: number;
}

export interface AgentNodeView extends AgentNode, NodeHealth {
  readonly stats: NodeStats;
}

type Queryable = Pool | PoolClient;

export function nodeFromConfig(id: string, a: AgentConfig): Omit<AgentNode, 'source'> {
  return {
    id,
    name: a.name ?? id,
    endpoint: a.endpoint.replace(/\/+$/, ''),
    models: a.models ?? [a.model!],
    specialization: a.specialization ?? null,
    capabilities: a.capabilities,
    parallel: a.parallel,
    hardware: a.hardware ?? {},
    performance_targets: a.performance_targets ?? {},
  };
}

const COLUMNS = 'id, name, endpoint, models, specialization, capabilities, parallel, hardware, performance_targets, source';

export async function notifyAgentsChanged(db: Queryable): Promise<void> {
  await db.query(`SELECT pg_notify($1, '')`, [AGENTS_CHANGED_CHANNEL]);
}

/** Makes the registry's config-sourced nodes match whoosh.yaml. */
export async function syncConfigNodes(pool: Pool, agents: Record<string, AgentConfig>): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const ids = Object.keys(agents);
    await client.query(`DELETE FROM agent_nodes WHERE source = 'config' AND NOT (id = ANY($1::text[]))`, [ids]);
    for (const [id, agent] of Object.entries(agents)) {
      const n = nodeFromConfig(id, agent);
      await client.query(
        `INSERT INTO agent_nodes (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'config')
         ON CONFLICT (id) DO UPDATE SET name = $2, endpoint = $3, models = $4, specialization = $5, capabilities = $6,
           parallel = $7, hardware = $8, performance_targets = $9, source = 'config', updated_at = now()`,
        [n.id, n.name, n.endpoint, n.models, n.specialization, n.capabilities, n.parallel, n.hardware, n.performance_targets],
      );
    }
    await notifyAgentsChanged(client);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}

export async function listNodes(db: Queryable): Promise<AgentNode[]> {
  const { rows } = await db.query<AgentNode>(`SELECT ${COLUMNS} FROM agent_nodes ORDER BY id`);
  return rows;
}

export async function getNode(db: Queryable, id: string): Promise<AgentNode | undefined> {
  const { rows } = await db.query<AgentNode>(`SELECT ${COLUMNS} FROM agent_nodes WHERE id = $1`, [id]);
  return rows[0];
}

export type NodeInput = Omit<AgentNode, 'source' | 'id'>;

/** Inserts an API node; false when the id is taken. */
export async function createNode(db: Queryable, id: string, n: NodeInput): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO agent_nodes (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'api') ON CONFLICT (id) DO NOTHING`,
    [id, n.name, n.endpoint, n.models, n.specialization, n.capabilities, n.parallel, n.hardware, n.performance_targets],
  );
  if (rowCount === 1) await notifyAgentsChanged(db);
  return rowCount === 1;
}

export async function updateNode(db: Queryable, id: string, n: NodeInput): Promise<void> {
  await db.query(
    `UPDATE agent_nodes SET name = $2, endpoint = $3, models = $4, specialization = $5, capabilities = $6, parallel = $7,
       hardware = $8, performance_targets = $9, updated_at = now() WHERE id = $1`,
    [id, n.name, n.endpoint, n.models, n.specialization, n.capabilities, n.parallel, n.hardware, n.performance_targets],
  );
  await notifyAgentsChanged(db);
}

export async function deleteNode(db: Queryable, id: string): Promise<void> {
  await db.query('DELETE FROM agent_nodes WHERE id = $1', [id]);
  await notifyAgentsChanged(db);
}

const WINDOW_SECONDS = 15 * 60;

interface HealthAndStatsRow {
  node_id: string;
  status: NodeStatus | null;
  version: string | null;
  models_installed: string[] | null;
  models_loaded: string[] | null;
  reason: string | null;
  last_error: string | null;
  last_seen: Date | null;
  checked_at: Date | null;
  in_flight: number;
  queued: number;
  busy_seconds: number | null;
  tokens_per_second: number | null;
  p50: number | null;
  p95: number | null;
  calls: number;
  failures: number;
}

/** Health and recent figures of every node (one query, for lists and routing). */
async function healthAndStats(db: Queryable, windowSeconds: number): Promise<Map<string, HealthAndStatsRow>> {
  const { rows } = await db.query<HealthAndStatsRow>(
    `WITH w AS (SELECT now() - make_interval(secs => $1) AS since)
     SELECT n.id AS node_id, h.status, h.version, h.models_installed, h.models_loaded, h.reason, h.last_error, h.last_seen, h.checked_at,
       (SELECT count(*)::int FROM llm_calls c WHERE c.node_id = n.id AND c.state = 'running' AND c.lease_expires_at > now()) AS in_flight,
       (SELECT count(*)::int FROM llm_calls c WHERE c.node_id = n.id AND c.state = 'reserved' AND c.lease_expires_at > now()) AS queued,
       (SELECT sum(extract(epoch FROM least(coalesce(c.finished_at, now()), now()) - greatest(c.started_at, w.since)))
          FROM llm_calls c, w WHERE c.node_id = n.id AND c.started_at IS NOT NULL
            AND coalesce(c.finished_at, now()) > w.since
            AND (c.state <> 'running' OR c.lease_expires_at > now())) AS busy_seconds,
       (SELECT sum(c.eval_tokens) / nullif(sum(c.eval_duration_ms) / 1000.0, 0)
          FROM llm_calls c, w WHERE c.node_id = n.id AND c.state = 'succeeded' AND c.finished_at > w.since) AS tokens_per_second,
       (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM c.finished_at - c.started_at) * 1000)
          FROM llm_calls c, w WHERE c.node_id = n.id AND c.state = 'succeeded' AND c.finished_at > w.since) AS p50,
       (SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM c.finished_at - c.started_at) * 1000)
          FROM llm_calls c, w WHERE c.node_id = n.id AND c.state = 'succeeded' AND c.finished_at > w.since) AS p95,
       (SELECT count(*)::int FROM llm_calls c, w WHERE c.node_id = n.id AND c.finished_at > w.since) AS calls,
       (SELECT count(*)::int FROM llm_calls c, w WHERE c.node_id = n.id AND c.state = 'failed' AND c.finished_at > w.since) AS failures
     FROM agent_nodes n LEFT JOIN agent_node_health h ON h.node_id = n.id`,
    [windowSeconds],
  );
  return new Map(rows.map((r) => [r.node_id, r]));
}

const round = (n: number | null, digits = 1): number | null => (n === null ? null : Number(Number(n).toFixed(digits)));

export async function listNodeViews(db: Queryable, windowSeconds = WINDOW_SECONDS): Promise<AgentNodeView[]> {
  const [nodes, figures] = await Promise.all([listNodes(db), healthAndStats(db, windowSeconds)]);
  return nodes.map((n) => {
    const f = figures.get(n.id)!;
    return {
      ...n,
      status: f.status ?? 'unknown',
      version: f.version,
      modelsInstalled: f.models_installed ?? [],
      modelsLoaded: f.models_loaded ?? [],
      reason: f.reason,
      lastError: f.last_error,
      lastSeen: f.last_seen?.toISOString() ?? null,
      checkedAt: f.checked_at?.toISOString() ?? null,
      stats: {
        inFlight: f.in_flight,
        queued: f.queued,
        utilization: round(Math.min(1, Number(f.busy_seconds ?? 0) / (n.parallel * windowSeconds)), 3)!,
        tokensPerSecond: round(f.tokens_per_second),
        latencyP50Ms: round(f.p50, 0),
        latencyP95Ms: round(f.p95, 0),
        callsInWindow: f.calls,
        failuresInWindow: f.failures,
        windowSeconds,
      },
    };
  });
}

/**
 * What routing needs to know about every node, read inside the reservation's
 * transaction on every LLM call: so only health, active calls and recent
 * tokens/s — none of the list view's percentiles and utilization.
 */
export async function routingSnapshot(db: Queryable): Promise<NodeView[]> {
  const { rows } = await db.query<{
    id: string;
    models: string[];
    specialization: string | null;
    capabilities: string[];
    parallel: number;
    status: NodeStatus | null;
    models_installed: string[] | null;
    active: number;
    tokens_per_second: number | null;
  }>(
    `SELECT n.id, n.models, n.specialization, n.capabilities, n.parallel, h.status, h.models_installed,
       (SELECT count(*)::int FROM llm_calls c
          WHERE c.node_id = n.id AND c.state IN ('reserved', 'running') AND c.lease_expires_at > now()) AS active,
       (SELECT sum(c.eval_tokens) / nullif(sum(c.eval_duration_ms) / 1000.0, 0) FROM llm_calls c
          WHERE c.node_id = n.id AND c.state = 'succeeded' AND c.finished_at > now() - interval '5 minutes') AS tokens_per_second
     FROM agent_nodes n LEFT JOIN agent_node_health h ON h.node_id = n.id ORDER BY n.id`,
  );
  return rows.map((r) => ({
    id: r.id,
    status: r.status ?? 'unknown',
    installedModels: r.models_installed ?? [],
    configuredModels: r.models,
    specialization: r.specialization,
    capabilities: r.capabilities,
    parallel: r.parallel,
    active: r.active,
    tokensPerSecond: r.tokens_per_second === null ? null : Number(r.tokens_per_second),
  }));
}
