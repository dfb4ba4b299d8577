/**
 * `editor`: the pipeline editor's canvas in Debian's Chromium with 20 and 200
 * nodes. A pipeline of N nodes (a trigger, then Set / If nodes in a grid, each
 * connected to the next) is stored through the API; the page is opened five
 * times and, measured from navigation start in the page's own clock, the
 * time until the first node is drawn and until every node is drawn inside
 * the fitted view; and the same from the moment the page had the document
 * and the node types (the canvas's own share). Median and max are reported.
 */
import type { Page } from 'playwright-core';
import { ensureUiBuilt } from '../../../infra/ui-build';
import { launchBrowser } from '../../helpers/browser';
import { withBenchStack } from '../bench-stack';
import { round, type Scenario } from '../report';

const ADMIN = 'bench-admin-token-0123456789';
const SIZES = [20, 200];
const RUNS = 5;

function documentOf(n: number) {
  const nodes = [{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} }];
  const connections: Record<string, { main: { node: string; type: string; index: number }[][] }> = {};
  for (let i = 1; i < n; i++) {
    const name = `Step ${i}`;
    const position = [(i % 10) * 240, Math.floor(i / 10) * 140];
    nodes.push(
      i % 7 === 0
        ? { name, type: 'n8n-nodes-base.if', typeVersion: 2.2, position, parameters: { conditions: { options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 }, combinator: 'and', conditions: [] } } as never }
        : { name, type: 'n8n-nodes-base.set', typeVersion: 3.4, position, parameters: { assignments: { assignments: [{ id: `a${i}`, name: 'step', value: i, type: 'number' }] } } as never },
    );
    connections[nodes[i - 1]!.name] = { main: [[{ node: name, type: 'main', index: 0 }]] };
  }
  return { name: `Bench ${n} nodes`, nodes, connections, settings: { executionOrder: 'v1' } };
}

type Sample = { firstNodeMs: number; fitViewMs: number; canvasFirstNodeMs: number; canvasFitViewMs: number };

async function measure(page: Page, url: string, n: number): Promise<Sample> {
  await page.goto(url);
  // Functions run in the page (the dashboard's CSP forbids eval, so no string predicates); this file has no DOM types.
  interface Rect { left: number; right: number; top: number; bottom: number; width: number }
  interface El { getBoundingClientRect(): Rect }
  interface Doc { querySelector(s: string): El | null; querySelectorAll(s: string): ArrayLike<El> }
  const firstNodeMs = (await page
    .waitForFunction(() => ((globalThis as unknown as { document: Doc }).document.querySelector('.svelte-flow__node') ? performance.now() : 0), undefined, { polling: 'raf', timeout: 60_000 })
    .then((h) => h.jsonValue())) as number;
  const fitViewMs = (await page
    .waitForFunction(
      (count: number) => {
        const doc = (globalThis as unknown as { document: Doc }).document;
        const pane = doc.querySelector('.svelte-flow')?.getBoundingClientRect();
        const nodes = Array.from(doc.querySelectorAll('.svelte-flow__node'));
        if (!pane || nodes.length !== count) return 0;
        const inside = nodes.every((el) => {
          const r = el.getBoundingClientRect();
          return r.width > 0 && r.left >= pane.left - 1 && r.right <= pane.right + 1 && r.top >= pane.top - 1 && r.bottom <= pane.bottom + 1;
        });
        return inside ? performance.now() : 0;
      },
      n,
      { polling: 'raf', timeout: 60_000 },
    )
    .then((h) => h.jsonValue())) as number;
  const loadedMs = (await page.evaluate(() => performance.getEntriesByName('whoosh:pipeline-loaded')[0]?.startTime ?? 0)) as number;
  return { firstNodeMs: round(firstNodeMs, 0), fitViewMs: round(fitViewMs, 0), canvasFirstNodeMs: round(firstNodeMs - loadedMs, 0), canvasFitViewMs: round(fitViewMs - loadedMs, 0) };
}

export const editor: Scenario = {
  name: 'editor',
  description: `the pipeline editor's canvas in Chromium: time to first render and to fit view at ${SIZES.join('/')} nodes`,
  async run(log) {
    await ensureUiBuilt(log);
    return withBenchStack('editor', { api: true, config: { security: { admin_token: ADMIN } } }, async (stack) => {
      const browser = await launchBrowser();
      try {
        const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
        await page.goto(stack.apiUrl!);
        await page.getByTestId('token-input').fill(ADMIN);
        await page.getByTestId('sign-in').click();
        await page.getByTestId('whoami').waitFor();
        const results: Record<string, unknown> = {};
        for (const n of SIZES) {
          const res = await fetch(`${stack.apiUrl}/api/v1/pipelines`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify(documentOf(n)) });
          if (res.status !== 201) throw new Error(`storing the ${n}-node pipeline answered ${res.status}: ${await res.text()}`);
          const { id } = (await res.json()) as { id: string };
          const samples: Sample[] = [];
          for (let i = 0; i < RUNS; i++) samples.push(await measure(page, `${stack.apiUrl}/pipelines/${id}`, n));
          const stat = (key: keyof Sample) => {
            const v = samples.map((x) => x[key]).sort((a, b) => a - b);
            return { medianMs: v[Math.floor(v.length / 2)]!, maxMs: v[v.length - 1]! };
          };
          results[`nodes${n}`] = { firstRender: stat('firstNodeMs'), fitView: stat('fitViewMs'), canvasFirstRender: stat('canvasFirstNodeMs'), canvasFitView: stat('canvasFitViewMs') };
          log(`${n} nodes: ${JSON.stringify(results[`nodes${n}`])}`);
        }
        return results;
      } finally {
        await browser.close();
      }
    });
  },
};
