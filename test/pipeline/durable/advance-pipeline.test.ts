/**
 * advancePipeline on the real Postgres: steps are immutable, so a retried
 * advance returns the stored step without running a node again, and another
 * worker (an empty state cache) goes on from Postgres exactly where the first
 * one would have.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createPipelineActivities, documentHash, pipelineWorkflowId } from '../../../activities/pipeline/pipeline-activities';
import { insertExecution, getExecution } from '../../../activities/pipeline/pipeline-store';
import type { N8nWorkflow } from '../../../domain/pipeline/types';
import { testEnv } from '../../setup/test-env';
import { chain, manualTrigger, setNode, waitNode } from './pipeline-stage';

let pool: pg.Pool;
beforeAll(() => {
  pool = new pg.Pool({ connectionString: testEnv().databaseUrl, max: 4 });
});
afterAll(async () => {
  await pool.end();
});

async function newExecution(doc: N8nWorkflow, input?: { json: Record<string, number> }[]): Promise<string> {
  const id = randomUUID();
  const key = documentHash(doc);
  await insertExecution(pool, { id, workflowId: pipelineWorkflowId(key, id), pipelineKey: key, document: doc, documentHash: key, mode: 'manual', ...(input ? { input } : {}) });
  return id;
}

const runsOf = async (id: string) => (await pool.query<{ node: string; run_index: number; seq: number }>('SELECT node, run_index, seq FROM pipeline_node_runs WHERE execution_id = $1 ORDER BY first_order, run_index', [id])).rows;

const NOW = Date.UTC(2026, 0, 15, 12);
const doc = chain([manualTrigger(), setNode('A', { a: '={{ $json.n * 2 }}' }, true), waitNode('Pause', 60), setNode('B', { b: '={{ $json.a + 1 }}' }, true)]);

test('a retried advance returns the stored step and runs nothing twice', async () => {
  const id = await newExecution(doc, [{ json: { n: 1 } }, { json: { n: 2 } }]);
  const activities = createPipelineActivities(pool);
  const first = await activities.advancePipeline({ executionId: id, seq: 0, now: NOW });
  expect(first).toEqual({ kind: 'wait', seq: 1, node: 'Pause', until: NOW + 60_000 });
  const runsAfterFirst = await runsOf(id);
  expect(runsAfterFirst.map((r) => r.node)).toEqual(['Start', 'A']);

  // The same call again (a retry after the result was stored but not recorded), even with another `now`.
  const again = await activities.advancePipeline({ executionId: id, seq: 0, now: NOW + 5_000 });
  expect(again).toEqual(first);
  expect(await runsOf(id)).toEqual(runsAfterFirst);
  expect(await getExecution(pool, id)).toMatchObject({ status: 'waiting', currentSeq: 1, lastNode: 'A' });
});

test('another worker, with nothing cached, goes on from the state stored in Postgres', async () => {
  const input = [{ json: { n: 1 } }, { json: { n: 2 } }];
  const a = await newExecution(doc, input);
  const b = await newExecution(doc, input);
  const one = createPipelineActivities(pool);
  // Execution a: the same worker all along (state from its cache).
  await one.advancePipeline({ executionId: a, seq: 0, now: NOW });
  const endA = await one.advancePipeline({ executionId: a, seq: 1, resume: { kind: 'waited', node: 'Pause' }, now: NOW + 60_000 });
  // Set fields typed string: a = "2", b = "2" + 1 = "21". Execution b: step 1 on one worker, step 2 on a fresh one (state rebuilt from pipeline_states and pipeline_node_runs).
  await one.advancePipeline({ executionId: b, seq: 0, now: NOW });
  const other = createPipelineActivities(pool);
  const endB = await other.advancePipeline({ executionId: b, seq: 1, resume: { kind: 'waited', node: 'Pause' }, now: NOW + 60_000 });

  expect(endA).toEqual({ kind: 'done', seq: 2 });
  expect(endB).toEqual(endA);
  const outputs = async (id: string) =>
    (await pool.query<{ node: string; run: { data: { main: { json: unknown }[][] } } }>('SELECT node, run FROM pipeline_node_runs WHERE execution_id = $1 ORDER BY first_order, run_index', [id])).rows.map((r) => [
      r.node,
      r.run.data.main.map((items) => items.map((i) => i.json)),
    ]);
  expect(await outputs(b)).toEqual(await outputs(a));
  expect((await outputs(b)).at(-1)).toEqual(['B', [[{ n: 1, a: '2', b: '21' }, { n: 2, a: '4', b: '41' }]]]);
  expect(await getExecution(pool, b)).toMatchObject({ status: 'success', lastNode: 'B', currentSeq: 2 });
});

test('a resume the run does not wait for is refused, not guessed', async () => {
  const id = await newExecution(doc);
  const activities = createPipelineActivities(pool);
  await activities.advancePipeline({ executionId: id, seq: 0, now: NOW });
  await expect(activities.advancePipeline({ executionId: id, seq: 1, resume: { kind: 'waited', node: 'Elsewhere' }, now: NOW })).rejects.toMatchObject({ type: 'PipelineEngineError' });
});
