/**
 * Retry from the failed node, as n8n's "Retry with original workflow": the
 * failed run's state goes on from the node that failed, with the input it got,
 * and the recorded runs of the nodes before it stay as they were — they do not
 * run again. The failed node's error run is dropped so it runs afresh as the
 * same run index.
 */
import type { EngineState, NodeRun } from './types';

export type RetryPlan = { readonly ok: true; readonly state: Omit<EngineState, 'runData'>; readonly drop: { readonly node: string; readonly runIndex: number } } | { readonly ok: false; readonly reason: string };

/** The state a retry of a failed run starts from, and which recorded run it drops. `runs`: the failed node's runs. */
export function retryFromFailedNode(state: Omit<EngineState, 'runData'>, failedNodeRuns: readonly NodeRun[], executionId: string): RetryPlan {
  if (state.status !== 'error' || !state.error) return { ok: false, reason: 'the run did not fail' };
  const node = state.error.node;
  const top = state.stack[0];
  if (!top || top.node !== node) return { ok: false, reason: `the run did not stop at a node ("${node}") it could go on from; retry from the start` };
  const last = failedNodeRuns.length - 1;
  if (last < 0 || failedNodeRuns[last]!.executionStatus !== 'error') return { ok: false, reason: `node "${node}" has no failed run to retry` };
  const { error: _error, blocked: _blocked, ...rest } = state;
  return {
    ok: true,
    state: { ...rest, executionId, status: 'running', lastExecutionTry: '' },
    drop: { node, runIndex: last },
  };
}
