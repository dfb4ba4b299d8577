/**
 * The dashboard in a real browser against the real API, Temporal and Postgres:
 * sign in, see the stack's health, run the self-check and follow it to the end.
 */
import type { Browser, Page } from 'playwright-core';
import { ensureUiBuilt, UI_DIST } from '../../infra/ui-build';
import { serveApi, type RunningApi } from '../helpers/api-server';
import { launchBrowser, screenshotPath } from '../helpers/browser';
import { silentLogger, startHarness, testConfig, type Harness } from '../helpers/harness';

const OPERATOR = 'operator-token-for-the-ui-01';
const VIEWER = 'viewer-token-for-the-ui-0001';

let h: Harness;
let api: RunningApi;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  await ensureUiBuilt();
  const config = testConfig({
    security: {
      tokens: [
        { name: 'operator-ui', token: OPERATOR, role: 'operator' },
        { name: 'viewer-ui', token: VIEWER, role: 'viewer' },
      ],
    },
  });
  h = await startHarness({ config });
  api = await serveApi({ config, temporal: h.client, pool: h.pool, logger: silentLogger, version: 'ui-test', temporalUiUrl: 'http://127.0.0.1:8233', uiDir: UI_DIST });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
  await h?.close();
});
beforeEach(async () => {
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
});
afterEach(async () => {
  await page.close();
});

async function signIn(token: string): Promise<void> {
  await page.goto(api.url);
  await page.getByTestId('token-input').fill(token);
  await page.getByTestId('sign-in').click();
}

test('a wrong token is refused with a clear message', async () => {
  await signIn('not-the-right-token-000000');
  await page.getByText('That token was not accepted').waitFor();
  await page.screenshot({ path: screenshotPath('sign-in-refused') });
});

test('an operator signs in, sees the stack healthy, runs the self-check and follows it to the end', async () => {
  await signIn(OPERATOR);
  await page.getByTestId('whoami').getByText('operator-ui').waitFor();
  for (const dep of ['temporal', 'postgres']) await page.getByTestId(`health-${dep}`).getByText('Up').waitFor();

  await page.getByTestId('run-self-check').click();
  await page.getByTestId('self-check-status').getByText('COMPLETED').waitFor({ timeout: 30_000 });
  await page.getByText('read the same row back').waitFor();
  const link = await page.getByTestId('temporal-link').getAttribute('href');
  expect(link).toMatch(/^http:\/\/127\.0\.0\.1:8233\/namespaces\/default\/workflows\/self-check%3A[0-9a-f-]+\/[0-9a-f-]+\/history$/);

  // The row the workflow's activity wrote is really in Postgres.
  const workflowId = decodeURIComponent(link!.split('/workflows/')[1]!.split('/')[0]!);
  const { rowCount } = await h.pool.query('SELECT 1 FROM system_checks WHERE workflow_id = $1', [workflowId]);
  expect(rowCount).toBe(1);
  await page.screenshot({ path: screenshotPath('overview-operator'), fullPage: true });

  // The session survives a reload; signing out forgets it.
  await page.reload();
  await page.getByTestId('whoami').getByText('operator-ui').waitFor();
  await page.getByTestId('sign-out').click();
  await page.getByTestId('token-input').waitFor();
});

test('a viewer sees the overview without the self-check button', async () => {
  await signIn(VIEWER);
  await page.getByTestId('whoami').getByText('viewer-ui').waitFor();
  await page.getByTestId('health-postgres').getByText('Up').waitFor();
  expect(await page.getByTestId('run-self-check').count()).toBe(0);
});

test('the layout holds on a phone-sized screen', async () => {
  await page.setViewportSize({ width: 375, height: 740 });
  await signIn(OPERATOR);
  await page.getByTestId('health-temporal').getByText('Up').waitFor();
  const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: screenshotPath('overview-phone'), fullPage: true });
});
