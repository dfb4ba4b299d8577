/**
 * The Docker Engine failing for a while in the middle of deploying teams
 * (issue 12.2): first answering 500 to everything, then not there at all
 * (connection refused, as while the daemon restarts), then back. The
 * deployments are retried and every formation completes with exactly one
 * container per member, none twice, and one `formed` comment.
 */
import { eventually, startTeamStage, type TeamStage } from '../team/team-fixture';

const FAILING_MS = 8_000;
const REFUSING_MS = 12_000;
let s: TeamStage;

beforeAll(async () => {
  s = await startTeamStage();
});
afterAll(async () => {
  await s.close();
});

test(`Docker failing for ${(FAILING_MS + REFUSING_MS) / 1000} s mid-deployment (500s, then connection refused): every team forms once`, async () => {
  // Slow enough that the fault lands between the first and the last deployments.
  s.docker.latency(300);
  const issues = [1, 2].map((i) => s.gitea.openIssue(s.owner, s.repo, { title: `Add CSV export to the reports API ${i}`, body: 'Backend endpoint and a frontend button.', labels: ['bzzz-task'], author: 'alice' }).number);
  const deploying = await Promise.all(issues.map((n) => s.status(n, 'deploying', 60_000)));
  await eventually(async () => (s.docker.containers().length >= 1 ? true : undefined), 'the first container');

  const failedAt = Date.now();
  s.docker.failNext(100_000, 500, 'simulated failure: the daemon is in trouble');
  await new Promise((r) => setTimeout(r, FAILING_MS));
  await s.docker.kill();
  const made = s.docker.containers().length;
  await new Promise((r) => setTimeout(r, REFUSING_MS));
  // Back on its port with its containers, the pending failures gone.
  await s.docker.restart();
  s.docker.latency(0);
  const backAt = Date.now();
  const failedRequests = s.docker.requests.filter((r) => r.status >= 500).length;

  // Settled either way: a team given up shows as failed at once, with its reason.
  const settled = await Promise.all(
    issues.map((n) => eventually(async () => {
      const st = await s.state(n);
      return st.status === 'active' || st.status === 'failed' ? st : undefined;
    }, `team of #${n} active or failed`, 120_000)),
  );
  expect(settled.map((st) => `${st.status}${st.error ? `: ${st.error}` : ''}`)).toEqual(issues.map(() => 'active'));
  const active = settled;
  const recoverySeconds = (Date.now() - backAt) / 1000;
  for (const [i, n] of issues.entries()) {
    const team = active[i]!;
    expect(team.teamId).toBe(deploying[i]!.teamId);
    const containers = s.teamContainers(team.teamId);
    expect(containers.map((c) => c.labels['whoosh.role']).sort()).toEqual(team.members.map((m) => m.roleId).sort());
    expect(team.members.every((m) => m.container !== undefined)).toBe(true);
    expect(s.gitea.comments(s.owner, s.repo, n).filter((c) => c.body.includes(`whoosh:team:${team.teamId}:formed`))).toHaveLength(1);
    expect(s.gitea.comments(s.owner, s.repo, n).filter((c) => c.body.includes(':deploy-failed -->'))).toEqual([]);
  }
  expect(s.docker.containers()).toHaveLength(active.reduce((sum, t) => sum + t.members.length, 0));
  expect(failedRequests).toBeGreaterThan(0);
  console.warn(JSON.stringify({ fault: 'docker-failing', formations: issues.length, containersBeforeOutage: made, failedRequests, outageSeconds: (backAt - failedAt) / 1000, recoverySeconds }));
}, 180_000);
