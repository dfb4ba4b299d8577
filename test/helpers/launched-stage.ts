/**
 * A whole WHOOSH started as a user starts it (`npm start`'s entry point, see
 * launcher.ts) with the simulators around it: a Gitea sending signed webhooks,
 * a Docker Engine the agents are deployed on, an Ollama the agent nodes point
 * at (so health sweeps find them up), four agent nodes registered through the
 * API, and a Temporal client of the test's own. For the fault tests that take
 * a server of the stack away (Postgres, Temporal), which the suite's shared
 * servers must never suffer.
 */
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { teamStateQuery, type TeamState } from '../../workflows/team/definitions';
import { DockerSimulator } from '../../simulators/docker';
import { GiteaSimulator, GITEA_SIM_TOKEN } from '../../simulators/gitea';
import { OllamaSimulator } from '../../simulators/ollama';
import { readJson } from './api-server';
import { eventually } from './eventually';
import { launch, launcherEnv, type Launched } from './launcher';
import { DEFAULT_NODES } from '../team/team-fixture';

export const LAUNCHED_ADMIN_TOKEN = 'admin-token-launched-stage-01';
const ADMIN = LAUNCHED_ADMIN_TOKEN;

export interface LaunchedStage {
  readonly running: Launched;
  readonly env: NodeJS.ProcessEnv;
  readonly dataDir: string;
  readonly client: Client;
  readonly gitea: GiteaSimulator;
  readonly docker: DockerSimulator;
  readonly owner: string;
  readonly repo: string;
  call(p: string, init?: RequestInit): Promise<Response>;
  /** Opens a `bzzz-task` issue (its webhook starts a team formation); returns its number. */
  openTask(title: string): number;
  workflowId(issue: number): string;
  state(issue: number): Promise<TeamState>;
  /** Comments on the issue that end with the team's `occasion` marker. */
  marked(issue: number, occasion: string): number;
  teamContainers(teamId: string): ReturnType<DockerSimulator['containers']>;
  close(): Promise<void>;
}

export interface LaunchedStageOptions {
  readonly name: string;
  /** An external Temporal (TEMPORAL_ADDRESS) instead of the launcher's own dev server. */
  readonly temporalAddress?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** A whoosh.yaml for the launch (WHOOSH_CONFIG), e.g. short timeouts. */
  readonly configYaml?: string;
}

export async function startLaunchedStage(opts: LaunchedStageOptions): Promise<LaunchedStage> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `whoosh-${opts.name}-`));
  chmodSync(dataDir, 0o755);
  const [docker, gitea, ollama] = await Promise.all([DockerSimulator.start(), GiteaSimulator.start(), OllamaSimulator.start({ tokensPerSecond: 5000 })]);
  const configFile = path.join(dataDir, 'whoosh.yaml');
  if (opts.configYaml !== undefined) writeFileSync(configFile, opts.configYaml);
  const env = await launcherEnv(path.join(dataDir, 'data'), {
    ...(opts.configYaml !== undefined ? { WHOOSH_CONFIG: configFile } : {}),
    WHOOSH_TASK_QUEUE: `${opts.name}-${randomUUID()}`,
    WHOOSH_ADMIN_TOKEN: ADMIN,
    WHOOSH_OUTBOUND_ALLOW: 'any,loopback',
    WHOOSH_LOG_LEVEL: 'info',
    WHOOSH_DOCKER_ENABLED: 'true',
    WHOOSH_DOCKER_HOST: `tcp://127.0.0.1:${docker.port}`,
    WHOOSH_DOCKER_IMAGE: 'whoosh/agent-sim:1',
    ...(opts.temporalAddress ? { TEMPORAL_ADDRESS: opts.temporalAddress } : {}),
    ...opts.env,
  });
  const running = launch(env);
  const stopSims = () => Promise.all([gitea.stop(), docker.stop(), ollama.stop()]);
  let client: Client | undefined;
  try {
    await running.waitForOutput(/WHOOSH .* is ready/, 120_000);
    client = new Client({ connection: await Connection.connect({ address: opts.temporalAddress ?? `127.0.0.1:${env.WHOOSH_TEMPORAL_PORT}` }) });
    const call = (p: string, init: RequestInit = {}) =>
      fetch(`${running.apiUrl}${p}`, { ...init, headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' } });
    const tag = randomUUID().slice(0, 6);
    for (const n of DEFAULT_NODES) {
      const res = await call('/api/v1/agents', {
        method: 'POST',
        body: JSON.stringify({ id: `${tag}-${n.suffix}`, name: `Node ${n.suffix}`, endpoint: ollama.url, models: ['llama3.1:8b'], specialization: n.specialization, capabilities: n.capabilities, parallel: 2 }),
      });
      if (res.status !== 201) throw new Error(`registering node ${n.suffix} answered ${res.status}: ${await res.text()}`);
    }
    const owner = `${opts.name.replace(/[^a-z]/g, '').slice(0, 8)}${tag}`;
    const repo = 'app';
    gitea.createRepo(owner, repo);
    const res = await call('/api/v1/repositories', { method: 'POST', body: JSON.stringify({ kind: 'gitea', baseUrl: gitea.url, owner, name: repo, token: GITEA_SIM_TOKEN }) });
    if (res.status !== 201) throw new Error(`registering the repository answered ${res.status}: ${await res.text()}`);
    const registered = await readJson(res);
    gitea.addWebhook(owner, repo, { url: `${running.apiUrl}/webhooks/gitea`, secret: registered.webhookSecret });
    const labelled = await call(`/api/v1/repositories/${registered.id}/ensure-labels`, { method: 'POST' });
    if (labelled.status !== 200) throw new Error(`ensure-labels answered ${labelled.status}`);
    const temporal = client;
    const workflowId = (issue: number) => `team:${owner}/${repo}#${issue}`;
    return {
      running,
      env,
      dataDir,
      client: temporal,
      gitea,
      docker,
      owner,
      repo,
      call,
      openTask: (title) => gitea.openIssue(owner, repo, { title, body: 'Backend endpoint and a frontend button.', labels: ['bzzz-task'], author: 'alice' }).number,
      workflowId,
      state: (issue) => temporal.workflow.getHandle(workflowId(issue)).query(teamStateQuery),
      marked: (issue, occasion) => gitea.comments(owner, repo, issue).filter((c) => c.body.includes(`:${occasion} -->`)).length,
      teamContainers: (teamId) => docker.containers().filter((c) => c.labels['whoosh.team'] === teamId),
      async close() {
        // Ctrl-C stops the launcher's servers in turn; on a loaded machine that can take a minute.
        await running.stop('SIGINT');
        await temporal.connection.close().catch(() => undefined);
        await stopSims();
      },
    };
  } catch (err) {
    await running.stop('SIGINT').catch(() => undefined);
    await client?.connection.close().catch(() => undefined);
    await stopSims();
    throw err;
  }
}

/** Waits until every team of `issues` is active; gives their states. */
export function allActive(s: LaunchedStage, issues: number[], timeoutMs: number): Promise<TeamState[]> {
  return eventually(async () => {
    const states = await Promise.all(issues.map((n) => s.state(n)));
    return states.every((st) => st.status === 'active') ? states : undefined;
  }, `the teams of ${issues.map((n) => `#${n}`).join(', ')} active`, timeoutMs);
}

/**
 * What "0 lost, 0 duplicated" means for team formations: every issue has one
 * workflow run, one `formed` comment, and exactly one container per member
 * (no role twice), and no container for these tasks outside their teams.
 */
export async function expectFormedOnce(s: LaunchedStage, issues: number[], states: TeamState[]): Promise<void> {
  for (const [i, n] of issues.entries()) {
    const st = states[i]!;
    const runs = [];
    for await (const run of s.client.workflow.list({ query: `WorkflowId = '${s.workflowId(n)}'` })) runs.push(run.status.name);
    expect({ issue: n, runs }).toEqual({ issue: n, runs: ['RUNNING'] });
    expect({ issue: n, formed: s.marked(n, 'formed') }).toEqual({ issue: n, formed: 1 });
    const containers = s.teamContainers(st.teamId);
    expect(st.members.length).toBeGreaterThan(0);
    expect({ issue: n, containers: containers.map((c) => c.labels['whoosh.role']).sort() }).toEqual({ issue: n, containers: st.members.map((m) => m.roleId).sort() });
  }
  // No container for these issues' tasks outside their teams (a second team's, say).
  const tasks = new Set(issues.map((n) => s.workflowId(n)));
  const teams = new Set(states.map((st) => st.teamId));
  const strays = s.docker.containers().filter((c) => tasks.has(c.labels['whoosh.task'] ?? '') && !teams.has(c.labels['whoosh.team'] ?? ''));
  expect(strays.map((c) => c.name)).toEqual([]);
}
