/**
 * A worker process SIGKILLed in the middle of a pipeline whose HTTP Request
 * node has made its request: another worker carries the run to its end, and
 * the request was made once.
 */
import { readJson } from '../../helpers/api-server';
import { eventually } from '../../helpers/eventually';
import { recordHistory } from '../../helpers/histories';
import type { N8nNode } from '../../../domain/pipeline/types';
import { workerProcesses } from '../../helpers/worker-process';
import { chain, httpNode, manualTrigger, setNode, startPipelineStage, waitNode, type PipelineStage } from './pipeline-stage';

let s: PipelineStage;
const workers = workerProcesses(() => s.h.taskQueue);
const startWorker = () => workers.start();

beforeAll(async () => {
  s = await startPipelineStage({ harness: { orchestrator: false } });
});
afterAll(async () => {
  workers.killAll();
  await s.close();
});

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

test('kill the worker in the middle of the segment after the request: another worker runs the segment again, never the request', async () => {
  const first = await startWorker();
  const generate: N8nNode = {
    name: 'Generate',
    type: 'n8n-nodes-base.code',
    typeVersion: 2,
    position: [0, 0],
    parameters: { mode: 'runOnceForAllItems', jsCode: 'return Array.from({ length: 5000 }, (_, i) => ({ json: { i, order: $input.first().json.body.order } }));' },
  };
  const sets = Array.from({ length: 10 }, (_, k) => setNode(`Step ${k + 1}`, { [`s${k + 1}`]: `={{ $json.i * ${k + 1} }}` }, true));
  const doc = chain([
    manualTrigger(),
    httpNode('Charge', `${s.http.url}/charge-big`, {}, { method: 'POST', sendBody: true, contentType: 'json', specifyBody: 'json', jsonBody: '{"order": 7}' }),
    generate,
    ...sets,
  ]);
  const started = await s.run(doc, { wait: false });
  const id: string = started.body.id;
  // The request's result is stored: the next advance (50,000 evaluations) is under way.
  await eventually(async () => ((await s.h.pool.query('SELECT 1 FROM pipeline_resumes WHERE execution_id = $1', [id])).rowCount === 1 ? true : undefined), 'the request to complete', 60_000);
  await new Promise((r) => setTimeout(r, 1500));
  first.kill('SIGKILL');
  await new Promise((resolve) => (first.exitCode !== null || first.signalCode !== null ? resolve(undefined) : first.once('exit', resolve)));
  const stored = await s.h.pool.query<{ n: number }>('SELECT max(seq)::int AS n FROM pipeline_states WHERE execution_id = $1', [id]);
  // The kill landed before the segment after the request was stored (step 1 is the request).
  expect(stored.rows[0]!.n).toBe(1);
  expect(s.http.count('/charge-big')).toBe(1);

  await startWorker();
  const done = await eventually(async () => {
    const v = await view(id);
    return v.status === 'success' || v.status === 'error' ? v : undefined;
  }, 'the run to complete on the second worker', 120_000);
  expect(done.status).toBe('success');
  expect(s.http.count('/charge-big')).toBe(1);
  expect(done.nodes['Step 10'][0]).toHaveLength(5000);
  expect(done.nodes['Step 10'][0][4999]).toMatchObject({ i: 4999, order: 7, s1: '4999', s10: '49990' });
}, 300_000);
