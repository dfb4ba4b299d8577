/**
 * One durable LLM call with failover. Routing reserves a node (and so a task
 * queue); the node's worker runs the streamed call. When a node fails the call
 * — dead, saturated past its retries, stalled past the heartbeat timeout, or
 * lacking the model — the call is routed again without that node. With no
 * eligible node, the workflow waits durably for one, up to the configured
 * bound, then fails with a clear NoEligibleNode error.
 *
 * `callLlmWithFailover` runs inside any workflow (its attempts show in that history);
 * `llmCall` is the same as a workflow of its own.
 */
import { isCancellation, log, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { LlmActivities } from '../activities/ollama/llm-activity';
import { failureMessage, failureType, nonRetryableFailure, type FailureType } from '../domain/failures';
import type { LlmAttempt, LlmRequest, LlmResult } from '../domain/routing/llm-call';
import type { CallNeeds } from '../domain/routing/route-call';
import { DATABASE } from './activity-profiles';

const { reserveLlmNode, releaseLlmCall } = proxyActivities<Activities>(DATABASE);

/** Failures no other node can fix. */
const FATAL: ReadonlySet<string> = new Set<FailureType>(['InvalidLlmRequest']);

/** `needs`: what the node must offer (route-call.ts); `request`: what to ask it. */
export async function callLlmWithFailover(input: { readonly needs: CallNeeds; readonly request: LlmRequest }): Promise<LlmResult> {
  const failedOver: LlmAttempt[] = [];
  let exclude: string[] = [];
  let waitedMs = 0;
  for (;;) {
    const r = await reserveLlmNode({ needs: input.needs, exclude });
    const s = r.settings;
    if (!r.ok) {
      const budgetMs = s.waitForNodeSeconds * 1000;
      if (waitedMs >= budgetMs) {
        throw nonRetryableFailure('NoEligibleNode', `no agent node could serve the call after waiting ${s.waitForNodeSeconds}s: ${r.message}`, [
          { reason: r.reason, failedOver },
        ]);
      }
      const pollMs = Math.min(5000, Math.max(500, budgetMs / 10));
      log.info('no eligible agent node; waiting', { reason: r.reason, waitedMs, pollMs });
      await sleep(pollMs);
      waitedMs += pollMs;
      // Nodes that failed earlier may have recovered by now.
      if (r.reason === 'all-excluded') exclude = [];
      continue;
    }
    waitedMs = 0;
    const { llmChat } = proxyActivities<LlmActivities>({
      taskQueue: r.taskQueue,
      scheduleToStartTimeout: `${s.queueTimeoutSeconds}s`,
      startToCloseTimeout: `${s.callTimeoutSeconds}s`,
      heartbeatTimeout: `${s.heartbeatTimeoutSeconds}s`,
      retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: s.attemptsPerNode },
      // A call displaced from a failed node has waited its turn once already: it goes ahead of fresh calls.
      priority: { priorityKey: failedOver.length > 0 ? 1 : 3 },
    });
    try {
      const result = await llmChat({ ...input.request, callId: r.callId, model: r.model });
      return { ...result, failedOver };
    } catch (err) {
      if (isCancellation(err)) throw err;
      const f = { type: failureType(err), message: failureMessage(err) };
      await releaseLlmCall({ callId: r.callId, reason: f.message });
      if (f.type !== undefined && FATAL.has(f.type)) throw err;
      log.warn('agent node failed the call; routing it again', { nodeId: r.nodeId, type: f.type, error: f.message });
      failedOver.push({ nodeId: r.nodeId, error: f.message, type: f.type });
      exclude = [...exclude, r.nodeId];
    }
  }
}

export async function llmCall(input: { readonly needs: CallNeeds; readonly request: LlmRequest }): Promise<LlmResult> {
  log.info('LLM call', { workflowId: workflowInfo().workflowId, needs: input.needs });
  return callLlmWithFailover(input);
}
