/**
 * Readiness: can this process reach Temporal and Postgres right now? Each probe
 * has its own short deadline so a hung dependency shows as down, not as a hung
 * health check.
 */
import type { ApiContext } from '../context';

export interface ProbeResult {
  readonly ok: boolean;
  readonly latencyMs: number;
  readonly error?: string;
}

export interface Readiness {
  readonly ready: boolean;
  readonly down: string[];
  readonly checks: Record<'temporal' | 'postgres', ProbeResult>;
}

const PROBE_TIMEOUT_MS = 2000;

async function probe(fn: (signal: AbortSignal) => Promise<unknown>): Promise<ProbeResult> {
  const started = performance.now();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), PROBE_TIMEOUT_MS);
  try {
    await Promise.race([
      fn(controller.signal),
      new Promise((_, reject) => controller.signal.addEventListener('abort', () => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)))),
    ]);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: err instanceof Error ? err.message.split('\n')[0] : 'unreachable' };
  } finally {
    clearTimeout(timer);
  }
}

export async function checkReadiness(ctx: Pick<ApiContext, 'temporal' | 'pool' | 'dbHealth'>): Promise<Readiness> {
  const known = ctx.dbHealth?.up === false;
  const [temporal, postgres] = await Promise.all([
    probe((signal) =>
      ctx.temporal.connection.withAbortSignal(signal, () =>
        ctx.temporal.workflowService.describeNamespace({ namespace: ctx.temporal.options.namespace }),
      ),
    ),
    known ? Promise.resolve({ ok: false, latencyMs: 0, error: 'unavailable (reconnecting)' }) : probe(() => ctx.pool.query('SELECT 1')),
  ]);
  const checks = { temporal, postgres };
  const down = Object.entries(checks)
    .filter(([, r]) => !r.ok)
    .map(([name]) => name);
  return { ready: down.length === 0, down, checks };
}
