/**
 * A council-kickoff stage for tests: the real workflows on the suite's
 * Temporal dev server and Postgres, the API (and, with `webhooks`, the relay
 * of this file's own deliveries), a Gitea simulator, and simulated Ollama
 * nodes registered under file-unique ids with a file-unique model, so no
 * other file's calls reach them and none of theirs reach other files' nodes.
 *
 * The nodes answer as a well-behaved council would: each request is read for
 * its role (from the system prompt), whether it is a repair, the brief and
 * the feedback, and answered with a valid artifact of that role — unless the
 * test's `script` says otherwise for that call.
 */
import { randomUUID } from 'node:crypto';
import { createNode } from '../../activities/agents/agent-store';
import { WebhookRelay } from '../../api/webhooks/relay';
import type { WhooshConfig } from '../../infra/config';
import { councilStateQuery, type CouncilState } from '../../workflows/council/definitions';
import type { IntakeInput } from '../../workflows/definitions';
import { readJson, serveApi, type RunningApi } from '../helpers/api-server';
import { silentLogger, startHarness, testConfig, type Harness } from '../helpers/harness';
import { GiteaSimulator, GITEA_SIM_TOKEN } from '../../simulators/gitea';
import { OllamaSimulator } from '../../simulators/ollama';
import { readCall, validAnswer, type CouncilCall } from '../../simulators/ollama/council-answers';
import { eventually } from '../helpers/eventually';

export { eventually } from '../helpers/eventually';

export { readCall, samplePlan, validAnswer, type CouncilCall } from '../../simulators/ollama/council-answers';

export const OPERATOR_TOKEN = 'operator-token-councils-01';
export const VIEWER_TOKEN = 'viewer-token-councils-0001';
export const AUTHOR = 'alice';

export interface CouncilNodeSpec {
  readonly suffix: string;
  readonly specialization: string | null;
  readonly capabilities?: string[];
  /** Streaming speed of the node's simulator (tokens per second); default 5000. */
  readonly tokensPerSecond?: number;
}

/** Text to answer a call with; undefined: a valid artifact. */
export type Script = (call: CouncilCall) => string | undefined;

export interface CouncilStageOptions {
  readonly config?: Parameters<typeof testConfig>[0];
  /** Register a webhook on the Gitea repository and relay its deliveries (default true). */
  readonly webhooks?: boolean;
  readonly nodes?: CouncilNodeSpec[];
}

export interface CouncilStage {
  readonly h: Harness;
  readonly api: RunningApi;
  readonly gitea: GiteaSimulator;
  readonly sims: Map<string, OllamaSimulator>;
  readonly owner: string;
  readonly repo: string;
  readonly repositoryId: number;
  readonly model: string;
  readonly nodeIds: string[];
  readonly config: WhooshConfig;
  /** Every council request the nodes served, oldest first. */
  readonly calls: CouncilCall[];
  /** Replaces the script (undefined: valid artifacts only). */
  script(s: Script | undefined): void;
  call(path: string, init?: RequestInit & { token?: string }): Promise<Response>;
  workflowId(issue: number): string;
  state(issue: number): Promise<CouncilState>;
  /** Waits until the council of `issue` satisfies `ok` (by its live query). */
  until(issue: number, ok: (s: CouncilState) => boolean, what: string, timeoutMs?: number): Promise<CouncilState>;
  /** Opens a Design Brief by the author; with webhooks the intake starts its council. */
  openBrief(title: string, body: string, labels?: string[]): number;
  /** Starts the council of `issue` as the intake would (for stages without webhooks). */
  startCouncil(issue: number): Promise<void>;
  comments(issue: number): { id: number; body: string; author: string }[];
  close(): Promise<void>;
}


// ---------------------------------------------------------------- the stage

export async function startCouncilStage(opts: CouncilStageOptions = {}): Promise<CouncilStage> {
  const tag = randomUUID().slice(0, 8);
  const owner = `council${tag}`;
  const repo = 'plans';
  const model = `council-${tag}:8b`;
  const webhooks = opts.webhooks ?? true;
  const calls: CouncilCall[] = [];
  let script: Script | undefined;

  const gitea = await GiteaSimulator.start();
  const overrides = opts.config ?? {};
  const config = testConfig({
    ...overrides,
    security: { tokens: [{ name: 'ops', token: OPERATOR_TOKEN, role: 'operator' }, { name: 'watcher', token: VIEWER_TOKEN, role: 'viewer' }] },
    docker: { enabled: false },
    councils: { model, ...overrides.councils },
    llm: { heartbeat_timeout_seconds: 2, attempts_per_node: 2, wait_for_node_seconds: 10, queue_timeout_seconds: 30, inline_output_limit: 400, ...overrides.llm },
  });
  const prefix = `${tag}-`;
  const h = await startHarness({ config, nodes: (n) => n.id.startsWith(prefix) });

  const sims = new Map<string, OllamaSimulator>();
  const nodeIds: string[] = [];
  for (const n of opts.nodes ?? [{ suffix: 'a', specialization: 'architecture' }, { suffix: 'b', specialization: null }]) {
    const id = `${prefix}${n.suffix}`;
    const sim = await OllamaSimulator.start({
      models: [model],
      tokensPerSecond: n.tokensPerSecond ?? 5000,
      respond: (req) => {
        const call = readCall(req, id);
        calls.push(call);
        return script?.(call) ?? validAnswer(call);
      },
    });
    sims.set(id, sim);
    await createNode(h.pool, id, {
      name: `Council node ${n.suffix}`,
      endpoint: sim.url,
      models: [model],
      specialization: n.specialization,
      capabilities: n.capabilities ?? [],
      parallel: 4,
      hardware: {},
      performance_targets: {},
    });
    nodeIds.push(id);
  }
  await h.nodeWorkers!.reconcile();

  const mine: number[] = [];
  const relay = webhooks ? new WebhookRelay({ pool: h.pool, client: h.client, taskQueue: h.taskQueue, logger: silentLogger, pollMs: 100, repositoryIds: () => mine }) : undefined;
  relay?.start();
  const api = await serveApi({ config, temporal: h.client, pool: h.pool, logger: silentLogger, version: 'test', ...(relay ? { relay } : {}), temporalUiUrl: 'http://temporal-ui.test' });
  const call = (p: string, init: RequestInit & { token?: string } = {}) =>
    fetch(`${api.url}${p}`, { ...init, headers: { authorization: `Bearer ${init.token ?? OPERATOR_TOKEN}`, 'content-type': 'application/json' } });
  // Not monitored without webhooks: no sync schedule, no intake; the tests start councils themselves.
  const res = await call('/api/v1/repositories', { method: 'POST', body: JSON.stringify({ kind: 'gitea', baseUrl: gitea.url, owner, name: repo, token: GITEA_SIM_TOKEN, monitor: webhooks }) });
  if (res.status !== 201) throw new Error(`registering the repository answered ${res.status}: ${await res.text()}`);
  const registered = await readJson(res);
  mine.push(registered.id);
  gitea.createRepo(owner, repo);
  if (webhooks) gitea.addWebhook(owner, repo, { url: `${api.url}/webhooks/gitea`, secret: registered.webhookSecret });

  const workflowId = (issue: number) => `council:${owner}/${repo}#${issue}`;
  const state = (issue: number) => h.client.workflow.getHandle(workflowId(issue)).query(councilStateQuery);
  return {
    h,
    api,
    gitea,
    sims,
    owner,
    repo,
    repositoryId: registered.id,
    model,
    nodeIds,
    config,
    calls,
    script: (s) => void (script = s),
    call,
    workflowId,
    state,
    until: (issue, ok, what, timeoutMs = 30_000) =>
      eventually(
        async () => {
          const s = await state(issue);
          return ok(s) ? s : undefined;
        },
        `council of #${issue}: ${what}`,
        timeoutMs,
      ),
    openBrief: (title, body, labels = []) => gitea.openIssue(owner, repo, { title, body, labels: ['chorus-entrypoint', ...labels], author: AUTHOR }).number,
    async startCouncil(issue) {
      const i = gitea.issue(owner, repo, issue);
      const input: IntakeInput = {
        repositoryId: registered.id,
        forge: 'gitea',
        issue: { owner, name: repo, number: issue, title: i.title, labels: i.labels, url: `${gitea.url}/${owner}/${repo}/issues/${issue}`, author: i.author },
        trigger: 'webhook',
      };
      await h.client.workflow.start('councilKickoff', { workflowId: workflowId(issue), taskQueue: h.taskQueue, args: [input] });
    },
    comments: (issue) => gitea.comments(owner, repo, issue),
    async close() {
      await relay?.stop();
      await api.close();
      await h.close();
      await Promise.all([gitea.stop(), ...[...sims.values()].map((s) => s.stop().catch(() => undefined))]);
    },
  };
}
