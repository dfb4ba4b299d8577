/**
 * The Executions API on the real Temporal dev server: listing from visibility
 * with filters and page tokens, a run's history as a timeline, full payloads
 * on demand, and the errors a dashboard can run into. Workflows are tagged
 * with a WhooshKind of this file's own, since the server is shared.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkflowHandleWithFirstExecutionRunId as WorkflowHandle } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { WHOOSH_ISSUE, WHOOSH_KIND, WHOOSH_REPOSITORY } from '../../domain/search-attributes';
import { readJson, serveApi, type RunningApi } from '../helpers/api-server';
import { silentLogger, startHarness, testConfig, type Harness } from '../helpers/harness';

const VIEWER = 'viewer-token-workflows-0001';
const U = randomUUID().slice(0, 8);
const KIND = `wf-api-${U}`;
const REPO = `acme/api-${U}`;
const QUOTED_REPO = `o'neil/api-${U}`;

let h: Harness;
let api: RunningApi;
let testStart: Date;
const completed: WorkflowHandle[] = [];
let running: WorkflowHandle;
/** The completed run with a durable pause, so its timeline has a timer. */
let paused: WorkflowHandle;

const call = (path: string, token: string | null = VIEWER) => fetch(`${api.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
const get = async (path: string) => {
  const res = await call(path);
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return readJson(res);
};
const qs = (params: Record<string, string | number>) => new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();
const list = (params: Record<string, string | number>) => get(`/api/v1/workflows?${qs(params)}`);
const historyPath = (id: string, extra = '') => `/api/v1/workflows/${encodeURIComponent(id)}/history${extra}`;

/** Visibility is eventually consistent: ask until the answer is the expected one. */
async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await sleep(200);
  }
}

const startSelfCheck = (workflowId: string, delayMs: number, attrs: { kind?: string; repository?: string; issue?: number } = {}) =>
  h.client.workflow.start('selfCheck', {
    workflowId,
    taskQueue: h.taskQueue,
    args: [{ delayMs }],
    typedSearchAttributes: new TypedSearchAttributes([
      { key: WHOOSH_KIND, value: attrs.kind ?? KIND },
      ...(attrs.repository ? [{ key: WHOOSH_REPOSITORY, value: attrs.repository }] : []),
      ...(attrs.issue ? [{ key: WHOOSH_ISSUE, value: attrs.issue }] : []),
    ]),
  });

beforeAll(async () => {
  const config = testConfig({ security: { tokens: [{ name: 'wall', token: VIEWER, role: 'viewer' }] } });
  h = await startHarness({ config });
  api = await serveApi({ config, temporal: h.client, pool: h.pool, logger: silentLogger, version: 'test', temporalUiUrl: 'http://ui.test:8233' });
  testStart = new Date(Date.now() - 1000);
  // Ids with the characters WHOOSH's own ids have (`team:acme/api#42`), which must survive the URL.
  completed.push(
    await startSelfCheck(`wf-api:${REPO}#1-${U}`, 0, { repository: REPO, issue: 1 }),
    await startSelfCheck(`wf-api:${REPO}#2-${U}`, 0, { repository: REPO, issue: 2 }),
    await startSelfCheck(`wf-api:${QUOTED_REPO}#7-${U}`, 0, { repository: QUOTED_REPO, issue: 7 }),
  );
  paused = await startSelfCheck(`wf-api:paused-${U}`, 300);
  completed.push(paused);
  running = await startSelfCheck(`wf-api:running-${U}`, 600_000);
  await Promise.all(completed.map((w) => w.result()));
  await eventually(
    () => list({ kind: KIND, status: 'COMPLETED' }),
    (page) => page.executions.length === completed.length,
  );
  await eventually(
    () => list({ kind: KIND, status: 'RUNNING' }),
    (page) => page.executions.length === 1,
  );
});
afterAll(async () => {
  await running?.terminate('test over').catch(() => undefined);
  await api?.close();
  await h?.close();
});

describe('listing', () => {
  test('executions of a kind, with their search attributes and a Temporal UI link', async () => {
    const { executions, nextPageToken, query } = await list({ kind: KIND });
    expect(query).toBe(`WhooshKind = '${KIND}'`);
    expect(nextPageToken).toBeNull();
    expect(executions.map((e: { workflowId: string }) => e.workflowId).sort()).toEqual([...completed, running].map((w) => w.workflowId).sort());

    const quoted = executions.find((e: { workflowId: string }) => e.workflowId === completed[2]!.workflowId);
    expect(quoted).toMatchObject({
      runId: completed[2]!.firstExecutionRunId,
      type: 'selfCheck',
      status: 'COMPLETED',
      kind: KIND,
      repository: QUOTED_REPO,
      issue: 7,
      statusDetail: null,
    });
    expect(Date.parse(quoted.startTime)).toBeGreaterThanOrEqual(testStart.getTime());
    expect(Date.parse(quoted.closeTime)).toBeGreaterThanOrEqual(Date.parse(quoted.startTime));
    expect(quoted.historyLength).toBeGreaterThan(10);
    expect(quoted.temporalUiUrl).toMatch(/^http:\/\/ui\.test:8233\//);
    expect(quoted.temporalUiUrl).toContain(encodeURIComponent(quoted.workflowId));
  });

  test('filters by status, repository (quote and all), type, start time and id prefix', async () => {
    const ids = async (params: Record<string, string>) => (await list({ kind: KIND, ...params })).executions.map((e: { workflowId: string }) => e.workflowId).sort();
    expect(await ids({ status: 'RUNNING' })).toEqual([running.workflowId]);
    expect(await ids({ status: 'COMPLETED' })).toHaveLength(4);
    expect(await ids({ status: 'FAILED' })).toEqual([]);
    expect(await ids({ repository: QUOTED_REPO })).toEqual([completed[2]!.workflowId]);
    expect(await ids({ repository: REPO })).toEqual([completed[0]!.workflowId, completed[1]!.workflowId]);
    expect(await ids({ q: `wf-api:${REPO}#` })).toEqual([completed[0]!.workflowId, completed[1]!.workflowId]);
    expect(await ids({ q: "o'neil/" })).toEqual([completed[2]!.workflowId]);
    expect(await ids({ type: 'llmCall' })).toEqual([]);
    expect(await ids({ type: 'selfCheck', startedAfter: testStart.toISOString() })).toHaveLength(5);
    expect(await ids({ startedAfter: new Date(Date.now() + 3_600_000).toISOString() })).toEqual([]);
    expect(await ids({ startedBefore: testStart.toISOString() })).toEqual([]);
  });

  test('a running execution shows its events so far; background upkeep is left out unless asked for', async () => {
    const { executions } = await list({ kind: KIND, status: 'RUNNING' });
    expect(executions[0].historyLength).toBeGreaterThan(3);

    const sweep = await startSelfCheck(`wf-api:sweep-${U}`, 0, { kind: 'agent-health' });
    await sweep.result();
    const ids = async (params: Record<string, string>) => (await list({ q: 'wf-api:', ...params })).executions.map((e: { workflowId: string }) => e.workflowId);
    const withSweep = await eventually(
      () => ids({ background: 'include' }),
      (found) => found.includes(sweep.workflowId),
    );
    expect(withSweep).toContain(sweep.workflowId);
    expect(await ids({})).not.toContain(sweep.workflowId);
    expect(await ids({})).toContain(running.workflowId);
    expect(await ids({ kind: 'agent-health' })).toEqual([sweep.workflowId]);
  });

  test('pages through with nextPageToken, never repeating an execution', async () => {
    const seen: string[] = [];
    const sizes: number[] = [];
    let pageToken: string | null = null;
    do {
      const page: { executions: { workflowId: string }[]; nextPageToken: string | null } = await list({ kind: KIND, pageSize: 2, ...(pageToken ? { pageToken } : {}) });
      sizes.push(page.executions.length);
      seen.push(...page.executions.map((e) => e.workflowId));
      if (page.nextPageToken) expect(page.nextPageToken).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      pageToken = page.nextPageToken;
    } while (pageToken && sizes.length < 10);
    expect(sizes.slice(0, 3)).toEqual([2, 2, 1]);
    expect(new Set(seen).size).toBe(5);
    expect(seen.sort()).toEqual([...completed, running].map((w) => w.workflowId).sort());
  });

  test('bad filters are 400 naming the field', async () => {
    const bad = async (params: Record<string, string>) => {
      const res = await call(`/api/v1/workflows?${qs(params)}`);
      expect(res.status).toBe(400);
      return (await readJson(res)).error;
    };
    expect((await bad({ status: 'SLEEPING' })).issues.map((i: { path: string }) => i.path)).toEqual(['query.status']);
    expect((await bad({ pageSize: '0' })).issues.map((i: { path: string }) => i.path)).toEqual(['query.pageSize']);
    expect((await bad({ pageSize: 'lots' })).issues.map((i: { path: string }) => i.path)).toEqual(['query.pageSize']);
    expect((await bad({ startedAfter: 'yesterday' })).issues.map((i: { path: string }) => i.path)).toEqual(['query.startedAfter']);
    expect((await bad({ kind: 'a\\b' })).issues[0].message).toMatch(/backslash/);
    expect((await bad({ pageToken: 'not a token!' })).issues.map((i: { path: string }) => i.path)).toEqual(['query.pageToken']);
  });

  test('a page token works only for the listing that issued it, and a bad one is refused at once', async () => {
    const { nextPageToken } = await list({ kind: KIND, pageSize: 2 });
    const [digest, token] = nextPageToken.split('.');
    const started = Date.now();
    for (const [params, why] of [
      [{ kind: KIND, status: 'COMPLETED', pageToken: nextPageToken }, 'the filters changed'],
      [{ kind: KIND, pageToken: `${digest}.${token.slice(0, -2)}` }, 'truncated'],
      [{ kind: KIND, pageToken: `AAAAAAAAAAAAAAAA.${token}` }, 'forged'],
    ] as const) {
      const res = await call(`/api/v1/workflows?${qs(params)}`);
      expect([why, res.status]).toEqual([why, 400]);
      const { error } = await readJson(res);
      expect(error.message).toMatch(/start again from the first page/);
      expect(error.issues.map((i: { path: string }) => i.path)).toEqual(['query.pageToken']);
    }
    // Refused here, not after the Temporal client has retried the server's UNKNOWN for twenty
    // seconds: a bound well below that retrying, not a latency target (benchmarks measure those).
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  test('the routes are in the OpenAPI document, generated from the schemas that validate them', async () => {
    const doc = await readJson(await call('/api/openapi.json', null));
    const listing = doc.paths['/api/v1/workflows'].get;
    expect(listing.security).toEqual([{ bearer: [] }]);
    expect(listing.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['background', 'kind', 'pageSize', 'pageToken', 'q', 'repository', 'startedAfter', 'startedBefore', 'status', 'type']);
    expect(doc.paths['/api/v1/workflows/{workflowId}/history'].get.responses).toHaveProperty('404');
    expect(doc.paths['/api/v1/workflows/{workflowId}/history/events/{eventId}/payload'].get.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['eventId', 'field', 'runId', 'workflowId']);
  });

  test('needs a bearer token', async () => {
    for (const path of ['/api/v1/workflows', historyPath(paused.workflowId), `${historyPath(paused.workflowId)}/events/1/payload`]) {
      const res = await call(path, null);
      expect(res.status).toBe(401);
      expect((await readJson(res)).error.code).toBe('unauthorized');
    }
  });
});

describe('history', () => {
  test('a completed run as a timeline: activity, timer, activity, with previews and the workflow tasks folded away', async () => {
    const body = await get(historyPath(paused.workflowId));
    const description = await paused.describe();
    expect(body).toMatchObject({ workflowId: paused.workflowId, runId: paused.firstExecutionRunId, type: 'selfCheck', status: 'COMPLETED' });
    expect(body.temporalUiUrl).toContain(encodeURIComponent(paused.workflowId));
    expect(body.events).toHaveLength(description.historyLength);
    expect(body.timeline.eventCount).toBe(description.historyLength);

    const items = body.timeline.items;
    expect(items.map((i: { kind: string; title: string; status: string }) => `${i.kind}:${i.title}:${i.status}`)).toEqual([
      'workflow-start:selfCheck:started',
      'activity:recordSystemCheck:completed',
      'timer:Timer 1:fired',
      'activity:readSystemCheck:completed',
      'workflow-end:Workflow completed:completed',
    ]);
    expect(items[0].input).toMatchObject({ preview: '{"delayMs":300}', truncated: false, eventId: '1', field: 'input' });
    expect(items[1]).toMatchObject({ attempts: 1, taskQueue: h.taskQueue, result: { encoding: 'json/plain', truncated: false } });
    expect(items[1].result.preview).toMatch(/^\{"postgresVersion":"\d+/);
    expect(items[2]).toMatchObject({ fireAfterMs: 300 });
    expect(items[2].durationMs).toBeGreaterThanOrEqual(300);
    expect(body.timeline.workflowTasks.completed).toBeGreaterThanOrEqual(3);
    expect(body.events.filter((e: { category: string }) => e.category === 'task')).toHaveLength(
      body.timeline.workflowTasks.scheduled + body.timeline.workflowTasks.completed + body.events.filter((e: { type: string }) => e.type === 'WorkflowTaskStarted').length,
    );
    // The same run, named by its run id.
    expect((await get(historyPath(paused.workflowId, `?runId=${paused.firstExecutionRunId}`))).events).toHaveLength(description.historyLength);
  });

  test('a truncated preview points at the full value', async () => {
    const body = await get(historyPath(paused.workflowId, '?preview=32'));
    const end = body.timeline.items.find((i: { kind: string }) => i.kind === 'workflow-end');
    expect(end.result.preview).toHaveLength(32);
    expect(end.result.truncated).toBe(true);

    const full = await get(`${historyPath(paused.workflowId)}/events/${end.result.eventId}/payload?${qs({ field: end.result.field, runId: body.runId })}`);
    expect(full).toMatchObject({ workflowId: paused.workflowId, runId: paused.firstExecutionRunId, eventId: end.result.eventId, field: 'result', encoding: 'json/plain' });
    expect(full.value).toEqual(await paused.result());
    expect(full.sizeBytes).toBe(end.result.sizeBytes);
    // With a single payload the field may be left out.
    expect((await get(`${historyPath(paused.workflowId)}/events/1/payload`)).value).toEqual({ delayMs: 300 });
  });

  test('unknown workflows, runs, events and fields are 404; a malformed run id is 400', async () => {
    const notFound = async (path: string) => {
      const res = await call(path);
      expect(res.status).toBe(404);
      return (await readJson(res)).error.message as string;
    };
    expect(await notFound(historyPath(`no-such-workflow-${U}`))).toBe(`No workflow no-such-workflow-${U}`);
    expect(await notFound(historyPath(paused.workflowId, `?runId=${randomUUID()}`))).toMatch(/^No run /);
    expect(await notFound(`${historyPath(paused.workflowId)}/events/9999/payload`)).toMatch(/has no event 9999/);
    expect(await notFound(`${historyPath(paused.workflowId)}/events/2/payload`)).toMatch(/carries no payload/);
    expect(await notFound(`${historyPath(paused.workflowId)}/events/1/payload?field=result`)).toMatch(/has input$/);
    const malformed = await call(historyPath(paused.workflowId, '?runId=not-a-run'));
    expect(malformed.status).toBe(400);
    expect((await readJson(malformed)).error.issues.map((i: { path: string }) => i.path)).toEqual(['query.runId']);
  });

  test('a running workflow with over a thousand events is read whole, in order, and its end shows once terminated', async () => {
    const busy = await startSelfCheck(`wf-api:busy-${U}`, 600_000, { kind: `${KIND}-busy` });
    try {
      let sent = 0;
      while ((await busy.describe()).historyLength < 1000) {
        await Promise.all(Array.from({ length: 50 }, () => busy.signal('poke', { n: sent++ })));
      }
      // A signal that arrives while a workflow task is running is buffered by the server and
      // written to the history only when that task completes: wait until every one is there.
      // The timer too: it starts only after the first activity, in a workflow task that under
      // load may come after the thousandth event.
      const settled = async () => {
        const events = (await busy.fetchHistory()).events ?? [];
        return events.filter((e) => e.workflowExecutionSignaledEventAttributes).length >= sent && events.some((e) => e.timerStartedEventAttributes);
      };
      const deadline = Date.now() + 30_000;
      while (!(await settled()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const historyLength = (await busy.describe()).historyLength;

      const body = await get(historyPath(busy.workflowId));
      expect(body.status).toBe('RUNNING');
      // Every page was read, in order (the workflow may still be adding workflow-task events).
      expect(body.events.length).toBeGreaterThanOrEqual(historyLength);
      expect(body.events.map((e: { id: string }) => Number(e.id))).toEqual(Array.from({ length: body.events.length }, (_, i) => i + 1));

      const kinds = body.timeline.items.map((i: { kind: string }) => i.kind);
      expect(kinds.filter((k: string) => k === 'signal')).toHaveLength(sent);
      expect(body.timeline.items.find((i: { kind: string }) => i.kind === 'timer')).toMatchObject({ status: 'started', end: null, fireAfterMs: 600_000 });
      expect(body.timeline.end).toBeNull();
      const last = body.timeline.items.findLast((i: { kind: string }) => i.kind === 'signal');
      expect(last).toMatchObject({ name: 'poke', direction: 'received' });

      await busy.terminate('enough pokes');
      const after = await get(historyPath(busy.workflowId));
      expect(after.status).toBe('TERMINATED');
      expect(after.timeline.items.at(-1)).toMatchObject({ kind: 'workflow-end', status: 'terminated', reason: 'enough pokes' });
    } finally {
      await busy.terminate('test over').catch(() => undefined);
    }
  });
});
