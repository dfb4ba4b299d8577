/**
 * `pipeline-webhook`: a stored, activated pipeline — Webhook (responseMode
 * responseNode) → 5 Set nodes → Respond to Webhook — called at steady rates
 * (open loop, from a process of its own) on a whole stack. For each rate:
 * answer latency (the HTTP answer, which waits for the Respond to Webhook
 * node), end-to-end (request stored → run ended, from Postgres) and
 * executions/s completed; `temporal-baseline` is measured on the same stack.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import type { N8nNode, N8nWorkflow } from '../../../domain/pipeline/types';
import { withBenchStack } from '../bench-stack';
import { percentile, round, type Scenario } from '../report';
import { measureBaseline } from './temporal-baseline';

const RATES = (process.env.BENCH_RATES ?? '10,25,50').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const TOKEN = 'bench-pipeline-webhook-admin-0123456789';
const HOOK = 'bench-pipeline';

const TSX = path.join(__dirname, '..', '..', '..', 'node_modules', '.bin', 'tsx');
const LOAD = path.join(__dirname, '..', 'load', 'pipeline-webhook-load.ts');

interface LoadResult {
  answer: number[];
  executions: string[];
  errors: number;
  wrong: number;
  firstWrong?: string;
  seconds: number;
}

function sendLoad(url: string, rate: number, first: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    execFile(TSX, [LOAD, url, String(rate), String(SECONDS), String(first)], { maxBuffer: 64 * 1024 * 1024 }, (err, stdout) => {
      if (err) reject(err);
      else resolve(JSON.parse(stdout.trim().split('\n').pop()!) as LoadResult);
    });
  });
}

export function webhookPipeline(): N8nWorkflow {
  const nodes: N8nNode[] = [{ name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], parameters: { httpMethod: 'POST', path: HOOK, responseMode: 'responseNode', options: {} } }];
  for (let i = 1; i <= 5; i++) {
    nodes.push({
      name: `Set ${i}`,
      type: 'n8n-nodes-base.set',
      typeVersion: 3.4,
      position: [i * 200, 0],
      parameters: {
        assignments: { assignments: [{ id: `a${i}`, name: `f${i}`, value: i === 1 ? '={{ 1 }}' : `={{ $json.f${i - 1} + 1 }}`, type: 'number' }, ...(i === 1 ? [{ id: 'n', name: 'n', value: '={{ $json.body.n }}', type: 'number' }] : [])] },
        includeOtherFields: i > 1,
        options: {},
      },
    });
  }
  nodes.push({ name: 'Respond', type: 'n8n-nodes-base.respondToWebhook', typeVersion: 1.1, position: [1200, 0], parameters: { respondWith: 'firstIncomingItem', options: {} } });
  const connections: N8nWorkflow['connections'] = {};
  for (let i = 0; i + 1 < nodes.length; i++) connections[nodes[i]!.name] = { main: [[{ node: nodes[i + 1]!.name, type: 'main', index: 0 }]] };
  return { name: 'bench: webhook → 5 nodes → respond', nodes, connections, settings: { executionOrder: 'v1' } };
}

export const pipelineWebhook: Scenario = {
  name: 'pipeline-webhook',
  description: 'a stored pipeline Webhook → 5 nodes → Respond to Webhook at steady rates: answer p99, end-to-end, executions/s',
  async run(log) {
    const options = { api: true, config: { security: { admin_token: TOKEN, rate_limit_per_minute: 1_000_000 } } };
    return withBenchStack('pipeline-webhook', options, async (stack, config) => {
      const call = async (method: string, p: string, body?: unknown) => {
        const res = await fetch(`${stack.apiUrl}/api/v1${p}`, { method, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
        if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${await res.text()}`);
        return (await res.json()) as { id: string; problems?: unknown[] };
      };
      const saved = await call('POST', '/pipelines', webhookPipeline());
      if (saved.problems?.length) throw new Error(`the bench pipeline has problems: ${JSON.stringify(saved.problems)}`);
      await call('POST', `/pipelines/${saved.id}/activate`);
      const url = `${stack.apiUrl}/webhook/${HOOK}`;
      // Warm up (engine load, first sandbox, caches) outside the measurements.
      await sendLoad(url, 5, 0);
      const steps: Record<string, unknown>[] = [];
      let first = 1_000;
      for (const rate of RATES) {
        const load = await sendLoad(url, rate, first);
        first += rate * SECONDS;
        const ids = load.executions.filter(Boolean);
        const { rows } = await stack.pool.query<{ ms: number; stopped: Date; status: string }>(
          `SELECT extract(epoch FROM e.stopped_at - r.received_at) * 1000 AS ms, e.stopped_at AS stopped, e.status
             FROM pipeline_requests r JOIN pipeline_executions e ON e.id = r.execution_id WHERE r.execution_id = ANY($1)`,
          [ids],
        );
        const ended = rows.filter((r) => r.status === 'success');
        const endToEnd = ended.map((r) => Number(r.ms)).sort((a, b) => a - b);
        const stops = ended.map((r) => r.stopped.getTime()).sort((a, b) => a - b);
        load.answer.sort((a, b) => a - b);
        const step = {
          rate,
          sent: Math.round(rate * SECONDS),
          achievedRate: round(Math.round(rate * SECONDS) / load.seconds, 1),
          errors: load.errors,
          wrongAnswers: load.wrong,
          ...(load.firstWrong ? { firstWrong: load.firstWrong } : {}),
          succeeded: ended.length,
          answerP50Ms: round(percentile(load.answer, 50), 1),
          answerP99Ms: round(percentile(load.answer, 99), 1),
          endToEndP50Ms: round(percentile(endToEnd, 50), 1),
          endToEndP99Ms: round(percentile(endToEnd, 99), 1),
          // Completed runs over the span from the first to the last run ending.
          executionsPerSecond: stops.length > 1 ? round((stops.length - 1) / ((stops.at(-1)! - stops[0]!) / 1000), 1) : 0,
        };
        steps.push(step);
        log(JSON.stringify(step));
      }
      const baseline = await measureBaseline(stack, config.temporal.task_queue, 200, 20, log);
      return { secondsPerRate: SECONDS, steps, temporalBaseline: baseline };
    });
  },
};
