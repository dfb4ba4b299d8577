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
import type { ArtifactKind, KickoffPlan } from '../../workflows/council/artifacts';
import { COUNCIL_ROLES, type CouncilRoleId } from '../../workflows/council/compose-council';
import { councilStateQuery, type CouncilState } from '../../workflows/council/definitions';
import type { IntakeInput } from '../../workflows/definitions';
import { readJson, serveApi, type RunningApi } from '../helpers/api-server';
import { silentLogger, startHarness, testConfig, type Harness } from '../helpers/harness';
import { GiteaSimulator, GITEA_SIM_TOKEN } from '../simulators/gitea';
import { OllamaSimulator, type SimRequest } from '../simulators/ollama';

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

/** What one LLM request of a council was, as its node saw it. */
export interface CouncilCall {
  readonly nodeId: string;
  /** The member writing its artifact, or `synthesis` for the engineering lead's plan. */
  readonly role: CouncilRoleId | 'synthesis';
  readonly repair: boolean;
  /** The brief's title. */
  readonly brief: string;
  /** Every `/revise` feedback the request carries, oldest first. */
  readonly feedback: string[];
  readonly numCtx: unknown;
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

export async function eventually<T>(fn: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
      last = undefined;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// ---------------------------------------------------------------- what the nodes answer

const ROLE_BY_PHRASE: { role: CouncilRoleId; phrase: string }[] = [
  { role: 'product_manager', phrase: 'You are the product manager.' },
  { role: 'engineering_lead', phrase: 'You are the engineering lead.' },
  { role: 'qa_lead', phrase: 'You are the QA lead.' },
  { role: 'security_lead', phrase: 'You are the security lead.' },
  { role: 'devops_lead', phrase: 'You are the DevOps lead.' },
  { role: 'ux_lead', phrase: 'You are the UX lead.' },
];

export function readCall(req: SimRequest, nodeId: string): CouncilCall {
  const messages = req.messages ?? [];
  const system = messages.find((m) => m.role === 'system')?.content ?? '';
  const firstUser = messages.find((m) => m.role === 'user')?.content ?? '';
  const lastUser = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  const synthesis = system.includes('synthesize the council');
  const role = synthesis ? 'synthesis' : (ROLE_BY_PHRASE.find((r) => system.includes(r.phrase))?.role ?? 'product_manager');
  const feedback = /<feedback>\n([\s\S]*?)\n<\/feedback>/.exec(firstUser)?.[1]?.split('\n').map((l) => l.replace(/^- Round \d+(?: \(from [^)]*\))?: /, '')) ?? [];
  return {
    nodeId,
    role,
    repair: lastUser.startsWith('That answer cannot be used'),
    brief: /^Design Brief(?: #\d+)?: (.*)$/m.exec(firstUser)?.[1] ?? '',
    feedback,
    numCtx: req.options?.num_ctx,
  };
}

/** The plan: three tasks in a chain, and one more per round of feedback. */
export function samplePlan(feedback: readonly string[]): KickoffPlan {
  const tasks: KickoffPlan['tasks'] = [
    { key: 'db-schema', title: 'Create the database schema', description: 'Tables for events and calendars, with migrations.', role: 'engineering_lead', dependsOn: [], estimate: 3 },
    { key: 'api-endpoints', title: 'Build the calendar API', description: 'CRUD endpoints for events.', role: 'engineering_lead', dependsOn: ['db-schema'], estimate: 5 },
    { key: 'e2e-tests', title: 'Test the calendar end to end', description: 'Given a team, when an event is added, then everyone sees it.', role: 'qa_lead', dependsOn: ['api-endpoints'], estimate: 3 },
  ];
  feedback.forEach((f, i) =>
    tasks.push({ key: `revision-${i + 1}`, title: `Address feedback: ${f.slice(0, 60)}`, description: f, role: 'product_manager', dependsOn: ['db-schema'], estimate: 2 }),
  );
  return { summary: 'Schema first, then the API, then end-to-end tests.', tasks };
}

const SAMPLES: Record<Exclude<ArtifactKind, 'kickoff_plan'>, unknown> = {
  requirements: {
    summary: 'Teams need one shared calendar.',
    goals: ['Everyone sees the team events'],
    nonGoals: ['Personal calendars'],
    userStories: [{ id: 'US1', asA: 'a team member', iWant: 'to add an event', soThat: 'the team sees it', priority: 'must', acceptanceCriteria: ['The event shows for every member'] }],
    openQuestions: [],
  },
  architecture: {
    summary: 'A small API over Postgres.',
    components: [{ name: 'api', responsibility: 'events CRUD' }],
    technicalChoices: [{ area: 'storage', choice: 'Postgres', rationale: 'already run', alternatives: ['SQLite'] }],
    integrations: [],
    risks: [{ risk: 'time zones', mitigation: 'store UTC' }],
  },
  test_strategy: {
    summary: 'Unit and end-to-end tests.',
    levels: [{ level: 'unit', scope: 'date maths' }],
    acceptanceCriteria: [{ id: 'AC1', criterion: 'Given a team, when an event is added, then all see it', verifiedBy: 'end_to_end' }],
    qualityGates: ['CI green'],
    risks: [],
  },
  threat_model: {
    summary: 'Sessions are the asset.',
    assets: ['session cookie'],
    threats: [{ id: 'TH1', threat: 'Session fixation', category: 'spoofing', likelihood: 'low', impact: 'high', mitigation: 'rotate the session id at login' }],
    securityRequirements: ['SSO only'],
  },
  operations_plan: {
    summary: 'One container behind the proxy.',
    environments: [{ name: 'production', purpose: 'the teams' }],
    deployment: { strategy: 'rolling', steps: ['build', 'deploy'], rollback: 'previous image' },
    monitoring: [],
    infrastructure: ['Postgres'],
  },
  user_flows: {
    summary: 'Quick to add an event.',
    personas: [{ name: 'member', goal: 'add an event' }],
    flows: [{ name: 'Add an event', persona: 'member', steps: ['open the calendar', 'add'], edgeCases: ['overlapping events'] }],
    accessibility: ['keyboard only works'],
  },
};

export function validAnswer(call: CouncilCall): string {
  if (call.role === 'synthesis') return JSON.stringify(samplePlan(call.feedback));
  return JSON.stringify(SAMPLES[COUNCIL_ROLES[call.role].artifact]);
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
