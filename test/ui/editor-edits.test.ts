/**
 * Editing on the canvas in Chromium: paste nodes copied from n8n, connect by
 * dragging, rename a node and see expressions that name it follow, undo and
 * redo every step, unsaved changes marked, expressions previewed as typed,
 * and the pipeline list usable at 375 px.
 */
import type { Page } from 'playwright-core';
import { screenshotPath } from '../helpers/browser';
import { eventually } from '../helpers/eventually';
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

const names = (p: Page) => p.locator('.svelte-flow__node').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')).sort());
const edgeCount = (p: Page) => p.locator('.svelte-flow__edge').count();

/** What n8n puts on the clipboard when two nodes are copied: the nodes and the connection between them. */
const N8N_CLIPBOARD = {
  nodes: [
    { parameters: {}, id: 'a1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] },
    {
      parameters: { assignments: { assignments: [{ id: 'x', name: 'who', value: '={{ $("Start").item.json.name ?? "nobody" }}', type: 'string' }] }, options: {} },
      id: 'a2',
      name: 'Who',
      type: 'n8n-nodes-base.set',
      typeVersion: 3.4,
      position: [220, 0],
    },
    { parameters: {}, id: 'a3', name: 'End', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [440, 0] },
  ],
  connections: { Start: { main: [[{ node: 'Who', type: 'main', index: 0 }]] } },
};

test('paste from n8n, connect by dragging, rename with references following, undo and redo', async () => {
  await signIn(page, s.api.url, '/pipelines/new');
  await page.getByTestId('palette-search').waitFor();
  await pasteText(page, JSON.stringify(N8N_CLIPBOARD));
  await eventually(async () => ((await names(page)).length === 3 ? true : undefined), 'pasted nodes on the canvas');
  expect(await names(page)).toEqual(['End', 'Start', 'Who']);
  expect(await edgeCount(page)).toBe(1);
  await page.getByTestId('dirty-mark').waitFor();

  const a = new Actions(page);
  await a.connect('Who', 0, 'End');
  await eventually(async () => ((await edgeCount(page)) === 2 ? true : undefined), 'the dragged connection');

  // Rename Start: the expression in Who that names it follows.
  await a.openNode('Start');
  await a.rename('Begin');
  await a.openNode('Who');
  const value = page.getByTestId('assignment-value').getByTestId('expression-input');
  await eventually(async () => ((await value.inputValue()).includes('$("Begin")') ? true : undefined), 'the reference renamed');
  expect(await value.inputValue()).toBe('{{ $("Begin").item.json.name ?? "nobody" }}');
  // No run yet: the preview still evaluates, and says an item is missing.
  await page.getByTestId('expression-preview').waitFor();

  // Undo: the rename, then the connection; redo brings both back.
  await page.locator('.svelte-flow__pane').click({ position: { x: 5, y: 5 } });
  await page.getByTestId('undo').click();
  await eventually(async () => ((await names(page)).includes('Start') ? true : undefined), 'rename undone');
  await page.getByTestId('undo').click();
  await eventually(async () => ((await edgeCount(page)) === 1 ? true : undefined), 'connection undone');
  await page.getByTestId('redo').click();
  await page.getByTestId('redo').click();
  await eventually(async () => ((await names(page)).includes('Begin') && (await edgeCount(page)) === 2 ? true : undefined), 'both redone');
  // Keyboard too: Ctrl+Z takes the rename back.
  await page.locator('.svelte-flow__pane').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+z');
  await eventually(async () => ((await names(page)).includes('Start') ? true : undefined), 'Ctrl+Z');
  await page.keyboard.press('Control+Shift+z');
  await eventually(async () => ((await names(page)).includes('Begin') ? true : undefined), 'Ctrl+Shift+Z');

  await page.getByTestId('save').click();
  await page.waitForURL(/\/pipelines\/pl_/);
  await page.getByTestId('canvas-node').first().waitFor();
  expect(await page.getByTestId('dirty-mark').count()).toBe(0);
  const id = page.url().split('/pipelines/')[1]!;
  const { body } = await s.call(`/api/v1/pipelines/${id}`);
  expect(body.document.nodes.find((n: { name: string }) => n.name === 'Who').parameters.assignments.assignments[0].value).toBe('={{ $("Begin").item.json.name ?? "nobody" }}');
  expect(body.document.connections).toEqual({
    Begin: { main: [[{ node: 'Who', type: 'main', index: 0 }]] },
    Who: { main: [[{ node: 'End', type: 'main', index: 0 }]] },
  });

  // Delete a node with the keyboard, then undo it.
  await a.openNode('End');
  await page.keyboard.press('Delete');
  await eventually(async () => ((await names(page)).length === 2 ? true : undefined), 'deleted');
  await page.getByTestId('dirty-mark').waitFor();
  await page.getByTestId('undo').click();
  await eventually(async () => ((await names(page)).length === 3 ? true : undefined), 'delete undone');
  expect(await page.getByTestId('dirty-mark').count()).toBe(0);
});

test('import a pipeline by paste in the list, create one from a template, and the list at 375 px', async () => {
  await signIn(page, s.api.url, '/pipelines');
  await page.getByTestId('import-paste-toggle').click();
  await page.getByTestId('import-paste').fill(JSON.stringify({ name: 'Pasted import', nodes: N8N_CLIPBOARD.nodes, connections: N8N_CLIPBOARD.connections, settings: { executionOrder: 'v1' }, tags: [{ name: 'demo' }] }));
  await page.getByTestId('import-submit').click();
  await page.waitForURL(/\/pipelines\/pl_/);
  await eventually(async () => ((await names(page)).length === 3 ? true : undefined), 'the imported document on the canvas');

  // From a template: the stored pipeline opens on the canvas.
  await page.goto(`${s.api.url}/pipelines`);
  await page.getByRole('button', { name: 'From template: web development' }).click();
  await page.waitForURL(/\/pipelines\/pl_/);
  const id = page.url().split('/pipelines/')[1]!;
  const stored = (await s.call(`/api/v1/pipelines/${id}`)).body.document;
  await eventually(async () => ((await names(page)).length === stored.nodes.length ? true : undefined), 'the template on the canvas');
  expect(stored.nodes.length).toBeGreaterThan(2);

  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto(`${s.api.url}/pipelines`);
  await page.getByTestId('pipeline-row').first().waitFor();
  const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
  expect(overflow).toBeLessThanOrEqual(0);
  await page.getByText('Pasted import').first().waitFor();
  await page.screenshot({ path: screenshotPath('pipelines-list-phone'), fullPage: true });
});
