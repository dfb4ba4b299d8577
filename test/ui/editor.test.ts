/**
 * The pipeline editor in Chromium against the real API: build a pipeline from
 * an empty canvas (Webhook → Set with an expression → If → a WHOOSH LLM node
 * on a simulated Ollama node / a WHOOSH Forge comment on the Gitea
 * simulator), counting the actions, then call its webhook once for each
 * branch and watch both runs on the canvas.
 */
import type { Page } from 'playwright-core';
import { screenshotPath } from '../helpers/browser';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createNode, deleteNode } from '../../activities/agents/agent-store';
import { GiteaSimulator, GITEA_SIM_TOKEN } from '../../simulators/gitea';
import { OllamaSimulator } from '../../simulators/ollama';
import { eventually } from '../helpers/eventually';
import { Actions, signIn, startEditorStage, type EditorStage } from './editor-stage';

const PREFIX = `ed${randomUUID().slice(0, 6)}-`;
const MODEL = `m-${randomUUID().slice(0, 8)}`;
const owner = `ed${randomUUID().slice(0, 6)}`;
const prompts: string[] = [];
let s: EditorStage;
let page: Page;
let ollama: OllamaSimulator;
let gitea: GiteaSimulator;
let issue: number;

beforeAll(async () => {
  s = await startEditorStage({ nodes: (n) => n.id.startsWith(PREFIX) });
  ollama = await OllamaSimulator.start({
    models: [MODEL],
    respond: (req) => {
      const last = req.messages!.at(-1)!.content;
      prompts.push(last);
      return `Simulated reply to “${last}”`;
    },
  });
  await createNode(s.h.pool, `${PREFIX}ollama`, { name: 'editor-ollama', endpoint: ollama.url, models: [MODEL], specialization: null, capabilities: [], parallel: 1, hardware: {}, performance_targets: {} });
  await s.h.nodeWorkers!.reconcile();
  gitea = await GiteaSimulator.start();
  gitea.createRepo(owner, 'app');
  issue = gitea.openIssue(owner, 'app', { title: 'Greetings for strangers' }).number;
  const res = await s.call('/api/v1/repositories', { method: 'POST', body: JSON.stringify({ kind: 'gitea', baseUrl: gitea.url, owner, name: 'app', token: GITEA_SIM_TOKEN, monitor: false }) });
  expect(res.status).toBe(201);
});
afterAll(async () => {
  await deleteNode(s.h.pool, `${PREFIX}ollama`).catch(() => undefined);
  await ollama?.stop().catch(() => undefined);
  await gitea?.stop().catch(() => undefined);
  await s?.close();
});
beforeEach(async () => {
  page = await s.browser.newPage({ viewport: { width: 1440, height: 900 } });
});
afterEach(async () => {
  await page.close();
});

const statusOf = (p: Page, node: string) => p.locator(`.svelte-flow__node[data-id="${node}"] [data-testid="canvas-node"]`).getAttribute('data-status');

const hookPath = `greet-${randomUUID().slice(0, 8)}`;

/** Fills a parameter field of the open node and switches it to an expression when asked (one action each). */
async function param(a: Actions, name: string, text: string, expression = false): Promise<void> {
  const field = a.page.getByTestId(`param-${name}`);
  await field.locator('input, textarea, select').first().fill(text);
  a.count++;
  if (expression) await a.click('expression-toggle', `[data-testid="param-${name}"]`);
}

test('a pipeline built from an empty canvas: Webhook → Set (expression) → If → LLM / Forge comment, saved, activated, both branches run from its webhook', async () => {
  await signIn(page, s.api.url);
  const a = new Actions(page);
  const t0 = Date.now();
  await a.click('new-pipeline');
  await a.fill('doc-name', 'Greeter');
  await a.addNode('webhook');
  await param(a, 'path', hookPath);
  await page.getByTestId('param-httpMethod').locator('select').selectOption('POST');
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
  // True: the LLM node answers the greeting on the simulated Ollama node.
  await a.addNode('whoosh llm');
  await param(a, 'model', MODEL);
  await param(a, 'prompt', '{{ $json.greeting }}', true);
  // With If open again, the next node goes on its free output: false, a comment on the Gitea simulator's issue.
  await a.openNode('If');
  await a.addNode('comments, labels');
  await param(a, 'repository', `${owner}/app`);
  await page.getByTestId('param-operation').locator('select').selectOption('comment');
  a.count++;
  await param(a, 'issueNumber', String(issue));
  await param(a, 'body', 'Someone said: {{ $json.greeting }}', true);
  await a.click('save');
  await page.waitForURL(/\/pipelines\/pl_/);
  await page.getByTestId('canvas-node').first().waitFor();
  const built = { actions: a.count, seconds: (Date.now() - t0) / 1000 };

  const id = page.url().split('/pipelines/')[1]!;
  const { body } = await s.call(`/api/v1/pipelines/${id}`);
  expect(body).toMatchObject({ name: 'Greeter', version: 1, trigger: 'webhook', problems: [] });
  const doc = body.document;
  expect(doc.nodes.map((n: { name: string; type: string }) => `${n.name}:${n.type}`)).toEqual([
    'Webhook:n8n-nodes-base.webhook',
    'Edit Fields:n8n-nodes-base.set',
    'If:n8n-nodes-base.if',
    'LLM:whoosh.llm',
    'Forge:whoosh.forge',
  ]);
  expect(doc.nodes[0].parameters).toMatchObject({ path: hookPath, httpMethod: 'POST' });
  expect(doc.nodes[1].parameters.assignments.assignments[0]).toMatchObject({ name: 'greeting', value: '=Hello {{ $json.body.name }}', type: 'string' });
  expect(doc.nodes[2].parameters.conditions.conditions[0]).toMatchObject({ leftValue: '={{ $json.greeting }}', rightValue: 'ann', operator: { type: 'string', operation: 'contains' } });
  expect(doc.nodes[3].parameters).toMatchObject({ model: MODEL, prompt: '={{ $json.greeting }}' });
  expect(doc.nodes[4].parameters).toMatchObject({ repository: `${owner}/app`, operation: 'comment', issueNumber: issue, body: '=Someone said: {{ $json.greeting }}' });
  expect(doc.connections).toEqual({
    Webhook: { main: [[{ node: 'Edit Fields', type: 'main', index: 0 }]] },
    'Edit Fields': { main: [[{ node: 'If', type: 'main', index: 0 }]] },
    If: { main: [[{ node: 'LLM', type: 'main', index: 0 }], [{ node: 'Forge', type: 'main', index: 0 }]] },
  });
  await page.getByTestId('fit-view').click();
  await page.screenshot({ path: screenshotPath('editor-canvas') });

  // Activate; the webhook's runs are relayed by this file's relay.
  await a.click('active-switch');
  await eventually(async () => {
    const refused = page.getByTestId('editor-error');
    if ((await refused.count()) > 0) throw new Error(`activation refused: ${await refused.textContent()}`);
    return (await s.call(`/api/v1/pipelines/${id}`)).body.active ? true : undefined;
  }, 'the pipeline active');
  s.relay(id);

  /** Someone calls the webhook (one action); the editor offers the new run and it opens on the canvas (one more). */
  const callAndWatch = async (name: string): Promise<string> => {
    a.count++;
    const hook = await fetch(`${s.api.url}/webhook/${hookPath}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) });
    expect(hook.status).toBe(200);
    const runId = hook.headers.get('x-whoosh-execution-id')!;
    await eventually(async () => ((await page.getByTestId('last-run').getAttribute('href'))?.endsWith(`execution=${runId}`) ? true : undefined), `the webhook run for ${name} offered in the editor`, 60_000);
    await a.click('last-run');
    await page.getByTestId('execution-status').getByText('success').waitFor({ timeout: 60_000 });
    return runId;
  };
  const output = async (runId: string, node: string) => (await s.call(`/api/v1/pipelines/executions/${runId}/nodes/${node}`)).body.runs[0].outputs[0][0].json;

  // bob: no "ann" in the greeting, so If sends the item to false: the comment is posted, the LLM never runs.
  const bobRun = await callAndWatch('bob');
  await eventually(async () => ((await statusOf(page, 'Forge')) === 'success' ? true : undefined), 'Forge ran for bob');
  for (const node of ['Webhook', 'Edit Fields', 'If']) expect(await statusOf(page, node)).toBe('success');
  expect(await statusOf(page, 'LLM')).toBe('idle');
  await eventually(async () => ((await page.locator('.svelte-flow__edge-label').allTextContents()).some((t) => t.includes('1 item')) ? true : undefined), 'item counts on the edges');
  expect(await output(bobRun, 'Forge')).toMatchObject({ posted: true });
  expect(gitea.comments(owner, 'app', issue).map((c) => c.body.split('\n')[0])).toEqual(['Someone said: Hello bob']);

  // ann: down the true branch, the LLM node answers on the simulated Ollama node; no second comment.
  await page.getByTestId('execution-bar').getByRole('button', { name: 'Hide the execution' }).click();
  a.count++;
  const annRun = await callAndWatch('ann');
  await eventually(async () => ((await statusOf(page, 'LLM')) === 'success' ? true : undefined), 'LLM ran for ann');
  expect(await statusOf(page, 'Forge')).toBe('idle');
  await page.screenshot({ path: screenshotPath('editor-execution') });
  expect(await output(annRun, 'LLM')).toMatchObject({ text: 'Simulated reply to “Hello ann”', model: MODEL, node: `${PREFIX}ollama` });
  expect(prompts).toEqual(['Hello ann']);
  expect(gitea.comments(owner, 'app', issue)).toHaveLength(1);

  const total = { actions: a.count, seconds: (Date.now() - t0) / 1000 };
  const figures = { built, builtAndBothWebhookRunsWatched: total };
  writeFileSync(path.join(__dirname, '..', '..', 'test-results', 'editor-build.json'), `${JSON.stringify(figures, null, 2)}\n`);
  console.warn(`editor build: ${built.actions} user actions in ${built.seconds.toFixed(1)} s; with activate and two webhook calls (one per branch) watched to completion: ${total.actions} actions in ${total.seconds.toFixed(1)} s`);
  expect(total.actions).toBeLessThanOrEqual(60);
});
