/**
 * A worker killed (SIGKILL) in the middle of deploying a team: another worker
 * takes over and the formation completes with one container per role and one
 * comment — the deploy finds what the dead worker created, the comment finds
 * its marker.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { recordHistory } from '../helpers/histories';
import { testEnv } from '../setup/test-env';
import { eventually, startTeamStage, type TeamStage } from './team-fixture';

const ROOT = path.join(__dirname, '..', '..');
let s: TeamStage;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  s = await startTeamStage({ harness: { orchestrator: false } });
});
afterAll(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
  await s.close();
});

/** `npm run worker` as a process of its own, on this file's task queue and simulators. */
async function startWorker(): Promise<ChildProcess> {
  const env = testEnv();
  // node itself with tsx as a loader: the tsx CLI would run the worker in a child process SIGKILL does not reach.
  const worker = spawn(process.execPath, ['--import', 'tsx', 'workers/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TEMPORAL_ADDRESS: env.temporalAddress,
      DATABASE_URL: env.databaseUrl,
      WHOOSH_DATA_DIR: env.scratchDir,
      WHOOSH_LOG_LEVEL: 'info',
      WHOOSH_TASK_QUEUE: s.h.taskQueue,
      WHOOSH_DOCKER_ENABLED: 'true',
      WHOOSH_DOCKER_HOST: `tcp://127.0.0.1:${s.docker.port}`,
      WHOOSH_DOCKER_IMAGE: 'whoosh/agent-sim:1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  workers.push(worker);
  let out = '';
  worker.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  worker.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  await eventually(async () => (out.includes('orchestrator worker running') ? true : worker.exitCode !== null ? Promise.reject(new Error(out)) : undefined), 'the worker to start', 60_000);
  return worker;
}

test('kill the worker mid-deployment, start another: no duplicate container, no duplicate comment', async () => {
  // Slow Docker down so the kill lands between the first and the last deployment.
  s.docker.latency(300);
  const first = await startWorker();
  const n = s.gitea.openIssue(s.owner, s.repo, { title: 'Add CSV export to the reports API', body: 'Backend endpoint and a frontend button.', labels: ['bzzz-task'], author: 'alice' }).number;
  const deploying = await s.status(n, 'deploying');
  await eventually(async () => (s.teamContainers(deploying.teamId).length >= 1 ? true : undefined), 'the first container');
  first.kill('SIGKILL');
  await new Promise((resolve) => first.once('exit', resolve));
  const made = s.teamContainers(deploying.teamId).length;
  expect(made).toBeLessThan(deploying.members.length);

  s.docker.latency(0);
  await startWorker();
  const active = await s.status(n, 'active', 60_000);
  const containers = s.teamContainers(active.teamId);
  expect(containers).toHaveLength(active.members.length);
  expect(new Set(containers.map((c) => c.labels['whoosh.role'])).size).toBe(active.members.length);
  expect(s.gitea.comments(s.owner, s.repo, n).filter((c) => c.body.includes(`whoosh:team:${active.teamId}:formed`))).toHaveLength(1);

  s.gitea.closeIssue(s.owner, s.repo, n, 'alice');
  const result = await s.h.client.workflow.getHandle(s.workflowId(n)).result();
  expect(result.status).toBe('done');
  expect(s.teamContainers(active.teamId)).toEqual([]);
  await recordHistory('team-formation-worker-killed', s.h.client.workflow.getHandle(s.workflowId(n)));
}, 120_000);
