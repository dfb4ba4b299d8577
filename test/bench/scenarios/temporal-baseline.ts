/**
 * `temporal-baseline`: a bare workflow with one no-op activity on this stack
 * (embedded dev server with SQLite, one orchestrator worker), started by the
 * client with a fixed number in flight. Later scenarios report beside it.
 */
import { randomUUID } from 'node:crypto';
import type { Stack } from '../../../infra/stack';
import { withBenchStack } from '../bench-stack';
import { percentile, round, type Scenario } from '../report';

const WORKFLOWS = Number(process.env.BENCH_WORKFLOWS ?? 500);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);
const WARMUP = 20;

/** Runs `workflows` baseline workflows, `concurrency` at a time, on a running stack. */
export async function measureBaseline(stack: Stack, taskQueue: string, workflows: number, concurrency: number, log: (line: string) => void) {
  const runOne = async (): Promise<number> => {
    const t0 = performance.now();
    await stack.client.workflow.execute('baseline', { workflowId: `bench-baseline:${randomUUID()}`, taskQueue });
    return performance.now() - t0;
  };
  for (let i = 0; i < WARMUP; i++) await runOne();
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < workflows) {
        next++;
        latencies.push(await runOne());
        if (latencies.length % 100 === 0) log(`${latencies.length}/${workflows} baseline workflows`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    workflows,
    concurrency,
    workflowsPerSecond: round(workflows / seconds, 1),
    p50Ms: round(percentile(latencies, 50), 1),
    p99Ms: round(percentile(latencies, 99), 1),
    maxMs: round(latencies[latencies.length - 1]!, 1),
  };
}

export const temporalBaseline: Scenario = {
  name: 'temporal-baseline',
  description: 'workflows/s and latency of a one-activity workflow',
  async run(log) {
    return withBenchStack('baseline', {}, (stack, config) => measureBaseline(stack, config.temporal.task_queue, WORKFLOWS, CONCURRENCY, log));
  },
};
