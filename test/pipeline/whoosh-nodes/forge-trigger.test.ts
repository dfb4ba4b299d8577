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

  /** The runs the pipeline has had, oldest first. */
  const runsOfPipeline = async (): Promise<string[]> =>
    (await h.pool.query<{ id: string }>(`SELECT id FROM pipeline_executions WHERE pipeline_key = $1 ORDER BY started_at`, [pipelineId])).rows.map((r) => r.id);

  beforeAll(async () => {
    const config = testConfig({ security: { tokens: [{ name: 'ops', token: 'operator-token-forge-trigger', role: 'operator' }] } });
    h = await startHarness({ config });
    pipelineId = (await createPipeline(h.pool, doc, 'test')).id;
    expect(await activatePipeline({ pool: h.pool, client: h.client, taskQueue: h.taskQueue }, pipelineId, 'test')).toEqual({ found: true, problems: [] });
    store = storedForgePipelines({ pool: h.pool, client: h.client, taskQueue: h.taskQueue });
    gitea = await GiteaSimulator.start();
    relay = new WebhookRelay({ pool: h.pool, client: h.client, taskQueue: h.taskQueue, logger: silentLogger, pollMs: 100, repositoryIds: () => mine, forgePipelines: store });
    relay.start();
    api = await serveApi({ config, temporal: h.client, pool: h.pool, logger: silentLogger, version: 'test', relay, forgePipelines: store });
    const res = await fetch(`${api.url}/api/v1/repositories`, {
      method: 'POST',
      headers: { authorization: 'Bearer operator-token-forge-trigger', 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'gitea', baseUrl: gitea.url, owner, name: repo, token: GITEA_SIM_TOKEN, monitor: true }),
    });
    const registered = await readJson(res);
    mine.push(registered.id);
    gitea.createRepo(owner, repo);
    gitea.addWebhook(owner, repo, { url: `${api.url}/webhooks/gitea`, secret: registered.webhookSecret });
  });
  afterAll(async () => {
    await relay.stop();
    await api.close();
    await gitea.stop();
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
});
