/**
 * Pipelines through the API on the real Temporal dev server and Postgres:
 * validation before anything runs, results as n8n shows them, per-node runs,
 * side effects, durable waits, sub-workflows, failures and cancellation.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { readJson } from '../../helpers/api-server';
import { eventually } from '../../helpers/eventually';
import { chain, httpNode, manualTrigger, setNode, startPipelineStage, waitNode, type PipelineStage } from './pipeline-stage';

let s: PipelineStage;

beforeAll(async () => {
  s = await startPipelineStage();
});
afterAll(async () => {
  await s.close();
});

test('a run answers with every node’s last output, in the order the nodes first ran', async () => {
  const doc = chain([manualTrigger(), setNode('Greet', { greeting: '={{ "hello " + $json.name }}' }, true), setNode('Count', { n: '={{ $json.greeting.length }}' })]);
  const { status, body } = await s.run(doc, { input: [{ json: { name: 'ann' } }, { json: { name: 'bob' } }] });
  expect(status).toBe(200);
  expect(body).toMatchObject({ status: 'success', error: null, lastNode: 'Count', mode: 'manual' });
  expect(Object.keys(body.nodes)).toEqual(['Start', 'Greet', 'Count']);
  expect(body.nodes.Greet).toEqual([[{ name: 'ann', greeting: 'hello ann' }, { name: 'bob', greeting: 'hello bob' }]]);
  expect(body.nodes.Count).toEqual([[{ n: '9' }, { n: '9' }]]);
  expect(Date.parse(body.stoppedAt)).toBeGreaterThanOrEqual(Date.parse(body.startedAt));
  expect(body.workflowId).toBe(`pipeline:${body.pipeline}:${body.id}`);

  const again = await s.call(`/api/v1/pipelines/executions/${body.id}`);
  expect(again.status).toBe(200);
  expect(await readJson(again)).toEqual(body);

  const runs = await readJson(await s.call(`/api/v1/pipelines/executions/${body.id}/nodes/Count`));
  expect(runs.runs).toHaveLength(1);
  expect(runs.runs[0]).toMatchObject({ runIndex: 0, status: 'success', error: null, console: [], source: [{ previousNode: 'Greet' }] });
  expect(runs.runs[0].outputs[0].map((i: { pairedItem: unknown }) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
  expect((await s.call(`/api/v1/pipelines/executions/${body.id}/nodes/Nowhere`)).status).toBe(404);

  // It is a Temporal workflow like any other, with the search attributes the Executions view filters on.
  const d = await s.h.client.workflow.getHandle(body.workflowId).describe();
  expect(d.type).toBe('pipelineRun');
  expect(d.searchAttributes).toMatchObject({ WhooshKind: ['pipeline'], WhooshPipeline: [body.pipeline], WhooshTrigger: ['manual'], WhooshStatusDetail: ['success'] });
});

test('a document with unsupported nodes is refused before it runs, every one named', async () => {
  const doc = chain([
    manualTrigger(),
    { name: 'Sheet', type: 'n8n-nodes-base.googleSheets', typeVersion: 4, position: [0, 0], parameters: {} },
    { name: 'Old Set', type: 'n8n-nodes-base.set', typeVersion: 1, position: [0, 0], parameters: {} },
  ]);
  const before = await s.h.pool.query('SELECT count(*)::int AS n FROM pipeline_executions');
  const { status, body } = await s.run(doc);
  expect(status).toBe(400);
  const text = JSON.stringify(body.error.issues);
  expect(text).toContain('Sheet');
  expect(text).toContain('googleSheets');
  expect(text).toContain('Old Set');
  expect(body.error.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(['body.workflow.nodes.1', 'body.workflow.nodes.2']));
  const after = await s.h.pool.query('SELECT count(*)::int AS n FROM pipeline_executions');
  expect(after.rows[0].n).toBe(before.rows[0].n);
});

test('an HTTP Request node calls the server once per item and outputs its answers', async () => {
  const before = s.http.count('/items');
  const doc = chain([manualTrigger(), httpNode('Fetch', `={{ "${s.http.url}/items?id=" + $json.id }}`)]);
  const { body } = await s.run(doc, { input: [{ json: { id: 1 } }, { json: { id: 2 } }] });
  expect(body.status).toBe('success');
  expect(body.nodes.Fetch).toEqual([[expect.objectContaining({ path: '/items', query: { id: '1' } }), expect.objectContaining({ path: '/items', query: { id: '2' } })]]);
  expect(s.http.count('/items') - before).toBe(2);
});

test('a failing node ends the run with its error; the workflow fails in Temporal', async () => {
  const doc = chain([manualTrigger(), setNode('Before', { a: 1 }), httpNode('Broken', `${s.http.url}/missing`)]);
  s.http.on('/missing', (_req, res) => void res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"no such thing"}'));
  const { status, body } = await s.run(doc);
  expect(status).toBe(200);
  expect(body.status).toBe('error');
  expect(body.error).toMatchObject({ node: 'Broken' });
  expect(body.error.message).toContain('could not be found');
  expect(Object.keys(body.nodes)).toEqual(['Start', 'Before', 'Broken']);
  await expect(s.h.client.workflow.getHandle(body.workflowId).result()).rejects.toBeInstanceOf(WorkflowFailedError);
});

test('retryOnFail is a Temporal retry policy: failed requests are tried again up to maxTries; otherwise never', async () => {
  let calls = 0;
  s.http.on('/flaky', (_req, res) => void (++calls < 3 ? res.writeHead(503).end('busy') : res.setHeader('content-type', 'application/json').end('{"ok":true}')));
  s.http.on('/gone', (_req, res) => void res.writeHead(404, { 'content-type': 'application/json' }).end('{"gone":true}'));

  const retried = await s.run(chain([manualTrigger(), httpNode('Flaky', `${s.http.url}/flaky`, { retryOnFail: true, maxTries: 4, waitBetweenTries: 10 })]));
  expect(retried.body.status).toBe('success');
  expect(retried.body.nodes.Flaky).toEqual([[{ ok: true }]]);
  expect(s.http.count('/flaky')).toBe(3);

  calls = 0;
  const once = await s.run(chain([manualTrigger(), httpNode('Flaky', `${s.http.url}/flaky`)]));
  expect(once.body.status).toBe('error');
  expect(s.http.count('/flaky')).toBe(4);

  // neverError: a 404 is an answer, so there is nothing to retry.
  const answered = await s.run(
    chain([manualTrigger(), httpNode('Gone', `${s.http.url}/gone`, { retryOnFail: true, maxTries: 3, waitBetweenTries: 10 }, { options: { response: { response: { neverError: true } } } })]),
  );
  expect(answered.body.status).toBe('success');
  expect(answered.body.nodes.Gone).toEqual([[{ gone: true }]]);
  expect(s.http.count('/gone')).toBe(1);
});

test('a Wait is a durable timer: the run shows waiting, then goes on', async () => {
  const doc = chain([manualTrigger(), waitNode('Pause', 2), setNode('After', { done: true })]);
  const started = await s.run(doc, { wait: false });
  expect(started.status).toBe(201);
  const waiting = await eventually(async () => {
    const v = await readJson(await s.call(`/api/v1/pipelines/executions/${started.body.id}`));
    return v.status === 'waiting' ? v : undefined;
  }, 'the run to wait');
  expect(waiting.waitTill).toEqual(expect.any(String));
  expect(Object.keys(waiting.nodes)).toEqual(['Start']);
  const history = await s.h.client.workflow.getHandle(started.body.workflowId).fetchHistory();
  expect(history.events!.some((e) => e.timerStartedEventAttributes)).toBe(true);
  const done = await eventually(async () => {
    const v = await readJson(await s.call(`/api/v1/pipelines/executions/${started.body.id}`));
    return v.status === 'success' ? v : undefined;
  }, 'the run to finish');
  expect(done.nodes.After).toEqual([[{ done: true }]]);
  expect(Date.parse(done.stoppedAt) - Date.parse(waiting.waitTill)).toBeGreaterThanOrEqual(0);

  // Its timeline in the Executions view: the advances (local activities) and the timer between them.
  const timeline = await readJson(await s.call(`/api/v1/workflows/${encodeURIComponent(started.body.workflowId)}/history`));
  const kinds = timeline.timeline.items.map((i: { kind: string }) => i.kind);
  expect(kinds.filter((k: string) => k === 'marker')).toHaveLength(2);
  expect(kinds).toContain('timer');
});

test('wait=true answers 202 with the run when it outlasts the timeout', async () => {
  const { status, body } = await s.run(chain([manualTrigger(), waitNode('Long', 30)]), { timeoutSeconds: 1 });
  expect(status).toBe(202);
  expect(body.status).toBe('waiting');
  await s.h.client.workflow.getHandle(body.workflowId).cancel();
  const canceled = await eventually(async () => {
    const v = await readJson(await s.call(`/api/v1/pipelines/executions/${body.id}`));
    return v.status === 'canceled' ? v : undefined;
  }, 'the run to be canceled');
  expect(canceled.stoppedAt).toEqual(expect.any(String));
});

test('operators start runs; an unknown execution is 404', async () => {
  expect((await s.call('/api/v1/pipelines/executions/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  const anonymous = await fetch(`${s.api.url}/api/v1/pipelines/executions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  expect(anonymous.status).toBe(401);
});

test('objects keep their keys in the order the nodes wrote them, as n8n shows them (stored data is not re-sorted)', async () => {
  const code = { name: 'Code', type: 'n8n-nodes-base.code', typeVersion: 2, parameters: { jsCode: "return [{ json: { zeta: 1, name: 'ann', n: 3, alpha: { y: 1, b: 2 } } }];" } };
  const keys = { name: 'Keys', type: 'n8n-nodes-base.code', typeVersion: 2, parameters: { jsCode: 'return [{ json: { keys: Object.keys($input.first().json).join(",") } }];' } };
  const doc = chain([manualTrigger(), code as never, waitNode('Pause', 1), keys as never]);
  const { body } = await s.run(doc);
  expect(body.status).toBe('success');
  // After a durable wait the state is read back from Postgres: the keys are still in their order.
  expect(JSON.stringify(body.nodes.Code)).toBe('[[{"zeta":1,"name":"ann","n":3,"alpha":{"y":1,"b":2}}]]');
  expect(body.nodes.Keys).toEqual([[{ keys: 'zeta,name,n,alpha' }]]);
});
