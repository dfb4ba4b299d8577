/**
 * whoosh.approval on the real stack: decisions through the API update, the
 * timeout output, and an issue-linked approval that waits across a SIGKILLed
 * worker process and goes on when the issue's author comments /approve.
 */
import { randomUUID } from 'node:crypto';
import { insertExecution } from '../../../activities/pipeline/pipeline-store';
import type { N8nNode, N8nWorkflow } from '../../../domain/pipeline/types';
import { GiteaSimulator, GITEA_SIM_TOKEN } from '../../../simulators/gitea';
import { readJson } from '../../helpers/api-server';
import { eventually } from '../../helpers/eventually';
import { workerProcesses } from '../../helpers/worker-process';
import { manualTrigger, setNode, startPipelineStage, type PipelineStage } from '../durable/pipeline-stage';

let s: PipelineStage;
let gitea: GiteaSimulator;
const workers = workerProcesses(() => s.h.taskQueue);
const owner = `appr${randomUUID().slice(0, 6)}`;
const repo = 'ops';

beforeAll(async () => {
  s = await startPipelineStage({ harness: { orchestrator: false } });
  gitea = await GiteaSimulator.start();
  gitea.createRepo(owner, repo);
  const res = await s.call('/api/v1/repositories', { method: 'POST', body: JSON.stringify({ kind: 'gitea', baseUrl: gitea.url, owner, name: repo, token: GITEA_SIM_TOKEN, monitor: false }) });
  expect(res.status).toBe(201);
  await workers.start();
}, 120_000);
afterAll(async () => {
  workers.killAll();
  await gitea.stop();
  await s.close();
});

const approval = (parameters: Record<string, unknown>): N8nNode => ({ name: 'Approve', type: 'whoosh.approval', typeVersion: 1, position: [400, 0], parameters });

/** Start → Approve → (approved: Yes, rejected: No, timeout: Late). */
function doc(parameters: Record<string, unknown>): N8nWorkflow {
  const nodes = [manualTrigger(), approval(parameters), setNode('Yes', { went: 'approved' }, true), setNode('No', { went: 'rejected' }, true), setNode('Late', { went: 'timeout' }, true)];
  return {
    name: 'approval',
    nodes,
    connections: {
      Start: { main: [[{ node: 'Approve', type: 'main', index: 0 }]] },
      Approve: { main: [[{ node: 'Yes', type: 'main', index: 0 }], [{ node: 'No', type: 'main', index: 0 }], [{ node: 'Late', type: 'main', index: 0 }]] },
    },
    settings: { executionOrder: 'v1' },
  };
}

async function startRun(d: N8nWorkflow): Promise<string> {
  const { status, body } = await s.run(d, { wait: false, input: [{ json: { change: 'deploy v2' } }] });
  expect(status).toBe(201);
  return body.id as string;
}

const view = async (id: string) => readJson(await s.call(`/api/v1/pipelines/executions/${id}`));
const ended = (id: string) =>
  eventually(async () => {
    const v = await view(id);
    return v.status === 'success' || v.status === 'error' ? v : undefined;
  }, 'the run to end', 60_000);
const waitingAt = (id: string) => eventually(async () => ((await view(id)).status === 'waiting' ? true : undefined), 'the run to wait for approval', 60_000);
const decide = (id: string, body: Record<string, unknown>) => s.call(`/api/v1/pipelines/executions/${id}/approve`, { method: 'POST', body: JSON.stringify(body) });

test('approve and reject through the API: the items leave by that output, with who decided', async () => {
  const yes = await startRun(doc({ message: 'Deploy?' }));
  await waitingAt(yes);
  expect((await decide(yes, { decision: 'approve', node: 'Elsewhere' })).status).toBe(409);
  const r = await decide(yes, { decision: 'approve', comment: 'ship it' });
  expect(r.status).toBe(200);
  expect(await readJson(r)).toEqual({ executionId: yes, node: 'Approve', decision: 'approve', by: 'ops' });
  const done = await ended(yes);
  expect(done.status).toBe('success');
  expect(done.nodes.Yes[0][0]).toMatchObject({ change: 'deploy v2', went: 'approved', approval: { decision: 'approve', by: 'ops', comment: 'ship it', via: 'api' } });
  expect(done.nodes.No).toBeUndefined();
  // Decided once: a second decision has nothing to wait for.
  expect((await decide(yes, { decision: 'reject' })).status).toBe(409);

  const no = await startRun(doc({}));
  await waitingAt(no);
  expect((await decide(no, { decision: 'reject', comment: 'not today' })).status).toBe(200);
  const rejected = await ended(no);
  expect(rejected.nodes.No[0][0]).toMatchObject({ went: 'rejected', approval: { decision: 'reject', comment: 'not today' } });
  expect(rejected.nodes.Yes).toBeUndefined();
});

test('nobody answers: the items leave by the timeout output', async () => {
  const id = await startRun(doc({ timeoutSeconds: 1 }));
  const done = await ended(id);
  expect(done.status).toBe('success');
  expect(done.nodes.Late[0][0]).toMatchObject({ went: 'timeout', approval: { decision: 'timeout', via: 'timer', by: null } });
});

test('linked issue: request and reminders as comments, waits across a killed worker, goes on with the author’s /approve', async () => {
  const issue = gitea.openIssue(owner, repo, { title: 'Release v2', body: 'Please approve the release', labels: [], author: 'carol' }).number;
  const id = await startRun(doc({ message: 'Release v2 is ready.', issue: `${owner}/${repo}#${issue}`, pollSeconds: 1, remindEverySeconds: 2 }));
  await eventually(async () => (gitea.comments(owner, repo, issue).some((c) => c.body.includes('Release v2 is ready.')) ? true : undefined), 'the approval request on the issue');
  await eventually(async () => (gitea.comments(owner, repo, issue).some((c) => c.body.startsWith('Reminder:')) ? true : undefined), 'a reminder');

  workers.killAll();
  // Someone who may not decide, and a comment without a command: neither counts.
  gitea.addComment(owner, repo, issue, '/approve', 'mallory');
  gitea.addComment(owner, repo, issue, 'looks fine to me', 'carol');
  await workers.start();
  await new Promise((r) => setTimeout(r, 2500));
  expect((await view(id)).status).toBe('waiting');

  gitea.addComment(owner, repo, issue, '/approve go ahead', 'carol');
  const done = await ended(id);
  expect(done.status).toBe('success');
  expect(done.nodes.Yes[0][0]).toMatchObject({ approval: { decision: 'approve', by: 'carol', comment: 'go ahead', via: 'comment' } });
  // The request was posted once, even though the workflow replayed on the new worker.
  expect(gitea.comments(owner, repo, issue).filter((c) => c.body.includes('Release v2 is ready.') && !c.body.startsWith('Reminder:'))).toHaveLength(1);
}, 120_000);

test('a long wait goes on in fresh histories (continue-as-new) and still takes the decision', async () => {
  const issue = gitea.openIssue(owner, repo, { title: 'Slow decision', body: 'Take your time', labels: [], author: 'carol' }).number;
  const d = doc({ message: 'Slow one.', issue: `${owner}/${repo}#${issue}`, pollSeconds: 0.2 });
  const id = randomUUID();
  const workflowId = `pipeline:approval-long:${id}`;
  await insertExecution(s.h.pool, { id, workflowId, pipelineKey: 'approval-long', document: d, documentHash: 'approval-long', input: [{ json: { change: 'v3' } }], mode: 'manual' });
  const first = await s.h.client.workflow.start('pipelineRun', { workflowId, taskQueue: s.h.taskQueue, args: [{ executionId: id, pipelineKey: 'approval-long', historyLimit: 40 }] });
  await eventually(async () => ((await s.h.client.workflow.getHandle(workflowId, first.firstExecutionRunId).describe()).status.name === 'CONTINUED_AS_NEW' ? true : undefined), 'the run to continue as new');
  expect(gitea.comments(owner, repo, issue).filter((c) => c.body.includes('Slow one.'))).toHaveLength(1);
  expect((await decide(id, { decision: 'approve', comment: 'finally' })).status).toBe(200);
  const done = await ended(id);
  expect(done.nodes.Yes[0][0]).toMatchObject({ change: 'v3', approval: { decision: 'approve', comment: 'finally' } });
});
