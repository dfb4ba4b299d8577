/**
 * An abuse corpus, generated with fast-check: malformed, forged and hostile
 * webhooks (unsigned, wrongly signed and properly signed odd payloads) and API
 * requests on every documented path with every method, odd ids, queries and
 * bodies, with and without a token. Whatever comes, the answer is never a 5xx
 * or a stack trace, and the server stays up. The status histogram is printed.
 */
import { createHmac, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { createRepository } from '../../activities/intake/repository-store';
import { readJson, serveApi, type RunningApi } from '../helpers/api-server';
import { silentLogger, startHarness, testConfig, type Harness } from '../helpers/harness';

const ADMIN = 'admin-token-abuse-0000001';
const SECRET = 'abuse-webhook-secret-000001';
const OWNER = `abuse${randomUUID().slice(0, 6)}`;
const RUNS = 200;

let h: Harness;
let api: RunningApi;
const histogram: Record<string, number> = {};
let paths: { path: string; methods: string[] }[] = [];

beforeAll(async () => {
  const config = testConfig({ security: { admin_token: ADMIN }, intake: { webhook_rate_limit_per_minute: 100_000 } });
  h = await startHarness({ config, orchestrator: false });
  api = await serveApi({ config, temporal: h.client, pool: h.pool, logger: silentLogger, version: 'test', adminToken: ADMIN });
  // Unmonitored, so no signed delivery here starts anything.
  await createRepository(h.pool, { kind: 'gitea', baseUrl: 'https://gitea.example.com', owner: OWNER, name: 'api', token: null, tokenFile: null, webhookSecret: SECRET, monitor: false, labels: [], syncIntervalSeconds: null });
  await createRepository(h.pool, { kind: 'github', baseUrl: 'https://api.github.com', owner: OWNER, name: 'api', token: null, tokenFile: null, webhookSecret: SECRET, monitor: false, labels: [], syncIntervalSeconds: null });
  const doc = await readJson(await fetch(`${api.url}/api/openapi.json`));
  paths = Object.entries(doc.paths as Record<string, Record<string, unknown>>).map(([path, ops]) => ({ path, methods: Object.keys(ops) }));
});
afterAll(async () => {
  console.warn(`abuse corpus: ${Object.values(histogram).reduce((a, b) => a + b, 0)} requests, statuses ${JSON.stringify(histogram)}`);
  await api.close();
  await h.close();
});

async function expectNo5xx(res: Response, what: string): Promise<void> {
  const text = await res.text();
  histogram[res.status] = (histogram[res.status] ?? 0) + 1;
  if (res.status >= 500 || /at .*\.(js|ts):\d+/.test(text)) throw new Error(`${what} → ${res.status} ${text.slice(0, 300)}`);
}

/** Strings a fuzzer likes: unicode, NUL and control characters, lone surrogates, huge numbers, path tricks. */
const nasty = fc.oneof(
  fc.string({ maxLength: 40, unit: 'binary' }),
  fc.constantFrom('', '0', '-1', '1e308', '2147483648', '9007199254740993', 'NaN', '../../etc/passwd', '%00', '\u0000', '\ud800', '<img src=x onerror=alert(1)>', 'null', '[]', '{}', ' '),
  fc.integer().map(String),
);
const jsonish = fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.record({ repository: fc.anything({ maxDepth: 2 }), issue: fc.anything({ maxDepth: 2 }), action: fc.anything({ maxDepth: 1 }) }));
const giteaish = fc.record(
  {
    action: fc.oneof(fc.constantFrom('opened', 'edited', 'closed', 'labeled', 'created'), nasty),
    issue: fc.record(
      {
        number: fc.oneof(fc.integer(), fc.double(), fc.constant(2 ** 31), nasty),
        title: fc.oneof(nasty, fc.integer()),
        state: nasty,
        labels: fc.oneof(fc.array(fc.oneof(fc.record({ name: nasty }), fc.constant(null))), nasty),
        user: fc.oneof(fc.record({ login: fc.oneof(nasty, fc.integer()) }), fc.constant(null)),
      },
      { requiredKeys: [] },
    ),
    comment: fc.record({ id: fc.oneof(fc.integer(), nasty), body: fc.oneof(nasty, fc.constant('/approve')) }, { requiredKeys: [] }),
    repository: fc.constant({ name: 'api', owner: { login: OWNER } }),
  },
  { requiredKeys: ['repository'] },
);

test(`${RUNS} generated webhooks: unsigned, forged and signed-but-odd → never a 5xx`, async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('gitea', 'github'),
      fc.oneof(jsonish.map((v) => JSON.stringify(v) ?? 'null'), giteaish.map((v) => JSON.stringify(v)), fc.string({ maxLength: 200, unit: 'binary' })),
      fc.constantFrom('none', 'garbage', 'signed'),
      fc.constantFrom('issues', 'issue_comment', 'push', '', 'x'.repeat(100)),
      fc.constantFrom('application/json', 'application/json; charset=latin1', 'text/plain', 'application/json; charset=utf-8'),
      fc.constantFrom(undefined, 'gzip', 'deflate', 'br', 'identity'),
      async (forge, body, signing, event, contentType, encoding) => {
        const signature = signing === 'signed' ? createHmac('sha256', SECRET).update(body).digest('hex') : signing === 'garbage' ? 'zz'.repeat(32) : undefined;
        const headers: Record<string, string> = { 'content-type': contentType };
        if (encoding) headers['content-encoding'] = encoding;
        if (forge === 'gitea') {
          headers['x-gitea-event'] = event;
          if (signature) headers['x-gitea-signature'] = signature;
        } else {
          headers['x-github-event'] = event;
          if (signature) headers['x-hub-signature-256'] = `sha256=${signature}`;
        }
        await expectNo5xx(await fetch(`${api.url}/webhooks/${forge}`, { method: 'POST', headers, body }), `webhook ${forge} ${event} ${signing} ${body.slice(0, 80)}`);
      },
    ),
    { numRuns: RUNS },
  );
}, 120_000);

test(`${RUNS} generated API requests on every documented path → never a 5xx`, async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.nat(),
      fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
      fc.array(nasty, { minLength: 3, maxLength: 3 }),
      fc.dictionary(fc.constantFrom('cursor', 'limit', 'repository', 'status', 'issue', 'before', 'round', 'pageToken', 'q', 'topic', 'kind', 'hours', 'startedAfter', 'preview'), nasty, { maxKeys: 4 }),
      fc.oneof(fc.constant(undefined), jsonish.map((v) => JSON.stringify(v) ?? 'null'), fc.string({ maxLength: 100 })),
      fc.constantFrom(ADMIN, 'not-a-token', ''),
      async (i, method, ids, query, body, token) => {
        const { path } = paths[i % paths.length]!;
        let n = 0;
        // A lone surrogate has no UTF-8: send the bytes a careless client would (invalid UTF-8).
        const encode = (v: string): string => v.split('').map((c) => (/[\ud800-\udfff]/.test(c) ? '%ED%A0%80' : encodeURIComponent(c))).join('');
        // Other files share the database: a privileged change may only name things that cannot exist.
        const mutating = token === ADMIN && !['GET', 'HEAD', 'OPTIONS'].includes(method);
        const harmless = (v: string): string => (!mutating ? v : /^\d+$/.test(v) ? String(2 ** 50 + (Number(v) % 1000)) : `abuse-${v}`);
        const filled = path.replace(/\{[^}]+\}/g, () => encode(harmless(ids[n++ % ids.length]!)));
        const qs = new URLSearchParams(query).toString();
        // The live feed holds its stream open: read only its status.
        if (path.endsWith('/events') && method === 'GET') return;
        const res = await fetch(`${api.url}${filled}${qs ? `?${qs}` : ''}`, {
          method,
          headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
          ...(body !== undefined && method !== 'GET' && method !== 'HEAD' ? { body } : {}),
        });
        await expectNo5xx(res, `${method} ${filled}?${qs}`);
      },
    ),
    { numRuns: RUNS },
  );
  // Still up.
  expect((await fetch(`${api.url}/health`)).status).toBe(200);
}, 180_000);
