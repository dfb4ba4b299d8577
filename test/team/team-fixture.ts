/**
 * A team-formation stage for tests: the real workflows on the suite's Temporal
 * dev server and Postgres, the API with its webhook relay, a Gitea simulator
 * sending signed webhooks, a Docker Engine simulator, and agent nodes of the
 * file's own (ids unique per file, as the database is shared).
 */
import { randomUUID } from 'node:crypto';
import { createNode } from '../../activities/agents/agent-store';
import { WebhookRelay } from '../../api/webhooks/relay';
import type { WhooshConfig } from '../../infra/config';
import { teamStateQuery, type TeamState } from '../../workflows/team/definitions';
import { readJson, serveApi, type RunningApi } from '../helpers/api-server';
import { silentLogger, startHarness, testConfig, type Harness, type HarnessOptions } from '../helpers/harness';
import { DockerSimulator } from '../../simulators/docker';
import { GiteaSimulator, GITEA_SIM_TOKEN } from '../../simulators/gitea';
import { eventually } from '../helpers/eventually';

export { eventually } from '../helpers/eventually';

export const OPERATOR_TOKEN = 'operator-token-teams-0001';
export const VIEWER_TOKEN = 'viewer-token-teams-00001';

export interface NodeSpec {
  readonly suffix: string;
  readonly specialization: string;
  readonly capabilities: string[];
  readonly models?: string[];
  readonly endpoint?: string;
}

export const DEFAULT_NODES: NodeSpec[] = [
  { suffix: 'front', specialization: 'frontend', capabilities: ['frontend', 'react', 'svelte', 'typescript', 'css'] },
  { suffix: 'back', specialization: 'backend', capabilities: ['backend', 'api-design', 'database', 'postgres', 'typescript', 'debugging'] },
  { suffix: 'qa', specialization: 'qa testing', capabilities: ['testing', 'debugging', 'code-review'] },
  { suffix: 'lead', specialization: 'architecture lead', capabilities: ['backend', 'frontend', 'code-review', 'debugging', 'security'] },
];

export interface TeamStage {
  readonly h: Harness;
  readonly api: RunningApi;
  readonly relay: WebhookRelay;
  readonly gitea: GiteaSimulator;
  readonly docker: DockerSimulator;
  readonly owner: string;
  readonly repo: string;
  readonly repositoryId: number;
  readonly nodeIds: string[];
  readonly config: WhooshConfig;
  call(path: string, init?: RequestInit & { token?: string }): Promise<Response>;
  workflowId(issue: number): string;
  state(issue: number): Promise<TeamState>;
  /** Waits until the team of `issue` reaches `status` (by its live query). */
  status(issue: number, status: TeamState['status'], timeoutMs?: number): Promise<TeamState>;
  teamContainers(teamId: string): ReturnType<DockerSimulator['containers']>;
  close(): Promise<void>;
}


export interface StageOptions {
  readonly config?: Parameters<typeof testConfig>[0];
  readonly nodes?: NodeSpec[];
  readonly harness?: Omit<HarnessOptions, 'config'>;
}

export async function startTeamStage(opts: StageOptions = {}): Promise<TeamStage> {
  const tag = randomUUID().slice(0, 8);
  const owner = `team${tag}`;
  const repo = 'app';
  const docker = await DockerSimulator.start();
  const gitea = await GiteaSimulator.start();
  const overrides = opts.config ?? {};
  const config = testConfig({
    ...overrides,
    security: { tokens: [{ name: 'ops', token: OPERATOR_TOKEN, role: 'operator' }, { name: 'watcher', token: VIEWER_TOKEN, role: 'viewer' }] },
    docker: { enabled: true, host: `tcp://127.0.0.1:${docker.port}`, image: 'whoosh/agent-sim:1', ...overrides.docker },
  });
  const h = await startHarness({ ...opts.harness, config });
  const nodeIds: string[] = [];
  for (const n of opts.nodes ?? DEFAULT_NODES) {
    const id = `${tag}-${n.suffix}`;
    await createNode(h.pool, id, {
      name: `Node ${n.suffix}`,
      endpoint: n.endpoint ?? 'http://127.0.0.1:9',
      models: n.models ?? ['llama3.1:8b'],
      specialization: n.specialization,
      capabilities: n.capabilities,
      parallel: 2,
      hardware: {},
      performance_targets: {},
    });
    nodeIds.push(id);
  }
  // Other files' relays share the outbox: each takes only its own repositories' deliveries.
  const mine: number[] = [];
  const relay = new WebhookRelay({ pool: h.pool, client: h.client, taskQueue: h.taskQueue, logger: silentLogger, pollMs: 100, repositoryIds: () => mine });
  relay.start();
  const api = await serveApi({ config, temporal: h.client, pool: h.pool, logger: silentLogger, version: 'test', relay, temporalUiUrl: 'http://temporal-ui.test' });
  const call = (p: string, init: RequestInit & { token?: string } = {}) =>
    fetch(`${api.url}${p}`, { ...init, headers: { authorization: `Bearer ${init.token ?? OPERATOR_TOKEN}`, 'content-type': 'application/json' } });
  const res = await call('/api/v1/repositories', { method: 'POST', body: JSON.stringify({ kind: 'gitea', baseUrl: gitea.url, owner, name: repo, token: GITEA_SIM_TOKEN, monitor: true }) });
  if (res.status !== 201) throw new Error(`registering the repository answered ${res.status}: ${await res.text()}`);
  const registered = await readJson(res);
  mine.push(registered.id);
  gitea.createRepo(owner, repo);
  gitea.addWebhook(owner, repo, { url: `${api.url}/webhooks/gitea`, secret: registered.webhookSecret });

  const workflowId = (issue: number) => `team:${owner}/${repo}#${issue}`;
  const state = (issue: number) => h.client.workflow.getHandle(workflowId(issue)).query(teamStateQuery);
  return {
    h,
    api,
    relay,
    gitea,
    docker,
    owner,
    repo,
    repositoryId: registered.id,
    nodeIds,
    config,
    call,
    workflowId,
    state,
    status: (issue, status, timeoutMs = 30_000) => eventually(async () => {
      const s = await state(issue);
      return s.status === status ? s : undefined;
    }, `team of #${issue} ${status}`, timeoutMs),
    teamContainers: (teamId) => docker.containers().filter((c) => c.labels['whoosh.team'] === teamId),
    async close() {
      await relay.stop();
      await api.close();
      await h.close();
      await Promise.all([gitea.stop(), docker.stop()]);
    },
  };
}
