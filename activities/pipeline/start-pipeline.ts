/**
 * Starting pipeline runs: one place that records an execution and starts its
 * `pipelineRun` workflow, used by the API (inline documents, stored
 * pipelines, retries), the webhook relay, schedules and the forge trigger.
 * A caller that gives the execution id (derived from a stored request) may
 * call again after a failure: the record is written once and the workflow id
 * is refused a second run, so a re-start never runs the pipeline twice.
 */
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import { createHash, randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { PipelineProblem } from '../../domain/pipeline/stored-pipeline';
import type { Item, N8nWorkflow } from '../../domain/pipeline/types';
import { WHOOSH_KIND, WHOOSH_PIPELINE, WHOOSH_STATUS_DETAIL, WHOOSH_TRIGGER } from '../../domain/search-attributes';
import type { PipelineRunInput } from '../../workflows/pipeline/pipeline-run';
import { documentHash, pipelineWorkflowId } from './pipeline-activities';
import { documentToRun } from './pipeline-catalog';
import { insertExecution, updateExecution, type PipelineMode } from './pipeline-store';

export interface PipelineStartDeps {
  readonly pool: Pool;
  readonly client: Client;
  readonly taskQueue: string;
}

export class PipelineNotFoundError extends Error {
  override readonly name = 'PipelineNotFoundError';
}

/** The version asked for has validation problems (a draft): it cannot run. */
export class PipelineNotRunnableError extends Error {
  override readonly name = 'PipelineNotRunnableError';
  constructor(
    message: string,
    readonly problems: readonly PipelineProblem[],
  ) {
    super(message);
  }
}

/**
 * A UUID (v4 layout) derived from `key`, for idempotent starts: the same event
 * (a schedule firing, a forge delivery) gives the same execution id, so
 * starting it twice is one run.
 */
export function derivedUuid(key: string): string {
  const h = createHash('sha256').update(key).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface RunRequest {
  /** Given: an idempotent start (the same id never runs twice). Omitted: a new run. */
  readonly executionId?: string;
  readonly pipelineKey: string;
  readonly document: N8nWorkflow;
  readonly version?: number;
  readonly input?: Item[];
  readonly mode: PipelineMode;
  readonly trigger: string;
  readonly startNode?: string;
  /** Run only up to this node and the nodes it depends on (n8n's destinationNode). */
  readonly destinationNode?: string;
  readonly retryOf?: string;
}

export interface StartedRun {
  readonly executionId: string;
  readonly workflowId: string;
  readonly version?: number;
}

/** Starts the workflow of an execution already recorded (from step `seq`); starting it again is a no-op. */
export async function startRecordedRun(deps: PipelineStartDeps, run: { executionId: string; workflowId: string; pipelineKey: string; mode: PipelineMode; trigger: string; seq?: number }): Promise<void> {
  try {
    await deps.client.workflow.start('pipelineRun', {
      workflowId: run.workflowId,
      taskQueue: deps.taskQueue,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      args: [{ executionId: run.executionId, pipelineKey: run.pipelineKey, mode: run.mode, ...(run.seq ? { seq: run.seq } : {}) } satisfies PipelineRunInput],
      typedSearchAttributes: [
        { key: WHOOSH_KIND, value: 'pipeline' },
        { key: WHOOSH_PIPELINE, value: run.pipelineKey },
        { key: WHOOSH_TRIGGER, value: run.trigger },
        { key: WHOOSH_STATUS_DETAIL, value: 'running' },
      ],
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

/** Records an execution and starts its run. A new run (no executionId given) that cannot start is recorded as failed. */
export async function startPipelineRun(deps: PipelineStartDeps, r: RunRequest): Promise<StartedRun> {
  const executionId = r.executionId ?? randomUUID();
  const workflowId = pipelineWorkflowId(r.pipelineKey, executionId);
  await insertExecution(deps.pool, {
    id: executionId,
    workflowId,
    pipelineKey: r.pipelineKey,
    document: r.document,
    documentHash: documentHash(r.document),
    mode: r.mode,
    trigger: r.trigger,
    ...(r.input ? { input: r.input } : {}),
    ...(r.version !== undefined ? { pipelineVersion: r.version } : {}),
    ...(r.startNode ? { startNode: r.startNode } : {}),
    ...(r.destinationNode ? { destinationNode: r.destinationNode } : {}),
    ...(r.retryOf ? { retryOf: r.retryOf } : {}),
  });
  try {
    await startRecordedRun(deps, { executionId, workflowId, pipelineKey: r.pipelineKey, mode: r.mode, trigger: r.trigger });
  } catch (err) {
    if (r.executionId === undefined) {
      await updateExecution(deps.pool, executionId, { status: 'error', stoppedAt: Date.now(), error: { node: '', message: `the run could not start: ${err instanceof Error ? err.message : String(err)}` } });
    }
    throw err;
  }
  return { executionId, workflowId, ...(r.version !== undefined ? { version: r.version } : {}) };
}

export interface StoredRunRequest {
  readonly pipelineId: string;
  /** Default: the active version, else the latest. */
  readonly version?: number;
  readonly input?: Item[];
  readonly mode?: PipelineMode;
  /** manual, webhook, schedule, forge, …: shown in the executions list and filterable. */
  readonly trigger: string;
  /** The trigger node to start from (a Webhook, Schedule or forge trigger); default the Manual Trigger, else the first trigger. */
  readonly startNode?: string;
  /** Run only up to this node and the nodes it depends on (the editor's "up to the open node"). */
  readonly destinationNode?: string;
  readonly executionId?: string;
}

/** Runs a stored pipeline pinned to one version; throws PipelineNotFoundError / PipelineNotRunnableError. */
export async function startStoredPipeline(deps: PipelineStartDeps, r: StoredRunRequest): Promise<StartedRun & { version: number }> {
  const stored = await documentToRun(deps.pool, r.pipelineId, r.version);
  if (!stored) throw new PipelineNotFoundError(r.version === undefined ? `No pipeline ${r.pipelineId}` : `Pipeline ${r.pipelineId} has no version ${r.version}`);
  if (stored.problems.length > 0) throw new PipelineNotRunnableError(`Pipeline ${r.pipelineId} version ${stored.version} has problems and cannot run`, stored.problems);
  const destination = r.destinationNode;
  if (destination !== undefined && !stored.document.nodes.some((n) => n.name === destination)) {
    throw new PipelineNotRunnableError(`Pipeline ${r.pipelineId} version ${stored.version} has no node "${destination}" to run up to`, [{ node: destination, message: `No node "${destination}" in this version` }]);
  }
  const started = await startPipelineRun(deps, {
    pipelineKey: r.pipelineId,
    document: stored.document,
    version: stored.version,
    mode: r.mode ?? 'manual',
    trigger: r.trigger,
    ...(r.input ? { input: r.input } : {}),
    ...(r.startNode ? { startNode: r.startNode } : {}),
    ...(r.destinationNode ? { destinationNode: r.destinationNode } : {}),
    ...(r.executionId ? { executionId: r.executionId } : {}),
  });
  return { ...started, version: stored.version };
}

/** Waits up to `timeoutMs` for a run's workflow to end (a failed run has ended too); true when it did. */
export async function awaitRun(client: Client, workflowId: string, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const ended = await Promise.race([
    client.workflow
      .getHandle(workflowId)
      .result()
      .then(
        () => true,
        () => true,
      ),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
  ]);
  clearTimeout(timer);
  return ended;
}
