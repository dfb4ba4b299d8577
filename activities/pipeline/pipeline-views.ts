/**
 * What the API shows of a pipeline run, read from its records: the execution
 * with `nodes` (each node's last run as outputs of items' json, in the order
 * the nodes first ran, as n8n lists them) and one node's every run.
 */
import type { Pool } from 'pg';
import { nodesOutput, type NodesOutput } from '../../domain/pipeline';
import type { ExecutionStatus, NodeRun } from '../../domain/pipeline/types';
import { getExecution, getLastRuns, getRunsOfNode, type ExecutionRow } from './pipeline-store';

export interface ExecutionView {
  readonly id: string;
  readonly workflowId: string;
  readonly pipeline: string;
  readonly mode: string;
  readonly status: ExecutionStatus;
  readonly startedAt: string;
  readonly stoppedAt: string | null;
  readonly waitTill: string | null;
  readonly lastNode: string | null;
  readonly error: { readonly node: string; readonly message: string; readonly description?: string } | null;
  readonly parentExecutionId: string | null;
  /** A stored pipeline's run: its id and the version it was pinned to (null for inline documents). */
  readonly pipelineId: string | null;
  readonly version: number | null;
  readonly trigger: string | null;
  readonly retryOf: string | null;
  readonly nodes: NodesOutput;
}

export interface NodeRunView {
  readonly runIndex: number;
  readonly status: ExecutionStatus;
  readonly startTime: string;
  readonly executionTimeMs: number;
  readonly source: NodeRun['source'];
  readonly outputs: { json: unknown; binary?: unknown; pairedItem?: unknown; error?: unknown }[][];
  readonly error: NodeRun['error'] | null;
  readonly console: string[];
}

const outputsOf = (run: NodeRun) => (run.data?.main ?? []).map((items) => items ?? []);

function errorView(row: ExecutionRow): ExecutionView['error'] {
  if (!row.error) return null;
  return { node: row.error.node, message: row.error.message, ...(typeof row.error.description === 'string' ? { description: row.error.description } : {}) };
}

export async function executionView(pool: Pool, id: string): Promise<ExecutionView | undefined> {
  const row = await getExecution(pool, id);
  if (!row) return undefined;
  const last = await getLastRuns(pool, id);
  const nodes = nodesOutput({ order: last.map((r) => r.node), runData: Object.fromEntries(last.map((r) => [r.node, [r.run]])) });
  return {
    id: row.id,
    workflowId: row.workflowId,
    pipeline: row.pipelineKey,
    mode: row.mode,
    status: row.status,
    startedAt: row.startedAt,
    stoppedAt: row.stoppedAt,
    waitTill: row.waitTill,
    lastNode: row.lastNode,
    error: errorView(row),
    parentExecutionId: row.parentExecutionId,
    pipelineId: row.pipelineVersion !== null ? row.pipelineKey : null,
    version: row.pipelineVersion,
    trigger: row.trigger,
    retryOf: row.retryOf,
    nodes,
  };
}

export async function nodeRunsView(pool: Pool, id: string, node: string): Promise<NodeRunView[] | undefined> {
  const runs = await getRunsOfNode(pool, id, node);
  if (runs.length === 0) return undefined;
  return runs.map(({ runIndex, run }) => ({
    runIndex,
    status: run.executionStatus,
    startTime: new Date(run.startTime).toISOString(),
    executionTimeMs: run.executionTime,
    source: run.source,
    outputs: outputsOf(run).map((items) =>
      items.map((i) => ({ json: i.json, ...(i.binary ? { binary: i.binary } : {}), ...(i.pairedItem !== undefined ? { pairedItem: i.pairedItem } : {}), ...(i.error ? { error: i.error } : {}) })),
    ),
    error: run.error ?? null,
    console: run.console ?? [],
  }));
}
