/**
 * A worker process SIGKILLed while its run waits at a Wait on webhook: the
 * call is stored and acknowledged with no worker alive, and the next worker
 * carries the run on with the call's body.
 */
import { readJson } from '../../helpers/api-server';
import { eventually } from '../../helpers/eventually';
import { workerProcesses } from '../../helpers/worker-process';
import { chain, manualTrigger, setNode, startPipelineStage, waitWebhookNode, type PipelineStage } from './pipeline-stage';

const PUBLIC = 'https://whoosh.example.test';
let s: PipelineStage;
const workers = workerProcesses(() => s.h.taskQueue);

beforeAll(async () => {
  s = await startPipelineStage({ harness: { orchestrator: false } });
});
afterAll(async () => {
  workers.killAll();
  await s.close();
});

const view = async (id: string) => readJson(await s.call(`/api/v1/pipelines/executions/${id}`));

test('kill the worker while the run waits for its call, call, start another: the run goes on with the body', async () => {
  const first = await workers.start({ WHOOSH_PUBLIC_URL: PUBLIC });
  const doc = chain([manualTrigger(), setNode('Link', { url: '={{ $execution.resumeUrl }}' }), waitWebhookNode('Hold'), setNode('Read', { got: '={{ $json.body.answer }}' })]);
  const started = await s.run(doc, { wait: false });
  expect(started.status).toBe(201);
  const id: string = started.body.id;
  await eventually(async () => ((await view(id)).status === 'waiting' ? true : undefined), 'the run to wait at Hold', 60_000);
  expect((await view(id)).nodes.Link).toEqual([[{ url: `${PUBLIC}/webhook-waiting/${id}` }]]);
  first.kill('SIGKILL');
  await new Promise((resolve) => (first.exitCode !== null || first.signalCode !== null ? resolve(undefined) : first.once('exit', resolve)));

  const res = await fetch(`${s.api.url}/webhook-waiting/${id}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ answer: 'after the crash' }) });
  expect(res.status).toBe(200);
  expect((await fetch(`${s.api.url}/webhook-waiting/${id}`, { method: 'POST' })).status).toBe(409);

  await workers.start({ WHOOSH_PUBLIC_URL: PUBLIC });
  const done = await eventually(async () => {
    const v = await view(id);
    return v.status === 'success' || v.status === 'error' ? v : undefined;
  }, 'the run to end on the second worker', 90_000);
  expect(done.status).toBe('success');
  expect(done.nodes.Read).toEqual([[{ got: 'after the crash' }]]);
}, 240_000);
