/**
 * What the editor's browser tests share: the real API (with the built
 * dashboard) on the suite's Temporal and Postgres with an orchestrator worker,
 * Debian's Chromium, and small steps that drive the editor the way a person
 * does — each step counted, so a test can report how many actions a build took.
 */
import type { Browser, Page } from 'playwright-core';
import { ensureUiBuilt, UI_DIST } from '../../infra/ui-build';
import { PipelineRequestRelay } from '../../api/webhooks/pipeline-relay';
import { readJson, serveApi, type RunningApi } from '../helpers/api-server';
import { launchBrowser } from '../helpers/browser';
import { silentLogger, startHarness, testConfig, type Harness, type HarnessOptions } from '../helpers/harness';

export const OPERATOR = 'operator-token-for-the-editor';

export interface EditorStage {
  readonly h: Harness;
  readonly api: RunningApi;
  readonly browser: Browser;
  /** Webhook calls of this pipeline are relayed to runs by this file's relay (other files share the database). */
  relay(pipelineId: string): void;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  call(path: string, init?: RequestInit): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/** `nodes` hosts workers for the registered agent nodes it accepts (for LLM nodes on simulated Ollama). */
export async function startEditorStage(opts: Pick<HarnessOptions, 'nodes'> = {}): Promise<EditorStage> {
  await ensureUiBuilt();
  const config = testConfig({ security: { tokens: [{ name: 'editor-ops', token: OPERATOR, role: 'operator' }] } });
  const h = await startHarness({ ...opts, config });
  const mine: string[] = [];
  const relay = new PipelineRequestRelay({ pool: h.pool, client: h.client, taskQueue: h.taskQueue, logger: silentLogger, pollMs: 100, pipelineIds: () => mine });
  relay.start();
  const api = await serveApi({ config, temporal: h.client, pool: h.pool, logger: silentLogger, version: 'editor-test', temporalUiUrl: 'http://127.0.0.1:8233', uiDir: UI_DIST, pipelineRelay: relay });
  const browser = await launchBrowser();
  return {
    h,
    api,
    browser,
    relay: (id) => void mine.push(id),
    async call(path, init = {}) {
      const res = await fetch(`${api.url}${path}`, { ...init, headers: { authorization: `Bearer ${OPERATOR}`, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) } });
      return { status: res.status, body: res.status === 204 ? undefined : await readJson(res) };
    },
    async close() {
      await browser.close();
      await relay.stop();
      await api.close();
      await h.close();
    },
  };
}

/** Counts what a person does: each click, fill, key press or selection is one action. */
export class Actions {
  count = 0;
  constructor(readonly page: Page) {}

  private sel(testid: string, scope?: string) {
    return scope ? this.page.locator(scope).getByTestId(testid) : this.page.getByTestId(testid);
  }

  async click(testid: string, scope?: string): Promise<void> {
    this.count++;
    await this.sel(testid, scope).first().click();
  }

  async fill(testid: string, text: string, scope?: string): Promise<void> {
    this.count++;
    await this.sel(testid, scope).first().fill(text);
  }

  async press(key: string): Promise<void> {
    this.count++;
    await this.page.keyboard.press(key);
  }

  /** Search the palette and add the first match (type, Enter). */
  async addNode(search: string): Promise<void> {
    await this.fill('palette-search', search);
    this.count++;
    await this.page.getByTestId('palette-search').press('Enter');
  }

  async rename(to: string): Promise<void> {
    await this.fill('node-name', to);
    this.count++;
    await this.page.getByTestId('node-name').press('Enter');
  }

  /** Drags a connection from one node's output handle to another node's input handle. */
  async connect(source: string, output: number, target: string, input = 0): Promise<void> {
    this.count++;
    const from = this.page.locator(`.svelte-flow__node[data-id="${source}"] .svelte-flow__handle[data-handleid="out-${output}"]`);
    const to = this.page.locator(`.svelte-flow__node[data-id="${target}"] .svelte-flow__handle[data-handleid="in-${input}"]`);
    await from.dragTo(to);
  }

  async openNode(name: string): Promise<void> {
    this.count++;
    await this.page.locator(`.svelte-flow__node[data-id="${name}"]`).click();
    // The panel shows the node once it is selected: what is added next goes after it, not after the node open before.
    await this.page.waitForFunction(`document.querySelector('[data-testid="node-name"]')?.value === ${JSON.stringify(name)}`);
  }
}

export async function signIn(page: Page, url: string, path = '/pipelines'): Promise<void> {
  await page.goto(`${url}${path}`);
  await page.getByTestId('token-input').fill(OPERATOR);
  await page.getByTestId('sign-in').click();
  await page.getByTestId('whoami').waitFor();
}

/** Puts text on the page's clipboard as a paste event would (the headless browser has no system clipboard). */
export async function pasteText(page: Page, text: string): Promise<void> {
  await page.evaluate(`(() => {
    const data = new DataTransfer();
    data.setData('text/plain', ${JSON.stringify(text)});
    window.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }));
  })()`);
}
