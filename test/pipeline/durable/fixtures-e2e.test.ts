/**
 * The parity fixtures (test/pipeline/fixtures) end to end: each document goes
 * through the API (`wait=true`) and runs as the pipelineRun workflow on the
 * real Temporal dev server and Postgres — Waits as durable timers, HTTP
 * Request and Crypto nodes as activities, sub-workflows as child workflows —
 * and must answer with the status, error and `nodes` written beside it.
 * HTTP Request nodes call a real local server that answers as the fixture says.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createActivities } from '../../../activities';
import { createPipelineActivities } from '../../../activities/pipeline/pipeline-activities';
import { testConfig } from '../../helpers/harness';
import { recordHistory } from '../../helpers/histories';
import { startPipelineStage, type PipelineStage } from './pipeline-stage';

const dir = path.join(__dirname, '..', 'fixtures');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

interface Fixture {
  workflow: Record<string, unknown>;
  input?: unknown[];
  http?: Record<string, { status: number; body: unknown; headers?: Record<string, string> }>;
  expected: { status: 'success' | 'error'; nodes: Record<string, unknown[][]>; error?: { node?: string; message?: string } };
}

/** Runs kept as replay fixtures (test/replay): child workflows, activities, a durable timer. */
const RECORDED: Record<string, string> = {
  'execute-sub-workflow-each.json': 'pipeline-run-sub-workflows',
  'http-request-items-and-lineage.json': 'pipeline-run-http',
  'wait-time-interval.json': 'pipeline-run-wait',
};

const FIXTURE_ORIGIN = /^https?:\/\/api\.test(?=\/|$)/;
let answers: Fixture['http'] = {};

/** Headers a real HTTP server adds by itself, which the fixtures (written for a canned responder) do not list. */
const TRANSPORT = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);
function withoutTransportHeaders(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTransportHeaders);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      k === 'headers' && typeof v === 'object' && v !== null ? Object.fromEntries(Object.entries(v).filter(([h]) => !TRANSPORT.has(h))) : withoutTransportHeaders(v),
    ]),
  );
}
let server: Server;
let s: PipelineStage;

beforeAll(async () => {
  server = createServer((req, res) => {
    const answer = answers?.[`http://api.test${req.url}`];
    if (!answer) return void res.writeHead(599).end('not in the fixture');
    const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    res.writeHead(answer.status, { 'content-type': typeof answer.body === 'string' ? 'text/plain' : 'application/json', ...answer.headers }).end(text);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const local = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The fixtures' host (api.test) is this local server.
  const fixtureFetch: typeof fetch = (input, init) => fetch(String(input).replace(FIXTURE_ORIGIN, local), init);
  const config = testConfig();
  s = await startPipelineStage({
    harness: { activities: (pool) => ({ ...createActivities({ pool, config }), ...createPipelineActivities(pool, { fetch: fixtureFetch }) }) },
  });
});
afterAll(async () => {
  await s.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

test('there are fixtures to run', () => {
  expect(files.length).toBeGreaterThanOrEqual(20);
});

describe.each(files)('%s', (file) => {
  const fixture = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Fixture;
  it('runs durably as n8n runs it', async () => {
    answers = fixture.http ?? {};
    const { status, body } = await s.run(fixture.workflow, { ...(fixture.input ? { input: fixture.input } : {}) });
    expect(status).toBe(200);
    expect({ status: body.status, error: body.error?.message }).toEqual({ status: fixture.expected.status, error: fixture.expected.error?.message });
    if (fixture.expected.error?.node) expect(body.error.node).toBe(fixture.expected.error.node);
    expect(Object.keys(body.nodes)).toEqual(Object.keys(fixture.expected.nodes));
    expect(withoutTransportHeaders(body.nodes)).toEqual(fixture.expected.nodes);
    if (RECORDED[file]) await recordHistory(RECORDED[file], s.h.client.workflow.getHandle(body.workflowId));
  });
});
