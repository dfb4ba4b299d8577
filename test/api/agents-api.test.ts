/**
 * The agent registry over the API, on the real servers: config nodes are
 * listed read-only, API nodes can be added, changed and removed by operators,
 * and each node shows its health and figures. Alerts are listed by status.
 */
import { randomUUID } from 'node:crypto';
import { syncConfigNodes } from '../../activities/agents/agent-store';
import { raiseAlert, resolveAlert } from '../../activities/agents/alert-store';
import { AGENT_HEALTH_SCHEDULE, ensureSchedules } from '../../infra/schedules';
import { readJson, serveApi, type RunningApi } from '../helpers/api-server';
import { silentLogger, startHarness, testConfig, type Harness } from '../helpers/harness';

const OPERATOR = 'operator-token-agents-0001';
const VIEWER = 'viewer-token-agents-000001';
const P = `api${randomUUID().slice(0, 6)}`;

let h: Harness;
let api: RunningApi;

beforeAll(async () => {
  const config = testConfig({
    security: { tokens: [{ name: 'ops', token: OPERATOR, role: 'operator' }, { name: 'wall', token: VIEWER, role: 'viewer' }] },
    monitoring: { health_check_interval: 7 },
  });
  h = await startHarness({ config });
  await syncConfigNodes(h.pool, { [`${P}-yaml`]: { endpoint: 'http://127.0.0.1:1', model: 'llama3.1:8b', capabilities: ['python'], parallel: 2 } });
  api = await serveApi({ config, temporal: h.client, pool: h.pool, logger: silentLogger, version: 'test' });
});
afterAll(async () => {
  await api.close();
  await h.close();
});

const call = (path: string, token: string, init: RequestInit = {}) =>
  fetch(`${api.url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });

test('nodes from whoosh.yaml are listed with health and figures, and cannot be edited over the API', async () => {
  const { agents } = await readJson(await call('/api/v1/agents', VIEWER));
  const yaml = agents.find((a: { id: string }) => a.id === `${P}-yaml`);
  expect(yaml).toMatchObject({
    source: 'config',
    models: ['llama3.1:8b'],
    parallel: 2,
    status: 'unknown',
    stats: { inFlight: 0, queued: 0, utilization: 0, tokensPerSecond: null, latencyP50Ms: null, latencyP95Ms: null },
  });
  const put = await call(`/api/v1/agents/${P}-yaml`, OPERATOR, { method: 'PUT', body: JSON.stringify({ endpoint: 'http://x:1', model: 'y' }) });
  expect(put.status).toBe(409);
  expect((await readJson(put)).error.message).toContain('whoosh.yaml');
});

test('operators add, change and remove nodes; viewers only read', async () => {
  const body = { id: `${P}-gpu`, endpoint: 'http://10.0.0.9:11434/', models: ['qwen2.5-coder:7b'], specialization: 'backend', parallel: 3, hardware: { gpu_type: 'RTX 4090', vram_gb: 24 } };
  expect((await call('/api/v1/agents', VIEWER, { method: 'POST', body: JSON.stringify(body) })).status).toBe(403);

  const created = await call('/api/v1/agents', OPERATOR, { method: 'POST', body: JSON.stringify(body) });
  expect(created.status).toBe(201);
  expect(created.headers.get('location')).toBe(`/api/v1/agents/${P}-gpu`);
  expect(await readJson(created)).toMatchObject({ id: `${P}-gpu`, endpoint: 'http://10.0.0.9:11434', source: 'api', parallel: 3, hardware: { vram_gb: 24 } });
  expect((await call('/api/v1/agents', OPERATOR, { method: 'POST', body: JSON.stringify(body) })).status).toBe(409);

  const changed = await call(`/api/v1/agents/${P}-gpu`, OPERATOR, { method: 'PUT', body: JSON.stringify({ endpoint: 'http://10.0.0.9:11434', model: 'llama3.1:70b', parallel: 1 }) });
  expect(changed.status).toBe(200);
  expect(await readJson(changed)).toMatchObject({ models: ['llama3.1:70b'], parallel: 1, specialization: null });

  expect((await call(`/api/v1/agents/${P}-gpu`, OPERATOR, { method: 'DELETE' })).status).toBe(204);
  expect((await call(`/api/v1/agents/${P}-gpu`, VIEWER)).status).toBe(404);
});

test('bad node definitions get field errors', async () => {
  const res = await call('/api/v1/agents', OPERATOR, { method: 'POST', body: JSON.stringify({ id: 'bad id!', endpoint: 'ftp://x', parallel: 0 }) });
  expect(res.status).toBe(400);
  const paths = (await readJson(res)).error.issues.map((i: { path: string }) => i.path);
  expect(paths).toEqual(expect.arrayContaining(['body.id', 'body.endpoint', 'body.parallel']));
});

test('alerts are listed open by default, resolved on request', async () => {
  const node = `${P}-yaml`;
  await raiseAlert(h.pool, node, 'slow_tokens', 'warning', 'slow');
  await raiseAlert(h.pool, node, 'slow_tokens', 'warning', 'still slow');
  let { alerts } = await readJson(await call(`/api/v1/alerts?node=${node}`, VIEWER));
  expect(alerts).toEqual([expect.objectContaining({ kind: 'slow_tokens', message: 'still slow', resolvedAt: null })]);
  await resolveAlert(h.pool, node, 'slow_tokens');
  ({ alerts } = await readJson(await call(`/api/v1/alerts?node=${node}`, VIEWER)));
  expect(alerts).toEqual([]);
  ({ alerts } = await readJson(await call(`/api/v1/alerts?node=${node}&status=resolved`, VIEWER)));
  expect(alerts).toHaveLength(1);
  expect((await call('/api/v1/alerts?status=bogus', VIEWER)).status).toBe(400);
});

test('the health schedule is created once, at the configured interval, and updated on change', async () => {
  await ensureSchedules(h.client, h.config);
  await ensureSchedules(h.client, h.config);
  const described = await h.client.schedule.getHandle(AGENT_HEALTH_SCHEDULE).describe();
  expect(described.spec.intervals?.[0]?.every).toBe(7000);
  expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'agentHealthSweep' });
  await ensureSchedules(h.client, { ...h.config, monitoring: { ...h.config.monitoring, health_check_interval: 11 } });
  expect((await h.client.schedule.getHandle(AGENT_HEALTH_SCHEDULE).describe()).spec.intervals?.[0]?.every).toBe(11000);
  await h.client.schedule.getHandle(AGENT_HEALTH_SCHEDULE).delete();
});
