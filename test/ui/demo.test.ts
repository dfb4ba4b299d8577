/**
 * `npm run demo` as a newcomer meets it, in Debian's Chromium: the demo in a
 * process of its own (its embedded Temporal dev server and Postgres, its
 * simulated Gitea, Ollama nodes and Docker Engine). Sign in, see the agents,
 * open a team and its timeline, approve the council and watch its task issues
 * appear, follow a live execution until it completes. The demo's pipelines run on
 * their own: triage labels every issue it opened, and a template run waits at
 * its first approval.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ensureUiBuilt } from '../../infra/ui-build';
import { launchBrowser, screenshotPath } from '../helpers/browser';
import { launch, launcherEnv, type Launched } from '../helpers/launcher';
import { GITEA_SIM_TOKEN } from '../../simulators/gitea';
import { DEMO_ISSUES } from '../../infra/demo';
import { TEMPLATE_PIPELINE, TRIAGE_PIPELINE } from '../../infra/demo-pipelines';
import { eventually } from '../helpers/eventually';

const ADMIN = 'demo-admin-token-0123456789';
let demo: Launched;
let gitea: string;
let browser: Browser;
let page: Page;
let dataDir: string;

interface Issue {
  number: number;
  title: string;
  body: string;
  labels: { name: string }[];
}
const issues = async (): Promise<Issue[]> => (await (await fetch(`${gitea}?state=all&limit=50`, { headers: { authorization: `token ${GITEA_SIM_TOKEN}` } })).json()) as Issue[];

beforeAll(async () => {
  await ensureUiBuilt();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'whoosh-demo-test-'));
  chmodSync(dataDir, 0o755);
  demo = launch(await launcherEnv(path.join(dataDir, 'data'), { WHOOSH_ADMIN_TOKEN: ADMIN }), 'tsx', 'demo');
  gitea = (await demo.waitForOutput(/Gitea \(sim\)\s+(\S+)/))[1]!;
  await demo.waitForOutput(/Done\. Approve the council/);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
}, 120_000);
// Stopping the demo under the full suite's load can take over a minute (see faults/postgres-restart).
afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 180_000);

const api = async <T>(path: string): Promise<T> => {
  const res = await fetch(`${demo.apiUrl}/api/v1${path}`, { headers: { authorization: `Bearer ${ADMIN}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
};

test('the triage pipeline labels every issue the demo opened, and the template run waits at its first approval', async () => {
  const titles: string[] = DEMO_ISSUES.map((i) => i.title);
  const labelled = await eventually(
    async () => {
      const mine = (await issues()).filter((i) => titles.includes(i.title));
      return mine.length === titles.length && mine.every((i) => i.labels.some((l) => l.name.startsWith('kind/'))) ? mine : undefined;
    },
    'a kind/ label on every demo issue',
    90_000,
  );
  const kind = (title: string) => labelled.find((i) => i.title === title)!.labels.filter((l) => l.name.startsWith('kind/')).map((l) => l.name);
  expect(kind('Fix crash on checkout when the cart is empty')).toEqual(['kind/bug']);
  expect(kind('Optimize the slow order history query')).toEqual(['kind/performance']);
  expect(kind('Add dark mode to the settings page')).toEqual(['kind/feature']);

  const { items } = await api<{ items: { id: string; name: string; active: boolean; trigger: string | null }[] }>('/pipelines?limit=50');
  const triage = items.find((p) => p.name === TRIAGE_PIPELINE)!;
  expect(triage).toMatchObject({ active: true, trigger: 'forge' });
  // A label is on the issue a moment before its run is recorded as ended.
  const succeeded = await eventually(
    async () => {
      const runs = await api<{ items: { id: string; status: string; trigger: string | null }[] }>(`/pipelines/${triage.id}/executions?limit=50`);
      const ok = runs.items.filter((r) => r.status === 'success' && r.trigger === 'forge');
      return ok.length >= titles.length ? ok : undefined;
    },
    'a successful forge-triggered run per demo issue',
    30_000,
  );
  expect(succeeded.length).toBeGreaterThanOrEqual(titles.length);

  const template = items.find((p) => p.name === TEMPLATE_PIPELINE)!;
  const waiting = await eventually(
    async () => {
      const r = await api<{ items: { id: string; status: string }[] }>(`/pipelines/${template.id}/executions`);
      return r.items.find((x) => x.status === 'waiting');
    },
    'the template run waiting',
    60_000,
  );
  const view = await api<{ lastNode: string | null; nodes: Record<string, unknown[][]> }>(`/pipelines/executions/${waiting.id}`);
  // The planning stage answered; the run waits at the approval after it, before the frontend stage.
  expect(view.lastNode).toBe('Stage: planning');
  expect(view.nodes['Stage: planning']![0]![0]).toMatchObject({ text: expect.any(String) });
  expect(view.nodes['Stage: frontend']).toBeUndefined();
}, 180_000);

test('a newcomer signs in and sees agents, teams with timelines, and a council to approve come alive', async () => {
  const url = demo.apiUrl;
  await page.goto(url);
  await page.getByTestId('token-input').fill(ADMIN);
  await page.getByTestId('sign-in').click();
  await page.getByTestId('whoami').waitFor();
  await page.screenshot({ path: screenshotPath('demo-overview') });

  // The three simulated nodes.
  await page.getByTestId('nav-agents').click();
  const agents = page.getByTestId('agents-table');
  for (const name of ['Walnut (sim)', 'Ironwood (sim)', 'Acacia (sim)']) await agents.getByText(name).first().waitFor();
  await page.screenshot({ path: screenshotPath('demo-agents') });

  // The three task issues become teams; one team's page shows its members and its timeline.
  await page.goto(`${url}/teams`);
  const rows = page.getByTestId('team-row');
  await rows.nth(2).waitFor({ timeout: 60_000 });
  await rows.filter({ hasText: 'Fix crash on checkout' }).getByRole('link', { name: /Fix crash on checkout/ }).click();
  await page.getByTestId('team-status').getByText('Active').waitFor({ timeout: 60_000 });
  await page.getByTestId('members').getByText(/Walnut|Ironwood|Acacia/).first().waitFor();
  await page.locator('[data-testid="timeline-item"]').first().waitFor();
  await page.screenshot({ path: screenshotPath('demo-team'), fullPage: true });

  // The council waits for a decision; approving it opens the plan's task issues.
  await page.goto(`${url}/councils`);
  await page.getByTestId('council-row').first().getByRole('link', { name: /Design Brief/ }).click();
  await page.getByTestId('council-status').getByText('Awaiting decision').waitFor({ timeout: 60_000 });
  await page.screenshot({ path: screenshotPath('demo-council'), fullPage: true });
  await page.getByTestId('approve').click();
  await page.getByTestId('council-status').getByText('Approved').waitFor({ timeout: 60_000 });
  const tasks = page.getByTestId('tasks').locator('li');
  await tasks.first().waitFor({ timeout: 60_000 });
  const opened = (await issues()).filter((i) => i.body.includes('Part of #1'));
  expect(opened.length).toBeGreaterThanOrEqual(3);
  expect(await tasks.count()).toBe(opened.length);
  await page.screenshot({ path: screenshotPath('demo-council-approved'), fullPage: true });

  // Those issues get teams of their own; follow one team's execution live until it completes.
  const first = opened.sort((a, b) => a.number - b.number)[0]!;
  const workflowId = `team:demo/webshop#${first.number}`;
  await page.goto(`${url}/executions/${encodeURIComponent(workflowId)}`);
  await page.getByTestId('execution-status').getByText('Running').waitFor({ timeout: 60_000 });
  const closed = await fetch(`${gitea}/${first.number}`, {
    method: 'PATCH',
    headers: { authorization: `token ${GITEA_SIM_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ state: 'closed' }),
  });
  expect(closed.status).toBe(201);
  await page.getByTestId('execution-status').getByText('Completed').waitFor({ timeout: 60_000 });
  await page.screenshot({ path: screenshotPath('demo-execution-completed'), fullPage: true });
}, 300_000);
