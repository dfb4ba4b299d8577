/**
 * whoosh.team on the real stack (team stage: Gitea and Docker simulators,
 * webhooks, agent nodes): the node starts a team formation on an issue as a
 * child workflow under the intake's id, so the issue's own events reach it,
 * and the pipeline goes on with the team's result when the issue is closed.
 */
import { readJson } from '../../helpers/api-server';
import { eventually, startTeamStage, type TeamStage } from '../../team/team-fixture';

let s: TeamStage;

beforeAll(async () => {
  s = await startTeamStage();
}, 120_000);
afterAll(async () => {
  await s.close();
});

test('a team formed by a pipeline ends with its issue, and the pipeline continues with its result', async () => {
  // No bzzz-task label: only the pipeline starts a team here.
  const n = s.gitea.openIssue(s.owner, s.repo, { title: 'Fix crash in the login API endpoint', body: 'The /login handler throws a TypeError.', labels: [], author: 'alice' }).number;
  const doc = {
    name: 'team',
    nodes: [
      { name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
      { name: 'Team', type: 'whoosh.team', typeVersion: 1, position: [200, 0], parameters: { repository: `${s.owner}/${s.repo}`, issueNumber: '={{ $json.issue }}' } },
    ],
    connections: { Start: { main: [[{ node: 'Team', type: 'main', index: 0 }]] } },
    settings: { executionOrder: 'v1' },
  };
  const started = await s.call('/api/v1/pipelines/executions', { method: 'POST', body: JSON.stringify({ workflow: doc, input: [{ json: { issue: n } }] }) });
  expect(started.status).toBe(201);
  const { id } = await readJson(started);
  const active = await s.status(n, 'active', 90_000);

  s.gitea.closeIssue(s.owner, s.repo, n, 'alice');
  const view = await eventually(async () => {
    const v = await readJson(await s.call(`/api/v1/pipelines/executions/${id}`));
    return v.status === 'success' || v.status === 'error' ? v : undefined;
  }, 'the pipeline to end', 60_000);
  expect(view.status).toBe('success');
  expect(view.nodes.Team[0][0]).toMatchObject({ workflowId: s.workflowId(n), teamId: active.teamId, status: 'done', outcome: 'The issue was closed by alice.' });
}, 180_000);
