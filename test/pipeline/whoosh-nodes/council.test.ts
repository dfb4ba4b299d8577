/**
 * whoosh.council on the real stack (council stage: Gitea simulator,
 * simulated Ollama nodes): the node convenes a council on a Design Brief as a
 * child workflow under the intake's id — so the council API reaches it — and
 * the pipeline goes on with the council's result.
 */
import { readJson } from '../../helpers/api-server';
import { eventually, startCouncilStage, type CouncilStage } from '../../council/council-fixture';

let s: CouncilStage;

beforeAll(async () => {
  // No webhooks: only the pipeline convenes the council.
  s = await startCouncilStage({ webhooks: false });
}, 120_000);
afterAll(async () => {
  await s.close();
});

test('a council convened by a pipeline deliberates, is cancelled through its API, and the pipeline continues with its result', async () => {
  const n = s.openBrief('Design Brief: Parking spots', 'Reserve a parking spot for a day.');
  const doc = {
    name: 'council',
    nodes: [
      { name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
      { name: 'Council', type: 'whoosh.council', typeVersion: 1, position: [200, 0], parameters: { repository: `${s.owner}/${s.repo}`, issueNumber: n } },
    ],
    connections: { Start: { main: [[{ node: 'Council', type: 'main', index: 0 }]] } },
    settings: { executionOrder: 'v1' },
  };
  const started = await s.call('/api/v1/pipelines/executions', { method: 'POST', body: JSON.stringify({ workflow: doc }) });
  expect(started.status).toBe(201);
  const { id } = await readJson(started);
  const { councilId } = await s.until(n, (c) => c.status === 'awaiting_decision', 'a plan awaiting a decision', 90_000);
  expect((await s.call(`/api/v1/councils/${councilId}/cancel`, { method: 'POST', body: JSON.stringify({ reason: 'not now' }) })).status).toBe(202);

  const view = await eventually(async () => {
    const v = await readJson(await s.call(`/api/v1/pipelines/executions/${id}`));
    return v.status === 'success' || v.status === 'error' ? v : undefined;
  }, 'the pipeline to end', 60_000);
  expect(view.status).toBe('success');
  expect(view.nodes.Council[0][0]).toMatchObject({ workflowId: s.workflowId(n), status: 'cancelled', outcome: 'Cancelled by ops: not now' });
}, 180_000);
