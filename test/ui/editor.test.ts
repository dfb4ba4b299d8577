/**
 * The pipeline editor in Chromium against the real API: build a pipeline from
 * an empty canvas (Webhook → Set with an expression → If → two branches),
 * counting the actions; expression previews; undo / redo; rename with
 * expression references following; copy / paste as n8n JSON; the list at
 * 375 px.
 */
import type { Page } from 'playwright-core';
import { screenshotPath } from '../helpers/browser';
import { Actions, pasteText, signIn, startEditorStage, type EditorStage } from './editor-stage';

let s: EditorStage;
let page: Page;

beforeAll(async () => {
  s = await startEditorStage();
});
afterAll(async () => {
  await s?.close();
});
beforeEach(async () => {
  page = await s.browser.newPage({ viewport: { width: 1440, height: 900 } });
});
afterEach(async () => {
  await page.close();
});

const nodeNames = (p: Page) => p.locator('.svelte-flow__node').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));

test('a pipeline built from an empty canvas: Webhook → Set (expression) → If → two branches, saved as a version', async () => {
  await signIn(page, s.api.url);
  const a = new Actions(page);
  const t0 = Date.now();
  await a.click('new-pipeline');
  await a.fill('doc-name', 'Greeter');
  await a.addNode('webhook');
  await page.getByTestId('param-path').locator('input').fill('greet');
  a.count++;
  await a.addNode('edit fields');
  await a.click('add-assignment');
  await a.fill('assignment-name', 'greeting');
  await page.getByTestId('assignment-value').locator('input').fill('Hello {{ $json.body.name }}');
  a.count++;
  await a.click('value-mode', '[data-testid="assignment"]');
  await a.addNode('if');
  await a.click('add-condition');
  await page.getByTestId('condition-left').locator('input').fill('{{ $json.greeting }}');
  a.count++;
  await a.click('value-mode', '[data-testid="condition-left"]');
  await page.getByTestId('condition-operator').selectOption('string:contains');
  a.count++;
  await page.getByTestId('condition-right').locator('input').fill('ann');
  a.count++;
  await a.addNode('no operation');
  await a.rename('Welcome');
  // With If open again, the next node goes on its free output: false.
  await a.openNode('If');
  await a.addNode('no operation');
  await a.rename('Ignore');
  await a.click('save');
  await page.waitForURL(/\/pipelines\/pl_/);
  await page.getByTestId('canvas-node').first().waitFor();
  const seconds = (Date.now() - t0) / 1000;
  console.log(`editor build: ${a.count} user actions, ${seconds.toFixed(1)} s in Chromium`);
  expect(a.count).toBeLessThanOrEqual(60);

  const id = page.url().split('/pipelines/')[1]!;
  const { body } = await s.call(`/api/v1/pipelines/${id}`);
  expect(body).toMatchObject({ name: 'Greeter', version: 1, trigger: 'webhook', problems: [] });
  const doc = body.document;
  expect(doc.nodes.map((n: { name: string }) => n.name)).toEqual(['Webhook', 'Edit Fields', 'If', 'Welcome', 'Ignore']);
  expect(doc.nodes[0].parameters.path).toBe('greet');
  expect(doc.nodes[1].parameters.assignments.assignments[0]).toMatchObject({ name: 'greeting', value: '=Hello {{ $json.body.name }}', type: 'string' });
  expect(doc.nodes[2].parameters.conditions.conditions[0]).toMatchObject({ leftValue: '={{ $json.greeting }}', rightValue: 'ann', operator: { type: 'string', operation: 'contains' } });
  expect(doc.connections).toEqual({
    Webhook: { main: [[{ node: 'Edit Fields', type: 'main', index: 0 }]] },
    'Edit Fields': { main: [[{ node: 'If', type: 'main', index: 0 }]] },
    If: { main: [[{ node: 'Welcome', type: 'main', index: 0 }], [{ node: 'Ignore', type: 'main', index: 0 }]] },
  });
  await page.getByTestId('fit-view').click();
  await page.screenshot({ path: screenshotPath('editor-canvas') });
});
