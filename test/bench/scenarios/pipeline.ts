/**
 * `pipeline`: n8n documents through the API (`wait=true`) on a whole stack.
 *
 * - per-node time: a chain of 40 Set nodes (one expression each) and a chain
 *   of 1, alternately, 20 runs each; (40-node − 1-node) / 39 from each run's
 *   startedAt/stoppedAt, p50 and p95 over the pairs;
 * - executions/s of a 5-node pipeline with 20 in flight, beside
 *   `temporal-baseline` on the same stack;
 * - peak RSS (VmHWM) of a worker process of its own (`npm run worker`'s
 *   entry, which caps its heap at worker.max_heap_mb) while a 20-node pipeline
 *   carries 10,000 items; and with the cap off, for comparison.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { documentHash, pipelineWorkflowId } from '../../../activities/pipeline/pipeline-activities';
import { getExecution, insertExecution } from '../../../activities/pipeline/pipeline-store';
import type { N8nNode, N8nWorkflow } from '../../../domain/pipeline/types';
import { withBenchStack } from '../bench-stack';
import { percentile, round, type Scenario } from '../report';
import { measureBaseline } from './temporal-baseline';

const ROOT = path.join(__dirname, '..', '..', '..');
const PAIRS = Number(process.env.BENCH_PIPELINE_RUNS ?? 20);
const THROUGHPUT_RUNS = Number(process.env.BENCH_PIPELINE_EXECUTIONS ?? 300);
const CONCURRENCY = 20;
const BIG_ITEMS = Number(process.env.BENCH_PIPELINE_ITEMS ?? 10_000);
const TOKEN = 'bench-pipeline-admin-token-0123456789';

function setChain(count: number): N8nWorkflow {
  const nodes: N8nNode[] = [{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} }];
  for (let i = 1; i <= count; i++) {
    nodes.push({
      name: `Set ${i}`,
      type: 'n8n-nodes-base.set',
      typeVersion: 3.4,
      position: [i * 200, 0],
      parameters: { assignments: { assignments: [{ id: `a${i}`, name: `f${i}`, value: `={{ ($json.f${i - 1} ?? 0) + 1 }}`, type: 'number' }] }, includeOtherFields: true, options: {} },
    });
  }
  const connections: N8nWorkflow['connections'] = {};
  for (let i = 0; i + 1 < nodes.length; i++) connections[nodes[i]!.name] = { main: [[{ node: nodes[i + 1]!.name, type: 'main', index: 0 }]] };
  return { name: `chain of ${count}`, nodes, connections, settings: { executionOrder: 'v1' } };
}

interface RunView {
  status: string;
  startedAt: string;
  stoppedAt: string | null;
  error: unknown;
}

/** VmHWM: the process's peak resident set, in MB. */
function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

/** Resets VmHWM to the current RSS (Linux ≥ 4.0), so the peak is this run's, not the worker's start-up bundling. */
function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) / 1024;
}

export const pipeline: Scenario = {
  name: 'pipeline',
  description: 'per-node time (40 vs 1 Set nodes), executions/s at 20 in flight vs temporal-baseline, worker peak RSS on 10,000 items',
  async run(log) {
    return withBenchStack(
      'pipeline',
      { api: true, config: { security: { admin_token: TOKEN, rate_limit_per_minute: 10_000_000 }, server: { body_limit: '32mb' } } },
      async (stack, config) => {
        const post = async (workflow: N8nWorkflow, input?: unknown[]): Promise<RunView> => {
          const res = await fetch(`${stack.apiUrl}/api/v1/pipelines/executions?wait=true&timeoutSeconds=300`, {
            method: 'POST',
            headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
            body: JSON.stringify({ workflow, ...(input ? { input } : {}) }),
          });
          const body = (await res.json()) as RunView;
          if (res.status !== 200 || body.status !== 'success') throw new Error(`pipeline run answered ${res.status}: ${JSON.stringify(body).slice(0, 500)}`);
          return body;
        };
        const span = (v: RunView): number => Date.parse(v.stoppedAt!) - Date.parse(v.startedAt);

        // ---- per-node time
        const long = setChain(40);
        const short = setChain(1);
        for (let i = 0; i < 5; i++) {
          await post(long);
          await post(short);
        }
        const perNode: number[] = [];
        const longMs: number[] = [];
        const shortMs: number[] = [];
        for (let i = 0; i < PAIRS; i++) {
          const a = span(await post(long));
          const b = span(await post(short));
          longMs.push(a);
          shortMs.push(b);
          perNode.push((a - b) / 39);
        }
        const sorted = (xs: number[]) => [...xs].sort((p, q) => p - q);
        log(`40-node chain p50 ${percentile(sorted(longMs), 50)} ms, 1-node chain p50 ${percentile(sorted(shortMs), 50)} ms`);

        // ---- executions/s at 20 in flight, and the baseline on the same stack
        const five = setChain(4);
        for (let i = 0; i < 20; i++) await post(five);
        let next = 0;
        const latencies: number[] = [];
        const t0 = performance.now();
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            while (next < THROUGHPUT_RUNS) {
              next++;
              const s = performance.now();
              await post(five);
              latencies.push(performance.now() - s);
            }
          }),
        );
        const pipelinesPerSecond = THROUGHPUT_RUNS / ((performance.now() - t0) / 1000);
        log(`${round(pipelinesPerSecond, 1)} pipeline executions/s`);
        const baseline = await measureBaseline(stack, config.temporal.task_queue, 500, CONCURRENCY, log);

        // ---- a worker process of its own carries 10,000 items through 20 nodes: started as `npm run worker`
        // starts it (its entry re-executes itself with V8's old space capped at worker.max_heap_mb, 384 MB
        // by default), and with the cap off (WHOOSH_WORKER_MAX_HEAP_MB=0), Node's default heap limit.
        const bigRun = async (maxHeapMb?: number) => {
          const rssQueue = `bench-pipeline-rss-${randomUUID().slice(0, 8)}`;
          const worker: ChildProcess = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['workers/main.ts'], {
            cwd: ROOT,
            env: {
              PATH: process.env.PATH,
              HOME: process.env.HOME,
              TEMPORAL_ADDRESS: stack.temporalAddress,
              DATABASE_URL: stack.databaseUrl,
              WHOOSH_DATA_DIR: config.data_dir,
              WHOOSH_LOG_LEVEL: 'info',
              WHOOSH_TASK_QUEUE: rssQueue,
              ...(maxHeapMb !== undefined ? { WHOOSH_WORKER_MAX_HEAP_MB: String(maxHeapMb) } : {}),
            },
            stdio: ['ignore', 'pipe', 'pipe'],
          });
          let out = '';
          worker.stdout!.on('data', (d: Buffer) => (out += d.toString()));
          worker.stderr!.on('data', (d: Buffer) => (out += d.toString()));
          try {
            const deadline = Date.now() + 120_000;
            while (!out.includes('orchestrator worker running')) {
              if (worker.exitCode !== null || Date.now() > deadline) throw new Error(`the RSS worker did not start: ${out.slice(-2000)}`);
              await new Promise((r) => setTimeout(r, 100));
            }
            // The worker is the process that logged its pid (under tsx, and under the entry's re-executing parent).
            const pid = Number(/"pid":(\d+)[^\n]*orchestrator worker running/.exec(out)?.[1]);
            if (!Number.isInteger(pid)) throw new Error(`the RSS worker did not log its pid: ${out.slice(-2000)}`);
            // Let the worker settle after bundling its workflows, then measure from here.
            await new Promise((r) => setTimeout(r, 3000));
            const idleMb = rssMb(pid);
            const reset = resetPeak(pid);
            let sampledPeak = idleMb;
            const sampler = setInterval(() => (sampledPeak = Math.max(sampledPeak, rssMb(pid))), 50);
            const big = setChain(20);
            const items = Array.from({ length: BIG_ITEMS }, (_, i) => ({ json: { id: i, name: `item ${i}`, tags: ['a', 'b'] } }));
            const id = randomUUID();
            const key = documentHash(big);
            const workflowId = pipelineWorkflowId(key, id);
            await insertExecution(stack.pool, { id, workflowId, pipelineKey: key, document: big, documentHash: key, input: items, mode: 'manual' });
            const t = performance.now();
            await stack.client.workflow.execute('pipelineRun', { workflowId, taskQueue: rssQueue, args: [{ executionId: id, pipelineKey: key, mode: 'manual' }] });
            const seconds = (performance.now() - t) / 1000;
            clearInterval(sampler);
            const row = await getExecution(stack.pool, id);
            if (row?.status !== 'success') throw new Error(`the 10,000-item run ended ${row?.status}: ${JSON.stringify(row?.error)}`);
            const peakMb = reset ? peakRssMb(pid) : sampledPeak;
            log(`10,000 items × 20 nodes (max_heap_mb ${maxHeapMb ?? 'default'}) in ${round(seconds, 1)} s; worker RSS idle ${round(idleMb)} MB, peak ${round(peakMb)} MB`);
            return { seconds: round(seconds, 1), workerIdleRssMb: round(idleMb), workerPeakRssMb: round(peakMb), peakFrom: reset ? 'VmHWM reset before the run' : 'VmRSS sampled every 50 ms' };
          } finally {
            worker.kill('SIGTERM');
            await new Promise((r) => (worker.exitCode !== null ? r(undefined) : worker.once('exit', r)));
          }
        };
        const asStarted = await bigRun();
        const uncapped = await bigRun(0);

        const p = sorted(perNode);
        return {
          perNodeMs: { p50: round(percentile(p, 50), 2), p95: round(percentile(p, 95), 2), runs: PAIRS },
          chainMs: { node40p50: percentile(sorted(longMs), 50), node1p50: percentile(sorted(shortMs), 50) },
          executionsPerSecond: round(pipelinesPerSecond, 1),
          pipelineP50Ms: round(percentile(sorted(latencies), 50), 1),
          baselineWorkflowsPerSecond: baseline.workflowsPerSecond,
          ratioToBaseline: round(pipelinesPerSecond / baseline.workflowsPerSecond, 2),
          bigRun: { items: BIG_ITEMS, nodes: 20, default: asStarted, maxHeapMb0: uncapped },
          targets: { perNodeMsP50: 2, ratioToBaseline: 0.9, workerPeakRssMb: 512 },
        };
      },
    );
  },
};
