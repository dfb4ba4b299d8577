/**
 * Wait on webhook on the real stack: the run parks at the Wait node, a POST to
 * its resume URL ($execution.resumeUrl, under server.public_url) resumes it
 * with the call as one item, a second call is 409; with a limit the run goes
 * on by itself and the node passes its items through.
 */
import { readJson } from '../../helpers/api-server';
import { eventually } from '../../helpers/eventually';
import { chain, manualTrigger, setNode, startPipelineStage, waitWebhookNode, type PipelineStage } from './pipeline-stage';

const PUBLIC = 'https://whoosh.example.test';
let s: PipelineStage;

beforeAll(async () => {
  s = await startPipelineStage({ config: { server: { public_url: PUBLIC } } });
});
afterAll(async () => {
  await s.close();
});

const view = async (id: string) => readJson(await s.call(`/api/v1/pipelines/executions/${id}`));
const ended = (id: string) =>
  eventually(async () => {
    const v = await view(id);
    return v.status === 'success' || v.status === 'error' ? v : undefined;
  }, 'the run to end', 60_000);
const resume = (id: string, init: RequestInit & { suffix?: string } = {}) => fetch(`${s.api.url}/webhook-waiting/${id}${init.suffix ? `/${init.suffix}` : ''}`, { method: 'POST', ...init });

test('a POST to the resume URL resumes the run with { headers, params, query, body }; a second POST is 409', async () => {
  const doc = chain([
    manualTrigger(),
    setNode('Link', { url: '={{ $execution.resumeUrl }}' }),
    waitWebhookNode('Hold', { options: { webhookSuffix: '/answer' } }),
    setNode('Read', { got: '={{ $json.body.answer }}', q: '={{ $json.query.from }}' }),
  ]);
  const started = await s.run(doc, { wait: false });
  expect(started.status).toBe(201);
  const id: string = started.body.id;
  await eventually(async () => ((await view(id)).status === 'waiting' ? true : undefined), 'the run to wait at Hold', 60_000);
  expect((await view(id)).nodes.Link).toEqual([[{ url: `${PUBLIC}/webhook-waiting/${id}` }]]);

  // Not the node's method or suffix: no such webhook, and the run still waits.
  expect((await resume(id, { method: 'GET', suffix: 'answer' })).status).toBe(404);
  expect((await resume(id)).status).toBe(404);
  expect((await view(id)).status).toBe('waiting');

  const res = await resume(`${id}`, { suffix: 'answer?from=ci', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ answer: 'yes' }) });
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ message: 'Workflow was started' });
  const again = await resume(id, { suffix: 'answer', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ answer: 'no' }) });
  expect(again.status).toBe(409);

  const done = await ended(id);
  expect(done.status).toBe('success');
  expect(done.nodes.Read).toEqual([[{ got: 'yes', q: 'ci' }]]);
  const item = done.nodes.Hold[0][0];
  expect(Object.keys(item).sort()).toEqual(['body', 'headers', 'params', 'query']);
  expect(item).toMatchObject({ body: { answer: 'yes' }, params: {}, query: { from: 'ci' }, headers: { 'content-type': 'application/json' } });
  expect((await resume(id, { suffix: 'answer' })).status).toBe(409);
}, 120_000);

test('with a 2-second limit and no call, the run goes on by itself with the input items; a later call is 409', async () => {
  const doc = chain([
    manualTrigger(),
    setNode('Before', { n: 1 }),
    waitWebhookNode('Hold', { httpMethod: 'PUT', limitWaitTime: true, resumeAmount: 2, resumeUnit: 'seconds' }),
    setNode('After', { n: '={{ $json.n + 1 }}' }),
  ]);
  const started = await s.run(doc, { wait: false });
  const id: string = started.body.id;
  const done = await ended(id);
  expect(done.status).toBe('success');
  expect(done.nodes.Hold).toEqual([[{ n: 1 }]]);
  expect(done.nodes.After).toEqual([[{ n: '2' }]]);
  expect((await resume(id, { method: 'PUT' })).status).toBe(409);
  expect((await resume('no-such-execution')).status).toBe(404);
}, 120_000);
