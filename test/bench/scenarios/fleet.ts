/**
 * `fleet`: three simulated Ollama nodes with `parallel: 2` behind the whole
 * stack; 300 LLM calls of a fixed simulated duration, started at once.
 *  - run 1: utilization of the six slots while work is queued, and makespan
 *    against the ideal (calls × duration / slots);
 *  - run 2: the same, with one node killed when half the calls are done:
 *    how long displaced calls took to run again elsewhere.
 * `temporal-baseline` is measured on the same stack and reported beside it.
 */
import { randomUUID } from 'node:crypto';
import type { WhooshConfig } from '../../../infra/config';
import type { Stack } from '../../../infra/stack';
import { withBenchStack } from '../bench-stack';
import type { LlmResult } from '../../../domain/routing/llm-call';
import { OllamaSimulator } from '../../../simulators/ollama';
import { round, type Scenario } from '../report';
import { measureBaseline } from './temporal-baseline';

const CALLS = Number(process.env.BENCH_CALLS ?? 300);
const NODES = 3;
const PARALLEL = 2;
const TOKENS_PER_SECOND = 100;
/** Simulated generation time of each call (BENCH_CALL_SECONDS; default 1 s, short for an LLM answer). */
const CALL_SECONDS = Number(process.env.BENCH_CALL_SECONDS ?? 1);
const TOKENS = Math.round(CALL_SECONDS * TOKENS_PER_SECOND);
const MODEL = 'bench-model:7b';

interface CallRow {
  node_id: string;
  state: string;
  reserved: number;
  started: number | null;
  finished: number | null;
  workflow_id: string;
}

async function runCalls(stack: Stack, config: WhooshConfig, tag: string, onProgress: (done: number) => Promise<void>): Promise<{ results: LlmResult[]; seconds: number }> {
  const t0 = performance.now();
  const handles = await Promise.all(
    Array.from({ length: CALLS }, (_, i) =>
      stack.client.workflow.start('llmCall', {
        workflowId: `bench-fleet:${tag}:${i}:${randomUUID()}`,
        taskQueue: config.temporal.task_queue,
        args: [{ needs: { model: MODEL }, request: { messages: [{ role: 'user', content: `call ${i}` }] } }],
      }),
    ),
  );
  let done = 0;
  const results = await Promise.all(
    handles.map(async (h) => {
      const r = (await h.result()) as LlmResult;
      done++;
      await onProgress(done);
      return r;
    }),
  );
  return { results, seconds: (performance.now() - t0) / 1000 };
}

async function callRows(stack: Stack, tag: string): Promise<CallRow[]> {
  const { rows } = await stack.pool.query<CallRow>(
    `SELECT node_id, state, extract(epoch FROM reserved_at) * 1000 AS reserved, extract(epoch FROM started_at) * 1000 AS started,
            extract(epoch FROM finished_at) * 1000 AS finished, workflow_id
     FROM llm_calls WHERE workflow_id LIKE $1`,
    [`bench-fleet:${tag}:%`],
  );
  const num = (v: number | null): number | null => (v === null ? null : Number(v));
  return rows.map((r) => ({ ...r, reserved: Number(r.reserved), started: num(r.started), finished: num(r.finished) }));
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/** Busy slot-time over slot capacity, from the first start until the last call started (work still queued). */
function utilization(rows: CallRow[], slots: number): { whileQueued: number; overall: number; makespan: number } {
  const ran = rows.filter((r) => r.started !== null && r.finished !== null && r.state === 'succeeded');
  const t0 = Math.min(...ran.map((r) => r.started!));
  const lastStart = Math.max(...ran.map((r) => r.started!));
  const end = Math.max(...ran.map((r) => r.finished!));
  const busy = (from: number, to: number) => ran.reduce((sum, r) => sum + Math.max(0, Math.min(r.finished!, to) - Math.max(r.started!, from)), 0);
  return {
    whileQueued: busy(t0, lastStart) / (slots * (lastStart - t0)),
    overall: busy(t0, end) / (slots * (end - t0)),
    makespan: (end - t0) / 1000,
  };
}

export const fleet: Scenario = {
  name: 'fleet',
  description: `${CALLS} LLM calls on ${NODES} simulated nodes × parallel ${PARALLEL}: utilization, makespan, failover`,
  async run(log) {
    const sims = await Promise.all(Array.from({ length: NODES }, () => OllamaSimulator.start({ models: [MODEL], tokensPerSecond: TOKENS_PER_SECOND, respond: () => 'token '.repeat(TOKENS).trim() })));
    const agents = Object.fromEntries(sims.map((s, i) => [`gpu-${i + 1}`, { endpoint: s.url, model: MODEL, parallel: PARALLEL }]));
    try {
      return await withBenchStack('fleet', { config: { agents, llm: { heartbeat_timeout_seconds: 5 } } }, async (stack, config) => {
        const slots = NODES * PARALLEL;
        const ideal = (CALLS * CALL_SECONDS) / slots;

        log(`run 1: ${CALLS} calls, ${slots} slots, ideal makespan ${ideal.toFixed(1)} s`);
        const run1 = await runCalls(stack, config, 'steady', async (done) => {
          if (done % 100 === 0) log(`  ${done}/${CALLS} calls done`);
        });
        const u1 = utilization(await callRows(stack, 'steady'), slots);
        const perNode = Object.fromEntries(sims.map((s, i) => [`gpu-${i + 1}`, { calls: s.stats.chat, maxInFlight: s.stats.maxInFlight }]));
        log(`  makespan ${u1.makespan.toFixed(1)} s (${run1.seconds.toFixed(1)} s wall), utilization while queued ${(u1.whileQueued * 100).toFixed(1)}%`);

        log(`run 2: the same, gpu-3 killed after ${CALLS / 2} calls complete`);
        let killedAt = 0;
        const run2 = await runCalls(stack, config, 'failover', async (done) => {
          if (done === CALLS / 2 && killedAt === 0) {
            killedAt = Date.now();
            await sims[2]!.kill();
            log(`  killed gpu-3 at ${done}/${CALLS}`);
          }
        });
        const rows2 = await callRows(stack, 'failover');
        const displaced = new Set(rows2.filter((r) => r.node_id === 'gpu-3' && r.state === 'failed').map((r) => r.workflow_id));
        const elsewhere = rows2.filter((r) => displaced.has(r.workflow_id) && r.node_id !== 'gpu-3');
        const reroutes = elsewhere.map((r) => r.reserved - killedAt);
        const restarts = elsewhere.filter((r) => r.started !== null).map((r) => r.started! - killedAt);
        const failedOverResults = run2.results.filter((r) => r.failedOver.length > 0).length;
        const u2 = utilization(rows2, slots);
        const ideal2 = (CALLS / 2) * CALL_SECONDS / slots + (CALLS / 2) * CALL_SECONDS / (slots - PARALLEL);
        log(`  ${displaced.size} calls displaced; all re-routed within ${(Math.max(...reroutes) / 1000).toFixed(1)} s, running again within ${(Math.max(...restarts) / 1000).toFixed(1)} s`);

        const baseline = await measureBaseline(stack, config.temporal.task_queue, 200, 20, log);
        return {
          calls: CALLS,
          nodes: NODES,
          parallel: PARALLEL,
          callSeconds: CALL_SECONDS,
          idealMakespanSeconds: round(ideal),
          makespanSeconds: round(u1.makespan),
          makespanVsIdeal: round(u1.makespan / ideal, 3),
          utilizationWhileQueued: round(u1.whileQueued, 3),
          utilizationOverall: round(u1.overall, 3),
          perNode,
          failover: {
            killedNode: 'gpu-3',
            displacedCalls: displaced.size,
            callsReportingFailover: failedOverResults,
            // Kill → the displaced call reserved on a live node (it then queues behind that node's backlog).
            reroutedWithinSeconds: { median: round(median(reroutes) / 1000), max: round(Math.max(...reroutes) / 1000) },
            // Kill → the displaced call streaming again on a live node.
            runningAgainWithinSeconds: { median: round(median(restarts) / 1000), max: round(Math.max(...restarts) / 1000) },
            makespanSeconds: round(u2.makespan),
            idealMakespanSeconds: round(ideal2),
            allCompleted: run2.results.length === CALLS,
          },
          temporalBaseline: baseline,
        };
      });
    } finally {
      await Promise.all(sims.map((s) => s.stop().catch(() => undefined)));
    }
  },
};
