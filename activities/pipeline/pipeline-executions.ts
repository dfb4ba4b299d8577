/**
 * Managing the runs of stored pipelines: the executions list of a pipeline
 * (newest first, by status and trigger, keyset pages), delete, retention, and
 * seeding a retry from the failed node with the recorded runs of the nodes
 * before it.
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { retryFromFailedNode } from '../../domain/pipeline/retry-from-failed';
import type { EngineState, ExecutionStatus } from '../../domain/pipeline/types';
import type { Keyset } from '../newest-first';
import { inTransaction } from '../transaction';
import { pipelineWorkflowId } from './pipeline-activities';
import { EXECUTION_COLUMNS, executionOf, getExecution, getExecutionSource, getNodeRuns, getStep, insertExecution, type ExecutionDbRow, type ExecutionRow, type NewExecution, type StoredNodeRun } from './pipeline-store';
import { PipelineNotFoundError, startPipelineRun, startRecordedRun, type PipelineStartDeps, type StartedRun } from './start-pipeline';

export interface ExecutionFilter {
  readonly status?: ExecutionStatus;
  readonly trigger?: string;
  readonly limit: number;
  readonly after?: Keyset;
}

/** The top-level runs of stored pipeline `pipelineId`, newest first. */
export async function listPipelineExecutions(db: Pool, pipelineId: string, f: ExecutionFilter): Promise<{ items: ExecutionRow[]; more: boolean }> {
  const args: unknown[] = [pipelineId];
  const arg = (v: unknown): string => `$${args.push(v)}`;
  const where = ['pipeline_key = $1', 'parent_execution_id IS NULL'];
  if (f.status) where.push(`status = ${arg(f.status)}`);
  if (f.trigger) where.push(`trigger = ${arg(f.trigger)}`);
  if (f.after) where.push(`(started_at, id) < (${arg(f.after.createdAt)}::timestamptz, ${arg(f.after.id)})`);
  const { rows } = await db.query<ExecutionDbRow>(`SELECT ${EXECUTION_COLUMNS} FROM pipeline_executions WHERE ${where.join(' AND ')} ORDER BY started_at DESC, id DESC LIMIT ${arg(f.limit + 1)}`, args);
  return { items: rows.slice(0, f.limit).map(executionOf), more: rows.length > f.limit };
}

/** Deletes a run with its steps, node runs and sub-workflow runs. */
export async function deleteExecution(db: Pool, id: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM pipeline_executions WHERE id = $1', [id]);
  return (rowCount ?? 0) > 0;
}

/** Deletes the ended top-level runs that stopped more than `days` ago (their sub-workflow runs go with them). */
export async function pruneExecutions(db: Pool, days: number): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM pipeline_executions WHERE parent_execution_id IS NULL AND status IN ('success', 'error', 'canceled') AND stopped_at < now() - make_interval(days => $1)`,
    [days],
  );
  return rowCount ?? 0;
}

export type RetrySeed = { ok: true; execution: NewExecution } | { ok: false; reason: string };

/**
 * Records `execution` as a retry of failed run `failedId` that goes on from
 * the node that failed: its step 1 is the failed run's last state, its node
 * runs those of the failed run but the failed node's error run. The run
 * starts at step 1, so no node before the failed one runs again.
 */
export async function seedRetryFromFailedNode(pool: Pool, failedId: string, execution: NewExecution): Promise<RetrySeed> {
  const failed = await getExecution(pool, failedId);
  if (!failed) return { ok: false, reason: `no execution ${failedId}` };
  const stored = await getStep<Omit<EngineState, 'runData'>, unknown>(pool, failedId, failed.currentSeq);
  if (!stored) return { ok: false, reason: 'the run recorded no step to go on from' };
  const runs = await getNodeRuns(pool, failedId);
  const failedNode = stored.state.error?.node;
  const plan = retryFromFailedNode(stored.state, runs.filter((r) => r.node === failedNode).map((r) => r.run), execution.id);
  if (!plan.ok) return plan;
  const kept = runs.filter((r) => !(r.node === plan.drop.node && r.runIndex === plan.drop.runIndex));
  await inTransaction(pool, async (c) => {
    await insertExecution(c, execution);
    await c.query(`INSERT INTO pipeline_states (execution_id, seq, state, step) VALUES ($1, 1, $2, $3)`, [execution.id, JSON.stringify(plan.state), JSON.stringify({ step: { kind: 'retry', of: failedId, node: plan.drop.node } })]);
    await c.query(
      `INSERT INTO pipeline_node_runs (execution_id, node, run_index, first_order, seq, status, start_time, execution_ms, error, run)
       SELECT $1, r.node, r.run_index, r.first_order, 1, r.status, r.start_time, r.execution_ms, r.error, r.run FROM pipeline_node_runs r
       WHERE r.execution_id = $2 AND (r.node, r.run_index) IN (SELECT * FROM unnest($3::text[], $4::int[]))`,
      [execution.id, failedId, kept.map((r: StoredNodeRun) => r.node), kept.map((r) => r.runIndex)],
    );
    await c.query(`UPDATE pipeline_executions SET current_seq = 1, last_node = $2 WHERE id = $1`, [execution.id, plan.state.lastNodeExecuted ?? null]);
  });
  return { ok: true, execution };
}

/** A retry that cannot be made (the run did not fail, or did not stop at a node): the reason says which. */
export class RetryRefusedError extends Error {
  override readonly name = 'RetryRefusedError';
}

/**
 * Runs a failed or cancelled top-level run again, pinned to the same document
 * and version: from the start with the same input, or from the failed node
 * with the recorded data of the nodes before it.
 */
export async function retryExecution(deps: PipelineStartDeps, failedId: string, from: 'start' | 'failedNode'): Promise<StartedRun> {
  const row = await getExecution(deps.pool, failedId);
  const source = row && (await getExecutionSource(deps.pool, failedId));
  if (!row || !source) throw new PipelineNotFoundError(`No pipeline execution ${failedId}`);
  if (row.parentExecutionId !== null) throw new RetryRefusedError(`Execution ${failedId} is a sub-workflow run; retry the run that started it (${row.parentExecutionId})`);
  if (row.status !== 'error' && row.status !== 'canceled') throw new RetryRefusedError(`Execution ${failedId} is ${row.status}: only failed or cancelled runs are retried`);
  const base = {
    pipelineKey: row.pipelineKey,
    document: source.document,
    mode: source.mode,
    trigger: 'retry',
    retryOf: failedId,
    ...(source.input ? { input: source.input } : {}),
    ...(row.pipelineVersion !== null ? { version: row.pipelineVersion } : {}),
    ...(source.startNode ? { startNode: source.startNode } : {}),
    ...(source.destinationNode ? { destinationNode: source.destinationNode } : {}),
  };
  if (from === 'start') return startPipelineRun(deps, base);

  const id = randomUUID();
  const workflowId = pipelineWorkflowId(row.pipelineKey, id);
  const seeded = await seedRetryFromFailedNode(deps.pool, failedId, {
    id,
    workflowId,
    pipelineKey: base.pipelineKey,
    document: base.document,
    documentHash: row.documentHash,
    mode: base.mode,
    trigger: base.trigger,
    retryOf: failedId,
    ...(base.input ? { input: base.input } : {}),
    ...(base.version !== undefined ? { pipelineVersion: base.version } : {}),
    ...(base.startNode ? { startNode: base.startNode } : {}),
    ...(base.destinationNode ? { destinationNode: base.destinationNode } : {}),
  });
  if (!seeded.ok) throw new RetryRefusedError(`Execution ${failedId} cannot be retried from the failed node: ${seeded.reason}`);
  await startRecordedRun(deps, { executionId: id, workflowId, pipelineKey: row.pipelineKey, mode: base.mode, trigger: base.trigger, seq: 1 });
  return { executionId: id, workflowId, ...(base.version !== undefined ? { version: base.version } : {}) };
}
