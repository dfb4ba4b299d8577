/**
 * whoosh.forgeTrigger: the pure event → trigger → item rules, and the intake
 * hook on the real stack — a Gitea simulator's signed webhook, the receiver
 * and the relay — with a stored, activated pipeline: an issue event starts it
 * once, however often it is delivered; an event no trigger takes starts nothing.
 */
import { randomUUID } from 'node:crypto';
import { activatePipeline } from '../../../activities/pipeline/pipeline-activation';
import { createPipeline } from '../../../activities/pipeline/pipeline-catalog';
import { getExecution } from '../../../activities/pipeline/pipeline-store';
import { WebhookRelay } from '../../../api/webhooks/relay';
import type { ForgePipelines } from '../../../api/webhooks/forge-pipelines';
import { storedForgePipelines } from '../../../api/webhooks/stored-forge-pipelines';
import type { IssueEvent } from '../../../domain/intake/route-event';
import { forgeTriggerEventOf, forgeTriggerItem, forgeTriggerMatches } from '../../../domain/pipeline/nodes/whoosh-forge-trigger';
import type { N8nWorkflow } from '../../../domain/pipeline/types';
import { validateWorkflow } from '../../../domain/pipeline/validate';
import { GiteaSimulator, GITEA_SIM_TOKEN } from '../../../simulators/gitea';
import { GitHubSimulator, GITHUB_SIM_TOKEN } from '../../../simulators/github';
import { readJson, serveApi, type RunningApi } from '../../helpers/api-server';
import { eventually } from '../../helpers/eventually';
import { silentLogger, startHarness, testConfig, type Harness } from '../../helpers/harness';
import { setNode } from '../durable/pipeline-stage';

const event = (over: Partial<Omit<IssueEvent, 'issue'>> & { issue?: Partial<IssueEvent['issue']> } = {}): IssueEvent => ({
  kind: 'issue',
  action: 'opened',
  repo: { owner: 'acme', name: 'app' },
  sender: 'alice',
  ...over,
  issue: { number: 7, title: 'Crash', state: 'open', labels: ['bug'], author: 'alice', url: 'http://x/7', isPullRequest: false, ...over.issue },
});

const trigger = (parameters: Record<string, unknown>) => ({ name: 'On issue', type: 'whoosh.forgeTrigger', typeVersion: 1, position: [0, 0] as [number, number], parameters });

test('forge events map to trigger events, filters and items', () => {
  expect(forgeTriggerEventOf(event())).toBe('issueOpened');
  expect(forgeTriggerEventOf(event({ action: 'labeled' }))).toBe('issueLabeled');
  expect(forgeTriggerEventOf(event({ action: 'closed' }))).toBe('issueClosed');
  expect(forgeTriggerEventOf(event({ kind: 'comment', action: 'created', comment: { id: 1, body: 'hi', author: 'bob' } }))).toBe('issueComment');
  expect(forgeTriggerEventOf({ ...event({ action: 'closed', issue: { isPullRequest: true } }), merged: true })).toBe('pullRequestMerged');
  expect(forgeTriggerEventOf(event({ action: 'synchronize', issue: { isPullRequest: true } }))).toBe('pullRequestSynchronized');
  expect(forgeTriggerEventOf(event({ action: 'edited' }))).toBeUndefined();
  expect(forgeTriggerEventOf(event({ action: 'closed', issue: { isPullRequest: true } }))).toBeUndefined();
  expect(forgeTriggerEventOf(event({ action: 'synchronized', issue: { isPullRequest: true } }))).toBe('pullRequestSynchronized');

  const node = trigger({ repository: 'ACME/app', events: ['issueOpened'], labels: 'bug' });
  expect(forgeTriggerMatches(node, event())).toBe(true);
  expect(forgeTriggerMatches(node, event({ issue: { labels: ['feature'] } }))).toBe(false);
  expect(forgeTriggerMatches(node, event({ action: 'closed' }))).toBe(false);
  expect(forgeTriggerMatches(node, event({ repo: { owner: 'acme', name: 'other' } }))).toBe(false);
  expect(forgeTriggerMatches({ ...node, disabled: true }, event())).toBe(false);
  expect(forgeTriggerItem(event()).json).toEqual({ event: 'issueOpened', action: 'opened', repository: 'acme/app', sender: 'alice', issue: expect.objectContaining({ number: 7, labels: ['bug'] }) });

  const problems = validateWorkflow({ nodes: [trigger({ repository: 'nope', events: ['issueEdited'] })], connections: {}, settings: { executionOrder: 'v1' } }).map((p) => p.message);
  expect(problems).toEqual(['Node "On issue": parameter "repository" must be owner/name', 'Node "On issue": unknown event "issueEdited"']);
});

describe('through the intake', () => {
  let h: Harness;
  let api: RunningApi;
  let relay: WebhookRelay;
  let gitea: GiteaSimulator;
  let github: GitHubSimulator;
  let prPipelineId: string;
  const owner = `trig${randomUUID().slice(0, 6)}`;
  const repo = 'app';
  let pipelineId: string;
  let store: ForgePipelines;
  const mine: number[] = [];

  const doc: N8nWorkflow = {
    name: 'triage',
    nodes: [trigger({ repository: `${owner}/${repo}`, events: ['issueOpened', 'issueLabeled'], labels: ['bug'] }), setNode('Seen', { seen: true }, true)],
    connections: { 'On issue': { main: [[{ node: 'Seen', type: 'main', index: 0 }]] } },
    settings: { executionOrder: 'v1' },
  };

  /** Pull requests opened and merged, on both forges' repositories. */
  const prDoc: N8nWorkflow = {
    name: 'pull requests',
    nodes: [
      { ...trigger({ repository: `${owner}/${repo}`, events: ['pullRequestOpened', 'pullRequestMerged'] }), name: 'On pull' },
      { ...trigger({ repository: `${owner}/hub`, events: ['pullRequestOpened', 'pullRequestMerged'] }), name: 'On hub pull', position: [0, 200] as [number, number] },
      setNode('Seen', { seen: true }, true),
    ],
    connections: { 'On pull': { main: [[{ node: 'Seen', type: 'main', index: 0 }]] }, 'On hub pull': { main: [[{ node: 'Seen', type: 'main', index: 0 }]] } },
    settings: { executionOrder: 'v1' },
  };

  /** The runs the pipeline has had, oldest first. */
  const runsOfPipeline = async (key = pipelineId): Promise<string[]> =>
    (await h.pool.query<{ id: string }>(`SELECT id FROM pipeline_executions WHERE pipeline_key = $1 ORDER BY started_at`, [key])).rows.map((r) => r.id);

  /** What the pipeline's runs saw, once they are all done: the Seen node's item per run. */
  const seenItems = async (key: string, n: number): Promise<Record<string, unknown>[]> =>
    eventually(async () => {
      const { rows } = await h.pool.query(
        `SELECT e.status, r.run FROM pipeline_executions e LEFT JOIN pipeline_node_runs r ON r.execution_id = e.id AND r.node = 'Seen' WHERE e.pipeline_key = $1 ORDER BY e.started_at`,
        [key],
      );
      return rows.length === n && rows.every((r) => r.status === 'success' && r.run) ? rows.map((r) => r.run.data.main[0][0].json) : undefined;
    }, `${n} finished runs`);

  const register = async (body: Record<string, unknown>): Promise<{ id: number; webhookSecret: string }> => {
    const res = await fetch(`${api.url}/api/v1/repositories`, {
      method: 'POST',
      headers: { authorization: 'Bearer operator-token-forge-trigger', 'content-type': 'application/json' },
      body: JSON.stringify({ owner, monitor: true, ...body }),
    });
    const registered = await readJson(res);
    mine.push(registered.id);
    return registered;
  };

  beforeAll(async () => {
    const config = testConfig({ security: { tokens: [{ name: 'ops', token: 'operator-token-forge-trigger', role: 'operator' }] } });
    h = await startHarness({ config });
    pipelineId = (await createPipeline(h.pool, doc, 'test')).id;
    expect(await activatePipeline({ pool: h.pool, client: h.client, taskQueue: h.taskQueue }, pipelineId, 'test')).toEqual({ found: true, problems: [] });
    prPipelineId = (await createPipeline(h.pool, prDoc, 'test')).id;
    expect(await activatePipeline({ pool: h.pool, client: h.client, taskQueue: h.taskQueue }, prPipelineId, 'test')).toEqual({ found: true, problems: [] });
    store = storedForgePipelines({ pool: h.pool, client: h.client, taskQueue: h.taskQueue });
    gitea = await GiteaSimulator.start();
    github = await GitHubSimulator.start();
    relay = new WebhookRelay({ pool: h.pool, client: h.client, taskQueue: h.taskQueue, logger: silentLogger, pollMs: 100, repositoryIds: () => mine, forgePipelines: store });
    relay.start();
    api = await serveApi({ config, temporal: h.client, pool: h.pool, logger: silentLogger, version: 'test', relay, forgePipelines: store });
    const registered = await register({ kind: 'gitea', baseUrl: gitea.url, name: repo, token: GITEA_SIM_TOKEN });
    gitea.createRepo(owner, repo);
    gitea.addWebhook(owner, repo, { url: `${api.url}/webhooks/gitea`, secret: registered.webhookSecret, events: ['issues', 'issue_comment', 'pull_request'] });
    const hub = await register({ kind: 'github', baseUrl: github.url, name: 'hub', token: GITHUB_SIM_TOKEN });
    github.createRepo(owner, 'hub');
    github.addWebhook(owner, 'hub', { url: `${api.url}/webhooks/github`, secret: hub.webhookSecret, events: ['issues', 'issue_comment', 'pull_request'] });
  });
  afterAll(async () => {
    await relay.stop();
    await api.close();
    await gitea.stop();
    await github.stop();
    await h.close();
  });

  test('an issue event starts the pipeline once however often it is delivered; other events start nothing', async () => {
    gitea.openIssue(owner, repo, { title: 'Feature idea', labels: [], author: 'alice' });
    const { number } = gitea.openIssue(owner, repo, { title: 'Crash on save', labels: ['bug'], author: 'alice' });
    const [id = ''] = await eventually(async () => {
      const runs = await runsOfPipeline();
      return runs.length === 1 ? runs : undefined;
    }, 'the pipeline to start');
    const row = await eventually(async () => {
      const r = await getExecution(h.pool, id);
      return r?.status === 'success' ? r : undefined;
    }, 'the run to finish');
    expect(row.mode).toBe('trigger');
    expect(row).toMatchObject({ trigger: 'forge', pipelineVersion: 1 });
    const { rows } = await h.pool.query(`SELECT run FROM pipeline_node_runs WHERE execution_id = $1 AND node = 'Seen'`, [id]);
    expect(rows[0].run.data.main[0][0].json).toMatchObject({ event: 'issueOpened', repository: `${owner}/${repo}`, issue: { number, title: 'Crash on save' }, seen: true });

    // The forge delivers it again (same delivery id): stored, relayed, and nothing new starts.
    const delivery = gitea.deliveries.find((d) => d.event === 'issues' && d.action === 'opened' && d.status === 202 && gitea.deliveries.indexOf(d) > 0)!;
    await gitea.redeliver(delivery.deliveryId);
    await gitea.redeliver(delivery.deliveryId);
    await eventually(async () => {
      const { rows: r } = await h.pool.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE delivery_id = $1 AND status <> 'pending'`, [delivery.deliveryId]);
      return r[0].n === 3 ? true : undefined;
    }, 'the redeliveries to be relayed');
    expect(await runsOfPipeline()).toEqual([id]);
  });

  test('pull requests opened and merged on Gitea and GitHub start the pipeline once per delivery; a push starts nothing, and no team or council starts', async () => {
    const pr = gitea.openPullRequest(owner, repo, { title: 'Add cache', author: 'bob', head: 'cache' });
    await seenItems(prPipelineId, 1);
    gitea.synchronizePullRequest(owner, repo, pr.number);
    gitea.mergePullRequest(owner, repo, pr.number, 'carol');
    await seenItems(prPipelineId, 2);
    const hubPr = github.openPullRequest(owner, 'hub', { title: 'Fix typo', author: 'dave' });
    github.synchronizePullRequest(owner, 'hub', hubPr.number);
    github.mergePullRequest(owner, 'hub', hubPr.number, 'erin');
    const items = await seenItems(prPipelineId, 4);
    expect(items).toEqual([
      expect.objectContaining({ event: 'pullRequestOpened', action: 'opened', repository: `${owner}/${repo}`, sender: 'bob', pullRequest: expect.objectContaining({ number: pr.number, title: 'Add cache', merged: false, head: expect.objectContaining({ ref: 'cache' }) }) }),
      expect.objectContaining({ event: 'pullRequestMerged', action: 'closed', sender: 'carol', pullRequest: expect.objectContaining({ number: pr.number, state: 'closed', merged: true, isPullRequest: true }) }),
      expect.objectContaining({ event: 'pullRequestOpened', repository: `${owner}/hub`, pullRequest: expect.objectContaining({ number: hubPr.number, author: 'dave', base: { ref: 'main' } }) }),
      expect.objectContaining({ event: 'pullRequestMerged', sender: 'erin', pullRequest: expect.objectContaining({ number: hubPr.number, merged: true }) }),
    ]);

    // The pushes were delivered, acknowledged and ignored: no pipeline listens to pullRequestSynchronized here.
    const pulls = [...gitea.deliveries, ...github.deliveries].filter((d) => d.event === 'pull_request');
    expect(pulls.map((d) => [d.action, d.status])).toEqual([
      ['opened', 202],
      ['synchronized', 200],
      ['closed', 202],
      ['opened', 202],
      ['synchronize', 200],
      ['closed', 202],
    ]);
    const { rows: intents } = await h.pool.query(`SELECT intent->>'type' AS type FROM webhook_deliveries WHERE event = 'pull_request' AND repository LIKE $1`, [`${owner}/%`]);
    expect(intents.map((r) => r.type)).toEqual(Array(6).fill('ignore'));

    // Redelivering the opened and merged deliveries starts nothing new.
    for (const d of pulls.filter((x) => x.status === 202)) await (gitea.deliveries.includes(d) ? gitea : github).redeliver(d.deliveryId);
    await eventually(async () => {
      const { rows: r } = await h.pool.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE event = 'pull_request' AND repository LIKE $1 AND status <> 'pending'`, [`${owner}/%`]);
      return r[0].n === 10 ? true : undefined;
    }, 'the redeliveries to be relayed');
    expect(await runsOfPipeline(prPipelineId)).toHaveLength(4);
    expect(await runsOfPipeline()).toHaveLength(1);
  });
});
