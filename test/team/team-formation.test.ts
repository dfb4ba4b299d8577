/**
 * Team formation end to end on the real Temporal dev server and Postgres: a
 * signed webhook from the Gitea simulator starts the workflow; agents are
 * deployed on the Docker Engine simulator through dockerode; the issue gets
 * one comment and a status label; closing, /cancel, the API's cancel and a
 * failed deployment all clean up.
 */
import { readJson } from '../helpers/api-server';
import { recordHistory } from '../helpers/histories';
import { eventually, startTeamStage, VIEWER_TOKEN, type TeamStage } from './team-fixture';

let s: TeamStage;

beforeAll(async () => {
  s = await startTeamStage({ config: { teams: { min_size: 3, max_size: 4 } } });
});
afterAll(async () => {
  await s.close();
});

const comments = (issue: number) => s.gitea.comments(s.owner, s.repo, issue);
const labels = (issue: number) => s.gitea.issue(s.owner, s.repo, issue).labels;
const envOf = (c: { env: string[] }) => Object.fromEntries(c.env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));

function openTask(title: string, body: string, extra: string[] = []) {
  const issue = s.gitea.openIssue(s.owner, s.repo, { title, body, labels: ['bzzz-task', ...extra], author: 'alice' });
  return issue.number;
}

test('webhook → team formed → containers → one comment → issue closed → containers gone, team done', async () => {
  const n = openTask('Fix crash in the login API endpoint', 'The /login handler throws a TypeError when the postgres query returns no rows.\n\n- [ ] reproduce\n- [ ] fix\n- [ ] test', ['priority/high']);
  const active = await s.status(n, 'active');

  // Classified and composed, every member an agent node of this file's registry or another's.
  expect(active.classification).toMatchObject({ type: 'bug_fix', source: 'heuristics' });
  expect(active.classification!.skills.critical).toContain('debugging');
  expect(active.members.length).toBeGreaterThanOrEqual(3);
  expect(active.members.map((m) => m.roleId)).toContain('lead_developer');

  // One container per member, labelled, limited, with the agent's context in its environment.
  const containers = s.teamContainers(active.teamId);
  expect(containers).toHaveLength(active.members.length);
  for (const m of active.members) {
    const c = containers.find((x) => x.labels['whoosh.role'] === m.roleId)!;
    expect(c.name).toBe(m.container!.name);
    expect(c.state).toBe('running');
    expect(c.image).toBe('whoosh/agent-sim:1');
    expect(c.labels).toMatchObject({ 'whoosh.team': active.teamId, 'whoosh.task': s.workflowId(n), 'whoosh.agent': m.agentName });
    expect(c.limits).toEqual({ NanoCpus: 1e9, Memory: 2048 * 1024 * 1024, PidsLimit: 512 });
    expect(envOf(c)).toMatchObject({
      WHOOSH_AGENT_ID: m.agentId,
      WHOOSH_AGENT_ROLE: m.roleId,
      WHOOSH_TEAM_ID: active.teamId,
      WHOOSH_TASK_ID: s.workflowId(n),
      WHOOSH_PROJECT: `${s.owner}/${s.repo}`,
      WHOOSH_TASK_TITLE: 'Fix crash in the login API endpoint',
      WHOOSH_TASK_PRIORITY: 'high',
      WHOOSH_ISSUE_URL: expect.stringContaining(`/issues/${n}`),
    });
    expect(envOf(c).WHOOSH_TASK_DESCRIPTION).toContain('TypeError');
  }

  // One comment with the classification, the team and the reasoning; the status label.
  const formed = comments(n).filter((c) => c.body.includes(`whoosh:team:${active.teamId}:formed`));
  expect(formed).toHaveLength(1);
  expect(formed[0]!.body).toContain('bug fix');
  for (const m of active.members) expect(formed[0]!.body).toContain(`\`${m.agentId}\``);
  expect(formed[0]!.body).toContain('| Role | Agent | Node | Model | Score | Why |');
  expect(labels(n)).toContain('whoosh:team-active');

  // The read model: explainable through the API.
  const team = await readJson(await s.call(`/api/v1/teams/${active.teamId}`, { token: VIEWER_TOKEN }));
  expect(team).toMatchObject({ id: active.teamId, status: 'active', workflowId: s.workflowId(n), repository: `${s.owner}/${s.repo}`, taskType: 'bug_fix' });
  expect(team.scoring).toHaveLength(active.members.length);
  for (const row of team.scoring) {
    expect(row.candidates.filter((c: { chosen: boolean }) => c.chosen)).toHaveLength(1);
    expect(row.candidates.length).toBeGreaterThanOrEqual(s.nodeIds.length);
  }
  expect(team.members.every((m: { container?: { name: string } }) => m.container?.name)).toBe(true);
  expect(team.temporalUiUrl).toContain(encodeURIComponent(s.workflowId(n)));

  s.gitea.closeIssue(s.owner, s.repo, n, 'alice');
  const result = await s.h.client.workflow.getHandle(s.workflowId(n)).result();
  expect(result).toMatchObject({ teamId: active.teamId, status: 'done', outcome: 'The issue was closed by alice.' });
  expect(result.removed.sort()).toEqual(containers.map((c) => c.name).sort());
  expect(s.teamContainers(active.teamId)).toEqual([]);
  await recordHistory('team-formation-closed', s.h.client.workflow.getHandle(s.workflowId(n)));
  expect(labels(n)).toContain('whoosh:done');
  expect(labels(n)).not.toContain('whoosh:team-active');
  expect(comments(n).filter((c) => c.body.includes(`whoosh:team:${active.teamId}:ended`))).toHaveLength(1);
  const done = await readJson(await s.call(`/api/v1/teams/${active.teamId}`));
  expect(done).toMatchObject({ status: 'done', outcome: 'The issue was closed by alice.', endedAt: expect.any(String) });
  expect(done.members.every((m: { container?: unknown }) => m.container === undefined)).toBe(true);
});

test('a /cancel comment from the author cancels the team and removes its agents', async () => {
  const n = openTask('Add dark mode to the settings page', 'Svelte component and CSS variables.');
  const active = await s.status(n, 'active');
  expect(s.teamContainers(active.teamId).length).toBe(active.members.length);
  s.gitea.addComment(s.owner, s.repo, n, '/cancel not needed any more', 'alice');
  const result = await s.h.client.workflow.getHandle(s.workflowId(n)).result();
  expect(result).toMatchObject({ status: 'cancelled', outcome: 'Cancelled by alice with /cancel: not needed any more' });
  expect(s.teamContainers(active.teamId)).toEqual([]);
  expect(labels(n)).toContain('whoosh:cancelled');
  await recordHistory('team-formation-cancel-comment', s.h.client.workflow.getHandle(s.workflowId(n)));
});

test('the API cancels a team (operator only); a second cancel is refused as the team has ended', async () => {
  const n = openTask('Refactor the queue worker', 'Extract the retry logic.');
  const active = await s.status(n, 'active');
  expect((await s.call(`/api/v1/teams/${active.teamId}/cancel`, { method: 'POST', body: '{}', token: VIEWER_TOKEN })).status).toBe(403);
  const res = await s.call(`/api/v1/teams/${active.teamId}/cancel`, { method: 'POST', body: JSON.stringify({ reason: 'duplicate of #1' }) });
  expect(res.status).toBe(202);
  const result = await s.h.client.workflow.getHandle(s.workflowId(n)).result();
  expect(result).toMatchObject({ status: 'cancelled', outcome: 'Cancelled by ops: duplicate of #1' });
  expect(s.teamContainers(active.teamId)).toEqual([]);
  const again = await s.call(`/api/v1/teams/${active.teamId}/cancel`, { method: 'POST', body: '{}' });
  expect(again.status).toBe(409);
});

test('reformTeam swaps the agent of one role without classifying again; its container is replaced', async () => {
  const n = openTask('Optimize slow dashboard queries', 'The postgres queries behind the dashboard take 3 s.');
  const active = await s.status(n, 'active');
  const target = active.members[0]!;
  const before = s.teamContainers(active.teamId).find((c) => c.labels['whoosh.role'] === target.roleId)!;

  const refused = await s.call(`/api/v1/teams/${active.teamId}/reform`, { method: 'POST', body: JSON.stringify({ roleId: 'astronaut' }) });
  expect(refused.status).toBe(409);
  expect((await readJson(refused)).error.message).toContain('the team has no role "astronaut"');

  const other = s.nodeIds.find((id) => id !== target.agentId)!;
  const res = await s.call(`/api/v1/teams/${active.teamId}/reform`, { method: 'POST', body: JSON.stringify({ roleId: target.roleId, agentId: other, reason: 'node is slow' }) });
  expect(res.status).toBe(200);
  const member = await readJson(res);
  expect(member).toMatchObject({ roleId: target.roleId, agentId: other });

  const now = await s.state(n);
  expect(now.classification).toEqual(active.classification);
  expect(now.members.find((m) => m.roleId === target.roleId)!.agentId).toBe(other);
  expect(now.reforms).toEqual([{ roleId: target.roleId, from: target.agentId, to: other, by: 'ops', reason: 'node is slow' }]);
  const after = s.teamContainers(active.teamId).filter((c) => c.labels['whoosh.role'] === target.roleId);
  expect(after).toHaveLength(1);
  expect(after[0]!.id).not.toBe(before.id);
  expect(envOf(after[0]!).WHOOSH_AGENT_ID).toBe(other);
  expect(comments(n).filter((c) => c.body.includes(`whoosh:team:${active.teamId}:reform-1`))).toHaveLength(1);
  const team = await readJson(await s.call(`/api/v1/teams/${active.teamId}`));
  expect(team.members.find((m: { roleId: string }) => m.roleId === target.roleId).agentId).toBe(other);

  s.gitea.closeIssue(s.owner, s.repo, n, 'alice');
  await s.h.client.workflow.getHandle(s.workflowId(n)).result();
  expect(s.teamContainers(active.teamId)).toEqual([]);
  await recordHistory('team-formation-reform', s.h.client.workflow.getHandle(s.workflowId(n)));
});

test('saga: when the third of four deployments fails, the first two are removed and the issue says so', async () => {
  // A refusal retrying cannot fix (a retryable 5xx would be retried by the activity, and the simulator fails only once).
  s.docker.failCreateAfter(2, 400, 'simulated failure: no space left on device');
  const n = openTask('Add SSO login page with an auth API', 'A frontend page, a backend endpoint, postgres session table, tests.');
  const handle = s.h.client.workflow.getHandle(s.workflowId(n));
  await eventually(async () => (await handle.describe().catch(() => undefined)) ?? undefined, 'the workflow');
  await expect(handle.result()).rejects.toThrow();
  const state = await s.state(n);
  expect(state.status).toBe('failed');
  expect(state.members).toHaveLength(4);
  expect(state.error).toContain('no space left on device');
  expect(s.teamContainers(state.teamId)).toEqual([]);
  // Two created, then removed; the third never made it.
  const failed = comments(n).filter((c) => c.body.includes(`whoosh:team:${state.teamId}:deploy-failed`));
  expect(failed).toHaveLength(1);
  expect(failed[0]!.body.match(/`whoosh-[^`]+`/g)).toHaveLength(2);
  // The comment names the daemon's refusal, not the boundary it crossed.
  expect(failed[0]!.body).toContain('no space left on device');
  expect(failed[0]!.body).not.toContain('Activity task failed');
  expect(labels(n)).toContain('whoosh:failed');
  const team = await readJson(await s.call(`/api/v1/teams/${state.teamId}`));
  expect(team).toMatchObject({ status: 'failed', error: expect.stringContaining('no space left on device') });
  await recordHistory('team-formation-deploy-saga', handle);
});

test('when removing the agents fails at the end, the comment says why in the daemon\'s words', async () => {
  const n = openTask('Add a health endpoint to the backend API', 'Report the database status.');
  const active = await s.status(n, 'active');
  // The first request of the removal is refused (a 4xx: not retried), so the agents stay.
  s.docker.failNext(1, 403, 'simulated failure: removal forbidden by policy');
  s.gitea.closeIssue(s.owner, s.repo, n, 'alice');
  const result = await s.h.client.workflow.getHandle(s.workflowId(n)).result();
  expect(result.outcome).toContain('simulated failure: removal forbidden by policy');
  const ended = comments(n).filter((c) => c.body.includes(`whoosh:team:${active.teamId}:ended`));
  expect(ended).toHaveLength(1);
  expect(ended[0]!.body).toContain('simulated failure: removal forbidden by policy');
  expect(ended[0]!.body).not.toContain('Activity task failed');
});

test('on a swarm manager each agent is a service, removed when the task ends', async () => {
  s.docker.swarm(true);
  try {
    const n = openTask('Add a metrics endpoint to the backend API', 'Expose request counts.');
    const active = await s.status(n, 'active');
    const services = s.docker.services().filter((x) => x.labels['whoosh.team'] === active.teamId);
    expect(services).toHaveLength(active.members.length);
    expect(s.teamContainers(active.teamId)).toEqual([]);
    for (const svc of services) {
      expect(svc.limits).toEqual({ NanoCPUs: 1e9, MemoryBytes: 2048 * 1024 * 1024, Pids: 512 });
      expect(svc.replicas).toBe(1);
    }
    expect(active.members.every((m) => m.container?.kind === 'service')).toBe(true);
    s.gitea.closeIssue(s.owner, s.repo, n, 'alice');
    await s.h.client.workflow.getHandle(s.workflowId(n)).result();
    expect(s.docker.services().filter((x) => x.labels['whoosh.team'] === active.teamId)).toEqual([]);
  } finally {
    s.docker.swarm(false);
  }
});

describe('teams API', () => {
  test('lists newest first with filters and cursor pages', async () => {
    const repository = `${s.owner}/${s.repo}`;
    const all = await readJson(await s.call(`/api/v1/teams?repository=${encodeURIComponent(repository)}`, { token: VIEWER_TOKEN }));
    expect(all.teams.length).toBeGreaterThanOrEqual(5);
    expect(all.teams.every((t: { repository: string }) => t.repository === repository)).toBe(true);
    const times = all.teams.map((t: { createdAt: string }) => t.createdAt);
    expect([...times].sort().reverse()).toEqual(times);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await readJson(await s.call(`/api/v1/teams?repository=${encodeURIComponent(repository)}&limit=2${cursor ? `&cursor=${cursor}` : ''}`));
      expect(page.teams.length).toBeLessThanOrEqual(2);
      seen.push(...page.teams.map((t: { id: string }) => t.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.teams.map((t: { id: string }) => t.id));

    const cancelled = await readJson(await s.call(`/api/v1/teams?repository=${encodeURIComponent(repository)}&status=cancelled`));
    expect(cancelled.teams).toHaveLength(2);
    expect((await s.call('/api/v1/teams?status=bogus')).status).toBe(400);
    expect((await s.call('/api/v1/teams?cursor=nonsense')).status).toBe(400);
    expect((await s.call('/api/v1/teams/not-a-uuid')).status).toBe(400);
    expect((await s.call('/api/v1/teams/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await fetch(`${s.api.url}/api/v1/teams`)).status).toBe(401);
  });

  test('analyze is a dry run: classification and the proposed team, nothing started', async () => {
    const before = (await readJson(await s.call('/api/v1/teams?limit=200'))).teams.length;
    const res = await s.call('/api/v1/teams/analyze', {
      method: 'POST',
      token: VIEWER_TOKEN,
      body: JSON.stringify({ title: 'Security: XSS in the comment renderer', body: 'Escape HTML in the frontend component.', labels: ['security'] }),
    });
    expect(res.status).toBe(200);
    const out = await readJson(res);
    expect(out.classification).toMatchObject({ type: 'security', source: 'heuristics' });
    expect(out.members.map((m: { roleId: string }) => m.roleId)).toEqual(expect.arrayContaining(['lead_developer', 'security_specialist']));
    expect(out.scoring.length).toBe(out.members.length);
    expect((await readJson(await s.call('/api/v1/teams?limit=200'))).teams.length).toBe(before);
    const bad = await s.call('/api/v1/teams/analyze', { method: 'POST', body: JSON.stringify({ body: 'no title' }) });
    expect(bad.status).toBe(400);
  });
});
