/**
 * Each node's load over time, for the dashboard's charts: the call log
 * (llm_calls) cut into equal buckets, with the share of the node's slots that
 * were busy and the tokens per second of the calls that finished in each.
 * `bucketLoad` is pure; `readLoadHistory` reads the calls and applies it.
 */
import type { Pool, PoolClient } from 'pg';

export interface CallSpan {
  readonly nodeId: string;
  readonly startedMs: number;
  /** Undefined while the call runs. */
  readonly finishedMs?: number;
  readonly succeeded: boolean;
  readonly evalTokens?: number;
  readonly evalDurationMs?: number;
}

export interface NodeLoadSeries {
  readonly id: string;
  /** Busy slot-seconds over available slot-seconds, 0..1, per bucket. */
  readonly utilization: number[];
  /** Generated tokens per second of the calls that succeeded in the bucket; null with none. */
  readonly tokensPerSecond: (number | null)[];
  /** Calls that finished in the bucket. */
  readonly calls: number[];
}

export interface LoadHistory {
  readonly bucketSeconds: number;
  /** Start of each bucket (ISO); the last one holds now. */
  readonly buckets: string[];
  readonly nodes: NodeLoadSeries[];
}

export interface BucketOptions {
  readonly nowMs: number;
  readonly buckets: number;
  readonly bucketSeconds: number;
}

const round = (n: number, digits: number): number => Number(n.toFixed(digits));

export function bucketLoad(nodes: readonly { id: string; parallel: number }[], calls: readonly CallSpan[], o: BucketOptions): LoadHistory {
  const step = o.bucketSeconds * 1000;
  // Buckets end on a whole step, so consecutive reads line up.
  const end = Math.ceil(o.nowMs / step) * step;
  const start = end - o.buckets * step;
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const busy = nodes.map(() => new Array<number>(o.buckets).fill(0));
  const tokens = nodes.map(() => new Array<number>(o.buckets).fill(0));
  const evalMs = nodes.map(() => new Array<number>(o.buckets).fill(0));
  const finished = nodes.map(() => new Array<number>(o.buckets).fill(0));

  for (const c of calls) {
    const n = index.get(c.nodeId);
    if (n === undefined) continue;
    const from = Math.max(c.startedMs, start);
    const to = Math.min(c.finishedMs ?? o.nowMs, o.nowMs, end);
    for (let b = Math.max(0, Math.floor((from - start) / step)); b < o.buckets && start + b * step < to; b++) {
      const overlap = Math.min(to, start + (b + 1) * step) - Math.max(from, start + b * step);
      if (overlap > 0) busy[n]![b]! += overlap;
    }
    if (c.finishedMs !== undefined && c.finishedMs >= start && c.finishedMs < end) {
      const b = Math.floor((c.finishedMs - start) / step);
      finished[n]![b]!++;
      if (c.succeeded && c.evalTokens && c.evalDurationMs) {
        tokens[n]![b]! += c.evalTokens;
        evalMs[n]![b]! += c.evalDurationMs;
      }
    }
  }

  return {
    bucketSeconds: o.bucketSeconds,
    buckets: Array.from({ length: o.buckets }, (_, b) => new Date(start + b * step).toISOString()),
    nodes: nodes.map((node, n) => ({
      id: node.id,
      utilization: busy[n]!.map((ms, b) => {
        // The current bucket has only run until now.
        const available = Math.max(1, Math.min(step, o.nowMs - (start + b * step))) * Math.max(1, node.parallel);
        return round(Math.min(1, ms / available), 3);
      }),
      tokensPerSecond: tokens[n]!.map((t, b) => (evalMs[n]![b]! > 0 ? round(t / (evalMs[n]![b]! / 1000), 1) : null)),
      calls: finished[n]!,
    })),
  };
}

export async function readLoadHistory(db: Pool | PoolClient, o: { buckets: number; bucketSeconds: number }): Promise<LoadHistory> {
  const { rows: [clock] } = await db.query<{ now: Date }>('SELECT now() AS now');
  const nowMs = clock!.now.getTime();
  const sinceMs = nowMs - o.buckets * o.bucketSeconds * 1000 - o.bucketSeconds * 1000;
  const [{ rows: nodes }, { rows: calls }] = await Promise.all([
    db.query<{ id: string; parallel: number }>('SELECT id, parallel FROM agent_nodes ORDER BY id'),
    db.query<{ node_id: string; started_at: Date; finished_at: Date | null; state: string; eval_tokens: number | null; eval_duration_ms: number | null }>(
      `SELECT node_id, started_at, finished_at, state, eval_tokens, eval_duration_ms FROM llm_calls
       WHERE started_at IS NOT NULL AND coalesce(finished_at, now()) > $1
         AND (state <> 'running' OR lease_expires_at > now())`,
      [new Date(sinceMs)],
    ),
  ]);
  return bucketLoad(
    nodes,
    calls.map((c) => ({
      nodeId: c.node_id,
      startedMs: c.started_at.getTime(),
      ...(c.finished_at ? { finishedMs: c.finished_at.getTime() } : {}),
      succeeded: c.state === 'succeeded',
      ...(c.eval_tokens !== null ? { evalTokens: c.eval_tokens } : {}),
      ...(c.eval_duration_ms !== null ? { evalDurationMs: Number(c.eval_duration_ms) } : {}),
    })),
    { nowMs, ...o },
  );
}
