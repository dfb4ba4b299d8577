/**
 * Reconciling runs with Temporal: a row that says running or waiting whose
 * workflow is closed (terminated or timed out from outside, where no workflow
 * code runs to record it) is recorded as canceled or error with the reason.
 * The API does it when it reads such a run; the retention workflow sweeps the
 * rest. The update only applies to a row still running or waiting, so a run
 * recorded meanwhile by its own code keeps what it recorded, and doing it
 * twice changes nothing.
 */
import { WorkflowFailedError, type Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { reconciledRun, UNSETTLED_STATUSES } from '../../domain/pipeline/reconcile';
import type { ExecutionRow } from './pipeline-store';

export interface ReconcileDeps {
  readonly pool: Pool;
  readonly client: Client;
}

/** How long a read waits for Temporal's answer before leaving the row as it is. */
const ASK_TEMPORAL_MS = 3000;

type RunRef = Pick<ExecutionRow, 'id' | 'workflowId' | 'status' | 'lastNode'>;

/** Why a closed workflow ended, as its close event says (the termination reason, the failure's message). */
async function closeReason(client: Client, workflowId: string, runId: string): Promise<string | undefined> {
  try {
    await client.withDeadline(Date.now() + ASK_TEMPORAL_MS, () => client.workflow.getHandle(workflowId, runId, { followRuns: false }).result());
    return undefined;
  } catch (err) {
    // Anything else (Temporal slow or away) is not the reason: the run is recorded without one.
    return err instanceof WorkflowFailedError ? (err.cause?.message ?? err.message) : undefined;
  }
}

/**
 * Checks one run against Temporal; true when its row was changed. A workflow
 * Temporal does not know (not started yet, or gone past the namespace's
 * retention) and a Temporal that does not answer leave the row as it is.
 */
export async function reconcileRun(deps: ReconcileDeps, run: RunRef): Promise<boolean> {
  if (!UNSETTLED_STATUSES.includes(run.status)) return false;
  let described;
  try {
    described = await deps.client.withDeadline(Date.now() + ASK_TEMPORAL_MS, () => deps.client.workflow.getHandle(run.workflowId).describe());
  } catch {
    // WorkflowNotFoundError, or Temporal unavailable or slow: the row stays as it is (reading it must not fail or hang on that).
    return false;
  }
  if (described.status.name === 'RUNNING') return false;
  const outcome = reconciledRun(described.status.name, await closeReason(deps.client, run.workflowId, described.runId), run.lastNode);
  if (!outcome) return false;
  const stoppedAt = described.closeTime ?? new Date();
  // The run and its sub-workflow runs (the child workflows close with it).
  const { rowCount } = await deps.pool.query(
    `WITH RECURSIVE tree(id) AS (
       SELECT $1::text UNION SELECT e.id FROM pipeline_executions e JOIN tree t ON e.parent_execution_id = t.id
     )
     UPDATE pipeline_executions SET status = $2, error = $3::json, wait_till = NULL, stopped_at = COALESCE(stopped_at, $4), updated_at = now()
     WHERE id IN (SELECT id FROM tree) AND status IN ('running', 'waiting')`,
    [run.id, outcome.status, JSON.stringify(outcome.error), stoppedAt],
  );
  return (rowCount ?? 0) > 0;
}

/** Reconciles each of `runs` that is running or waiting; true when any row changed. */
export async function reconcileRuns(deps: ReconcileDeps, runs: readonly RunRef[]): Promise<boolean> {
  const changed = await Promise.all(runs.filter((r) => UNSETTLED_STATUSES.includes(r.status)).map((r) => reconcileRun(deps, r)));
  return changed.some(Boolean);
}

/** The sweep: top-level runs running or waiting for longer than `olderThanSeconds` whose workflow is closed; the number recorded. */
export async function reconcileStuckRuns(deps: ReconcileDeps, olderThanSeconds: number, limit = 500): Promise<number> {
  const { rows } = await deps.pool.query<{ id: string; workflow_id: string; status: 'running' | 'waiting'; last_node: string | null }>(
    `SELECT id, workflow_id, status, last_node FROM pipeline_executions
     WHERE parent_execution_id IS NULL AND status IN ('running', 'waiting') AND started_at < now() - make_interval(secs => $1)
     ORDER BY started_at LIMIT $2`,
    [olderThanSeconds, limit],
  );
  let n = 0;
  for (const r of rows) if (await reconcileRun(deps, { id: r.id, workflowId: r.workflow_id, status: r.status, lastNode: r.last_node })) n++;
  return n;
}
