/**
 * The live feed (GET /api/v1/events, server-sent events) and the dashboard's
 * figures (GET /api/v1/stats/...) against the real Temporal dev server and
 * Postgres: a stream hears a running execution move and the agent registry
 * change; the counts and the load history come from the real stores.
 */
import { randomUUID } from 'node:crypto';
import { TypedSearchAttributes } from '@temporalio/common';
import { createNode, deleteNode } from '../../activities/agents/agent-store';
import { WHOOSH_KIND } from '../../domain/search-attributes';
import { readJson, serveApi, type RunningApi } from '../helpers/api-server';
import { silentLogger, startHarness, testConfig, type Harness } from '../helpers/harness';

const VIEWER = 'viewer-token-live-api-0001';
const U = randomUUID().slice(0, 8);
let h: Harness;
let api: RunningApi;

beforeAll(async () => {
  const config = testConfig({ security: { tokens: [{ name: 'watcher', token: VIEWER, role: 'viewer' }] } });
  h = await startHarness({ config });
  api = await serveApi({ config, temporal: h.client, pool: h.pool, logger: silentLogger, version: 'test' });
});
afterAll(async () => {
  await api.close();
  await h.close();
});

interface Frame {
  readonly event: string;
  readonly data: unknown;
  /** When it arrived (ms since the epoch). */
  readonly at: number;
}

/** An event stream read frame by frame. */
async function open(query: string, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  const res = await fetch(`${api.url}/api/v1/events?${query}`, { headers, signal: abort.signal });
  const frames: Frame[] = [];
  const waiters: (() => void)[] = [];
  if (res.ok && res.body) {
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event) frames.push({ event, data: data ? JSON.parse(data) : undefined, at: Date.now() });
            for (const w of waiters.splice(0)) w();
          }
        }
      } catch {
        // aborted
      }
    })();
  }
  const next = async (event: string, from = 0, timeoutMs = 15_000): Promise<number> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = frames.findIndex((f, n) => n >= from && f.event === event);
      if (i >= 0) return i;
      if (Date.now() > deadline) throw new Error(`no "${event}" event; got ${JSON.stringify(frames)}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 200);
      });
    }
  };
  return { res, frames, next, close: () => abort.abort() };
}

test('the stream needs a viewer token, in the header or as access_token, and known topics', async () => {
  expect((await fetch(`${api.url}/api/v1/events?topic=teams`)).status).toBe(401);
  expect((await fetch(`${api.url}/api/v1/events?topic=teams&access_token=not-a-token-at-all`)).status).toBe(401);
  const unknown = await fetch(`${api.url}/api/v1/events?topic=everything&access_token=${VIEWER}`);
  expect(unknown.status).toBe(400);
  expect((await readJson(unknown)).error.issues[0].path).toBe('query.topic');
  expect((await fetch(`${api.url}/api/v1/events?access_token=${VIEWER}`)).status).toBe(400);

  const s = await open('topic=teams', { authorization: `Bearer ${VIEWER}` });
  expect(s.res.status).toBe(200);
  expect(s.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  await s.next('ready');
  expect(s.frames[0]).toMatchObject({ event: 'ready', data: { topics: ['teams'] } });
  s.close();
});

test('a running execution’s topic changes as it moves and when it completes; the registry’s as nodes come and go', async () => {
  const workflowId = `live-api:${U}`;
  await h.client.workflow.start('selfCheck', {
    workflowId,
    taskQueue: h.taskQueue,
    args: [{ delayMs: 1500 }],
    typedSearchAttributes: new TypedSearchAttributes([{ key: WHOOSH_KIND, value: `live-${U}` }]),
  });
  const s = await open(new URLSearchParams([['topic', `execution:${workflowId}`], ['topic', 'agents'], ['access_token', VIEWER]]).toString());
  const ready = await s.next('ready');
  const handle = h.client.workflow.getHandle(workflowId);
  await handle.result();
  const closedAt = (await handle.describe()).closeTime!.getTime();
  // The completion is told within the execution topic's poll interval; a closed run then stays quiet.
  await new Promise((r) => setTimeout(r, 2500));
  // (Other files register nodes meanwhile, so 'agents' may change too.)
  const changes = s.frames.slice(ready + 1).filter((f) => f.event === 'change' && (f.data as { topic: string }).topic === `execution:${workflowId}`);
  const told = changes.filter((f) => f.at >= closedAt);
  expect(told).toHaveLength(1);
  expect(told[0]!.at - closedAt).toBeLessThan(2000);

  const mark = s.frames.length;
  const id = `live-${U}`;
  await createNode(h.pool, id, { name: id, endpoint: 'http://127.0.0.1:9', models: ['m'], specialization: null, capabilities: [], parallel: 1, hardware: {}, performance_targets: {} });
  await s.next('change', mark);
  expect(s.frames.slice(mark).some((f) => f.event === 'change' && (f.data as { topic: string }).topic === 'agents')).toBe(true);
  await deleteNode(h.pool, id);
  s.close();
});

test('executions are counted by kind and status; a node’s load comes back per minute', async () => {
  const res = await fetch(`${api.url}/api/v1/stats/executions?hours=1`, { headers: { authorization: `Bearer ${VIEWER}` } });
  expect(res.status).toBe(200);
  const counts = await readJson(res);
  expect(counts.kinds.map((k: { kind: string | null }) => k.kind)).toEqual(['team', 'council', 'repository-sync', 'agent-health', 'system-check', 'pipeline', null]);
  // This file's self-check has a kind of its own, so it is among "other".
  const other = counts.kinds.at(-1);
  expect(other.byStatus.COMPLETED).toBeGreaterThanOrEqual(1);
  expect(counts.total.total).toBeGreaterThanOrEqual(other.total);

  const id = `load-${U}`;
  await createNode(h.pool, id, { name: id, endpoint: 'http://127.0.0.1:9', models: ['m'], specialization: null, capabilities: [], parallel: 1, hardware: {}, performance_targets: {} });
  // A call that took the last 30 seconds and generated 600 tokens in 20 of them.
  await h.pool.query(
    `INSERT INTO llm_calls (id, node_id, model, workflow_id, state, reserved_at, started_at, finished_at, lease_expires_at, eval_tokens, eval_duration_ms)
     VALUES ($1, $2, 'm', 'w', 'succeeded', now() - interval '30 seconds', now() - interval '30 seconds', now(), now(), 600, 20000)`,
    [randomUUID(), id],
  );
  const load = await readJson(await fetch(`${api.url}/api/v1/stats/agent-load?minutes=5`, { headers: { authorization: `Bearer ${VIEWER}` } }));
  expect(load.bucketSeconds).toBe(60);
  expect(load.buckets).toHaveLength(5);
  const series = load.nodes.find((n: { id: string }) => n.id === id);
  const busy = series.utilization.reduce((a: number, b: number) => a + b, 0);
  expect(busy).toBeGreaterThan(0.3);
  expect(series.tokensPerSecond.filter((v: number | null) => v !== null)).toEqual([30]);
  expect(series.calls.reduce((a: number, b: number) => a + b, 0)).toBe(1);
  await h.pool.query('DELETE FROM llm_calls WHERE node_id = $1', [id]);
  await deleteNode(h.pool, id);

  const bad = await fetch(`${api.url}/api/v1/stats/agent-load?minutes=600&bucketSeconds=10`, { headers: { authorization: `Bearer ${VIEWER}` } });
  expect(bad.status).toBe(400);
});
