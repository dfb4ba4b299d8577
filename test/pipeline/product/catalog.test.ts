/**
 * Stored pipelines through the API on the real Postgres: import (one document
 * or an array), versions, export content-equal to the import (over every
 * fixture), validation problems named per node, drafts that cannot be
 * activated, activation pinning a version, pages, delete.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readJson } from '../../helpers/api-server';
import { chain, manualTrigger, setNode, startPipelineStage, type PipelineStage } from '../durable/pipeline-stage';

let s: PipelineStage;
beforeAll(async () => {
  s = await startPipelineStage();
});
afterAll(async () => {
  await s.close();
});

const post = (p: string, body?: unknown) => s.call(p, { method: 'POST', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
const put = (p: string, body: unknown) => s.call(p, { method: 'PUT', body: JSON.stringify(body) });
const get = async (p: string) => readJson(await s.call(p));

const FIXTURES = path.join(__dirname, '..', 'fixtures');

test('every fixture document round-trips: export gives back the imported JSON, keys in the same order', async () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));
  expect(files.length).toBeGreaterThan(40);
  const docs = files.map((f) => (JSON.parse(readFileSync(path.join(FIXTURES, f), 'utf8')) as { workflow: unknown }).workflow);
  const res = await post('/api/v1/pipelines', docs);
  expect(res.status).toBe(201);
  const { items } = await readJson(res);
  expect(items).toHaveLength(docs.length);
  for (const [i, item] of (items as { id: string }[]).entries()) {
    const exported = await s.call(`/api/v1/pipelines/${item.id}/export`);
    expect(exported.status).toBe(200);
    // Content-equal, and in the same key order (the text of both serialisations is the same).
    expect(JSON.stringify(await readJson(exported))).toBe(JSON.stringify(docs[i]));
  }
});

test('a pipeline is stored with its name, tags and trigger; PUT adds versions; each version keeps its document', async () => {
  const v1 = { ...chain([manualTrigger(), setNode('A', { a: 1 })]), name: 'Greeter', tags: [{ id: 't1', name: 'demo' }, { name: 'ops' }] };
  (v1.nodes[0] as unknown as Record<string, unknown>).notes = 'Says hello';
  const created = await post('/api/v1/pipelines', v1);
  expect(created.status).toBe(201);
  const { id, version, problems } = await readJson(created);
  expect(id).toMatch(/^pl_/);
  expect(version).toBe(1);
  expect(problems).toEqual([]);

  const detail = await get(`/api/v1/pipelines/${id}`);
  expect(detail).toMatchObject({ id, name: 'Greeter', tags: ['demo', 'ops'], active: false, version: 1, activeVersion: null, trigger: 'manual', notes: 'Says hello', problems: [], updatedBy: 'ops', lastExecution: null });
  expect(detail.document).toEqual(v1);

  const v2 = { ...v1, name: 'Greeter 2' };
  const saved = await readJson(await put(`/api/v1/pipelines/${id}`, v2));
  expect(saved).toEqual({ id, version: 2, problems: [] });
  const versions = await get(`/api/v1/pipelines/${id}/versions`);
  expect(versions.items.map((v: { version: number; name: string }) => [v.version, v.name])).toEqual([
    [2, 'Greeter 2'],
    [1, 'Greeter'],
  ]);
  expect((await get(`/api/v1/pipelines/${id}/versions/1`)).document).toEqual(v1);
  expect((await get(`/api/v1/pipelines/${id}/versions/2`)).document).toEqual(v2);
  expect((await s.call(`/api/v1/pipelines/${id}/versions/3`)).status).toBe(404);
  expect(await get(`/api/v1/pipelines/${id}/export`)).toEqual(v2);
});

test('validation names every problem with its node; a draft is saved but cannot be activated', async () => {
  const chained = chain([manualTrigger(), setNode('Twice', { a: '={{ $json.a ' }), setNode('Twice', { b: 1 })]);
  const doc = {
    ...chained,
    nodes: [
      ...chained.nodes,
      { name: 'Sheet', type: 'n8n-nodes-base.googleSheets', typeVersion: 4, position: [0, 0], parameters: {} },
      { name: 'Calc', type: 'n8n-nodes-base.set', typeVersion: 3.4, position: [0, 0], parameters: { assignments: { assignments: [{ id: 'x', name: 'y', value: '={{ ($json.a + 1 }}', type: 'string' }] }, options: {} } },
    ],
    connections: { ...chained.connections, Calc: { main: [[{ node: 'Nowhere', type: 'main', index: 0 }]] } },
  };
  const { id, problems } = await readJson(await post('/api/v1/pipelines', doc));
  const about = (node: string) => (problems as { node: string; message: string }[]).filter((p) => p.node === node).map((p) => p.message).join(' | ');
  expect(about('Twice')).toMatch(/more than once/);
  expect(about('Twice')).toMatch(/never closed/);
  expect(about('Sheet')).toMatch(/googleSheets.*not supported/);
  expect(about('Calc')).toMatch(/Nowhere.*not a node/);
  expect(about('Calc')).toMatch(/unclosed "\("/);

  expect((await get(`/api/v1/pipelines/${id}`)).problems).toEqual(problems);
  const refused = await post(`/api/v1/pipelines/${id}/activate`);
  expect(refused.status).toBe(422);
  const body = await readJson(refused);
  expect(body.error.issues.map((i: { node: string | null; message: string }) => ({ node: i.node, message: i.message }))).toEqual(problems);
  expect((await get(`/api/v1/pipelines/${id}`)).active).toBe(false);

  // Fixed in a new version, it activates, pinned to that version.
  const fixed = await readJson(await put(`/api/v1/pipelines/${id}`, chain([manualTrigger(), setNode('Fine', { a: 1 })])));
  expect(fixed.problems).toEqual([]);
  const active = await readJson(await post(`/api/v1/pipelines/${id}/activate`));
  expect(active).toMatchObject({ id, active: true, activeVersion: 2, version: 2 });
  await put(`/api/v1/pipelines/${id}`, chain([manualTrigger(), setNode('Later', { a: 2 })]));
  expect(await get(`/api/v1/pipelines/${id}`)).toMatchObject({ active: true, activeVersion: 2, version: 3 });
  expect(await readJson(await post(`/api/v1/pipelines/${id}/deactivate`))).toMatchObject({ active: false, activeVersion: null });
});

test('the list pages newest first and filters by active and tag; delete removes the pipeline', async () => {
  const tag = `page-${Date.now()}`;
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push((await readJson(await post('/api/v1/pipelines', { ...chain([manualTrigger(), setNode('S', { i })]), name: `p${i}`, tags: [{ name: tag }] }))).id);
  await post(`/api/v1/pipelines/${ids[1]}/activate`);
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: { id: string }[]; nextCursor: string | null } = await get(`/api/v1/pipelines?tag=${tag}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    expect(page.items.length).toBeLessThanOrEqual(2);
    seen.push(...page.items.map((p) => p.id));
    cursor = page.nextCursor;
  } while (cursor);
  expect(seen).toEqual([...ids].reverse());
  expect((await get(`/api/v1/pipelines?tag=${tag}&active=true`)).items.map((p: { id: string }) => p.id)).toEqual([ids[1]]);

  expect((await s.call(`/api/v1/pipelines/${ids[1]}`, { method: 'DELETE' })).status).toBe(204);
  expect((await s.call(`/api/v1/pipelines/${ids[1]}`)).status).toBe(404);
  expect((await s.call(`/api/v1/pipelines/${ids[1]}`, { method: 'DELETE' })).status).toBe(404);
  expect((await s.call('/api/v1/pipelines/not-an-id')).status).toBe(400);
  expect((await post('/api/v1/pipelines', { name: 'no nodes' })).status).toBe(400);
});

test('a pipeline from a shipped template: an LLM step per stage, an approval between stages', async () => {
  const res = await post('/api/v1/pipelines/from-template', { template: 'web_development', name: 'Feature X' });
  expect(res.status).toBe(201);
  const { id } = await readJson(res);
  const detail = await get(`/api/v1/pipelines/${id}`);
  expect(detail).toMatchObject({ name: 'Feature X', tags: ['template', 'web_development'], trigger: 'manual' });
  expect(detail.document.nodes.map((n: { name: string; type: string }) => `${n.type}:${n.name}`)).toEqual([
    'n8n-nodes-base.manualTrigger:Start',
    'whoosh.llm:Stage: planning',
    'whoosh.approval:Approve planning',
    'whoosh.llm:Stage: frontend',
    'whoosh.approval:Approve frontend',
    'whoosh.llm:Stage: backend',
    'whoosh.approval:Approve backend',
    'whoosh.llm:Stage: integration',
    'whoosh.approval:Approve integration',
    'whoosh.llm:Stage: testing',
  ]);
  expect(detail.document.connections['Approve planning']).toEqual({ main: [[{ node: 'Stage: frontend', type: 'main', index: 0 }]] });
  const infra = await readJson(await post('/api/v1/pipelines/from-template', { template: 'infrastructure' }));
  expect((await get(`/api/v1/pipelines/${infra.id}`)).name).toBe('Infrastructure');
  expect((await post('/api/v1/pipelines/from-template', { template: 'nope' })).status).toBe(400);
});
