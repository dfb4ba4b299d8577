/**
 * The `whoosh` binary against the real stack (API, Temporal, Postgres, the
 * Gitea and Docker simulators): every command, `--json` parsed, tables for
 * people, exit codes (0 ok, 1 failed run, 2 bad usage, 3 unreachable or
 * unauthorized), the token found in the data folder, and shell completion.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../api/app';
import { freePort } from '../../infra/ports';
import { serveApi } from '../helpers/api-server';
import { silentLogger } from '../helpers/harness';
import { seedCouncil } from '../helpers/seed-council';
import { OPERATOR_TOKEN, startTeamStage, VIEWER_TOKEN, type TeamStage } from '../team/team-fixture';
import { eventually } from '../helpers/eventually';
import { failingDoc, greeterDoc } from '../mcp/mcp-stage';
import { runCli } from './run-cli';

let s: TeamStage;
let ops: Record<string, string>;
let viewer: Record<string, string>;
const tmp = mkdtempSync(path.join(tmpdir(), 'whoosh-cli-'));

beforeAll(async () => {
  s = await startTeamStage();
  ops = { WHOOSH_URL: s.api.url, WHOOSH_TOKEN: OPERATOR_TOKEN };
  viewer = { WHOOSH_URL: s.api.url, WHOOSH_TOKEN: VIEWER_TOKEN };
});
afterAll(async () => {
  await s.close();
});

test('--help on every command, bad usage exits 2, and bash completes from the command tree', async () => {
  for (const args of [['--help'], ['pipelines', '--help'], ['executions', 'tail', '--help'], ['agents', 'add', '--help']]) {
    const r = await runCli(args, ops);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: whoosh');
  }
  expect((await runCli(['frobnicate'], ops)).code).toBe(2);
  const missing = await runCli(['agents', 'add', 'x'], ops);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain('--endpoint');
  expect((await runCli(['repositories', 'sync', 'not-a-number'], ops)).code).toBe(2);
  expect((await runCli(['completion', 'fish'], ops)).code).toBe(2);

  const script = (await runCli(['completion', 'bash'], ops)).stdout;
  const file = path.join(tmp, 'completion.bash');
  writeFileSync(file, script);
  const complete = (words: string[]) =>
    execFileSync('bash', ['-c', `source ${file}; COMP_WORDS=(${words.join(' ')}); COMP_CWORD=${words.length - 1}; _whoosh_complete; echo "\${COMPREPLY[@]}"`], { encoding: 'utf8' }).trim().split(/\s+/);
  expect(complete(['whoosh', 'pip'])).toEqual(['pipelines']);
  expect(complete(['whoosh', 'pipelines', '']).filter((w) => !w.startsWith('-'))).toEqual(['list', 'import', 'export', 'activate', 'deactivate', 'run']);
  expect(complete(['whoosh', 'executions', 'tail', 'wf-1', '--t'])).toEqual(['--timeout']);
  expect((await runCli(['completion', 'zsh'], ops)).stdout).toContain('bashcompinit');
});

test('an unreachable API and a refused token exit 3 with a message', async () => {
  const port = await freePort();
  const down = await runCli(['status'], { WHOOSH_URL: `http://127.0.0.1:${port}`, WHOOSH_TOKEN: OPERATOR_TOKEN });
  expect(down.code).toBe(3);
  expect(down.stderr).toContain(`cannot reach WHOOSH at http://127.0.0.1:${port}`);

  const bad = await runCli(['agents', 'list', '--json'], { WHOOSH_URL: s.api.url, WHOOSH_TOKEN: 'not-a-valid-token-at-all' });
  expect(bad.code).toBe(3);
  expect(bad.stderr).toContain('unauthorized');
  expect(bad.stdout).toBe('');
  const mcp = await runCli(['mcp'], { WHOOSH_URL: s.api.url, WHOOSH_TOKEN: 'not-a-valid-token-at-all' });
  expect(mcp.code).toBe(3);
  expect(mcp.stdout).toBe('');

  const forbidden = await runCli(['agents', 'add', 'nope', '--endpoint', 'http://127.0.0.1:9', '--model', 'm'], viewer);
  expect(forbidden.code).toBe(3);
  expect(forbidden.stderr).toContain('operator');
});

test('with no token given, the admin token in the data folder is used (through the bin launcher)', async () => {
  const adminToken = `whoosh_${randomUUID()}`;
  const api = await serveApi({ config: s.config, temporal: s.h.client, pool: s.h.pool, logger: silentLogger, version: 'cli-test', adminToken });
  try {
    const dataDir = path.join(tmp, 'data');
    execFileSync('mkdir', ['-p', dataDir]);
    writeFileSync(path.join(dataDir, 'admin-token'), `${adminToken}\n`);
    const r = await runCli(['status', '--json'], { WHOOSH_URL: api.url, WHOOSH_DATA_DIR: dataDir }, { via: 'bin', cwd: tmp });
    expect(r.code).toBe(0);
    expect(r.json().user).toEqual({ name: 'admin', role: 'admin' });
    const none = await runCli(['status'], { WHOOSH_URL: api.url, WHOOSH_DATA_DIR: path.join(tmp, 'empty') }, { cwd: tmp });
    expect(none.code).toBe(3);
    expect(none.stderr).toContain('no token');
  } finally {
    await api.close();
  }
});

test('status, as a table and as JSON', async () => {
  const r = await runCli(['status', '--json'], viewer);
  expect(r.code).toBe(0);
  const st = r.json();
  expect(st).toMatchObject({ url: s.api.url, version: 'test', ready: true, user: { role: 'viewer' }, agents: { total: expect.any(Number) } });
  expect(st.agents.total).toBeGreaterThanOrEqual(s.nodeIds.length);
  expect(typeof st.running).toBe('number');
  expect(Array.isArray(st.openAlerts)).toBe(true);
  const table = await runCli(['status'], viewer);
  expect(table.stdout).toMatch(/agents up:\s+\d+\/\d+/);
  expect(table.stdout).toContain('signed in as: watcher (viewer)');
});

test('agents: list, show, add, remove', async () => {
  const id = `cli-${randomUUID().slice(0, 6)}`;
  const added = await runCli(['agents', 'add', id, '--endpoint', 'http://127.0.0.1:9', '--model', 'llama3.1:8b', 'qwen2.5:7b', '--parallel', '3', '--capability', 'python', '--json'], ops);
  expect(added.code).toBe(0);
  expect(added.json()).toMatchObject({ id, models: ['llama3.1:8b', 'qwen2.5:7b'], parallel: 3, capabilities: ['python'], source: 'api' });
  const list = await runCli(['agents', 'list', '--json'], viewer);
  expect(list.json().map((a: { id: string }) => a.id)).toEqual(expect.arrayContaining([id, ...s.nodeIds]));
  const table = await runCli(['agents', 'list'], viewer);
  expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+STATUS\s+LOAD\s+MODELS/);
  expect(table.stdout).toMatch(new RegExp(`${id}\\s+unknown\\s+0/3`));
  expect((await runCli(['agents', 'show', id, '--json'], viewer)).json()).toMatchObject({ id, endpoint: 'http://127.0.0.1:9' });
  expect((await runCli(['agents', 'remove', id], ops)).code).toBe(0);
  const gone = await runCli(['agents', 'show', id], viewer);
  expect(gone.code).toBe(2);
  expect(gone.stderr).toContain(`No agent node "${id}"`);
});

test('teams: list, show, reform and cancel a team the real workflow formed', async () => {
  const issue = s.gitea.openIssue(s.owner, s.repo, { title: 'Add a REST endpoint for invoices', body: 'Backend API with postgres.', labels: ['bzzz-task'], author: 'alice' });
  const active = await s.status(issue.number, 'active', 60_000);
  const list = await runCli(['teams', 'list', '--repository', `${s.owner}/${s.repo}`, '--json'], viewer);
  expect(list.code).toBe(0);
  expect(list.json().map((t: { id: string }) => t.id)).toContain(active.teamId);
  const show = await runCli(['teams', 'show', active.teamId, '--json'], viewer);
  expect(show.json()).toMatchObject({ id: active.teamId, status: 'active', issue: { number: issue.number } });

  const target = active.members[0]!;
  const other = s.nodeIds.find((n) => n !== target.agentId)!;
  const reform = await runCli(['teams', 'reform', active.teamId, '--role', target.roleId, '--agent', other, '--json'], ops);
  expect(reform.code).toBe(0);
  expect(reform.json()).toMatchObject({ roleId: target.roleId, agentId: other });

  const cancel = await runCli(['teams', 'cancel', active.teamId, '--reason', 'from the CLI'], ops);
  expect(cancel.code).toBe(0);
  expect(cancel.stdout).toContain('cancelling');
  await s.h.client.workflow.getHandle(s.workflowId(issue.number)).result();
  const again = await runCli(['teams', 'cancel', active.teamId], ops);
  expect(again.code).toBe(2);
  expect(again.stderr).toContain('has ended');
});

test('councils: list, show; approve and revise reach the council (409 when its workflow is gone)', async () => {
  const { councilId } = await seedCouncil(s.h.pool, { repository: `${s.owner}/${s.repo}`, repositoryId: s.repositoryId, issue: 900, title: 'Design Brief: invoices' });

  const list = await runCli(['councils', 'list', '--repository', `${s.owner}/${s.repo}`, '--json'], viewer);
  expect(list.json()).toEqual([expect.objectContaining({ id: councilId, status: 'awaiting_decision' })]);
  const show = await runCli(['councils', 'show', councilId], viewer);
  expect(show.code).toBe(0);
  expect(show.stdout).toContain('Design Brief: invoices');
  const approve = await runCli(['councils', 'approve', councilId], ops);
  expect(approve.code).toBe(2);
  expect(approve.stderr).toContain('no longer running');
  expect((await runCli(['councils', 'revise', councilId], ops)).code).toBe(2);
  expect((await runCli(['councils', 'approve', councilId], viewer)).code).toBe(3);
});

test('repositories: list, add, sync', async () => {
  const name = `lib${randomUUID().slice(0, 6)}`;
  s.gitea.createRepo(s.owner, name);
  const added = await runCli(['repositories', 'add', `${s.owner}/${name}`, '--kind', 'gitea', '--base-url', s.gitea.url, '--no-monitor', '--json'], ops);
  expect(added.code).toBe(0);
  const repo = added.json();
  expect(repo).toMatchObject({ owner: s.owner, name, monitor: false, webhookSecret: expect.any(String) });
  const list = await runCli(['repos', 'list', '--json'], viewer);
  expect(list.json().map((r: { id: number }) => r.id)).toEqual(expect.arrayContaining([repo.id, s.repositoryId]));
  const sync = await runCli(['repositories', 'sync', String(s.repositoryId), '--json'], ops);
  expect(sync.code).toBe(0);
  const { workflowId } = sync.json();
  await s.h.client.workflow.getHandle(workflowId).result();
  expect((await runCli(['repositories', 'add', 'no-slash', '--kind', 'gitea', '--base-url', s.gitea.url], ops)).code).toBe(2);
});

test('executions: list, show, and tail follows a run live until it completes', async () => {
  const started = await s.call('/api/v1/system/self-check', { method: 'POST', body: JSON.stringify({ delaySeconds: 2, waitSeconds: 0 }) });
  const { workflowId } = (await started.json()) as { workflowId: string };
  const tail = await runCli(['executions', 'tail', workflowId, '--json', '--timeout', '60'], viewer);
  expect(tail.code).toBe(0);
  const lines = tail.stdout.trim().split('\n').map((l) => JSON.parse(l) as { item?: { kind: string; status: string }; status?: string });
  expect(lines.at(-1)).toMatchObject({ workflowId, status: 'COMPLETED' });
  expect(lines.some((l) => l.item?.kind === 'timer')).toBe(true);
  expect(lines.some((l) => l.item?.kind === 'workflow-end')).toBe(true);

  const list = await runCli(['executions', 'list', '--type', 'selfCheck', '--json'], viewer);
  expect(list.json().map((e: { workflowId: string }) => e.workflowId)).toContain(workflowId);
  const show = await runCli(['executions', 'show', workflowId], viewer);
  expect(show.stdout).toMatch(/status:\s+COMPLETED/);
  expect(show.stdout).toContain('START');
  expect((await runCli(['executions', 'show', 'no-such-workflow'], viewer)).code).toBe(2);
});

test('tail keeps following across an API restart', async () => {
  const app = createApp({ config: s.config, temporal: s.h.client, pool: s.h.pool, logger: silentLogger, version: 'restart' });
  const listen = (port: number) => new Promise<Server>((resolve, reject) => void app.listen(port, '127.0.0.1', function (this: Server) { resolve(this); }).once('error', reject));
  let server = await listen(0);
  const port = (server.address() as AddressInfo).port;
  const started = await s.call('/api/v1/system/self-check', { method: 'POST', body: JSON.stringify({ delaySeconds: 4, waitSeconds: 0 }) });
  const { workflowId } = (await started.json()) as { workflowId: string };
  let printed = '';
  const tail = runCli(['executions', 'tail', workflowId, '--json', '--timeout', '60'], { WHOOSH_URL: `http://127.0.0.1:${port}`, WHOOSH_TOKEN: VIEWER_TOKEN }, { onStdout: (all) => (printed = all) });
  // Following: it has printed the run's first rows (and then opens the live feed).
  await eventually(async () => (printed.includes('workflow-start') ? true : undefined), 'the first rows of tail', 30_000);
  await new Promise((r) => setTimeout(r, 300));
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  await new Promise((r) => setTimeout(r, 1000));
  server = await listen(port);
  try {
    const r = await tail;
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').at(-1)!)).toMatchObject({ workflowId, status: 'COMPLETED' });
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test('pipelines: import (one or many), list, export, activate, deactivate; a draft cannot be activated', async () => {
  const tag = randomUUID().slice(0, 6);
  const doc = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    tags: [{ name: tag }],
    nodes: [
      { name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
      { name: 'Set', type: 'n8n-nodes-base.set', typeVersion: 3.4, position: [200, 0], parameters: { assignments: { assignments: [{ id: 'a', name: 'hello', value: 'world', type: 'string' }] }, options: {} } },
    ],
    connections: { Start: { main: [[{ node: 'Set', type: 'main', index: 0 }]] } },
    settings: { executionOrder: 'v1' },
    ...extra,
  });
  const file = path.join(tmp, 'pipelines.json');
  writeFileSync(file, JSON.stringify([doc(`Hello ${tag}`), { ...doc(`Draft ${tag}`), nodes: [...doc('x').nodes, { name: 'Bad', type: 'n8n-nodes-base.nope', typeVersion: 1, position: [0, 0], parameters: {} }] }]));
  const imported = await runCli(['pipelines', 'import', file, '--json'], ops);
  expect(imported.code).toBe(0);
  const [ok, draft] = imported.json().items as { id: string; problems: unknown[] }[];
  expect(ok!.problems).toEqual([]);
  expect(draft!.problems.length).toBeGreaterThan(0);

  const list = await runCli(['pipelines', 'list', '--tag', tag, '--json'], viewer);
  expect(list.json().map((p: { name: string; active: boolean }) => [p.name, p.active]).sort()).toEqual([[`Draft ${tag}`, false], [`Hello ${tag}`, false]]);

  const out = path.join(tmp, 'exported.json');
  expect((await runCli(['pipelines', 'export', ok!.id, '-o', out], viewer)).code).toBe(0);
  expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(doc(`Hello ${tag}`));
  expect(JSON.parse((await runCli(['pipelines', 'export', ok!.id], viewer)).stdout)).toEqual(doc(`Hello ${tag}`));

  const act = await runCli(['pipelines', 'activate', ok!.id], ops);
  expect(act.code).toBe(0);
  expect(act.stdout).toContain('active at version 1');
  expect((await runCli(['pipelines', 'list', '--tag', tag, '--active', '--json'], viewer)).json().map((p: { id: string }) => p.id)).toEqual([ok!.id]);
  const refused = await runCli(['pipelines', 'activate', draft!.id], ops);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain('Bad');
  expect((await runCli(['pipelines', 'deactivate', ok!.id, '--json'], ops)).json()).toMatchObject({ id: ok!.id, active: false });
  expect((await runCli(['pipelines', 'import', path.join(tmp, 'missing.json')], ops)).code).toBe(2);
});

test('pipelines run: --input and --wait answer with the result (exit 0); a failed run exits 1; without --wait it only starts', async () => {
  const tag = randomUUID().slice(0, 6);
  const ok = (await s.call('/api/v1/pipelines', { method: 'POST', body: JSON.stringify(greeterDoc(`Run ${tag}`, 'greets')) }).then((r) => r.json())) as { id: string };
  const bad = (await s.call('/api/v1/pipelines', { method: 'POST', body: JSON.stringify(failingDoc(`Fail ${tag}`)) }).then((r) => r.json())) as { id: string };
  const input = path.join(tmp, 'input.json');
  writeFileSync(input, JSON.stringify({ who: 'Ada', times: 3 }));

  const run = await runCli(['pipelines', 'run', ok.id, '--input', input, '--wait', '--json'], ops);
  expect(run.code).toBe(0);
  expect(run.json()).toMatchObject({ status: 'success', pipelineId: ok.id, nodes: { Greet: [[{ greeting: 'hello Ada x3' }]] } });
  const human = await runCli(['pipelines', 'run', ok.id, '--input', '-', '--wait'], ops, { stdin: JSON.stringify([{ json: { who: 'Bo', times: 1 } }]) });
  expect(human.code).toBe(0);
  expect(human.stdout).toMatch(/status:\s+success/);
  expect(human.stdout).toContain('hello Bo x1');

  const failed = await runCli(['pipelines', 'run', bad.id, '--input', input, '--wait'], ops);
  expect(failed.code).toBe(1);
  expect(failed.stdout).toContain('Refuse: cannot greet Ada');

  const started = await runCli(['pipelines', 'run', ok.id, '--input', input, '--json'], ops);
  expect(started.code).toBe(0);
  const { id } = started.json();
  await eventually(async () => ((await (await s.call(`/api/v1/pipelines/executions/${id}`)).json()) as { status: string }).status === 'success' || undefined, 'the started run', 30_000);
  expect((await runCli(['pipelines', 'run', ok.id, '--input', path.join(tmp, 'nope.json')], ops)).code).toBe(2);
});
