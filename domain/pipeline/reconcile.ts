/**
 * A run whose workflow was closed from outside WHOOSH — terminated in the
 * Temporal Web UI or with `temporal workflow terminate`, timed out, or failed
 * or cancelled without its code recording it — leaves its row running or
 * waiting. Given how Temporal says the workflow closed, what the row becomes:
 * terminated and cancelled runs are canceled, timed out and failed ones
 * error, each with the reason as its error. Undefined when the workflow is
 * still running or ended normally (its own code records those).
 */
import type { ExecutionStatus, NodeErrorInfo } from './types';

export interface ReconciledRun {
  readonly status: Extract<ExecutionStatus, 'canceled' | 'error'>;
  readonly error: NodeErrorInfo;
}

const OUTCOMES: Record<string, { status: ReconciledRun['status']; name: string; what: string }> = {
  TERMINATED: { status: 'canceled', name: 'WorkflowTerminated', what: 'The run was terminated outside WHOOSH' },
  CANCELLED: { status: 'canceled', name: 'WorkflowCancelled', what: 'The run was cancelled' },
  TIMED_OUT: { status: 'error', name: 'WorkflowTimedOut', what: 'The run timed out' },
  FAILED: { status: 'error', name: 'WorkflowFailed', what: 'The run’s workflow failed' },
};

/** `temporalStatus` is the workflow's status name as describe() gives it; `lastNode` the node the row last recorded. */
export function reconciledRun(temporalStatus: string, reason: string | undefined, lastNode: string | null): ReconciledRun | undefined {
  const outcome = OUTCOMES[temporalStatus];
  if (!outcome) return undefined;
  const why = reason?.trim();
  return {
    status: outcome.status,
    error: { node: lastNode ?? '', name: outcome.name, message: why ? `${outcome.what}: ${why.slice(0, 2000)}` : outcome.what },
  };
}

export const UNSETTLED_STATUSES: readonly ExecutionStatus[] = ['running', 'waiting'];
