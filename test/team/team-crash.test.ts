/**
 * A worker killed (SIGKILL) in the middle of deploying a team: another worker
 * takes over and the formation completes with one container per role and one
 * comment — the deploy finds what the dead worker created, the comment finds
 * its marker.
 */
import { recordHistory } from '../helpers/histories';
import { workerProcesses } from '../helpers/worker-process';
import { eventually, startTeamStage, type TeamStage } from './team-fixture';

let s: TeamStage;
const workers = workerProcesses(() => s.h.taskQueue);

beforeAll(async () => {
  s = await startTeamStage({ harness: { orchestrator: false } });
});
afterAll(async () => {
  workers.killAll();
  await s.close();
});

/** A worker process on this file's task queue, with Docker on the simulator. */
const startWorker = () =>
  workers.start({ WHOOSH_DOCKER_ENABLED: 'true', WHOOSH_DOCKER_HOST: `tcp://127.0.0.1:${s.docker.port}`, WHOOSH_DOCKER_IMAGE: 'whoosh/agent-sim:1' });

test('kill the worker mid-deployment, start another: no duplicate container, no duplicate comment', async () => {
  // Slow Docker down so the kill lands between the first and the last deployment.
  s.docker.latency(300);
  const first = await startWorker();
  const n = s.gitea.openIssue(s.owner, s.repo, { title: 'Add CSV export to the reports API', body: 'Backend endpoint and a frontend button.', labels: ['bzzz-task'], author: 'alice' }).number;
  // Generous: on a loaded machine the worker process (tsx) takes a while to reach the deployment.
  const deploying = await s.status(n, 'deploying', 90_000);
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
}, 240_000);
