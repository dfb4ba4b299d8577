/**
 * Pipeline runs in Postgres: executions, the immutable engine state of each
 * step, what side-effect nodes and sub-workflows gave back (by reference), and
 * every node run. Written by the pipeline activities, read by the API.
 */
import { inTransaction } from '../transaction';
import type { Pool, PoolClient } from 'pg';
import type { ExecutionStatus, Item, N8nWorkflow, NodeErrorInfo, NodeRun, RecordedRun } from '../../domain/pipeline/types';

type Queryable = Pool | PoolClient;

export type PipelineMode = 'manual' | 'trigger' | 'webhook' | 'integrated' | 'cli';

export interface NewExecution {
  readonly id: string;
  readonly workflowId: string;
  readonly pipelineKey: string;
  readonly document: N8nWorkflow;
  readonly documentHash: string;
  readonly input?: Item[];
  readonly mode: PipelineMode;
  readonly parentExecutionId?: string;
  readonly parentNode?: string;
  /** A stored pipeline's run: the version it is pinned to. */
  readonly pipelineVersion?: number;
  /** The node to start from; by default the engine's choice (a Manual Trigger first). */
  readonly startNode?: string;
  /** Run only up to this node and the nodes it depends on (n8n's destinationNode). */
  readonly destinationNode?: string;
  /** What started it: manual, webhook, schedule, executeWorkflow, forge, retry. */
  readonly trigger?: string;
  /** The execution this one retries. */
  readonly retryOf?: string;
}

export interface ExecutionRow {
  readonly id: string;
  readonly workflowId: string;
  readonly pipelineKey: string;
  readonly documentHash: string;
  readonly mode: PipelineMode;
  readonly parentExecutionId: string | null;
  readonly status: ExecutionStatus;
  readonly currentSeq: number;
  readonly waitTill: string | null;
  readonly lastNode: string | null;
  readonly error: NodeErrorInfo | null;
  readonly startedAt: string;
  readonly stoppedAt: string | null;
  readonly pipelineVersion: number | null;
  readonly trigger: string | null;
  readonly retryOf: string | null;
}

export interface ExecutionSource {
  readonly document: N8nWorkflow;
  readonly input: Item[] | null;
  readonly mode: PipelineMode;
  readonly workflowId: string;
  readonly startNode: string | null;
  readonly destinationNode: string | null;
}

/** A node run as stored: which node, which of its runs, when the node first ran among the others (as the engine records it). */
export type StoredNodeRun = RecordedRun;

export async function insertExecution(db: Queryable, e: NewExecution): Promise<void> {
  await db.query(
    `INSERT INTO pipeline_executions (id, workflow_id, pipeline_key, document, document_hash, input, mode, parent_execution_id, parent_node, status, pipeline_version, start_node, trigger, retry_of, destination_node)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'running', $10, $11, $12, $13, $14)
     ON CONFLICT (id) DO NOTHING`,
    [
      e.id,
      e.workflowId,
      e.pipelineKey,
      JSON.stringify(e.document),
      e.documentHash,
      e.input === undefined ? null : JSON.stringify(e.input),
      e.mode,
      e.parentExecutionId ?? null,
      e.parentNode ?? null,
      e.pipelineVersion ?? null,
      e.startNode ?? null,
      e.trigger ?? null,
      e.retryOf ?? null,
      e.destinationNode ?? null,
    ],
  );
}

export interface ExecutionDbRow {
  id: string;
  workflow_id: string;
  pipeline_key: string;
  document_hash: string;
  mode: PipelineMode;
  parent_execution_id: string | null;
  status: ExecutionStatus;
  current_seq: number;
  wait_till: Date | null;
  last_node: string | null;
  error: NodeErrorInfo | null;
  started_at: Date;
  stopped_at: Date | null;
  pipeline_version: number | null;
  trigger: string | null;
  retry_of: string | null;
}

export const EXECUTION_COLUMNS = 'id, workflow_id, pipeline_key, document_hash, mode, parent_execution_id, status, current_seq, wait_till, last_node, error, started_at, stopped_at, pipeline_version, trigger, retry_of';

export function executionOf(r: ExecutionDbRow): ExecutionRow {
  return {
    id: r.id,
    workflowId: r.workflow_id,
    pipelineKey: r.pipeline_key,
    documentHash: r.document_hash,
    mode: r.mode,
    parentExecutionId: r.parent_execution_id,
    status: r.status,
    currentSeq: r.current_seq,
    waitTill: r.wait_till?.toISOString() ?? null,
    lastNode: r.last_node,
    error: r.error,
    startedAt: r.started_at.toISOString(),
    stoppedAt: r.stopped_at?.toISOString() ?? null,
    pipelineVersion: r.pipeline_version,
    trigger: r.trigger,
    retryOf: r.retry_of,
  };
}

export async function getExecution(db: Queryable, id: string): Promise<ExecutionRow | undefined> {
  const { rows } = await db.query<ExecutionDbRow>(`SELECT ${EXECUTION_COLUMNS} FROM pipeline_executions WHERE id = $1`, [id]);
  return rows[0] ? executionOf(rows[0]) : undefined;
}

export async function getExecutionSource(db: Queryable, id: string): Promise<ExecutionSource | undefined> {
  const { rows } = await db.query<{ document: N8nWorkflow; input: Item[] | null; mode: PipelineMode; workflow_id: string; start_node: string | null; destination_node: string | null }>(
    'SELECT document, input, mode, workflow_id, start_node, destination_node FROM pipeline_executions WHERE id = $1',
    [id],
  );
  const r = rows[0];
  return r ? { document: r.document, input: r.input, mode: r.mode, workflowId: r.workflow_id, startNode: r.start_node, destinationNode: r.destination_node } : undefined;
}

export interface ExecutionUpdate {
  readonly status: ExecutionStatus;
  readonly seq?: number;
  readonly lastNode?: string | null;
  readonly error?: NodeErrorInfo | null;
  readonly waitTill?: number | null;
  /** Epoch ms; set when the run ends. */
  readonly stoppedAt?: number;
}

/**
 * The SET list of an execution's update, its parameters numbered from `first`
 * (the one UPDATE both updateExecution and storeStep's single statement run).
 */
function executionSet(first: number): string {
  const p = (n: number) => `$${first + n}`;
  return `status = ${p(0)},
       current_seq = GREATEST(current_seq, COALESCE(${p(1)}, current_seq)),
       last_node = COALESCE(${p(2)}, last_node),
       error = CASE WHEN ${p(3)}::boolean THEN ${p(4)}::json ELSE error END,
       wait_till = ${p(5)},
       stopped_at = COALESCE(stopped_at, ${p(6)}),
       updated_at = now()`;
}

const executionSetParams = (u: ExecutionUpdate) => [
  u.status,
  u.seq ?? null,
  u.lastNode ?? null,
  u.error !== undefined,
  u.error ? JSON.stringify(u.error) : null,
  u.waitTill ? new Date(u.waitTill) : null,
  u.stoppedAt !== undefined ? new Date(u.stoppedAt) : null,
];

export async function updateExecution(db: Queryable, id: string, u: ExecutionUpdate): Promise<void> {
  await db.query(`UPDATE pipeline_executions SET ${executionSet(2)} WHERE id = $1`, [id, ...executionSetParams(u)]);
}

// ---------------------------------------------------------------- steps

export interface StoredStep<S, D> {
  readonly state: S;
  readonly step: D;
}

export async function getStep<S, D>(db: Queryable, executionId: string, seq: number): Promise<StoredStep<S, D> | undefined> {
  const { rows } = await db.query<{ state: S; step: D }>('SELECT state, step FROM pipeline_states WHERE execution_id = $1 AND seq = $2', [executionId, seq]);
  return rows[0];
}

export async function getStepDescriptor<D>(db: Queryable, executionId: string, seq: number): Promise<D | undefined> {
  const { rows } = await db.query<{ step: D }>('SELECT step FROM pipeline_states WHERE execution_id = $1 AND seq = $2', [executionId, seq]);
  return rows[0]?.step;
}

export interface StepRecord {
  readonly executionId: string;
  readonly seq: number;
  readonly state: unknown;
  readonly step: unknown;
  /** The step's new node runs, each as runRecord made it. */
  readonly runs: readonly string[];
  readonly children: readonly NewExecution[];
  readonly update: ExecutionUpdate;
}

/** A node run as json_to_recordset reads it: JSON text, made once, as the run is recorded. */
export function runRecord(r: StoredNodeRun): string {
  return JSON.stringify({
    node: r.node,
    run_index: r.runIndex,
    first_order: r.firstOrder,
    status: r.run.executionStatus,
    start_time: r.run.startTime,
    execution_ms: Math.round(r.run.executionTime),
    error: r.run.error ?? null,
    run: r.run,
  });
}

const childRecords = (children: readonly NewExecution[]) =>
  JSON.stringify(
    children.map((e) => ({
      id: e.id,
      workflow_id: e.workflowId,
      pipeline_key: e.pipelineKey,
      document: e.document,
      document_hash: e.documentHash,
      input: e.input ?? null,
      mode: e.mode,
      parent_execution_id: e.parentExecutionId ?? null,
      parent_node: e.parentNode ?? null,
      pipeline_version: e.pipelineVersion ?? null,
    })),
  );

const INSERT_RUNS = `INSERT INTO pipeline_node_runs (execution_id, node, run_index, first_order, seq, status, start_time, execution_ms, error, run)
  SELECT $1, r.node, r.run_index, r.first_order, $2, r.status, to_timestamp(r.start_time / 1000.0), r.execution_ms, r.error, r.run
  FROM json_to_recordset($3::json) AS r(node text, run_index int, first_order int, status text, start_time double precision, execution_ms int, error json, run json)
  ON CONFLICT (execution_id, node, run_index) DO NOTHING`;

const INSERT_CHILDREN = `INSERT INTO pipeline_executions (id, workflow_id, pipeline_key, document, document_hash, input, mode, parent_execution_id, parent_node, status, pipeline_version, trigger)
  SELECT c.id, c.workflow_id, c.pipeline_key, c.document, c.document_hash, c.input, c.mode, c.parent_execution_id, c.parent_node, 'running', c.pipeline_version, 'executeWorkflow'
  FROM json_to_recordset($1::json) AS c(id text, workflow_id text, pipeline_key text, document json, document_hash text, input json, mode text, parent_execution_id text, parent_node text, pipeline_version int)
  ON CONFLICT (id) DO NOTHING`;

/** Up to this much JSON, a step is stored by one statement (one round trip); past it, by a transaction of chunks. */
const ONE_STATEMENT_CHARS = 4_000_000;

/**
 * Step `seq`, its node runs, the children it starts and the execution's new
 * status, atomically. Returns false when the step was stored already (a
 * retried advance, or another worker first), in which case nothing is written.
 */
export async function storeStep(pool: Pool, s: StepRecord): Promise<boolean> {
  const runs = s.runs;
  const state = JSON.stringify(s.state);
  const size = state.length + runs.reduce((n, r) => n + r.length, 0);
  const updateParams = executionSetParams(s.update);
  if (size <= ONE_STATEMENT_CHARS) {
    // One statement is one atomic unit: every part depends on the step row being new.
    const { rows } = await pool.query<{ stored: number }>(
      `WITH s AS (
         INSERT INTO pipeline_states (execution_id, seq, state, step) VALUES ($1, $2, $3, $4) ON CONFLICT (execution_id, seq) DO NOTHING RETURNING seq
       ), r AS (
         INSERT INTO pipeline_node_runs (execution_id, node, run_index, first_order, seq, status, start_time, execution_ms, error, run)
         SELECT $1, r.node, r.run_index, r.first_order, $2, r.status, to_timestamp(r.start_time / 1000.0), r.execution_ms, r.error, r.run
         FROM json_to_recordset($5::json) AS r(node text, run_index int, first_order int, status text, start_time double precision, execution_ms int, error json, run json)
         WHERE EXISTS (SELECT 1 FROM s)
         ON CONFLICT (execution_id, node, run_index) DO NOTHING
       ), c AS (
         INSERT INTO pipeline_executions (id, workflow_id, pipeline_key, document, document_hash, input, mode, parent_execution_id, parent_node, status, pipeline_version, trigger)
         SELECT c.id, c.workflow_id, c.pipeline_key, c.document, c.document_hash, c.input, c.mode, c.parent_execution_id, c.parent_node, 'running', c.pipeline_version, 'executeWorkflow'
         FROM json_to_recordset($6::json) AS c(id text, workflow_id text, pipeline_key text, document json, document_hash text, input json, mode text, parent_execution_id text, parent_node text, pipeline_version int)
         WHERE EXISTS (SELECT 1 FROM s)
         ON CONFLICT (id) DO NOTHING
       ), u AS (
         UPDATE pipeline_executions SET ${executionSet(7)}
         WHERE id = $1 AND EXISTS (SELECT 1 FROM s)
       )
       SELECT count(*)::int AS stored FROM s`,
      [s.executionId, s.seq, state, JSON.stringify(s.step), `[${runs.join(',')}]`, childRecords(s.children), ...updateParams],
    );
    return rows[0]!.stored === 1;
  }

  return inTransaction(pool, async (client) => {
    const inserted = await client.query(
      `INSERT INTO pipeline_states (execution_id, seq, state, step) VALUES ($1, $2, $3, $4) ON CONFLICT (execution_id, seq) DO NOTHING`,
      [s.executionId, s.seq, state, JSON.stringify(s.step)],
    );
    // Stored already (a retried advance): nothing written, nothing to do.
    if (inserted.rowCount === 0) return false;
    // Big runs (10,000 items through a node) go a few at a time, so no one statement holds them all in memory.
    let chunk: string[] = [];
    let chunkChars = 0;
    const flush = async () => {
      if (chunk.length === 0) return;
      await client.query(INSERT_RUNS, [s.executionId, s.seq, `[${chunk.join(',')}]`]);
      chunk = [];
      chunkChars = 0;
    };
    for (const r of runs) {
      if (chunkChars + r.length > ONE_STATEMENT_CHARS) await flush();
      chunk.push(r);
      chunkChars += r.length;
    }
    await flush();
    if (s.children.length > 0) await client.query(INSERT_CHILDREN, [childRecords(s.children)]);
    await updateExecution(client, s.executionId, s.update);
    return true;
  });
}

// ---------------------------------------------------------------- resumes

export async function storeResume(db: Queryable, executionId: string, seq: number, result: unknown): Promise<void> {
  await db.query(`INSERT INTO pipeline_resumes (execution_id, seq, result) VALUES ($1, $2, $3) ON CONFLICT (execution_id, seq) DO NOTHING`, [executionId, seq, JSON.stringify(result)]);
}

export async function getResume<R>(db: Queryable, executionId: string, seq: number): Promise<R | undefined> {
  const { rows } = await db.query<{ result: R }>('SELECT result FROM pipeline_resumes WHERE execution_id = $1 AND seq = $2', [executionId, seq]);
  return rows[0]?.result;
}

// ---------------------------------------------------------------- node runs

/** Every run of every node, in the order nodes first ran, then by run. */
export async function getNodeRuns(db: Queryable, executionId: string, upToSeq?: number): Promise<StoredNodeRun[]> {
  const { rows } = await db.query<{ node: string; run_index: number; first_order: number; run: NodeRun }>(
    'SELECT node, run_index, first_order, run FROM pipeline_node_runs WHERE execution_id = $1 AND seq <= $2 ORDER BY first_order, run_index',
    [executionId, upToSeq ?? 2 ** 31 - 1],
  );
  return rows.map((r) => ({ node: r.node, runIndex: r.run_index, firstOrder: r.first_order, run: r.run }));
}

/** The last run of each node, in the order nodes first ran. */
export async function getLastRuns(db: Queryable, executionId: string): Promise<StoredNodeRun[]> {
  const { rows } = await db.query<{ node: string; run_index: number; first_order: number; run: NodeRun }>(
    `SELECT DISTINCT ON (first_order) node, run_index, first_order, run FROM pipeline_node_runs
     WHERE execution_id = $1 ORDER BY first_order, run_index DESC`,
    [executionId],
  );
  return rows.map((r) => ({ node: r.node, runIndex: r.run_index, firstOrder: r.first_order, run: r.run }));
}

export async function getRunsOfNode(db: Queryable, executionId: string, node: string): Promise<StoredNodeRun[]> {
  const { rows } = await db.query<{ node: string; run_index: number; first_order: number; run: NodeRun }>(
    'SELECT node, run_index, first_order, run FROM pipeline_node_runs WHERE execution_id = $1 AND node = $2 ORDER BY run_index',
    [executionId, node],
  );
  return rows.map((r) => ({ node: r.node, runIndex: r.run_index, firstOrder: r.first_order, run: r.run }));
}

/** The last run of one node (a sub-workflow's result is its last node's output). */
export async function getLastRunOf(db: Queryable, executionId: string, node: string): Promise<NodeRun | undefined> {
  const { rows } = await db.query<{ run: NodeRun }>('SELECT run FROM pipeline_node_runs WHERE execution_id = $1 AND node = $2 ORDER BY run_index DESC LIMIT 1', [executionId, node]);
  return rows[0]?.run;
}

/** Every run of every node of an execution, by node (index = run index). */
export async function getAllRuns(db: Queryable, executionId: string): Promise<Map<string, NodeRun[]>> {
  const { rows } = await db.query<{ node: string; run: NodeRun }>('SELECT node, run FROM pipeline_node_runs WHERE execution_id = $1 ORDER BY node, run_index', [executionId]);
  const runs = new Map<string, NodeRun[]>();
  for (const r of rows) {
    const list = runs.get(r.node) ?? [];
    list.push(r.run);
    runs.set(r.node, list);
  }
  return runs;
}
