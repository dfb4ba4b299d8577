/**
 * The dashboard's views in a real browser against the real stack: a team
 * formed by the real teamFormation workflow (Gitea and Docker simulators,
 * agent nodes of this file's own), executions listed and paged through
 * Temporal's visibility, an execution whose activity failed, the agent
 * registry edited through its form, repositories and webhook deliveries, and
 * pages that follow what they show without a reload — across an API restart.
 * Each view is saved as a screenshot in test-results/screenshots/.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { WorkflowFailedError } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import type { Browser, Page } from 'playwright-core';
import { createApp } from '../../api/app';
import { ensureUiBuilt, UI_DIST } from '../../infra/ui-build';
import type { llmCall } from '../../workflows/llm-call';
import { WHOOSH_KIND } from '../../domain/search-attributes';
import { readJson } from '../helpers/api-server';
import { launchBrowser, screenshotPath } from '../helpers/browser';
import { silentLogger } from '../helpers/harness';
import { DEFAULT_NODES, eventually, OPERATOR_TOKEN, startTeamStage, VIEWER_TOKEN, type TeamStage } from '../team/team-fixture';

const TEMPORAL_UI = 'http://temporal-ui.test';
const U = randomUUID().slice(0, 6);
/** A model only this file's unreachable node has, so a call for it fails on that node's worker. */
const DEAD_MODEL = `ui-dead-${U}:1b`;

let s: TeamStage;
let ui: { url: string; port: number; close(): Promise<void> };
let browser: Browser;
let page: Page;
let teamId: string;

/** The API with the built dashboard, on `port` (0 = any free one), so a test can restart it in place. */
async function serveUi(port = 0): Promise<typeof ui> {
  const app = createApp({ config: s.config, temporal: s.h.client, pool: s.h.pool, logger: silentLogger, version: 'ui-test', temporalUiUrl: TEMPORAL_UI, uiDir: UI_DIST });
  const server: Server = await new Promise((resolve, reject) => {
    const srv = app.listen(port, '127.0.0.1', () => resolve(srv)).once('error', reject);
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

beforeAll(async () => {
  await ensureUiBuilt();
  s = await startTeamStage({
    config: { teams: { min_size: 3, max_size: 4 }, llm: { attempts_per_node: 2, wait_for_node_seconds: 0 } },
    nodes: [...DEFAULT_NODES, { suffix: `dead${U}`, specialization: 'unreachable', capabilities: [], models: [DEAD_MODEL], endpoint: 'http://127.0.0.1:9' }],
    harness: { nodes: (n) => n.id.endsWith(`-dead${U}`) },
  });
  await s.h.nodeWorkers!.reconcile();
  ui = await serveUi();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await ui?.close();
  await s?.close();
});
beforeEach(async () => {
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
});
afterEach(async () => {
  await page.close();
});

async function signIn(token = OPERATOR_TOKEN, path = '/'): Promise<void> {
  await page.goto(`${ui.url}${path}`);
  await page.getByTestId('token-input').fill(token);
  await page.getByTestId('sign-in').click();
  await page.getByTestId('whoami').waitFor();
}

const shot = (name: string) => page.screenshot({ path: screenshotPath(name), fullPage: true });
const noHorizontalOverflow = () => page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');

test('agents: the nodes with status and models; an operator adds a node (with field errors first), edits and removes it', async () => {
  await signIn(OPERATOR_TOKEN, '/agents');
  const table = page.getByTestId('agents-table');
  for (const id of s.nodeIds) await table.locator(`[data-node="${id}"]`).waitFor();
  await table.locator(`[data-node="${s.nodeIds[0]}"]`).getByText('llama3.1:8b').waitFor();
  await page.getByTestId('chart-utilization').waitFor();
  await page.getByTestId('chart-tokens').waitFor();
  await shot('views-agents');

  const id = `${U}-added`;
  await page.getByTestId('add-node').click();
  const form = page.getByTestId('node-form');
  await form.getByLabel('Id', { exact: true }).fill(id);
  await form.getByLabel('Ollama endpoint').fill('not a url');
  await form.getByLabel('Models').fill('llama3.2:1b, qwen2.5:0.5b');
  await form.getByLabel('Parallel calls').fill('2');
  await form.getByTestId('save-node').click();
  // The API's field error lands next to the field it is about.
  await form.getByText('must be an http(s) URL').waitFor();
  expect(await form.getByLabel('Ollama endpoint').getAttribute('aria-invalid')).toBe('true');
  await shot('views-agent-form');

  await form.getByLabel('Ollama endpoint').fill('http://127.0.0.1:9');
  await form.getByLabel('GPU').fill('RTX 4090');
  await form.getByTestId('save-node').click();
  const row = table.locator(`[data-node="${id}"]`);
  await row.getByText('qwen2.5:0.5b').waitFor();
  await row.getByText('0 / 2').waitFor();

  await row.getByRole('button', { name: `Edit ${id}` }).click();
  await form.getByLabel('Parallel calls').fill('3');
  await form.getByTestId('save-node').click();
  await row.getByText('0 / 3').waitFor();
  const saved = await readJson(await s.call(`/api/v1/agents/${id}`));
  expect(saved).toMatchObject({ parallel: 3, models: ['llama3.2:1b', 'qwen2.5:0.5b'], hardware: { gpu_type: 'RTX 4090' } });

  page.once('dialog', (d) => void d.accept());
  await row.getByRole('button', { name: `Remove ${id}` }).click();
  await row.waitFor({ state: 'detached' });
  expect((await s.call(`/api/v1/agents/${id}`)).status).toBe(404);
});

test('a team: found by repository, its classification, why each agent, members with containers and its timeline; viewers cannot cancel, operators can, live', async () => {
  const n = s.gitea.openIssue(s.owner, s.repo, {
    title: 'Fix crash in the login API endpoint',
    body: 'The /login handler throws a TypeError when the postgres query returns no rows.\n\n- [ ] reproduce\n- [ ] fix\n- [ ] test',
    labels: ['bzzz-task'],
    author: 'alice',
  }).number;
  const active = await s.status(n, 'active');
  teamId = active.teamId;

  await signIn(OPERATOR_TOKEN, '/teams');
  await page.getByLabel('Repository').fill(`${s.owner}/${s.repo}`);
  await page.getByLabel('Repository').press('Enter');
  await page.waitForURL(/\/teams\?repository=/);
  const rows = page.getByTestId('team-row');
  await rows.first().getByText('Active').waitFor();
  expect(await rows.count()).toBe(1);
  await shot('views-teams');
  await rows.first().getByRole('link', { name: /Fix crash in the login API endpoint/ }).click();

  await page.getByRole('heading', { level: 1, name: `#${n} Fix crash in the login API endpoint` }).waitFor();
  await page.getByTestId('classification').getByText('bug fix').waitFor();
  const members = page.getByTestId('members');
  for (const m of active.members) {
    const row = members.locator('tr', { hasText: m.roleTitle });
    await row.getByText(m.agentId).waitFor();
    await row.getByText(m.container!.name).waitFor();
  }
  // The scoring table says why: one chosen candidate per role, with its reasons.
  const scoring = page.getByTestId('scoring');
  expect(await scoring.locator('tr.chosen').count()).toBe(active.members.length);
  expect(await page.getByTestId('issue-link').getAttribute('href')).toContain(`/issues/${n}`);
  // The workflow's own timeline, with its activities.
  await page.locator('[data-testid="timeline-item"][data-kind="activity"][data-status="completed"]').first().waitFor();
  await page.getByTestId('cancel-team').waitFor();
  await shot('views-team');

  // A viewer sees the same team without the cancel button.
  const viewer = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  await viewer.goto(`${ui.url}/teams/${teamId}`);
  await viewer.getByTestId('token-input').fill(VIEWER_TOKEN);
  await viewer.getByTestId('sign-in').click();
  await viewer.getByTestId('team-status').getByText('Active').waitFor();
  expect(await viewer.getByTestId('cancel-team').count()).toBe(0);

  // The operator cancels; both pages follow the team to its end without a reload.
  await page.getByTestId('cancel-team').click();
  await page.getByLabel('Reason (optional, shown on the issue)').fill('Reassigned to a person');
  await page.getByTestId('confirm-cancel').click();
  await page.getByTestId('team-status').getByText('Cancelled').waitFor({ timeout: 30_000 });
  await viewer.getByTestId('team-status').getByText('Cancelled').waitFor({ timeout: 30_000 });
  await page.locator('[data-testid="timeline-item"][data-kind="signal"]', { hasText: 'cancelTeam' }).waitFor();
  await viewer.close();
  expect(await page.getByTestId('cancel-team').count()).toBe(0);
});

test('the overview counts executions by kind and shows the agent nodes, with links into each view', async () => {
  await signIn();
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  await page.getByTestId('live-status').getByText('Live').waitFor();
  // The team formed above is counted under its kind; this file's nodes are among the agent nodes.
  await page.getByTestId('kind-counts').getByRole('link', { name: 'team', exact: true }).waitFor();
  await page.getByTestId('tile-nodes').getByText('agent nodes up').waitFor();
  await page.getByTestId('recent-activity').getByRole('link').first().waitFor();
  await shot('views-overview');

  // The nav is plain links: keyboard users reach a view with Tab and Enter.
  await page.getByTestId('nav-agents').focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Agents' }).waitFor();
  expect(new URL(page.url()).pathname).toBe('/agents');
  // Focus moves to the new page's title, as after a page load.
  expect(await page.evaluate<string | null>('document.activeElement && document.activeElement.textContent')).toBe('Agents');
});

test('executions: filtered by kind and searched by id, paged with page tokens', async () => {
  const kind = `ui-list-${U}`;
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    const workflowId = `ui-list:${U}:${i}`;
    ids.push(workflowId);
    await s.h.client.workflow.start('selfCheck', {
      workflowId,
      taskQueue: s.h.taskQueue,
      args: [{}],
      typedSearchAttributes: new TypedSearchAttributes([{ key: WHOOSH_KIND, value: kind }]),
    });
  }
  await Promise.all(ids.map((id) => s.h.client.workflow.getHandle(id).result()));
  // Visibility is eventually consistent.
  await eventually(async () => {
    const { executions } = await readJson(await s.call(`/api/v1/workflows?kind=${kind}&status=COMPLETED`));
    return executions.length === 5 ? true : undefined;
  }, 'the five executions in visibility');

  await signIn(OPERATOR_TOKEN, `/executions?kind=${kind}&pageSize=2`);
  const rows = page.getByTestId('execution-row');
  await page.getByTestId('pager-status').getByText('Page 1 · 2 executions').waitFor();
  const seen: string[] = [];
  const readPage = async () => seen.push(...(await rows.locator('td:first-child a').allTextContents()));
  await readPage();
  await shot('views-executions');
  await page.getByTestId('pager-next').click();
  await page.getByTestId('pager-status').getByText('Page 2 · 2 executions').waitFor();
  await readPage();
  await page.getByTestId('pager-next').click();
  await page.getByTestId('pager-status').getByText('Page 3 · 1 executions · last page').waitFor();
  await readPage();
  expect(await page.getByTestId('pager-next').isDisabled()).toBe(true);
  // Every execution exactly once across the pages.
  expect([...seen].sort()).toEqual([...ids].sort());
  await page.getByTestId('pager-previous').click();
  await page.getByTestId('pager-status').getByText('Page 2 · 2 executions').waitFor();

  // The search is a labelled form that Enter submits; it goes into the address.
  await page.getByLabel('Workflow id or repository starts with').fill(`ui-list:${U}:3`);
  await page.getByLabel('Workflow id or repository starts with').press('Enter');
  await page.getByTestId('pager-status').getByText('Page 1 · 1 executions · last page').waitFor();
  expect(new URL(page.url()).searchParams.get('q')).toBe(`ui-list:${U}:3`);
  await rows.first().getByText('Completed').waitFor();
  await page.goBack();
  await page.getByTestId('pager-status').getByText('Page 1 · 2 executions').waitFor();
});

test('an execution whose activity failed: the failure is highlighted with its error and attempts; the input loads in full on demand', async () => {
  const prompt = `Summarise the design brief. ${'Lorem ipsum dolor sit amet. '.repeat(20)}END-OF-PROMPT`;
  const input: Parameters<typeof llmCall>[0] = { needs: { model: DEAD_MODEL }, request: { messages: [{ role: 'user', content: prompt }] } };
  const workflowId = `llm:ui-${U}`;
  const handle = await s.h.client.workflow.start('llmCall', { workflowId, taskQueue: s.h.taskQueue, args: [input] });
  await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);

  await signIn(OPERATOR_TOKEN, `/executions/${encodeURIComponent(workflowId)}`);
  await page.getByTestId('execution-status').getByText('Failed').waitFor();
  const failed = page.locator('[data-testid="timeline-item"][data-kind="activity"][data-status="failed"]');
  await failed.waitFor();
  await failed.getByText('llmChat', { exact: true }).waitFor();
  await failed.getByTestId('attempts').getByText('attempt 2 of 2').waitFor();
  expect(await failed.getAttribute('class')).toContain('trouble');
  const error = (await failed.getByTestId('failure').textContent()) ?? '';
  expect(error).toMatch(/Failed after 2 attempts/);
  expect(error).toMatch(/ECONNREFUSED|connect|unreachable|fetch failed/i);
  // The workflow's own end says why the call gave up.
  await page.locator('[data-testid="timeline-item"][data-kind="workflow-end"]').getByText('NoEligibleNode').waitFor();
  expect(await page.getByTestId('temporal-link').getAttribute('href')).toBe(
    `${TEMPORAL_UI}/namespaces/default/workflows/${encodeURIComponent(workflowId)}/${handle.firstExecutionRunId}/history`,
  );
  await shot('views-execution-failed');

  // Only the trouble, then the full input of the failed call.
  await page.getByTestId('trouble-only').check();
  expect(await page.locator('[data-testid="timeline-item"][data-kind="timer"]').count()).toBe(0);
  await failed.getByTestId('toggle-details').click();
  const payload = failed.getByTestId('payload-input');
  expect(await payload.getByTestId('payload-text').textContent()).not.toContain('END-OF-PROMPT');
  await payload.getByTestId('load-full').click();
  await payload.getByTestId('payload-text').getByText(/END-OF-PROMPT/).waitFor();
  await page.getByTestId('show-events').click();
  await page.getByTestId('events-table').getByText('ActivityTaskFailed').waitFor();
});

test('a running execution’s page follows it to Completed without a reload, across an API restart', async () => {
  const workflowId = `self-check:ui-live-${U}`;
  await s.h.client.workflow.start('selfCheck', {
    workflowId,
    taskQueue: s.h.taskQueue,
    args: [{ delayMs: 6000 }],
    typedSearchAttributes: new TypedSearchAttributes([{ key: WHOOSH_KIND, value: 'system-check' }]),
  });
  await signIn(OPERATOR_TOKEN, `/executions/${encodeURIComponent(workflowId)}`);
  await page.getByTestId('execution-status').getByText('Running').waitFor();
  await page.locator('[data-testid="timeline-item"][data-kind="timer"][data-status="started"]').waitFor();
  await page.getByTestId('live-status').getByText('Live').waitFor();
  await shot('views-execution-running');
  await page.evaluate('window.notReloaded = true');

  // The API goes away and comes back on the same address; the page reconnects by itself.
  const port = ui.port;
  await ui.close();
  await page.getByTestId('live-status').getByText(/Reconnecting|Offline/).waitFor();
  ui = await serveUi(port);

  await page.getByTestId('execution-status').getByText('Completed').waitFor({ timeout: 30_000 });
  await page.locator('[data-testid="timeline-item"][data-kind="timer"][data-status="fired"]').waitFor();
  await page.locator('[data-testid="timeline-item"][data-kind="workflow-end"][data-status="completed"]').waitFor();
  await page.getByTestId('live-status').getByText('Live').waitFor();
  expect(await page.evaluate<boolean>('window.notReloaded === true')).toBe(true);
  await shot('views-execution-completed');
});

test('repositories: the monitored repository, its sync log, and the webhook deliveries that started workflows', async () => {
  await signIn(OPERATOR_TOKEN, '/repositories');
  const repo = page.getByTestId('repository-row').filter({ hasText: `${s.owner}/${s.repo}` });
  await repo.waitFor();
  await repo.getByTestId('toggle-sync-log').click();
  await page.locator('[data-testid="sync-log"], td:has-text("No syncs yet.")').first().waitFor();
  // Other files' deliveries come and go in the same log: show this repository's.
  await page.getByLabel('Repository', { exact: true }).selectOption({ label: `${s.owner}/${s.repo}` });
  const delivery = page.getByTestId('delivery-row').filter({ hasText: 'started' }).first();
  await delivery.waitFor();
  await shot('views-repositories');
  await delivery.getByRole('link').click();
  await page.getByTestId('execution-status').waitFor();
  expect(decodeURIComponent(new URL(page.url()).pathname)).toMatch(new RegExp(`^/executions/team:${s.owner}/${s.repo}#\\d+$`));
  await page.getByTestId('team-link').waitFor();
});

test('on a phone-sized screen the team page and the executions list fit the width', async () => {
  await page.setViewportSize({ width: 375, height: 800 });
  await signIn(OPERATOR_TOKEN, `/teams/${teamId}`);
  await page.getByTestId('classification').waitFor();
  await page.locator('[data-testid="timeline-item"]').first().waitFor();
  expect(await noHorizontalOverflow()).toBeLessThanOrEqual(0);
  await shot('views-team-phone');
  await page.getByTestId('nav-executions').click();
  await page.getByTestId('execution-row').first().waitFor();
  expect(await noHorizontalOverflow()).toBeLessThanOrEqual(0);
  await shot('views-executions-phone');
});
