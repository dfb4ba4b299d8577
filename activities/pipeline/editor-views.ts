/**
 * What the pipeline editor reads besides the execution view: an execution as
 * the canvas draws it (each node's status, runs, item counts per output, and
 * the node the run is at), and the live preview of an expression evaluated in
 * the sandbox against a past run's data of the nodes before it.
 */
import type { Pool } from 'pg';
import { createDataAccess, type ExecutionView } from '../../domain/pipeline/data-access';
import { previewInput } from '../../domain/pipeline/preview-input';
import type { ExecutionStatus, N8nWorkflow, RunData, Step } from '../../domain/pipeline/types';
import { getExecution, getNodeRuns, getStepDescriptor } from './pipeline-store';
import { createSandbox, loadSandboxEngine } from './sandbox';

export interface CanvasNode {
  readonly status: ExecutionStatus;
  readonly runs: number;
  /** Items of the last run, per output. */
  readonly items: number[];
  /** Items over every run, per output (what an edge carried in total). */
  readonly totalItems: number[];
  readonly executionTimeMs: number;
  readonly error: { readonly message: string; readonly description?: string } | null;
}

export type CurrentKind = 'activity' | 'wait' | 'child' | 'approval';

const CURRENT_KIND: Partial<Record<Step['kind'], CurrentKind>> = { activity: 'activity', llm: 'activity', wait: 'wait', webhookWait: 'wait', child: 'child', agentWorkflow: 'child', approval: 'approval' };

export interface CanvasView {
  readonly executionId: string;
  readonly status: ExecutionStatus;
  /**
   * The node the run is at: an activity running (an LLM call too), a Wait
   * waiting, a sub-workflow's (or a team's, a council's) children, or an
   * Approval waiting for a person, with its message.
   */
  readonly current: { readonly node: string; readonly kind: CurrentKind; readonly message?: string } | null;
  readonly nodes: Record<string, CanvasNode>;
}

async function runDataOf(pool: Pool, executionId: string): Promise<RunData> {
  const runData: Record<string, RunData[string][number][]> = {};
  for (const r of await getNodeRuns(pool, executionId)) (runData[r.node] ??= [])[r.runIndex] = r.run;
  return runData;
}

export async function canvasView(pool: Pool, executionId: string): Promise<CanvasView | undefined> {
  const row = await getExecution(pool, executionId);
  if (!row) return undefined;
  const runData = await runDataOf(pool, executionId);
  const nodes: Record<string, CanvasNode> = {};
  for (const [name, runs] of Object.entries(runData)) {
    const last = runs[runs.length - 1]!;
    const total: number[] = [];
    for (const run of runs) (run.data?.main ?? []).forEach((items, o) => (total[o] = (total[o] ?? 0) + (items?.length ?? 0)));
    nodes[name] = {
      status: last.executionStatus,
      runs: runs.length,
      items: (last.data?.main ?? []).map((items) => items?.length ?? 0),
      totalItems: Array.from(total, (n) => n ?? 0),
      executionTimeMs: runs.reduce((sum, r) => sum + r.executionTime, 0),
      error: last.error ? { message: last.error.message, ...(last.error.description ? { description: last.error.description } : {}) } : null,
    };
  }
  let current: CanvasView['current'] = null;
  if (row.status === 'running' || row.status === 'waiting') {
    const info = await getStepDescriptor<{ step: Step }>(pool, executionId, row.currentSeq);
    const step = info?.step;
    const kind = step ? CURRENT_KIND[step.kind] : undefined;
    if (step && kind && 'node' in step) current = { node: step.node, kind, ...(step.kind === 'approval' ? { message: step.message } : {}) };
  }
  return { executionId, status: row.status, current, nodes };
}

export interface PreviewRequest {
  readonly expression: string;
  readonly nodeName: string;
  readonly document: N8nWorkflow;
  readonly executionId?: string;
  readonly itemIndex?: number;
}

export type PreviewResult =
  | { readonly ok: true; readonly value: unknown; readonly itemIndex: number; readonly itemCount: number; readonly executionId: string | null }
  | { readonly ok: false; readonly error: { readonly message: string; readonly description?: string }; readonly itemIndex: number; readonly itemCount: number; readonly executionId: string | null };

/** undefined when the node is not in the document or the execution does not exist. */
export async function previewExpression(pool: Pool, req: PreviewRequest, opts: { timezone?: string; vars?: Record<string, string> } = {}): Promise<PreviewResult | undefined> {
  let runData: RunData = {};
  if (req.executionId) {
    if (!(await getExecution(pool, req.executionId))) return undefined;
    runData = await runDataOf(pool, req.executionId);
  }
  const input = previewInput(req.document, runData, req.nodeName);
  if (!input) return undefined;
  const itemIndex = Math.min(req.itemIndex ?? 0, Math.max(0, input.items.length - 1));
  const base = { itemIndex, itemCount: input.items.length, executionId: req.executionId ?? null };
  await loadSandboxEngine();
  // Short limits: this answers keystrokes.
  const sandbox = createSandbox({ timeoutMs: 1000, memoryLimitBytes: 32 * 1024 * 1024, maxOutputChars: 256 * 1024 });
  try {
    const view: ExecutionView = {
      doc: req.document,
      runData,
      node: input.node,
      runIndex: input.runIndex,
      items: input.items,
      source: input.source,
      host: {
        sandbox,
        now: Date.now(),
        timezone: req.document.settings?.timezone ?? opts.timezone ?? 'UTC',
        vars: opts.vars ?? {},
        execution: { id: req.executionId ?? 'preview', mode: 'manual', resumeUrl: '' },
        workflow: { id: String(req.document.id ?? ''), name: req.document.name ?? '', active: false },
      },
    };
    const expression = req.expression.startsWith('=') ? req.expression : `=${req.expression}`;
    const value = sandbox.evaluate(expression, createDataAccess(view, itemIndex));
    return { ok: true, value: value === undefined ? null : value, ...base };
  } catch (err) {
    const e = err as { message?: string; description?: unknown };
    return { ok: false, error: { message: e.message ?? String(err), ...(typeof e.description === 'string' ? { description: e.description } : {}) }, ...base };
  } finally {
    sandbox.dispose();
  }
}
