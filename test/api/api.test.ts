/**
 * The API shell against the real Temporal dev server and Postgres: auth and
 * roles, validation, limits, security headers, readiness, the OpenAPI document
 * and the self-check workflow end to end.
 */
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { freePort } from '../../infra/ports';
import type { ApiContext } from '../../api/context';
import { readJson, serveApi, type RunningApi } from '../helpers/api-server';
import { silentLogger, startHarness, testConfig, type Harness } from '../helpers/harness';

const ADMIN = 'admin-token-for-tests-0001';
const OPERATOR = 'operator-token-for-tests-01';
const VIEWER = 'viewer-token-for-tests-0001';

let h: Harness;
let api: RunningApi;
let ctx: ApiContext;

beforeAll(async () => {
  const config = testConfig({
    security: {
      tokens: [
        { name: 'ops', token: OPERATOR, role: 'operator' },
        { name: 'wall', token: VIEWER, role: 'viewer' },
      ],
      cors_origins: ['http://dashboard.test'],
    },
  });
  h = await startHarness({ config });
  ctx = { config, temporal: h.client, pool: h.pool, logger: silentLogger, version: '9.9.9-test', adminToken: ADMIN, temporalUiUrl: 'http://ui.test:8233' };
  api = await serveApi(ctx);
});
afterAll(async () => {
  await api.close();
  await h.close();
});

const call = (path: string, init: RequestInit & { token?: string } = {}) =>
  fetch(`${api.url}${path}`, {
    ...init,
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(init.headers as Record<string, string>),
    },
  });

describe('health', () => {
  test('GET /health answers with the version, without a token', async () => {
    const res = await call('/health');
    expect(res.status).toBe(200);
    expect(await readJson(res)).toMatchObject({ status: 'ok', version: '9.9.9-test' });
  });

  test('GET /health/ready is 200 when Temporal and Postgres answer', async () => {
    const res = await call('/health/ready');
    expect(res.status).toBe(200);
    const body = await readJson(res);
    expect(body).toMatchObject({ status: 'ready', down: [], checks: { temporal: { ok: true }, postgres: { ok: true } } });
  });

  test('GET /health/ready is 503 naming what is down', async () => {
    const deadPort = await freePort();
    const deadPool = new pg.Pool({ connectionString: `postgres://x:y@127.0.0.1:${deadPort}/none`, connectionTimeoutMillis: 1000 });
    const deadTemporal = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${deadPort}` }) });
    const broken = await serveApi({ ...ctx, pool: deadPool, temporal: deadTemporal });
    try {
      const res = await fetch(`${broken.url}/health/ready`);
      expect(res.status).toBe(503);
      const body = await readJson(res);
      expect(body.status).toBe('unavailable');
      expect(body.down.sort()).toEqual(['postgres', 'temporal']);
      expect(body.checks.postgres.error).toEqual(expect.any(String));
    } finally {
      await broken.close();
      await deadPool.end();
    }
  });
});

describe('auth', () => {
  test('every /api/v1 route needs a bearer token; a wrong one gets the same 401', async () => {
    for (const token of [undefined, 'not-a-real-token-at-all']) {
      const res = await call('/api/v1/me', { token });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(await readJson(res)).toEqual({ error: { code: 'unauthorized', message: 'A valid bearer token is required' } });
    }
  });

  test('tokens carry roles; viewers cannot mutate', async () => {
    expect(await (await readJson(await call('/api/v1/me', { token: VIEWER })))).toEqual({ name: 'wall', role: 'viewer', via: 'token' });
    expect(await (await readJson(await call('/api/v1/me', { token: ADMIN })))).toMatchObject({ role: 'admin' });
    const res = await call('/api/v1/system/self-check', { method: 'POST', token: VIEWER, body: '{}' });
    expect(res.status).toBe(403);
    expect((await readJson(res)).error.code).toBe('forbidden');
  });
});

describe('validation and limits', () => {
  test('a body that does not validate gets 400 with the field errors', async () => {
    const res = await call('/api/v1/system/self-check', { method: 'POST', token: OPERATOR, body: JSON.stringify({ delaySeconds: -1, extra: 1 }) });
    expect(res.status).toBe(400);
    const { error } = await readJson(res);
    expect(error.code).toBe('invalid_request');
    expect(error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['body', 'body.delaySeconds']);
  });

  test('malformed JSON is 400, a non-JSON body 415, an oversized body 413; none leaks a stack', async () => {
    const bad = await call('/api/v1/system/self-check', { method: 'POST', token: OPERATOR, body: '{"note":' });
    expect(bad.status).toBe(400);
    const text = await call('/api/v1/system/self-check', { method: 'POST', token: OPERATOR, headers: { 'content-type': 'text/plain' }, body: 'hi' });
    expect(text.status).toBe(415);
    const big = await call('/api/v1/system/self-check', { method: 'POST', token: OPERATOR, body: JSON.stringify({ note: 'x'.repeat(2_000_000) }) });
    expect(big.status).toBe(413);
    for (const res of [bad, text, big]) {
      const body = await res.text();
      expect(body).not.toMatch(/at .*\.(js|ts):\d+/);
      expect(JSON.parse(body).error.message).toEqual(expect.any(String));
    }
  });

  test('unknown routes are 404 in the error shape', async () => {
    const res = await call('/api/v1/nope', { token: ADMIN });
    expect(res.status).toBe(404);
    expect((await readJson(res)).error.code).toBe('not_found');
  });

  test('too many requests get 429 with Retry-After', async () => {
    const limited = await serveApi({ ...ctx, config: { ...ctx.config, security: { ...ctx.config.security, rate_limit_per_minute: 3 } } });
    try {
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${limited.url}/api/v1/me`, { headers: { authorization: `Bearer ${VIEWER}` } });
        statuses.push(res.status);
        if (res.status === 429) retryAfter = res.headers.get('retry-after');
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect(Number(retryAfter)).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});

describe('browser-facing headers', () => {
  test('security headers are set', async () => {
    const res = await call('/health');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  test('CORS allows only the configured origins', async () => {
    const allowed = await call('/api/v1/me', { method: 'OPTIONS', headers: { origin: 'http://dashboard.test', 'access-control-request-method': 'GET' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://dashboard.test');
    const other = await call('/api/v1/me', { method: 'OPTIONS', headers: { origin: 'http://evil.test', 'access-control-request-method': 'GET' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('OpenAPI', () => {
  test('the document is generated from the route schemas', async () => {
    const doc = await (await readJson(await call('/api/openapi.json')));
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/health', '/health/ready', '/api/v1/me', '/api/v1/system/self-check', '/api/v1/system/self-check/{workflowId}']),
    );
    const post = doc.paths['/api/v1/system/self-check'].post;
    expect(post.security).toEqual([{ bearer: [] }]);
    expect(post.requestBody.content['application/json'].schema.properties).toHaveProperty('delaySeconds');
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['200', '202', '400', '401', '403']));
  });

  test('the docs page is served', async () => {
    const res = await call('/api/docs/');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('swagger-ui');
  });
});

describe('self-check', () => {
  test('runs the workflow; its activity wrote a row to Postgres', async () => {
    const res = await call('/api/v1/system/self-check', { method: 'POST', token: OPERATOR, body: JSON.stringify({ note: 'api test' }) });
    expect(res.status).toBe(200);
    const body = await readJson(res);
    expect(body.status).toBe('COMPLETED');
    expect(body.result.ok).toBe(true);
    expect(body.temporalUiUrl).toBe(`http://ui.test:8233/namespaces/default/workflows/${encodeURIComponent(body.workflowId)}/${body.runId}/history`);
    const { rows } = await h.pool.query('SELECT note FROM system_checks WHERE id = $1', [body.result.checkId]);
    expect(rows).toEqual([{ note: 'api test' }]);
  });

  test('a long check answers 202 and can be followed until it completes', async () => {
    const res = await call('/api/v1/system/self-check', { method: 'POST', token: OPERATOR, body: JSON.stringify({ delaySeconds: 2, waitSeconds: 0 }) });
    expect(res.status).toBe(202);
    const { workflowId, status } = await readJson(res);
    expect(status).toBe('RUNNING');
    let view: { status: string; result?: { ok: boolean } } = { status: 'RUNNING' };
    for (let i = 0; i < 100 && view.status === 'RUNNING'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      view = await (await readJson(await call(`/api/v1/system/self-check/${encodeURIComponent(workflowId)}`, { token: VIEWER })));
    }
    expect(view).toMatchObject({ status: 'COMPLETED', result: { ok: true } });
  });

  test('an unknown self-check is 404', async () => {
    const res = await call(`/api/v1/system/self-check/${encodeURIComponent('self-check:nope')}`, { token: VIEWER });
    expect(res.status).toBe(404);
  });
});
