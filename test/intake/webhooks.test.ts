/**
 * Forge intake end to end on the real Temporal dev server and Postgres: the
 * Gitea and GitHub simulators send real signed webhooks (and answer the real
 * clients during syncs); stand-in team and council workflows record signals.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { WebhookRelay } from '../../api/webhooks/relay';
import { freePort } from '../../infra/ports';
import { CLIENT_CHANNEL_ARGS } from '../../infra/temporal-client';
import { startDevServer } from '../../infra/temporal-server';
import { readJson, serveApi, type RunningApi } from '../helpers/api-server';
import { silentLogger, startHarness, testConfig, type Harness } from '../helpers/harness';
import { quietBundlerLogger } from '../helpers/quiet-logger';
import { GiteaSimulator, GITEA_SIM_TOKEN } from '../../simulators/gitea';
import { GitHubSimulator, GITHUB_SIM_TOKEN } from '../../simulators/github';
import { testEnv } from '../setup/test-env';
import { receivedQuery, type Received } from '../workflows-standins';
import { eventually } from '../helpers/eventually';

const STANDINS = require.resolve('../workflows-standins');
const OPERATOR = 'operator-token-intake-0001';
const OWNER = `acme${randomUUID().slice(0, 6)}`;

let h: Harness;
let api: RunningApi;
let relay: WebhookRelay;
let gitea: GiteaSimulator;
let github: GitHubSimulator;
let giteaRepo: { id: number; webhookSecret: string };
/** This file's repositories: other files' relays share the outbox, so each relay takes only its own. */
const mine: number[] = [];
const repositoryIds = () => mine;

const call = (p: string, init: RequestInit = {}) =>
  fetch(`${api.url}${p}`, { ...init, headers: { authorization: `Bearer ${OPERATOR}`, 'content-type': 'application/json' } });

async function register(kind: 'gitea' | 'github', baseUrl: string, name: string, token: string) {
  const res = await call('/api/v1/repositories', { method: 'POST', body: JSON.stringify({ kind, baseUrl, owner: OWNER, name, token, monitor: true }) });
  expect(res.status).toBe(201);
  const repo = await readJson(res);
  mine.push(repo.id);
  return repo;
}

beforeAll(async () => {
  const config = testConfig({
    security: { tokens: [{ name: 'ops', token: OPERATOR, role: 'operator' }] },
    intake: { permitted_users: ['lead'], webhook_body_limit: '64kb' },
  });
  h = await startHarness({ config, workflowsPath: STANDINS });
  relay = new WebhookRelay({ pool: h.pool, client: h.client, taskQueue: h.taskQueue, logger: silentLogger, pollMs: 200, repositoryIds });
  relay.start();
  api = await serveApi({ config, temporal: h.client, pool: h.pool, logger: silentLogger, version: 'test', relay });
  gitea = await GiteaSimulator.start();
  github = await GitHubSimulator.start();
  giteaRepo = await register('gitea', gitea.url, 'api', GITEA_SIM_TOKEN);
  gitea.addWebhook(OWNER, 'api', { url: `${api.url}/webhooks/gitea`, secret: giteaRepo.webhookSecret });
  const gh = await register('github', github.url, 'web', GITHUB_SIM_TOKEN);
  github.addWebhook(OWNER, 'web', { url: `${api.url}/webhooks/github`, secret: gh.webhookSecret });
});
afterAll(async () => {
  await relay.stop();
  await api.close();
  await Promise.all([gitea.stop(), github.stop()]);
  await h.close();
});


const describeWf = (id: string) => h.client.workflow.getHandle(id).describe();
const running = (id: string) => eventually(async () => ((await describeWf(id)).status.name === 'RUNNING' ? true : undefined), `${id} running`);
const received = (id: string) => h.client.workflow.getHandle(id).query(receivedQuery) as Promise<Received[]>;
async function deliveriesFor(issue: number) {
  return (await readJson(await call(`/api/v1/webhooks/deliveries?repository=${giteaRepo.id}&issue=${issue}`))).deliveries as { status: string; outcome: string; deliveryId: string }[];
}

describe('signatures', () => {
  const post = (headers: Record<string, string>, body: string) => fetch(`${api.url}/webhooks/gitea`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-gitea-event': 'issues', ...headers }, body });
  const body = () =>
    JSON.stringify({
      action: 'opened',
      secret: giteaRepo.webhookSecret,
      issue: { number: 9001, title: 'Sneaky', state: 'open', labels: [{ name: 'bzzz-task' }], user: { login: 'x' } },
      repository: { name: 'api', owner: { login: OWNER } },
    });

  test('missing, empty or wrong signatures get 401, start nothing and are only counted', async () => {
    const before = (await readJson(await call('/api/v1/webhooks/deliveries'))).rejected;
    const wrong = createHmac('sha256', 'not-the-secret').update(body()).digest('hex');
    const attempts: Record<string, string>[] = [{}, { 'x-gitea-signature': '' }, { 'x-gitea-signature': wrong }, { 'x-gitea-signature': 'nothex' }];
    for (const headers of attempts) {
      const res = await post(headers, body());
      expect(res.status).toBe(401);
    }
    // Signed with the right secret but over other bytes (re-serialised JSON) fails too.
    const reserialised = createHmac('sha256', giteaRepo.webhookSecret).update(JSON.stringify(JSON.parse(body()), null, 2)).digest('hex');
    expect((await post({ 'x-gitea-signature': reserialised }, body())).status).toBe(401);
    expect(await deliveriesFor(9001)).toEqual([]);
    await expect(describeWf(`team:${OWNER}/api#9001`)).rejects.toBeInstanceOf(WorkflowNotFoundError);
    const after = (await readJson(await call('/api/v1/webhooks/deliveries'))).rejected;
    expect((after['gitea:missing-signature'] ?? 0) - (before['gitea:missing-signature'] ?? 0)).toBe(2);
    expect((after['gitea:bad-signature'] ?? 0) - (before['gitea:bad-signature'] ?? 0)).toBe(3);
  });

  test('non-JSON, malformed and oversized bodies', async () => {
    const text = await fetch(`${api.url}/webhooks/gitea`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-gitea-signature': 'ab' }, body: 'payload=x' });
    expect(text.status).toBe(415);
    expect((await post({ 'x-gitea-signature': 'ab' }, '{"action":')).status).toBe(400);
    expect((await post({ 'x-gitea-signature': 'ab' }, JSON.stringify({ pad: 'x'.repeat(70_000) }))).status).toBe(413);
  });
});

describe('exactly once', () => {
  test('an issue opened with the task label starts one team formation; redelivery and replay reach the same one', async () => {
    const issue = gitea.openIssue(OWNER, 'api', { title: 'Add SSO', labels: ['bzzz-task'], author: 'alice' });
    await gitea.settled();
    const id = `team:${OWNER}/api#${issue.number}`;
    await running(id);
    const first = gitea.deliveries.find((d) => d.body.includes(`"title": "Add SSO"`) && d.action === 'opened')!;
    expect(first.status).toBe(202);

    expect(await gitea.redeliver(first.deliveryId)).toBe(202);
    expect(await gitea.redeliver(first.deliveryId, { newDeliveryId: true })).toBe(202);
    const statuses = await eventually(async () => {
      const d = await deliveriesFor(issue.number);
      return d.length === 3 && d.every((x) => x.status !== 'pending') ? d.map((x) => x.status).sort() : undefined;
    }, 'three processed deliveries');
    expect(statuses).toEqual(['existing', 'existing', 'started']);
    const { executions } = await h.client.workflowService.listWorkflowExecutions({ namespace: 'default', query: `WorkflowId = '${id}'` });
    expect(executions).toHaveLength(1);
  });

  test('two concurrent copies of one delivery start one workflow', async () => {
    const issue = gitea.openIssue(OWNER, 'api', { title: 'Rate limits', labels: ['bzzz-task'] });
    await gitea.settled();
    const d = gitea.deliveries.filter((x) => x.body.includes('"title": "Rate limits"'))[0]!;
    await Promise.all([gitea.redeliver(d.deliveryId), gitea.redeliver(d.deliveryId, { newDeliveryId: true })]);
    const statuses = await eventually(async () => {
      const list = await deliveriesFor(issue.number);
      return list.length === 3 && list.every((x) => x.status !== 'pending') ? list.map((x) => x.status) : undefined;
    }, 'processed copies');
    expect(statuses.filter((s) => s === 'started')).toHaveLength(1);
  });

  test('50 concurrent distinct deliveries start 50 workflows', async () => {
    const issues = Array.from({ length: 50 }, (_, i) => gitea.openIssue(OWNER, 'api', { title: `Bulk ${i}`, labels: ['bzzz-task'] }));
    await gitea.settled();
    for (const i of issues) await running(`team:${OWNER}/api#${i.number}`);
    const started = await eventually(async () => {
      const all = (await readJson(await call(`/api/v1/webhooks/deliveries?repository=${giteaRepo.id}&status=started&limit=500`))).deliveries as { issueNumber: number }[];
      const mine = all.filter((d) => issues.some((i) => i.number === d.issueNumber));
      return mine.length === 50 ? mine : undefined;
    }, '50 started deliveries');
    expect(new Set(started.map((d) => d.issueNumber)).size).toBe(50);
  });
});

describe('routing', () => {
  test('Gitea label changes decide from the current labels', async () => {
    const issue = gitea.openIssue(OWNER, 'api', { title: 'Label me later' });
    await gitea.settled();
    expect((await deliveriesFor(issue.number)).map((d) => d.status)).toEqual(['ignored']);
    gitea.setLabels(OWNER, 'api', issue.number, ['bzzz-task']);
    await gitea.settled();
    await running(`team:${OWNER}/api#${issue.number}`);
    expect(gitea.deliveries.some((d) => d.headers['x-gitea-event-type'] === 'issue_label' && d.body.includes(`"number": ${issue.number}`))).toBe(true);
  });

  test('a Design Brief starts a council kickoff', async () => {
    const issue = gitea.openIssue(OWNER, 'api', { title: 'Design Brief: payments v2', labels: ['chorus-entrypoint'] });
    await gitea.settled();
    await running(`council:${OWNER}/api#${issue.number}`);
    await expect(describeWf(`team:${OWNER}/api#${issue.number}`)).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  test('comments become signals; only from the author or a permitted user; closing signals the end', async () => {
    const issue = gitea.openIssue(OWNER, 'api', { title: 'Comment flow', labels: ['bzzz-task'], author: 'alice' });
    await gitea.settled();
    const id = `team:${OWNER}/api#${issue.number}`;
    await running(id);
    gitea.addComment(OWNER, 'api', issue.number, '/revise please add tests', 'lead');
    gitea.addComment(OWNER, 'api', issue.number, '/cancel', 'mallory');
    await gitea.settled();
    const got = await eventually(async () => {
      const r = await received(id);
      return r.length >= 1 ? r : undefined;
    }, 'the /revise signal');
    expect(got).toEqual([expect.objectContaining({ type: 'command', command: 'revise', text: 'please add tests', user: 'lead' })]);
    expect((await deliveriesFor(issue.number)).map((d) => d.outcome)).toContain('/cancel from mallory, who is not permitted');

    gitea.closeIssue(OWNER, 'api', issue.number, 'alice');
    await gitea.settled();
    const result = await h.client.workflow.getHandle(id).result();
    expect(result.received).toEqual([expect.objectContaining({ command: 'revise' }), expect.objectContaining({ type: 'closed', closedBy: 'alice', via: 'webhook' })]);
  });

  test('GitHub webhooks (X-Hub-Signature-256) start the same kind of workflow', async () => {
    const issue = github.openIssue(OWNER, 'web', { title: 'From GitHub', labels: ['bzzz-task'] });
    await github.settled();
    await running(`team:${OWNER}/web#${issue.number}`);
  });
});

describe('sync', () => {
  test('an issue created while webhooks were off is picked up by the sync, once', async () => {
    gitea.webhooks(false);
    const issue = gitea.openIssue(OWNER, 'api', { title: 'Missed by webhooks', labels: ['bzzz-task'] });
    gitea.webhooks(true);
    const id = `team:${OWNER}/api#${issue.number}`;
    await expect(describeWf(id)).rejects.toBeInstanceOf(WorkflowNotFoundError);

    const res = await call(`/api/v1/repositories/${giteaRepo.id}/sync`, { method: 'POST' });
    expect(res.status).toBe(202);
    const { workflowId } = await readJson(res);
    const result = await h.client.workflow.getHandle(workflowId).result();
    expect(result).toMatchObject({ mode: 'full' });
    expect(result.workflowsStarted).toBeGreaterThanOrEqual(1);
    await running(id);

    // An incremental run sees it again and starts nothing new.
    const again = await h.client.workflow.execute('repositorySync', { workflowId: `sync-again-${randomUUID()}`, taskQueue: h.taskQueue, args: [{ repositoryId: giteaRepo.id, full: false }] });
    expect(again).toMatchObject({ mode: 'incremental', workflowsStarted: 0 });
    const { runs } = await readJson(await call(`/api/v1/repositories/${giteaRepo.id}/logs`));
    expect(runs[0]).toMatchObject({ mode: 'incremental', workflowsStarted: 0, error: null });
    expect(runs[1]).toMatchObject({ mode: 'full', error: null });
  });

  test('each monitored repository has a sync schedule; ensure-labels creates the standard labels once', async () => {
    const schedule = await h.client.schedule.getHandle(`whoosh-sync-${giteaRepo.id}`).describe();
    expect(schedule.action).toMatchObject({ workflowType: 'repositorySync', args: [{ repositoryId: giteaRepo.id, full: false }] });
    const first = await readJson(await call(`/api/v1/repositories/${giteaRepo.id}/ensure-labels`, { method: 'POST' }));
    expect(first.created).toEqual(expect.arrayContaining(['whoosh:team-forming', 'whoosh:done']));
    const second = await readJson(await call(`/api/v1/repositories/${giteaRepo.id}/ensure-labels`, { method: 'POST' }));
    expect(second.created).toEqual([]);
  });
});

test('a delivery accepted while Temporal is down starts its workflow once Temporal is back', async () => {
  // Only this test's relay may take deliveries now (the outbox is shared).
  await relay.stop();
  // A Temporal of its own for this test, not started yet: the relay's client points at its future port.
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'whoosh-down-'));
  chmodSync(dataDir, 0o755);
  const client = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${port}`, channelArgs: CLIENT_CHANNEL_ARGS }) });
  const downRelay = new WebhookRelay({ pool: h.pool, client, taskQueue: h.taskQueue, logger: silentLogger, pollMs: 200, callTimeoutMs: 1000, repositoryIds });
  downRelay.start();
  const downApi = await serveApi({ config: h.config, temporal: client, pool: h.pool, logger: silentLogger, version: 'test', relay: downRelay });
  const repoRes = await call('/api/v1/repositories', { method: 'POST', body: JSON.stringify({ kind: 'gitea', baseUrl: gitea.url, owner: OWNER, name: 'outage', token: GITEA_SIM_TOKEN, monitor: false }) });
  const repo = await readJson(repoRes);
  mine.push(repo.id);
  await h.pool.query('UPDATE repositories SET monitor = true WHERE id = $1', [repo.id]);
  gitea.addWebhook(OWNER, 'outage', { url: `${downApi.url}/webhooks/gitea`, secret: repo.webhookSecret });
  try {
    const t0 = Date.now();
    const issue = gitea.openIssue(OWNER, 'outage', { title: 'During the outage', labels: ['bzzz-task'] });
    await gitea.settled();
    const delivery = gitea.deliveries.find((d) => d.body.includes('During the outage'))!;
    expect(delivery.status).toBe(202);
    expect(Date.now() - t0).toBeLessThan(1000);
    const pending = await eventually(async () => {
      const d = (await readJson(await call(`/api/v1/webhooks/deliveries?repository=${repo.id}`))).deliveries[0];
      return d?.attempts >= 1 && d.lastError ? d : undefined;
    }, 'a failed relay attempt');
    expect(pending.status).toBe('pending');

    const server = await startDevServer({ binary: testEnv().temporalBinary, port, dataDir });
    const connection = await NativeConnection.connect({ address: server.address });
    const worker = await Worker.create({ connection, taskQueue: h.taskQueue, workflowBundle: await bundleWorkflowCode({ workflowsPath: STANDINS, logger: quietBundlerLogger }) });
    const run = worker.run();
    try {
      const id = `team:${OWNER}/outage#${issue.number}`;
      await eventually(async () => ((await client.workflow.getHandle(id).describe()).status.name === 'RUNNING' ? true : undefined), 'the workflow after recovery', 40_000);
      const d = (await readJson(await call(`/api/v1/webhooks/deliveries?repository=${repo.id}`))).deliveries[0];
      expect(d).toMatchObject({ status: 'started', workflowId: id });
      expect(d.attempts).toBeGreaterThan(1);
    } finally {
      worker.shutdown();
      await run;
      await connection.close();
      await server.stop();
    }
  } finally {
    await downRelay.stop();
    await downApi.close();
    await client.connection.close();
    relay = new WebhookRelay({ pool: h.pool, client: h.client, taskQueue: h.taskQueue, logger: silentLogger, pollMs: 200, repositoryIds });
    relay.start();
  }
}, 90_000);
