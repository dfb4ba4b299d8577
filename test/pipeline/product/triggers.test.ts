/**
 * Triggers of stored pipelines on the real stack: import → activate → the
 * webhook answers per response mode; the run uses the version pinned when it
 * was called (/webhook) or the latest saved one (/webhook-test); header and
 * basic authentication; a path serves one pipeline; a Schedule Trigger is a
 * Temporal Schedule that fires, pauses and goes away with the pipeline.
 */
import { randomUUID } from 'node:crypto';
import { ScheduleNotFoundError } from '@temporalio/client';
import { pipelineScheduleId } from '../../../activities/pipeline/pipeline-schedules';
import { readJson } from '../../helpers/api-server';
import { eventually } from '../../helpers/eventually';
import { chain, setNode } from '../durable/pipeline-stage';
import { respondNode, scheduleNode, startTriggerStage, webhookNode, type TriggerStage } from './trigger-stage';

let s: TriggerStage;
beforeAll(async () => {
  s = await startTriggerStage();
});
afterAll(async () => {
  await s.close();
});

const hook = (path: string, init: RequestInit = {}) => fetch(`${s.hooks.url}${path}`, { method: 'POST', ...init, headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string>) } });
const uniquePath = () => `hooks/${randomUUID().slice(0, 8)}`;

test('an active pipeline answers on /webhook per response mode: onReceived, lastNode, responseNode', async () => {
  const [a, b, c] = [uniquePath(), uniquePath(), uniquePath()];
  const ids = [
    await s.create(chain([webhookNode(a), setNode('Echo', { x: '={{ $json.body.x }}' })])),
    await s.create(chain([webhookNode(b, { responseMode: 'lastNode' }), setNode('Echo', { x: '={{ $json.body.x }}', q: '={{ $json.query.q }}' })])),
    await s.create(chain([webhookNode(c, { responseMode: 'responseNode' }), respondNode('={{ JSON.stringify({ got: $json.body.x }) }}', 201), setNode('After', { more: true })])),
  ];
  expect((await hook(`/webhook/${a}`, { body: '{"x":1}' })).status).toBe(404);
  for (const id of ids) expect((await s.post(`/api/v1/pipelines/${id}/activate`)).status).toBe(200);

  const received = await hook(`/webhook/${a}`, { body: '{"x":1}' });
  expect(received.status).toBe(200);
  expect(await readJson(received)).toEqual({ message: 'Workflow was started' });
  const executionId = received.headers.get('x-whoosh-execution-id')!;
  await eventually(async () => ((await readJson(await s.call(`/api/v1/pipelines/executions/${executionId}`))).status === 'success' ? true : undefined), 'the onReceived run');
  const run = await readJson(await s.call(`/api/v1/pipelines/executions/${executionId}`));
  expect(run).toMatchObject({ pipelineId: ids[0], version: 1, trigger: 'webhook', mode: 'webhook' });
  expect(run.nodes.Echo).toEqual([[{ x: '1' }]]);
  expect(Object.keys(run.nodes)).toEqual(['Hook', 'Echo']);

  const last = await hook(`/webhook/${b}?q=query`, { body: '{"x":"two"}' });
  expect(last.status).toBe(200);
  expect(await readJson(last)).toEqual({ x: 'two', q: 'query' });

  const responded = await hook(`/webhook/${c}`, { body: '{"x":3}' });
  expect(responded.status).toBe(201);
  expect(await readJson(responded)).toEqual({ got: 3 });

  expect((await hook(`/webhook/${b}`, { method: 'GET' })).status).toBe(404);
  expect((await s.post(`/api/v1/pipelines/${ids[1]}/deactivate`)).status).toBe(200);
  expect((await hook(`/webhook/${b}`, { body: '{}' })).status).toBe(404);
});

test('the run uses the version pinned at activation; /webhook-test runs the latest saved version', async () => {
  const path = uniquePath();
  const version = (v: number) => chain([webhookNode(path, { responseMode: 'lastNode' }), setNode('Which', { v })]);
  const id = await s.create(version(1));
  await s.post(`/api/v1/pipelines/${id}/activate`);
  await s.call(`/api/v1/pipelines/${id}`, { method: 'PUT', body: JSON.stringify(version(2)) });

  const live = await hook(`/webhook/${path}`, { body: '{}' });
  expect(await readJson(live)).toEqual({ v: 1 });
  const test = await hook(`/webhook-test/${path}`, { body: '{}' });
  expect(await readJson(test)).toEqual({ v: 2 });
  const runs = await readJson(await s.call(`/api/v1/pipelines/${id}/executions?trigger=webhook`));
  expect(runs.items.map((r: { version: number }) => r.version).sort()).toEqual([1, 2]);

  // Re-activating pins the latest.
  await s.post(`/api/v1/pipelines/${id}/activate`);
  expect(await readJson(await hook(`/webhook/${path}`, { body: '{}' }))).toEqual({ v: 2 });

  // One pipeline per method and path.
  const other = await s.create(version(3));
  const refused = await s.post(`/api/v1/pipelines/${other}/activate`);
  expect(refused.status).toBe(422);
  expect((await readJson(refused)).error.issues[0]).toMatchObject({ node: 'Hook', message: expect.stringContaining(id) });
});

test('header and basic authentication use the node’s credential', async () => {
  const [h, b] = [uniquePath(), uniquePath()];
  s.credentials.set('cred-header', { type: 'httpHeaderAuth', data: { name: 'X-Api-Key', value: 'sesame' } });
  s.credentials.set('cred-basic', { type: 'httpBasicAuth', data: { user: 'ann', password: 'pa:ss' } });
  const header = await s.create(chain([webhookNode(h, { authentication: 'headerAuth', responseMode: 'lastNode' }, { credentials: { httpHeaderAuth: { id: 'cred-header', name: 'key' } } } as never), setNode('Ok', { ok: true })]));
  const basic = await s.create(chain([webhookNode(b, { authentication: 'basicAuth', responseMode: 'lastNode' }, { credentials: { httpBasicAuth: { id: 'cred-basic', name: 'ann' } } } as never), setNode('Ok', { ok: true })]));
  await s.post(`/api/v1/pipelines/${header}/activate`);
  await s.post(`/api/v1/pipelines/${basic}/activate`);

  expect((await hook(`/webhook/${h}`, { body: '{}' })).status).toBe(403);
  expect((await hook(`/webhook/${h}`, { body: '{}', headers: { 'x-api-key': 'wrong' } })).status).toBe(403);
  expect(await readJson(await hook(`/webhook/${h}`, { body: '{}', headers: { 'x-api-key': 'sesame' } }))).toEqual({ ok: true });

  const auth = (user: string, pass: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` });
  expect((await hook(`/webhook/${b}`, { body: '{}' })).status).toBe(401);
  expect((await hook(`/webhook/${b}`, { body: '{}', headers: auth('ann', 'nope') })).status).toBe(401);
  expect(await readJson(await hook(`/webhook/${b}`, { body: '{}', headers: auth('ann', 'pa:ss') }))).toEqual({ ok: true });

  // The secret the caller presented never reaches run data.
  for (const id of [header, basic]) {
    const { items } = await readJson(await s.call(`/api/v1/pipelines/${id}/executions`));
    const run = await readJson(await s.call(`/api/v1/pipelines/executions/${items[0].id}`));
    const { headers } = run.nodes.Hook[0][0];
    expect(headers['content-type']).toBe('application/json');
    expect(headers).not.toHaveProperty('authorization');
    expect(headers).not.toHaveProperty('x-api-key');
    expect(JSON.stringify(run)).not.toMatch(/sesame|YW5uOnBhOnNz|pa:ss/);
  }

  // A node that needs a credential but names none is a draft.
  const draft = await s.create(chain([webhookNode(uniquePath(), { authentication: 'basicAuth' }), setNode('Ok', { ok: true })]));
  expect((await s.post(`/api/v1/pipelines/${draft}/activate`)).status).toBe(422);
});

test('a Schedule Trigger becomes a Temporal Schedule that fires the active version, pauses and is deleted with the pipeline', async () => {
  const id = await s.create(chain([scheduleNode(1), setNode('Tick', { at: '={{ $json.timestamp }}' })]));
  await s.post(`/api/v1/pipelines/${id}/activate`);
  const handle = s.h.client.schedule.getHandle(pipelineScheduleId(id, 'Every'));
  expect((await handle.describe()).state.paused).toBe(false);

  const fired = await eventually(async () => {
    const { items } = await readJson(await s.call(`/api/v1/pipelines/${id}/executions?trigger=schedule&status=success`));
    return items.length > 0 ? items[0] : undefined;
  }, 'a scheduled run');
  expect(fired).toMatchObject({ trigger: 'schedule', version: 1, mode: 'trigger' });
  const run = await readJson(await s.call(`/api/v1/pipelines/executions/${fired.id}`));
  expect(run.nodes.Tick[0][0].at).toMatch(/^\d{4}-\d\d-\d\dT/);

  await s.post(`/api/v1/pipelines/${id}/deactivate`);
  expect((await handle.describe()).state.paused).toBe(true);
  await s.post(`/api/v1/pipelines/${id}/activate`);
  expect((await handle.describe()).state.paused).toBe(false);
  expect((await s.call(`/api/v1/pipelines/${id}`, { method: 'DELETE' })).status).toBe(204);
  await expect(handle.describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
});
