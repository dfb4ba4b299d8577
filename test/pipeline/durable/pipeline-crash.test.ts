/**
 * A worker process SIGKILLed in the middle of a pipeline whose HTTP Request
 * node has made its request: another worker carries the run to its end, and
 * the request was made once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { readJson } from '../../helpers/api-server';
import { eventually } from '../../helpers/eventually';
import { recordHistory } from '../../helpers/histories';
import { testEnv } from '../../setup/test-env';
import { chain, httpNode, manualTrigger, setNode, startPipelineStage, waitNode, type PipelineStage } from './pipeline-stage';

const ROOT = path.join(__dirname, '..', '..', '..');
let s: PipelineStage;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  s = await startPipelineStage({ harness: { orchestrator: false } });
});
afterAll(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
  await s.close();
});

/** `npm run worker` as a process of its own on this file's task queue. */
async function startWorker(): Promise<ChildProcess> {
  const env = testEnv();
  // node itself with tsx as a loader: the tsx CLI would run the worker in a child process SIGKILL does not reach.
  const worker = spawn(process.execPath, ['--import', 'tsx', 'workers/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TEMPORAL_ADDRESS: env.temporalAddress,
      DATABASE_URL: env.databaseUrl,
      WHOOSH_DATA_DIR: env.scratchDir,
      WHOOSH_LOG_LEVEL: 'info',
      WHOOSH_TASK_QUEUE: s.h.taskQueue,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  workers.push(worker);
  let out = '';
  worker.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  worker.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  await eventually(async () => (out.includes('orchestrator worker running') ? true : worker.exitCode !== null ? Promise.reject(new Error(out)) : undefined), 'the worker to start', 90_000);
  return worker;
}

const view = async (id: string) => readJson(await s.call(`/api/v1/pipelines/executions/${id}`));

test('kill the worker after the HTTP request, start another: the run completes, the request was made once', async () => {
  const first = await startWorker();
  const doc = chain([
    manualTrigger(),
    setNode('Order', { order: 42 }),
    httpNode('Charge', `${s.http.url}/charge`, {}, { method: 'POST', sendBody: true, contentType: 'json', specifyBody: 'json', jsonBody: '={{ JSON.stringify({ order: $json.order }) }}' }),
    waitNode('Settle', 3),
    setNode('Receipt', { charged: '={{ $json.body.order }}' }),
  ]);
  const started = await s.run(doc, { wait: false });
  expect(started.status).toBe(201);
  const id: string = started.body.id;

  // The request is made and the run has gone past it: it waits on a durable timer.
  await eventually(async () => ((await view(id)).status === 'waiting' ? true : undefined), 'the run to wait after the request', 60_000);
  expect(s.http.count('/charge')).toBe(1);
  first.kill('SIGKILL');
  await new Promise((resolve) => (first.exitCode !== null || first.signalCode !== null ? resolve(undefined) : first.once('exit', resolve)));

  await startWorker();
  const done = await eventually(async () => {
    const v = await view(id);
    return v.status === 'success' || v.status === 'error' ? v : undefined;
  }, 'the run to complete on the second worker', 90_000);
  expect(done.status).toBe('success');
  expect(s.http.count('/charge')).toBe(1);
  expect(Object.keys(done.nodes)).toEqual(['Start', 'Order', 'Charge', 'Settle', 'Receipt']);
  expect(done.nodes.Charge[0][0]).toMatchObject({ path: '/charge', method: 'POST', body: { order: 42 } });
  expect(done.nodes.Receipt).toEqual([[{ charged: '42' }]]);
  await recordHistory('pipeline-run-worker-killed', s.h.client.workflow.getHandle(started.body.workflowId));
}, 240_000);
