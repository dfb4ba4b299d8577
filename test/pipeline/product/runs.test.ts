/**
 * Running stored pipelines on the real Temporal dev server and Postgres: a
 * run is pinned to a version and records it; Execute Sub-workflow by id runs
 * the stored pipeline; the executions list filters and pages; retry from the
 * failed node does not run the nodes before it again; cancel and delete.
 */
import { randomUUID } from 'node:crypto';
import { documentHash, pipelineWorkflowId } from '../../../activities/pipeline/pipeline-activities';
import { insertExecution } from '../../../activities/pipeline/pipeline-store';
import type { N8nNode } from '../../../domain/pipeline/types';
import { ensureRetentionSchedule, PIPELINE_RETENTION_SCHEDULE } from '../../../infra/schedules';
import { readJson } from '../../helpers/api-server';
import { eventually } from '../../helpers/eventually';
import { chain, httpNode, manualTrigger, setNode, startPipelineStage, waitNode, type PipelineStage } from '../durable/pipeline-stage';

let s: PipelineStage;
beforeAll(async () => {
  s = await startPipelineStage();
});
afterAll(async () => {
  await s.close();
});

const post = (p: string, body?: unknown) => s.call(p, { method: 'POST', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
const json = async (res: Promise<Response>) => readJson(await res);
const create = async (doc: unknown): Promise<string> => (await json(post('/api/v1/pipelines', doc))).id;

const subTrigger = (): N8nNode => ({ name: 'Called', type: 'n8n-nodes-base.executeWorkflowTrigger', typeVersion: 1.1, position: [0, 0], parameters: { inputSource: 'passthrough' } });

test('execute runs the active version, or the one asked for, and the execution records which', async () => {
  const id = await create(chain([manualTrigger(), setNode('Which', { v: 1 }, true)]));
  await post(`/api/v1/pipelines/${id}/activate`);
  await s.call(`/api/v1/pipelines/${id}`, { method: 'PUT', body: JSON.stringify(chain([manualTrigger(), setNode('Which', { v: 2 }, true)])) });

  const res = await post(`/api/v1/pipelines/${id}/execute?wait=true`, { input: [{ json: { x: 'a' } }] });
  expect(res.status).toBe(200);
  const run = await readJson(res);
  expect(run).toMatchObject({ status: 'success', pipelineId: id, version: 1, trigger: 'manual' });
  expect(run.nodes.Which).toEqual([[{ x: 'a', v: 1 }]]);

  const v2 = await json(post(`/api/v1/pipelines/${id}/execute?wait=true`, { version: 2 }));
  expect(v2).toMatchObject({ status: 'success', version: 2 });
  expect(v2.nodes.Which).toEqual([[{ v: 2 }]]);

  expect((await post(`/api/v1/pipelines/${id}/execute`, { version: 9 })).status).toBe(404);
  const summary = await json(s.call(`/api/v1/pipelines/${id}`));
  expect(summary.lastExecution).toMatchObject({ id: v2.id, status: 'success' });
});

test('a draft cannot run: 422 with its problems', async () => {
  const id = await create(chain([manualTrigger(), { name: 'Sheet', type: 'n8n-nodes-base.googleSheets', typeVersion: 4, position: [0, 0], parameters: {} }]));
  const res = await post(`/api/v1/pipelines/${id}/execute`, {});
  expect(res.status).toBe(422);
  expect((await readJson(res)).error.issues).toEqual([expect.objectContaining({ node: 'Sheet' })]);
});

test('destinationNode runs only up to that node (and what it depends on); an unknown one is refused', async () => {
  const id = await create(chain([manualTrigger(), setNode('First', { a: 1 }, true), setNode('Middle', { b: 2 }, true), setNode('Last', { c: 3 }, true)]));
  const run = await json(post(`/api/v1/pipelines/${id}/execute?wait=true`, { destinationNode: 'Middle' }));
  expect(run).toMatchObject({ status: 'success', lastNode: 'Middle' });
  expect(Object.keys(run.nodes).sort()).toEqual(['First', 'Middle', 'Start'].sort());
  expect(run.nodes.Middle).toEqual([[{ a: 1, b: 2 }]]);

  const res = await post(`/api/v1/pipelines/${id}/execute`, { destinationNode: 'Nowhere' });
  expect(res.status).toBe(422);
  expect((await readJson(res)).error.issues).toEqual([expect.objectContaining({ node: 'Nowhere' })]);
});

test('Execute Sub-workflow by id (source database) runs the stored pipeline’s active version', async () => {
  const child = await create({ ...chain([subTrigger(), setNode('Tag', { from: 'child v1' }, true)]), name: 'child' });
  await post(`/api/v1/pipelines/${child}/activate`);
  await s.call(`/api/v1/pipelines/${child}`, { method: 'PUT', body: JSON.stringify(chain([subTrigger(), setNode('Tag', { from: 'child v2' }, true)])) });
  const call = (workflowId: unknown): N8nNode => ({ name: 'Call', type: 'n8n-nodes-base.executeWorkflow', typeVersion: 1.2, position: [0, 0], parameters: { source: 'database', workflowId, mode: 'once', options: {} } });

  for (const ref of [{ __rl: true, value: child, mode: 'list', cachedResultName: 'child' }, child]) {
    const parent = await create(chain([manualTrigger(), call(ref)]));
    const run = await json(post(`/api/v1/pipelines/${parent}/execute?wait=true`, { input: [{ json: { n: 1 } }, { json: { n: 2 } }] }));
    expect(run.status).toBe('success');
    expect(run.nodes.Call).toEqual([[{ n: 1, from: 'child v1' }, { n: 2, from: 'child v1' }]]);
    const { rows } = await s.h.pool.query('SELECT pipeline_key, pipeline_version, trigger FROM pipeline_executions WHERE parent_execution_id = $1', [run.id]);
    expect(rows).toEqual([{ pipeline_key: child, pipeline_version: 1, trigger: 'executeWorkflow' }]);
  }

  const missing = await create(chain([manualTrigger(), call('pl_doesnotexist')]));
  const failed = await json(post(`/api/v1/pipelines/${missing}/execute?wait=true`, {}));
  expect(failed.status).toBe('error');
  expect(failed.error).toMatchObject({ node: 'Call', message: expect.stringContaining('pl_doesnotexist') });
});

test('retry from the failed node reuses the recorded runs before it; retry from the start runs them again', async () => {
  let gate = 0;
  s.http.on('/gate', (_req, res) => {
    gate++;
    res.writeHead(gate === 1 ? 500 : 200, { 'content-type': 'application/json' }).end(JSON.stringify({ gate }));
  });
  const id = await create(chain([manualTrigger(), httpNode('Before', `${s.http.url}/before`), httpNode('Gate', `${s.http.url}/gate`), setNode('After', { done: true })]));
  const failed = await json(post(`/api/v1/pipelines/${id}/execute?wait=true`, {}));
  expect(failed).toMatchObject({ status: 'error', error: { node: 'Gate' } });
  expect(s.http.count('/before')).toBe(1);

  const retried = await json(post(`/api/v1/pipelines/executions/${failed.id}/retry?wait=true`, { from: 'failedNode' }));
  expect(retried).toMatchObject({ status: 'success', retryOf: failed.id, trigger: 'retry', pipelineId: id, version: 1 });
  expect(s.http.count('/before')).toBe(1);
  expect(s.http.count('/gate')).toBe(2);
  expect(Object.keys(retried.nodes)).toEqual(['Start', 'Before', 'Gate', 'After']);
  expect(retried.nodes.Before).toEqual(failed.nodes.Before);
  expect(retried.nodes.Gate).toEqual([[{ gate: 2 }]]);
  const gateRuns = await json(s.call(`/api/v1/pipelines/executions/${retried.id}/nodes/Gate`));
  expect(gateRuns.runs.map((r: { status: string }) => r.status)).toEqual(['success']);

  expect((await post(`/api/v1/pipelines/executions/${retried.id}/retry`, { from: 'failedNode' })).status).toBe(409);
  const fromStart = await json(post(`/api/v1/pipelines/executions/${failed.id}/retry?wait=true`, { from: 'start' }));
  expect(fromStart.status).toBe('success');
  expect(s.http.count('/before')).toBe(2);

  const all = await json(s.call(`/api/v1/pipelines/${id}/executions`));
  expect(all.items.map((e: { id: string }) => e.id)).toEqual([fromStart.id, retried.id, failed.id]);
  expect((await json(s.call(`/api/v1/pipelines/${id}/executions?status=error`))).items.map((e: { id: string }) => e.id)).toEqual([failed.id]);
  expect((await json(s.call(`/api/v1/pipelines/${id}/executions?trigger=retry&limit=1`))).nextCursor).not.toBeNull();
});

test('cancel stops a waiting run; delete removes an ended one', async () => {
  const id = await create(chain([manualTrigger(), waitNode('Hold', 600), setNode('Never', { a: 1 })]));
  const started = await json(post(`/api/v1/pipelines/${id}/execute`, {}));
  const statusIs = (want: string) => async () => ((await json(s.call(`/api/v1/pipelines/executions/${started.id}`))).status === want ? true : undefined);
  await eventually(statusIs('waiting'), 'the run waits');
  expect((await post(`/api/v1/pipelines/executions/${started.id}/cancel`)).status).toBe(200);
  await eventually(statusIs('canceled'), 'the run is cancelled');
  expect((await post(`/api/v1/pipelines/executions/${started.id}/cancel`)).status).toBe(409);
  expect((await s.call(`/api/v1/pipelines/executions/${started.id}`, { method: 'DELETE' })).status).toBe(204);
  expect((await s.call(`/api/v1/pipelines/executions/${started.id}`)).status).toBe(404);
});

test('retention: the hourly schedule deletes runs that ended more than pipelines.execution_retention_days ago', async () => {
  const id = await create(chain([manualTrigger(), setNode('S', { a: 1 })]));
  const old = await json(post(`/api/v1/pipelines/${id}/execute?wait=true`, {}));
  const recent = await json(post(`/api/v1/pipelines/${id}/execute?wait=true`, {}));
  await s.h.pool.query(`UPDATE pipeline_executions SET stopped_at = now() - interval '31 days', started_at = now() - interval '31 days' WHERE id = $1`, [old.id]);

  await ensureRetentionSchedule(s.h.client, s.h.config);
  const schedule = await s.h.client.schedule.getHandle(PIPELINE_RETENTION_SCHEDULE).describe();
  expect(schedule.action).toMatchObject({ workflowType: 'pipelineRetention', args: [{ days: s.h.config.pipelines.execution_retention_days }] });
  expect(s.h.config.pipelines.execution_retention_days).toBe(30);

  const result = await s.h.client.workflow.execute('pipelineRetention', { workflowId: `retention-${old.id}`, taskQueue: s.h.taskQueue, args: [{ days: 30 }] });
  expect(result.deleted).toBeGreaterThanOrEqual(1);
  expect((await s.call(`/api/v1/pipelines/executions/${old.id}`)).status).toBe(404);
  expect((await s.call(`/api/v1/pipelines/executions/${recent.id}`)).status).toBe(200);
});

test('a run keeps the version it started with when a new one is saved while it runs', async () => {
  const version = (v: number) => chain([manualTrigger(), waitNode('Pause', 1), setNode('Which', { v })]);
  const id = await create(version(1));
  const started = await json(post(`/api/v1/pipelines/${id}/execute`, {}));
  await s.call(`/api/v1/pipelines/${id}`, { method: 'PUT', body: JSON.stringify(version(2)) });
  const ended = await eventually(async () => {
    const v = await json(s.call(`/api/v1/pipelines/executions/${started.id}`));
    return v.status === 'success' ? v : undefined;
  }, 'the run');
  expect(ended).toMatchObject({ version: 1 });
  expect(ended.nodes.Which).toEqual([[{ v: 1 }]]);
});

test('a run terminated outside WHOOSH (Temporal Web UI, temporal workflow terminate) is recorded as canceled with the reason, once; the sweep finds the rest', async () => {
  const id = await create(chain([manualTrigger(), waitNode('Pause', 600), setNode('After', { a: 1 })]));
  const waiting = async (runId: string) =>
    eventually(async () => {
      const v = await json(s.call(`/api/v1/pipelines/executions/${runId}`));
      return v.status === 'waiting' ? v : undefined;
    }, 'the run to wait');
  const started = await json(post(`/api/v1/pipelines/${id}/execute`, {}));
  await waiting(started.id);
  await s.h.client.workflow.getHandle(started.workflowId).terminate('stopped by an operator in the Web UI');

  const seen = await json(s.call(`/api/v1/pipelines/executions/${started.id}`));
  expect(seen).toMatchObject({ status: 'canceled', waitTill: null, error: { message: 'The run was terminated outside WHOOSH: stopped by an operator in the Web UI' } });
  expect(seen.error.node).toBe(seen.lastNode);
  expect(seen.stoppedAt).toEqual(expect.any(String));
  // Read again (and listed): the same record, not a second one.
  expect(await json(s.call(`/api/v1/pipelines/executions/${started.id}`))).toEqual(seen);
  const listed = await json(s.call(`/api/v1/pipelines/${id}/executions`));
  expect(listed.items).toEqual([expect.objectContaining({ id: started.id, status: 'canceled', stoppedAt: seen.stoppedAt, error: { node: seen.lastNode, message: seen.error.message } })]);

  // Nobody reads the next one: the retention workflow's sweep records it once it has been running for a while.
  const other = await json(post(`/api/v1/pipelines/${id}/execute`, {}));
  await waiting(other.id);
  await s.h.client.workflow.getHandle(other.workflowId).terminate('cleanup');
  await s.h.pool.query(`UPDATE pipeline_executions SET started_at = now() - interval '2 minutes' WHERE id = $1`, [other.id]);
  const swept = await s.h.client.workflow.execute('pipelineRetention', { workflowId: `retention-sweep-${other.id}`, taskQueue: s.h.taskQueue, args: [{ days: 30 }] });
  expect(swept.reconciled).toBeGreaterThanOrEqual(1);
  const { rows } = await s.h.pool.query(`SELECT status, error FROM pipeline_executions WHERE id = $1`, [other.id]);
  expect(rows[0]).toEqual({ status: 'canceled', error: expect.objectContaining({ message: 'The run was terminated outside WHOOSH: cleanup' }) });
});

test('a run whose workflow timed out is recorded as error with the reason when read', async () => {
  const doc = chain([manualTrigger(), waitNode('Pause', 600), setNode('After', { a: 1 })]);
  const executionId = randomUUID();
  const pipelineKey = documentHash(doc);
  const workflowId = pipelineWorkflowId(pipelineKey, executionId);
  await insertExecution(s.h.pool, { id: executionId, workflowId, pipelineKey, document: doc, documentHash: pipelineKey, mode: 'manual', trigger: 'manual' });
  // As an operator might start it by hand, with a run timeout WHOOSH never sets.
  await s.h.client.workflow.start('pipelineRun', { workflowId, taskQueue: s.h.taskQueue, workflowExecutionTimeout: '2s', args: [{ executionId, pipelineKey, mode: 'manual' }] });
  const seen = await eventually(async () => {
    const v = await json(s.call(`/api/v1/pipelines/executions/${executionId}`));
    return v.status === 'error' ? v : undefined;
  }, 'the timed-out run to be recorded');
  expect(seen.error).toMatchObject({ message: 'The run timed out: Workflow execution timed out' });
  expect(seen.stoppedAt).toEqual(expect.any(String));
});
