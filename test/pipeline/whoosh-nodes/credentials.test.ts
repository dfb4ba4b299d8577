/**
 * Credentials on the real stack: stored encrypted, used by HTTP Request nodes
 * (n8n's genericCredentialType), and never seen again — not in any API answer,
 * log line, run data (every pipeline table) or Temporal history.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { credentialResolver } from '../../../activities/credentials/credential-store';
import type { N8nNode } from '../../../domain/pipeline/types';
import { resolveEncryptionKey } from '../../../infra/encryption-key';
import { serveApi, type RunningApi } from '../../helpers/api-server';
import { startHarness, testConfig, type Harness } from '../../helpers/harness';
import { chain, manualTrigger, startCountingServer, type CountingServer } from '../durable/pipeline-stage';

const ADMIN = 'admin-token-credentials-0001';
const OPS = 'operator-token-credentials-01';
const SECRETS = { header: 'hdr-S3cret-7f1c9a', password: 'pw-S3cret-2b7e41', bearer: 'tok-S3cret-9d0a55', forge: 'forge-S3cret-5e3b2c' };
const BASIC = Buffer.from(`deploy:${SECRETS.password}`).toString('base64');
const NEEDLES = [...Object.values(SECRETS), BASIC];

let h: Harness;
let api: RunningApi;
let http: CountingServer;
const seen: string[] = [];
const logs: string[] = [];
const answers: string[] = [];
const writes = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };

beforeAll(async () => {
  // Every line this process writes (API logs at trace, the worker's and Temporal's logs) is kept.
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => (logs.push(String(chunk)), writes.out(chunk as string, ...(rest as [])))) as typeof process.stdout.write;
  process.stderr.write = ((chunk: unknown, ...rest: unknown[]) => (logs.push(String(chunk)), writes.err(chunk as string, ...(rest as [])))) as typeof process.stderr.write;
  const config = testConfig({ security: { tokens: [{ name: 'root', token: ADMIN, role: 'admin' }, { name: 'ops', token: OPS, role: 'operator' }] } });
  h = await startHarness({ config });
  const logger = pino({ level: 'trace' }, new Writable({ write: (c: Buffer, _e, cb) => (logs.push(c.toString()), cb()) }));
  api = await serveApi({ config, temporal: h.client, pool: h.pool, logger, version: 'test' });
  http = await startCountingServer();
  http.on('/secure', (req, res) => {
    seen.push(JSON.stringify({ key: req.headers['x-api-key'], auth: req.headers.authorization }));
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ ok: true }));
  });
});
afterAll(async () => {
  process.stdout.write = writes.out;
  process.stderr.write = writes.err;
  await http.close();
  await api.close();
  await h.close();
});

async function call(path: string, init: RequestInit & { token?: string } = {}): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(`${api.url}${path}`, { ...init, headers: { authorization: `Bearer ${init.token ?? ADMIN}`, 'content-type': 'application/json' } });
  const text = await res.text();
  answers.push(text);
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const create = (body: Record<string, unknown>, token = ADMIN) => call('/api/v1/credentials', { method: 'POST', body: JSON.stringify(body), token });

/** A history with every payload's bytes as text (the JSON they encode). */
function decoded(v: unknown): unknown {
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  if (Array.isArray(v)) return v.map(decoded);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decoded(x)]));
  return v;
}

const authNode = (name: string, type: string, ref: { id?: string; name?: string }): N8nNode => ({
  name,
  type: 'n8n-nodes-base.httpRequest',
  typeVersion: 4.2,
  position: [0, 0],
  parameters: { method: 'GET', url: `${http.url}/secure`, authentication: 'genericCredentialType', genericAuthType: type, sendHeaders: true, headerParameters: { parameters: [{ name: 'Authorization', value: 'overridden' }] }, options: {} },
  credentials: { [type]: ref },
});

test('admins store credentials; nobody reads them back; nodes use them; no secret anywhere afterwards', async () => {
  const u = randomUUID().slice(0, 6);
  expect((await create({ name: 'nope', type: 'httpBearerAuth', data: { token: 'x' } }, OPS)).status).toBe(403);
  expect((await call('/api/v1/credentials', { token: OPS })).status).toBe(403);
  const header = await create({ id: `hdr-${u}`, name: `Partner API key ${u}`, type: 'httpHeaderAuth', data: { name: 'X-API-Key', value: SECRETS.header } });
  expect(header).toMatchObject({ status: 201, body: { id: `hdr-${u}`, name: `Partner API key ${u}`, type: 'httpHeaderAuth', createdBy: 'root' } });
  const basic = await create({ name: `Deploy basic ${u}`, type: 'httpBasicAuth', data: { user: 'deploy', password: SECRETS.password } });
  const bearer = await create({ name: `Bearer ${u}`, type: 'httpBearerAuth', data: { token: SECRETS.bearer } });
  expect((await create({ name: `Forge ${u}`, type: 'forgeToken', data: { token: SECRETS.forge } })).status).toBe(201);
  expect((await create({ name: `Bearer ${u}`, type: 'httpBearerAuth', data: { token: 'again' } })).status).toBe(409);
  expect((await create({ name: 'Odd', type: 'httpBasicAuth', data: { token: 'wrong shape' } })).status).toBe(400);
  const list = await call('/api/v1/credentials');
  expect(list.body.items.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining([`Partner API key ${u}`, `Deploy basic ${u}`, `Bearer ${u}`, `Forge ${u}`]));
  expect(Object.keys(list.body.items[0]).sort()).toEqual(['createdAt', 'createdBy', 'id', 'name', 'type']);

  const doc = chain([
    manualTrigger(),
    authNode('By id', 'httpHeaderAuth', { id: `hdr-${u}`, name: 'renamed in n8n' }),
    // A document imported from another n8n: its id is unknown here, the name finds it.
    authNode('By name', 'httpBasicAuth', { id: 'n8n-42', name: `Deploy basic ${u}` }),
    authNode('Bearer', 'httpBearerAuth', { id: bearer.body.id }),
  ]);
  const run = await call('/api/v1/pipelines/executions?wait=true&timeoutSeconds=60', { method: 'POST', body: JSON.stringify({ workflow: doc }), token: OPS });
  expect(run.status).toBe(200);
  expect(run.body.status).toBe('success');
  expect(seen.splice(0).map((s) => JSON.parse(s))).toEqual([
    { key: SECRETS.header, auth: 'overridden' },
    { auth: `Basic ${BASIC}` },
    { auth: `Bearer ${SECRETS.bearer}` },
  ]);
  expect(basic.body.id).toEqual(expect.any(String));

  const wrong = await call('/api/v1/pipelines/executions?wait=true&timeoutSeconds=60', {
    method: 'POST',
    body: JSON.stringify({ workflow: chain([manualTrigger(), authNode('Missing', 'httpBearerAuth', { id: `hdr-${u}` })]) }),
    token: OPS,
  });
  expect(wrong.body.status).toBe('error');
  expect(wrong.body.error.message).toMatch(/is a httpHeaderAuth, not a httpBearerAuth/);

  for (const id of [run.body.id, wrong.body.id]) {
    await call(`/api/v1/pipelines/executions/${id}`);
    for (const node of ['By id', 'By name', 'Bearer']) await call(`/api/v1/pipelines/executions/${id}/nodes/${encodeURIComponent(node)}`);
  }

  // Run data: every pipeline table (and the credentials table holds only ciphertext).
  const tables = ['pipeline_executions', 'pipeline_states', 'pipeline_resumes', 'pipeline_node_runs', 'credentials'];
  const stored: string[] = [];
  for (const t of tables) stored.push(...(await h.pool.query(`SELECT row_to_json(t)::text AS j FROM ${t} t`)).rows.map((r) => r.j as string));
  expect(stored.join('\n')).toContain(`Partner API key ${u}`);

  // Temporal histories of both runs, payloads decoded.
  const histories: string[] = [];
  for (const r of [run.body, wrong.body]) {
    const { events } = await h.client.workflow.getHandle(r.workflowId).fetchHistory();
    histories.push(JSON.stringify(decoded(events)));
  }
  expect(histories.join('')).toContain('By name');

  const everything = { answers: answers.join('\n'), logs: logs.join(''), stored: stored.join('\n'), histories: histories.join('\n') };
  expect(everything.logs).toContain('/api/v1/credentials');
  for (const [where, text] of Object.entries(everything)) {
    for (const needle of NEEDLES) expect({ where, leaked: text.includes(needle) }).toEqual({ where, leaked: false });
  }

  // The resolver Webhook nodes' authentication uses: the data of that type, else nothing.
  const resolve = credentialResolver(h.pool, () => resolveEncryptionKey(h.config));
  expect(await resolve({ id: `hdr-${u}`, name: null, type: 'httpHeaderAuth' })).toEqual({ name: 'X-API-Key', value: SECRETS.header });
  expect(await resolve({ id: null, name: `Deploy basic ${u}`, type: 'httpBasicAuth' })).toEqual({ user: 'deploy', password: SECRETS.password });
  expect(await resolve({ id: `hdr-${u}`, name: null, type: 'httpBasicAuth' })).toBeUndefined();

  expect((await call(`/api/v1/credentials/${header.body.id}`, { method: 'DELETE' })).status).toBe(204);
  expect((await call(`/api/v1/credentials/${header.body.id}`, { method: 'DELETE' })).status).toBe(404);
});
