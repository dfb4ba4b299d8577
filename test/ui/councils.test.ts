/**
 * The Councils view in a real browser against the real stack: a Design Brief
 * on the Gitea simulator starts the real councilKickoff workflow, whose
 * members answer on simulated Ollama nodes; the dashboard renders each
 * artifact from its Markdown, sends the plan back with feedback, then
 * approves it and watches the task issues appear, without reloading.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { createApp } from '../../api/app';
import { ensureUiBuilt, UI_DIST } from '../../infra/ui-build';
import { launchBrowser, screenshotPath } from '../helpers/browser';
import { silentLogger } from '../helpers/harness';
import { OPERATOR_TOKEN, startCouncilStage, validAnswer, VIEWER_TOKEN, type CouncilStage } from '../council/council-fixture';

let s: CouncilStage;
let server: Server;
let url: string;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  await ensureUiBuilt();
  s = await startCouncilStage();
  const app = createApp({ config: s.config, temporal: s.h.client, pool: s.h.pool, logger: silentLogger, version: 'ui-test', temporalUiUrl: 'http://temporal-ui.test', uiDir: UI_DIST });
  server = await new Promise((resolve) => {
    const srv = app.listen(0, '127.0.0.1', () => resolve(srv));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => {
    server?.close(() => resolve());
    server?.closeAllConnections();
  });
  // The team formations the task issues started wait for their issues to close.
  for (const issue of s?.gitea.issues(s.owner, s.repo) ?? []) {
    await s.h.client.workflow
      .getHandle(`team:${s.owner}/${s.repo}#${issue.number}`)
      .terminate('test over')
      .catch(() => undefined);
  }
  await s?.close();
});
beforeEach(async () => {
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
});
afterEach(async () => {
  await page.close();
});

async function signIn(token: string, path: string, p: Page = page): Promise<void> {
  await p.goto(`${url}${path}`);
  await p.getByTestId('token-input').fill(token);
  await p.getByTestId('sign-in').click();
  await p.getByTestId('whoami').waitFor();
}

test('a council: artifacts as Markdown, a revision with feedback, then approval and its task issues, all live', async () => {
  // What an LLM writes is not trusted: the product manager's summary carries HTML and a script link.
  s.script((call) => {
    if (call.role !== 'product_manager') return undefined;
    const requirements = JSON.parse(validAnswer(call)) as { summary: string };
    requirements.summary = 'Teams need one calendar. <img src=x onerror="window.pwned=1"> [open](javascript:window.pwned=2) [docs](https://example.com/docs)';
    return JSON.stringify(requirements);
  });
  const n = s.openBrief('Design Brief: Team calendar', 'A shared calendar for teams. People sign in with SSO; events sync to phones.');
  await s.until(n, (c) => c.status === 'awaiting_decision', 'a plan awaiting a decision');

  await signIn(OPERATOR_TOKEN, `/councils?repository=${s.owner}/${s.repo}`);
  const row = page.getByTestId('council-row').first();
  await row.getByText('Awaiting decision').waitFor();
  await page.screenshot({ path: screenshotPath('views-councils'), fullPage: true });
  await row.getByRole('link', { name: /Design Brief: Team calendar/ }).click();

  // Every artifact, rendered: the plan open first, with its task table.
  await page.getByTestId('council-status').getByText('Awaiting decision').waitFor();
  const plan = page.locator('[data-testid="artifact"][data-kind="kickoff_plan"]');
  await plan.locator('.markdown table').getByText('Build the calendar API').waitFor();
  for (const kind of ['requirements', 'architecture', 'test_strategy', 'threat_model']) await page.locator(`[data-testid="artifact"][data-kind="${kind}"]`).waitFor();
  const threat = page.locator('[data-testid="artifact"][data-kind="threat_model"]');
  await threat.locator('summary').click();
  await threat.locator('.markdown').getByText('Session fixation').waitFor();
  expect(await page.getByTestId('rounds').locator(':scope > li').count()).toBe(1);
  // Raw HTML shows as text, a javascript: link is no link, an https one opens in a new tab.
  const requirements = page.locator('[data-testid="artifact"][data-kind="requirements"]');
  await requirements.locator('summary').click();
  const md = requirements.locator('.markdown');
  await md.getByText('Teams need one calendar.').waitFor();
  expect(await md.locator('img').count()).toBe(0);
  expect(await md.textContent()).toContain('<img src=x onerror="window.pwned=1">');
  expect(await md.locator('a').count()).toBe(1);
  expect(await md.locator('a').getAttribute('href')).toBe('https://example.com/docs');
  expect(await md.locator('a').getAttribute('rel')).toContain('noopener');
  expect(await page.evaluate<unknown>('window.pwned')).toBeUndefined();
  await page.screenshot({ path: screenshotPath('views-council'), fullPage: true });

  // A viewer reads the same council but may not decide.
  const viewer = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  await signIn(VIEWER_TOKEN, new URL(page.url()).pathname, viewer);
  await viewer.getByTestId('decision').getByText('An operator or admin decides').waitFor();
  expect(await viewer.getByTestId('approve').count()).toBe(0);
  await viewer.close();

  // Revise: the feedback is required, then a second round runs and comes back for a decision.
  await page.getByTestId('revise').click();
  await page.getByTestId('send-revision').click();
  await page.getByText('Say what the council should change.').waitFor();
  await page.getByLabel('What should the council change?').fill('add an onboarding tour');
  await page.getByTestId('send-revision').click();
  await page.getByTestId('rounds').getByText('Feedback from ops: add an onboarding tour').waitFor({ timeout: 30_000 });
  await page.getByTestId('council-status').getByText('Awaiting decision').waitFor({ timeout: 30_000 });
  await plan.locator('.markdown').getByText('Address feedback: add an onboarding tour').waitFor({ timeout: 30_000 });
  // The first round's plan is still there to compare.
  await page.getByRole('button', { name: 'Round 1' }).click();
  await plan.locator('.markdown').getByText('Address feedback').waitFor({ state: 'detached' });
  await plan.locator('.markdown').getByText('Build the calendar API').waitFor();

  // Approve: the task issues appear on the page as the workflow opens them.
  await page.getByTestId('approve').click();
  await page.getByTestId('council-status').getByText('Approved').waitFor({ timeout: 30_000 });
  const tasks = page.getByTestId('tasks').locator('li');
  await tasks.nth(3).waitFor();
  const opened = s.gitea.issues(s.owner, s.repo).filter((i) => i.body.includes(`Part of #${n} `));
  expect(await tasks.count()).toBe(opened.length);
  for (const issue of opened) await page.getByTestId('tasks').getByText(`#${issue.number} ${issue.title}`).waitFor();
  expect(await page.getByTestId('decision').count()).toBe(0);
  await page.screenshot({ path: screenshotPath('views-council-approved'), fullPage: true });
});
