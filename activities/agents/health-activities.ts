/**
 * Health checks of the agent nodes, run by the `agentHealthSweep` schedule:
 * `/api/version`, `/api/tags` and `/api/ps` of every node through the ollama
 * client, each with a deadline. A node that does not answer is down at once
 * (so within two intervals of dying); one that answers but misses its
 * performance targets, or lacks a configured model, is degraded. Breaches raise
 * alerts; clearing conditions resolve them.
 */
import { Context } from '@temporalio/activity';
import { Ollama } from 'ollama/browser';
import type { Pool } from 'pg';
import type { WhooshConfig } from '../../infra/config';
import { guardedFetch } from '../../infra/outbound-policy';
import { listNodeViews, type AgentNodeView } from './agent-store';
import { raiseAlert, resolveAlert, type AlertKind } from './alert-store';

export interface NodeCheck {
  readonly nodeId: string;
  readonly status: 'up' | 'degraded' | 'down';
  readonly reason?: string;
  readonly latencyMs?: number;
}

const CHECK_TIMEOUT_MS = 5000;

/** `request` is the fetch for the node: held to security.outbound_allow when its endpoint was given over the API. */
async function probe(node: AgentNodeView, request: typeof fetch) {
  const signal = AbortSignal.timeout(CHECK_TIMEOUT_MS);
  const ollama = new Ollama({ host: node.endpoint, fetch: (url, init) => request(url, { ...init, signal }) });
  const started = performance.now();
  const [version, tags, ps] = await Promise.all([ollama.version(), ollama.list(), ollama.ps()]);
  return {
    version: version.version,
    installed: tags.models.map((m) => m.name),
    loaded: ps.models.map((m) => m.name),
    latencyMs: Math.round(performance.now() - started),
  };
}

const hasModel = (installed: string[], m: string): boolean => installed.some((i) => i === m || i === `${m}:latest` || m === `${i}:latest`);

export function createHealthActivities(pool: Pool, config: WhooshConfig) {
  const thresholds = config.monitoring.alert_thresholds;
  const apiNodeFetch = guardedFetch(config.security.outbound_allow);

  async function setAlert(on: boolean, nodeId: string, kind: AlertKind, severity: 'warning' | 'critical', message: string): Promise<void> {
    if (on) await raiseAlert(pool, nodeId, kind, severity, message);
    else await resolveAlert(pool, nodeId, kind);
  }

  async function checkOne(node: AgentNodeView): Promise<NodeCheck> {
    let result: Awaited<ReturnType<typeof probe>>;
    try {
      result = await probe(node, node.source === 'config' ? fetch : apiNodeFetch);
    } catch (err) {
      // fetch's errors may come from another realm (jest): duck-typed, not instanceof.
      const e = err as { name?: unknown; message?: unknown; cause?: { message?: unknown } } | null;
      const cause = typeof e?.cause?.message === 'string' ? `: ${e.cause.message}` : '';
      const reason = typeof e?.message === 'string' ? `${e.name === 'TimeoutError' ? `no answer within ${CHECK_TIMEOUT_MS} ms` : e.message}${cause}` : String(err);
      await pool.query(
        `INSERT INTO agent_node_health (node_id, status, reason, last_error, checked_at, consecutive_failures)
         VALUES ($1, 'down', $2, $2, now(), 1)
         ON CONFLICT (node_id) DO UPDATE SET status = 'down', reason = $2, last_error = $2, checked_at = now(),
           models_loaded = '{}', consecutive_failures = agent_node_health.consecutive_failures + 1`,
        [node.id, reason],
      );
      await setAlert(true, node.id, 'node_down', 'critical', `${node.name} (${node.endpoint}) is down: ${reason}`);
      return { nodeId: node.id, status: 'down', reason };
    }

    const problems: string[] = [];
    const missing = node.models.filter((m) => !hasModel(result.installed, m));
    const targets = node.performance_targets;
    const tps = node.stats.tokensPerSecond;
    const p95 = node.stats.latencyP95Ms;
    const slowTokens = targets.min_tokens_per_second !== undefined && tps !== null && tps < targets.min_tokens_per_second;
    const maxMs = targets.max_response_time_ms ?? thresholds.response_time * 1000;
    const slowResponse = p95 !== null && p95 > maxMs;
    if (missing.length > 0) problems.push(`missing models: ${missing.join(', ')}`);
    if (slowTokens) problems.push(`${tps} tokens/s, below the target of ${targets.min_tokens_per_second}`);
    if (slowResponse) problems.push(`p95 response ${p95} ms, above ${maxMs} ms`);
    const status = problems.length > 0 ? 'degraded' : 'up';
    const reason = problems.join('; ') || null;

    await pool.query(
      `INSERT INTO agent_node_health (node_id, status, version, models_installed, models_loaded, check_latency_ms, reason, last_seen, checked_at, consecutive_failures)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now(), now(), 0)
       ON CONFLICT (node_id) DO UPDATE SET status = $2, version = $3, models_installed = $4, models_loaded = $5,
         check_latency_ms = $6, reason = $7, last_seen = now(), checked_at = now(), consecutive_failures = 0`,
      [node.id, status, result.version, result.installed, result.loaded, result.latencyMs, reason],
    );
    await setAlert(false, node.id, 'node_down', 'critical', '');
    await setAlert(missing.length > 0, node.id, 'missing_models', 'warning', `${node.name} lacks ${missing.join(', ')}`);
    await setAlert(slowTokens, node.id, 'slow_tokens', 'warning', `${node.name}: ${tps} tokens/s, target ${targets.min_tokens_per_second}`);
    await setAlert(slowResponse, node.id, 'slow_response', 'warning', `${node.name}: p95 ${p95} ms, limit ${maxMs} ms`);
    return { nodeId: node.id, status, ...(reason ? { reason } : {}), latencyMs: result.latencyMs };
  }

  return {
    async checkAgentNodes(nodeIds?: readonly string[]): Promise<NodeCheck[]> {
      const all = await listNodeViews(pool, 300);
      const nodes = nodeIds ? all.filter((n) => nodeIds.includes(n.id)) : all;
      const results = await Promise.all(nodes.map((n) => checkOne(n)));
      Context.current().log.debug('agent nodes checked', { results });
      return results;
    },
  };
}
