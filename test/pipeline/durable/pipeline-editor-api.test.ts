/**
 * The editor's reads through the API on the real stack: the node-type catalog,
 * a run as the canvas draws it (statuses, item counts per output, the failed
 * node with its error), and expressions previewed in the sandbox against a
 * past run's data.
 */
import { readJson } from '../../helpers/api-server';
import { chain, manualTrigger, setNode, startPipelineStage, type PipelineStage } from './pipeline-stage';

let s: PipelineStage;

beforeAll(async () => {
  s = await startPipelineStage();
});
afterAll(async () => {
  await s.close();
});

const post = async (path: string, body: unknown) => {
  const res = await s.call(path, { method: 'POST', body: JSON.stringify(body) });
  return { status: res.status, body: await readJson(res) };
};

test('the catalog serves every node type with its description', async () => {
  const res = await s.call('/api/v1/pipelines/node-types');
  expect(res.status).toBe(200);
  const { items } = await readJson(res);
  const set = items.find((i: { type: string }) => i.type === 'n8n-nodes-base.set');
  expect(set).toMatchObject({ displayName: 'Edit Fields (Set)', group: 'data', kind: 'pure', generic: false });
  expect(set.parameters.map((p: { name: string }) => p.name)).toContain('assignments');
  expect(items.find((i: { type: string }) => i.type === 'n8n-nodes-base.if').outputs).toEqual(['true', 'false']);
});

test('a run on the canvas, and expressions previewed against its data', async () => {
  const doc = {
    ...chain([manualTrigger(), setNode('Greet', { greeting: '={{ "hello " + $json.name }}' }, true)]),
    nodes: [
      manualTrigger(),
      setNode('Greet', { greeting: '={{ "hello " + $json.name }}' }, true),
      { name: 'Split', type: 'n8n-nodes-base.if', typeVersion: 2.2, position: [600, 0] as [number, number], parameters: { conditions: { options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 }, combinator: 'and', conditions: [{ id: 'c', leftValue: '={{ $json.name }}', rightValue: 'ann', operator: { type: 'string', operation: 'equals' } }] } } },
      setNode('Shout', { loud: '={{ $json.greeting.toUpperCase() }}' }),
    ],
    connections: {
      Start: { main: [[{ node: 'Greet', type: 'main', index: 0 }]] },
      Greet: { main: [[{ node: 'Split', type: 'main', index: 0 }]] },
      Split: { main: [[{ node: 'Shout', type: 'main', index: 0 }], []] },
    },
  };
  const run = await s.run(doc, { input: [{ json: { name: 'ann' } }, { json: { name: 'bob' } }, { json: { name: 'cy' } }] });
  expect(run.body.status).toBe('success');

  const canvas = await readJson(await s.call(`/api/v1/pipelines/executions/${run.body.id}/canvas`));
  expect(canvas).toMatchObject({ status: 'success', current: null });
  expect(canvas.nodes.Greet).toMatchObject({ status: 'success', runs: 1, items: [3], error: null });
  expect(canvas.nodes.Split.items).toEqual([1, 2]);
  expect(canvas.nodes.Shout.items).toEqual([1]);

  // Shout's input is Split's true output: ann; $('Greet').item walks back to her Greet item.
  const a = await post('/api/v1/pipelines/expression-preview', { expression: '={{ $json.name + " / " + $("Greet").item.json.greeting }}', nodeName: 'Shout', document: doc, executionId: run.body.id });
  expect(a).toEqual({ status: 200, body: { ok: true, value: 'ann / hello ann', itemIndex: 0, itemCount: 1, executionId: run.body.id } });
  // A node that never ran sees its parent's output: Split's input is Greet's three items.
  const b = await post('/api/v1/pipelines/expression-preview', { expression: '{{ $input.all().length }} items, the 2nd: {{ $json.name }}', nodeName: 'Split', document: doc, executionId: run.body.id, itemIndex: 1 });
  expect(b.body).toMatchObject({ ok: true, value: '3 items, the 2nd: bob', itemIndex: 1, itemCount: 3 });
  // Errors come back as the expression's error, not as a failed request.
  const c = await post('/api/v1/pipelines/expression-preview', { expression: '={{ $("Nowhere").item.json }}', nodeName: 'Shout', document: doc, executionId: run.body.id });
  expect(c.status).toBe(200);
  expect(c.body.ok).toBe(false);
  expect(c.body.error.message).toMatch(/Referenced node doesn't exist/);
  // Without a run, expressions that need no data still evaluate.
  const d = await post('/api/v1/pipelines/expression-preview', { expression: '={{ 6 * 7 }}', nodeName: 'Shout', document: doc });
  expect(d.body).toMatchObject({ ok: true, value: 42, itemCount: 0, executionId: null });
  expect((await post('/api/v1/pipelines/expression-preview', { expression: '={{ 1 }}', nodeName: 'Nope', document: doc })).status).toBe(404);
});

test('a failed node is on the canvas with its error', async () => {
  const doc = chain([manualTrigger(), { name: 'Boom', type: 'n8n-nodes-base.code', typeVersion: 2, position: [400, 0], parameters: { jsCode: 'throw new Error("kaput")' } }]);
  const run = await s.run(doc);
  expect(run.body.status).toBe('error');
  const canvas = await readJson(await s.call(`/api/v1/pipelines/executions/${run.body.id}/canvas`));
  expect(canvas.status).toBe('error');
  expect(canvas.nodes.Boom.status).toBe('error');
  expect(canvas.nodes.Boom.error.message).toMatch(/kaput/);
  expect(canvas.nodes.Start.status).toBe('success');
});
