/**
 * Executions on the canvas in Chromium against the real stack: a test n8n
 * document imported by paste runs and every node turns green, a node's output
 * opens as a table and as JSON, an expression previews against the run's
 * data; a failing node turns red with its error and a retry from it succeeds;
 * a past run opens on the canvas of the version it ran.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { screenshotPath } from '../helpers/browser';
import { eventually } from '../helpers/eventually';
import { startCountingServer, type CountingServer } from '../pipeline/durable/pipeline-stage';
import { signIn, startEditorStage, type EditorStage } from './editor-stage';

let s: EditorStage;
let http: CountingServer;
let page: Page;

beforeAll(async () => {
  s = await startEditorStage();
  http = await startCountingServer();
});
afterAll(async () => {
  await http?.close();
  await s?.close();
});
beforeEach(async () => {
  page = await s.browser.newPage({ viewport: { width: 1440, height: 900 } });
});
afterEach(async () => {
  await page.close();
});

const statusOf = (node: string) => page.locator(`.svelte-flow__node[data-id="${node}"] [data-testid="canvas-node"]`).getAttribute('data-status');
const openNode = (node: string) => page.locator(`.svelte-flow__node[data-id="${node}"]`).click();

test('a test n8n document imported by paste runs on the canvas; a node’s output as a table and JSON; an expression previewed against the run', async () => {
  const fixture = JSON.parse(readFileSync(path.join(__dirname, '..', 'pipeline', 'fixtures', 'merge-append-input-order.json'), 'utf8'));
  await signIn(page, s.api.url, '/pipelines');
  await page.getByTestId('import-paste-toggle').click();
  await page.getByTestId('import-paste').fill(JSON.stringify(fixture.workflow));
  await page.getByTestId('import-submit').click();
  await page.waitForURL(/\/pipelines\/pl_/);
  await page.getByTestId('canvas-node').first().waitFor();

  await page.getByTestId('execute').click();
  await page.getByTestId('execution-status').getByText('success').waitFor({ timeout: 60_000 });
  for (const node of Object.keys(fixture.expected.nodes)) await eventually(async () => ((await statusOf(node)) === 'success' ? true : undefined), `${node} succeeded`);

  await openNode('Merge');
  const table = page.getByTestId('run-table');
  await table.waitFor();
  expect(await table.locator('thead th').allTextContents()).toEqual(['#', 'from', 'one', 'two']);
  expect(await table.locator('tbody tr').count()).toBe(2);
  // The second item came from Merge's second input, item 0 (its paired item).
  expect(await table.locator('tbody tr').nth(1).locator('td').allTextContents()).toEqual(['1', '0 (input 2)', '', '2']);
  expect(await table.locator('tbody tr').nth(0).locator('td').allTextContents()).toEqual(['0', '0', '1', '']);
  await page.getByTestId('run-json-tab').click();
  expect(JSON.parse(await page.getByTestId('run-json').textContent() ?? '')).toEqual(fixture.expected.nodes.Merge[0]);
  // Its input: what First sent, on the first input; the chosen output item highlights the input item it came from.
  await page.getByTestId('run-json-tab').locator('xpath=..').getByRole('tab', { name: 'Table' }).click();
  await table.locator('tbody tr').nth(0).click();
  await page.getByTestId('run-input-tab').click();
  await page.getByText('from First').waitFor();
  // The input side shows its source at once but its items only once First's run is fetched.
  await table.locator('tbody tr').first().waitFor();
  expect(await table.locator('tbody tr td').allTextContents()).toEqual(['0', '1']);
  expect(await page.getByTestId('run-table').locator('tbody tr.paired').count()).toBe(1);

  // An expression in First, previewed against the run: its input is Start's one item.
  await openNode('First');
  await page.getByTestId('assignment-value').getByTestId('value-mode').click();
  const input = page.getByTestId('assignment-value').getByTestId('expression-input');
  await input.fill('{{ $input.all().length }} item from {{ $prevNode.name }}, run {{ $runIndex }}');
  await page.getByTestId('expression-preview').getByText('1 item from Start, run 0').waitFor();
  await page.getByTestId('dirty-mark').waitFor();
  await page.screenshot({ path: screenshotPath('editor-parameter-panel') });
});

test('a failing node shows red with its error; a retry from it succeeds; the past run opens on the version it ran', async () => {
  let calls = 0;
  http.on('/flaky', (_req, res) => {
    calls++;
    res.statusCode = calls === 1 ? 503 : 200;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(calls === 1 ? { error: 'down for a moment' } : { ok: true, calls }));
  });
  const doc = {
    name: 'Flaky fetch',
    nodes: [
      { name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
      { name: 'Fetch', type: 'n8n-nodes-base.httpRequest', typeVersion: 4.2, position: [240, 0], parameters: { method: 'GET', url: `${http.url}/flaky`, options: {} } },
      { name: 'Mark', type: 'n8n-nodes-base.set', typeVersion: 3.4, position: [480, 0], parameters: { assignments: { assignments: [{ id: 'm', name: 'fetched', value: '={{ $json.calls }}', type: 'number' }] }, includeOtherFields: true, options: {} } },
    ],
    connections: { Start: { main: [[{ node: 'Fetch', type: 'main', index: 0 }]] }, Fetch: { main: [[{ node: 'Mark', type: 'main', index: 0 }]] } },
    settings: { executionOrder: 'v1' },
  };
  const created = await s.call('/api/v1/pipelines', { method: 'POST', body: JSON.stringify(doc) });
  expect(created.status).toBe(201);
  const id = created.body.id as string;

  await signIn(page, s.api.url, `/pipelines/${id}`);
  await page.getByTestId('execute').click();
  await page.getByTestId('execution-status').getByText('error').waitFor({ timeout: 60_000 });
  await eventually(async () => ((await statusOf('Fetch')) === 'error' ? true : undefined), 'Fetch red');
  expect(await statusOf('Start')).toBe('success');
  expect(await statusOf('Mark')).toBe('idle');
  expect(await page.getByTestId('execution-error').textContent()).toContain('Fetch');
  await openNode('Fetch');
  await page.getByTestId('run-error').waitFor();
  expect(await page.getByTestId('run-error').textContent()).toMatch(/503|service unavailable/i);
  await page.screenshot({ path: screenshotPath('editor-execution-failed') });
  const failedId = new URL(page.url()).searchParams.get('execution') ?? (await s.call(`/api/v1/pipelines/${id}`)).body.lastExecution.id;

  await page.getByTestId('retry-failed').click();
  await page.getByTestId('execution-status').getByText('success').waitFor({ timeout: 60_000 });
  await eventually(async () => ((await statusOf('Mark')) === 'success' ? true : undefined), 'Mark green after the retry');
  expect(await statusOf('Fetch')).toBe('success');
  expect(calls).toBe(2);
  expect(await page.getByTestId('temporal-link').getAttribute('href')).toMatch(/^http:\/\/127\.0\.0\.1:8233\/namespaces\/default\/workflows\/pipeline/);

  // A new version renames Mark; the failed run still opens on the version it ran, read-only.
  await openNode('Mark');
  await page.getByTestId('node-name').fill('Done');
  await page.getByTestId('node-name').press('Enter');
  await page.getByTestId('save').click();
  await page.getByTestId('editor-notice').getByText('Saved version 2').waitFor();
  await page.goto(`${s.api.url}/pipelines/${id}?execution=${failedId}`);
  await page.getByText('This run used an older version').waitFor();
  await eventually(async () => ((await statusOf('Fetch')) === 'error' ? true : undefined), 'the old run on its version');
  expect(await page.locator('.svelte-flow__node[data-id="Mark"]').count()).toBe(1);
  expect(await page.locator('.svelte-flow__node[data-id="Done"]').count()).toBe(0);
});
