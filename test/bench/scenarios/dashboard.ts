/**
 * `dashboard`: the dashboard's reads at 10,000 executions. Seeds the
 * executions (one-activity workflows tagged like teams, councils and syncs of a
 * few repositories, some failing), grows one history past 1,000 events, then
 * measures through the real API: a list page (unfiltered, filtered, the next
 * page by token) and an execution's history (the large one and a small one),
 * p50/p95; and, in Debian's Chromium, the time until the Executions list and
 * the large execution's timeline are rendered.
 */
import { randomUUID } from 'node:crypto';
import { TypedSearchAttributes } from '@temporalio/common';
import type { Stack } from '../../../infra/stack';
import { WHOOSH_ISSUE, WHOOSH_KIND, WHOOSH_REPOSITORY } from '../../../domain/search-attributes';
import { forgeCommandSignal } from '../../../workflows/definitions';
import { launchBrowser } from '../../helpers/browser';
import { withBenchStack } from '../bench-stack';
import { percentile, round, type Scenario } from '../report';

const EXECUTIONS = Number(process.env.BENCH_EXECUTIONS ?? 10_000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 60);
const ADMIN = 'bench-admin-token-0123456789';
const KINDS = ['team', 'team', 'team', 'council', 'sync'] as const;
const REPOS = ['acme/api', 'acme/web', 'acme/infra', 'labs/ml'];

async function seed(stack: Stack, taskQueue: string, log: (line: string) => void): Promise<void> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (next < EXECUTIONS) {
        const i = next++;
        await stack.client.workflow.start('baseline', {
          workflowId: `bench-seed:${i}:${randomUUID().slice(0, 8)}`,
          taskQueue,
          typedSearchAttributes: new TypedSearchAttributes([
            { key: WHOOSH_KIND, value: KINDS[i % KINDS.length]! },
            { key: WHOOSH_REPOSITORY, value: REPOS[i % REPOS.length]! },
            { key: WHOOSH_ISSUE, value: i },
          ]),
        });
        if ((i + 1) % 1000 === 0) log(`${i + 1}/${EXECUTIONS} executions started (${round((performance.now() - t0) / 1000, 1)} s)`);
      }
    }),
  );
  // Let them finish, so the reads are measured on an idle server.
  for (;;) {
    const { count } = await stack.client.workflowService.countWorkflowExecutions({ namespace: 'default', query: `WorkflowType = 'baseline' AND ExecutionStatus = 'Running'` });
    if (Number(count) === 0) break;
    log(`${count} still running`);
    await new Promise((r) => setTimeout(r, 5000));
  }
}

/** A stand-in team workflow signalled until its history passes 1,000 events. */
async function bigHistory(stack: Stack, taskQueue: string, log: (line: string) => void): Promise<string> {
  const workflowId = `bench-big:${randomUUID()}`;
  const handle = await stack.client.workflow.start('teamFormation', {
    workflowId,
    taskQueue,
    args: [{ repositoryId: 0, forge: 'gitea', issue: { owner: 'acme', name: 'api', number: 1, title: 'big', labels: [], url: 'http://x/1', author: 'a' }, trigger: 'webhook' }],
  });
  for (let round = 0; ; round++) {
    await Promise.all(Array.from({ length: 50 }, (_, i) => handle.signal(forgeCommandSignal, { command: 'revise', text: `signal ${round}-${i}`, user: 'bench', commentId: i })));
    const length = Number((await handle.describe()).historyLength);
    if (length >= 1000) {
      log(`history of ${workflowId}: ${length} events`);
      return workflowId;
    }
  }
}

async function timeRequests(url: string, n: number): Promise<{ p50Ms: number; p95Ms: number; bytes: number }> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await fetch(url, { headers: { authorization: `Bearer ${ADMIN}` } });
    const body = await res.text();
    if (!res.ok) throw new Error(`${url} answered ${res.status}: ${body.slice(0, 200)}`);
    times.push(performance.now() - t0);
    bytes = body.length;
  }
  times.sort((a, b) => a - b);
  return { p50Ms: round(percentile(times, 50), 1), p95Ms: round(percentile(times, 95), 1), bytes };
}

async function timeRender(apiUrl: string, bigId: string): Promise<Record<string, number>> {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(apiUrl);
    await page.getByTestId('token-input').fill(ADMIN);
    await page.getByTestId('sign-in').click();
    await page.getByTestId('whoami').waitFor();
    const measure = async (path: string, selector: string): Promise<number> => {
      const t0 = performance.now();
      await page.goto(`${apiUrl}${path}`);
      await page.locator(selector).first().waitFor({ timeout: 30_000 });
      return round(performance.now() - t0, 0);
    };
    const list: number[] = [];
    const history: number[] = [];
    for (let i = 0; i < 5; i++) {
      list.push(await measure('/executions', '[data-testid="execution-row"]'));
      history.push(await measure(`/executions/${encodeURIComponent(bigId)}`, '[data-testid="timeline-item"]'));
    }
    list.sort((a, b) => a - b);
    history.sort((a, b) => a - b);
    return { listRenderMedianMs: list[2]!, listRenderMaxMs: list[4]!, historyRenderMedianMs: history[2]!, historyRenderMaxMs: history[4]! };
  } finally {
    await browser.close();
  }
}

export const dashboard: Scenario = {
  name: 'dashboard',
  description: `the dashboard's reads at ${EXECUTIONS} executions: list page and history API p50/p95, render time in Chromium`,
  async run(log) {
    const options = { api: true, workflowsPath: require.resolve('../../workflows-standins'), config: { security: { admin_token: ADMIN } } };
    return withBenchStack('dashboard', options, async (stack, config) => {
      const taskQueue = config.temporal.task_queue;
      await seed(stack, taskQueue, log);
      const bigId = await bigHistory(stack, taskQueue, log);
      const api = `${stack.apiUrl}/api/v1/workflows`;
      const first = (await (await fetch(`${api}?pageSize=50`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as { nextPageToken: string | null; executions: { workflowId: string }[] };
      const small = first.executions.find((e) => e.workflowId.startsWith('bench-seed:'))!.workflowId;
      const results = {
        executions: EXECUTIONS,
        samples: SAMPLES,
        listPage: await timeRequests(`${api}?pageSize=50`, SAMPLES),
        listPageFiltered: await timeRequests(`${api}?pageSize=50&kind=team&repository=acme%2Fapi&status=COMPLETED`, SAMPLES),
        listNextPage: await timeRequests(`${api}?pageSize=50&pageToken=${encodeURIComponent(first.nextPageToken!)}`, SAMPLES),
        historyLarge: await timeRequests(`${api}/${encodeURIComponent(bigId)}/history`, SAMPLES),
        historySmall: await timeRequests(`${api}/${encodeURIComponent(small)}/history`, SAMPLES),
        render: await timeRender(stack.apiUrl!, bigId).catch((err: unknown) => ({ error: err instanceof Error ? err.message.split('\n')[0] : String(err) })),
      };
      log(JSON.stringify(results));
      return results;
    });
  },
};
