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
  await page.screenshot({ path: screenshotPath('editor-approval') });
  await approval.getByTestId('approve').click();
  await page.getByTestId('execution-status').getByText('success').waitFor({ timeout: 60_000 });
  await eventually(async () => ((await statusOf('Shipped')) === 'success' ? true : undefined), 'Shipped ran');
  expect(await node('Approval').getByTestId('approval').count()).toBe(0);

  // The decision reached the run: the approved output (0) carried the item with who approved and the comment.
  const executionId = (await s.call(`/api/v1/pipelines/${id}/executions`)).body.items[0].id as string;
  const runs = (await s.call(`/api/v1/pipelines/executions/${executionId}/nodes/Approval`)).body.runs;
  expect(runs[0].outputs[0][0].json).toMatchObject({ approval: { decision: 'approve', by: 'editor-ops', comment: 'looks good', via: expect.any(String) } });
});

test('"up to the open node" runs a chain only as far as that node: the last node does not run', async () => {
  const id = await create({
    name: 'Up to the middle',
    nodes: [{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} }, setNode('Middle', 260, 'middle'), setNode('Last', 520, 'last')],
    connections: chain('Start', 'Middle', 'Last'),
    settings: { executionOrder: 'v1' },
  });
  await signIn(page, s.api.url, `/pipelines/${id}`);
  await node('Middle').click();
  await page.getByTestId('node-panel').waitFor();
  await page.getByTestId('to-open-node').check();
  await page.getByTestId('execute').click();
  await page.getByTestId('execution-status').getByText('success').waitFor({ timeout: 60_000 });
  await eventually(async () => ((await statusOf('Middle')) === 'success' ? true : undefined), 'Middle ran');
  expect(await statusOf('Start')).toBe('success');
  expect(await statusOf('Last')).toBe('idle');
  const executionId = (await s.call(`/api/v1/pipelines/${id}/executions`)).body.items[0].id as string;
  expect((await s.call(`/api/v1/pipelines/executions/${executionId}`)).body).toMatchObject({ status: 'success', lastNode: 'Middle' });
  expect((await s.call(`/api/v1/pipelines/executions/${executionId}/nodes/Last`)).status).toBe(404);
});

test('the WHOOSH LLM node’s parameter panel has typed fields (screenshot)', async () => {
  const id = await create({
    name: 'Summarise issues',
    nodes: [
      { name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
      {
        name: 'Summarise',
        type: 'whoosh.llm',
        typeVersion: 1,
        position: [260, 0],
        parameters: { operation: 'chat', system: 'You triage issues.', prompt: '=Summarise: {{ $json.title }}', output: 'json', jsonSchema: '{ "type": "object", "properties": { "summary": { "type": "string" } }, "required": ["summary"] }', options: { temperature: 0.2 } },
      },
      { name: 'Comment', type: 'whoosh.forge', typeVersion: 1, position: [520, 0], parameters: { repository: 'acme/web', operation: 'comment', issueNumber: '={{ $json.number }}', body: '={{ $json.json.summary }}' } },
    ],
    connections: chain('Start', 'Summarise', 'Comment'),
    settings: { executionOrder: 'v1' },
  });
  await signIn(page, s.api.url, `/pipelines/${id}`);
  await node('Summarise').click();
  const panel = page.getByTestId('node-panel');
  await panel.waitFor();
  expect(await panel.getByText('WHOOSH LLM · v1').count()).toBe(1);
  expect(await panel.getByTestId('param-operation').locator('select').inputValue()).toBe('chat');
  expect(await panel.getByTestId('param-system').locator('textarea').inputValue()).toBe('You triage issues.');
  expect(await panel.getByTestId('param-prompt').getByTestId('expression-toggle').getAttribute('aria-pressed')).toBe('true');
  expect(await panel.getByTestId('param-output').locator('select').inputValue()).toBe('json');
  expect(await panel.getByTestId('param-jsonSchema').locator('textarea').inputValue()).toContain('"summary"');
  await panel.getByTestId('param-messages').waitFor();
  await panel.getByTestId('param-options').waitFor();
  await page.screenshot({ path: screenshotPath('editor-whoosh-node') });

  // The forge node: operation-dependent fields and the credential picker.
  await node('Comment').click();
  // An operator cannot list credentials (admins only), so the picker takes a credential's name.
  await panel.getByTestId('credential-name').fill('forge-bot');
  await panel.getByTestId('credential-name').press('Tab');
  await panel.getByTestId('param-body').waitFor();
  expect(await panel.getByTestId('param-title').count()).toBe(0);
  await panel.getByTestId('param-operation').locator('select').selectOption('createIssue');
  await panel.getByTestId('param-title').waitFor();
  expect(await panel.getByTestId('param-issueNumber').count()).toBe(0);
  await page.getByTestId('save').click();
  await eventually(async () => ((await s.call(`/api/v1/pipelines/${id}`)).body.version === 2 ? true : undefined), 'saved as version 2');
  const saved = (await s.call(`/api/v1/pipelines/${id}`)).body.document.nodes.find((n: { name: string }) => n.name === 'Comment');
  expect(saved).toMatchObject({ credentials: { forgeToken: { name: 'forge-bot' } }, parameters: { operation: 'createIssue' } });
});
