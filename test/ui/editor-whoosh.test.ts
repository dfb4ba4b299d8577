/**
 * WHOOSH nodes in the editor, in Chromium against the real stack: a run
 * waiting at an Approval node is approved on the canvas and followed to its
 * end; "up to the open node" runs a chain only as far as that node; the LLM
 * node's parameter panel shows typed fields (screenshot).
 */
import type { Page } from 'playwright-core';
import { screenshotPath } from '../helpers/browser';
import { eventually } from '../helpers/eventually';
import { signIn, startEditorStage, type EditorStage } from './editor-stage';

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

const node = (name: string) => page.locator(`.svelte-flow__node[data-id="${name}"]`);
const statusOf = (name: string) => node(name).getByTestId('canvas-node').getAttribute('data-status');
const chain = (...names: string[]) => Object.fromEntries(names.slice(0, -1).map((n, i) => [n, { main: [[{ node: names[i + 1]!, type: 'main', index: 0 }]] }]));
const setNode = (name: string, x: number, field: string) => ({
  name,
  type: 'n8n-nodes-base.set',
  typeVersion: 3.4,
  position: [x, 0],
  parameters: { assignments: { assignments: [{ id: field, name: field, value: true, type: 'boolean' }] } },
});

async function create(doc: object): Promise<string> {
  const r = await s.call('/api/v1/pipelines', { method: 'POST', body: JSON.stringify(doc) });
  expect(r.status).toBe(201);
  return r.body.id as string;
}

test('a run waiting at an Approval node is approved on the canvas, with a comment, and followed to its end', async () => {
  const id = await create({
    name: 'Approve on the canvas',
    nodes: [
      { name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
      { name: 'Approval', type: 'whoosh.approval', typeVersion: 1, position: [260, 0], parameters: { message: 'Ship it?' } },
      setNode('Shipped', 520, 'shipped'),
    ],
    connections: chain('Start', 'Approval', 'Shipped'),
    settings: { executionOrder: 'v1' },
  });
  await signIn(page, s.api.url, `/pipelines/${id}`);
  await node('Approval').waitFor();
  await page.getByTestId('execute').click();

  const approval = node('Approval').getByTestId('approval');
  await approval.waitFor({ timeout: 60_000 });
  expect(await node('Approval').getByTestId('node-status').textContent()).toBe('waiting for approval');
  expect(await statusOf('Approval')).toBe('waiting');
  await approval.getByText('Ship it?').waitFor();
  expect(await statusOf('Shipped')).toBe('idle');

  await approval.getByTestId('approval-comment').fill('looks good');
  await approval.getByTestId('approve').click();
  await page.getByTestId('execution-status').getByText('success').waitFor({ timeout: 60_000 });
  await eventually(async () => ((await statusOf('Shipped')) === 'success' ? true : undefined), 'Shipped ran');
  expect(await node('Approval').getByTestId('approval').count()).toBe(0);

  // The decision reached the run: the approved output (0) carried the item with who approved and the comment.
  const executionId = (await s.call(`/api/v1/pipelines/${id}/executions`)).body.items[0].id as string;
  const runs = (await s.call(`/api/v1/pipelines/executions/${executionId}/nodes/Approval`)).body.runs;
  expect(runs[0].outputs[0][0].json).toMatchObject({ approval: { decision: 'approve', by: 'editor-ops', comment: 'looks good', via: expect.any(String) } });
});
