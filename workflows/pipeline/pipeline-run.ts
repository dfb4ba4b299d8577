/**
 * One run of an n8n document, durably. All of n8n's semantics run inside the
 * `advancePipeline` local activity, one call per segment of pure nodes; this
 * loop only does what the engine cannot do by itself:
 *
 *   advance → side-effect node (activity, the node's retry settings)
 *           → Wait (durable timer; on webhook, a signal from the resume URL, wait-webhook-step)
 *           → Execute Sub-workflow (child pipelineRun workflows)
 *           → LLM calls on the fleet (llm-step), a person's approval (approval-step),
 *             team formations and council kickoffs (agent-workflow-step)
 *           → done / error
 *
 * Items never pass through here: steps, node results and children's outputs
 * are in Postgres, and the history holds execution ids and step numbers, so
 * the run continues as new with { seq, resume } long before Temporal's limits.
 */
import {
  CancellationScope,
  ParentClosePolicy,
  continueAsNew,
  executeChild,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  sleep,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { ExecutionStatus } from '../../domain/pipeline/types';
import type { ChildRef, PipelineActivities, ResumeInput, StepDescriptor } from '../../activities/pipeline/pipeline-activities';
import { WHOOSH_KIND, WHOOSH_PIPELINE, WHOOSH_STATUS_DETAIL, WHOOSH_TRIGGER } from '../../domain/search-attributes';
import { failureMessage, nonRetryableFailure } from '../../domain/failures';
import { runAgentWorkflowStep } from './agent-workflow-step';
import { runLlmStep } from './llm-step';
import { awaitApproval, installApprovalHandlers } from './approval-step';
import { awaitWaitWebhook, installWaitWebhookHandler } from './wait-webhook-step';

export interface PipelineRunInput {
  readonly executionId: string;
  readonly pipelineKey: string;
  readonly mode?: string;
  /** Where a continued run goes on from. */
  readonly seq?: number;
  readonly resume?: ResumeInput;
  /** Continue as new past this many history events (Temporal suggests it too, well before its limits). */
  readonly historyLimit?: number;
}

export interface PipelineRunResult {
  readonly executionId: string;
  readonly status: 'success' | 'error';
  readonly error?: { readonly node: string; readonly message: string };
}

const HISTORY_LIMIT = 5_000;

const { advancePipeline, finishPipeline } = proxyLocalActivities<PipelineActivities>({
  // A segment of 10,000 items through 20 nodes is seconds; the SDK heartbeats the workflow task meanwhile.
  startToCloseTimeout: '5m',
  localRetryThreshold: '10s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 10, nonRetryableErrorTypes: ['PipelineEngineError'] },
});

/** Activity nodes without side effects (Crypto): repeating them is harmless, so a lost worker costs nothing. */
const HARMLESS = new Set(['n8n-nodes-base.crypto']);

/** A side-effect node: retried only as the node's retryOnFail says (n8n never repeats a request otherwise). */
function nodeActivity(step: Extract<StepDescriptor, { kind: 'activity' }>) {
  return proxyActivities<PipelineActivities>({
    startToCloseTimeout: '10m',
    heartbeatTimeout: '30s',
    retry: step.retry
      ? { maximumAttempts: step.retry.maxTries, initialInterval: `${Math.max(1, step.retry.waitBetweenTries)}ms`, backoffCoefficient: 1 }
      : { maximumAttempts: HARMLESS.has(step.nodeType) ? 3 : 1 },
  }).runPipelineNode;
}

export async function pipelineRun(input: PipelineRunInput): Promise<PipelineRunResult> {
  const { executionId } = input;
  const limit = input.historyLimit ?? HISTORY_LIMIT;
  let seq = input.seq ?? 0;
  let resume = input.resume;
  let shown: ExecutionStatus | undefined;
  const show = (status: ExecutionStatus): void => {
    if (status === shown) return;
    shown = status;
    upsertSearchAttributes([
      { key: WHOOSH_KIND, value: 'pipeline' },
      { key: WHOOSH_PIPELINE, value: input.pipelineKey },
      { key: WHOOSH_TRIGGER, value: input.mode ?? 'manual' },
      { key: WHOOSH_STATUS_DETAIL, value: status },
    ]);
  };

  installApprovalHandlers();
  // A handler adds no command: older histories replay as before.
  installWaitWebhookHandler();
  try {
    for (let steps = 0; ; steps++) {
      const info = workflowInfo();
      if (steps > 0 && (info.continueAsNewSuggested || info.historyLength > limit)) {
        await continueAsNew<typeof pipelineRun>({ ...input, seq, resume });
      }
      const step = await advancePipeline({ executionId, seq, resume, now: Date.now() });
      seq = step.seq;
      resume = undefined;
      switch (step.kind) {
        case 'done':
          show('success');
          return { executionId, status: 'success' };
        case 'error':
          show('error');
          throw nonRetryableFailure('PipelineFailed', `${step.error.node}: ${step.error.message}`, [step.error]);
        case 'activity':
          show('running');
          try {
            await nodeActivity(step)({ executionId, seq });
            resume = { kind: 'stored' };
          } catch (err) {
            if (isCancellation(err)) throw err;
            resume = { kind: 'activityError', node: step.node, error: { node: step.node, message: failureMessage(err), name: 'NodeApiError' } };
          }
          break;
        case 'wait':
          show('waiting');
          await sleep(Math.max(1, step.until - Date.now()));
          resume = { kind: 'waited', node: step.node };
          break;
        case 'webhookWait': {
          // A step kind older histories never reached: no patch needed.
          show('waiting');
          const resumed = await awaitWaitWebhook(step, executionId, () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > limit);
          if (!resumed) await continueAsNew<typeof pipelineRun>({ ...input, seq: step.seq - 1, resume: undefined });
          resume = { kind: 'webhookWait', node: step.node };
          break;
        }
        case 'child':
          show('running');
          await runChildren(step, input);
          resume = { kind: 'children' };
          break;
        case 'llm':
          show('running');
          resume = { kind: 'llm', node: step.node, answers: await runLlmStep(step) };
          break;
        case 'agentWorkflow':
          show('running');
          resume = { kind: 'agentWorkflow', node: step.node, result: await runAgentWorkflowStep(step) };
          break;
        case 'approval': {
          show('waiting');
          const decision = await awaitApproval(step, executionId, () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > limit);
          // A long wait goes on in a fresh history: advancing from the step before returns this approval again.
          if (!decision) await continueAsNew<typeof pipelineRun>({ ...input, seq: step.seq - 1, resume: undefined });
          resume = { kind: 'approval', node: step.node, decision: decision! };
          break;
        }
      }
    }
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(() => finishPipeline({ executionId, status: 'canceled' }));
      show('canceled');
    }
    throw err;
  }
}

/** Sub-workflows as children; their results are read from their records, so failures are outputs, not exceptions. */
async function runChildren(step: Extract<StepDescriptor, { kind: 'child' }>, parent: PipelineRunInput): Promise<void> {
  const options = (c: ChildRef) => ({
    workflowId: c.workflowId,
    args: [{ executionId: c.executionId, pipelineKey: c.pipelineKey, mode: 'integrated', ...(parent.historyLimit ? { historyLimit: parent.historyLimit } : {}) }] as [PipelineRunInput],
    typedSearchAttributes: [
      { key: WHOOSH_KIND, value: 'pipeline' },
      { key: WHOOSH_PIPELINE, value: c.pipelineKey },
      { key: WHOOSH_TRIGGER, value: 'integrated' },
      { key: WHOOSH_STATUS_DETAIL, value: 'running' },
    ],
  });
  if (!step.wait) {
    // Started and left to run on their own, as n8n does when it does not wait.
    for (const c of step.children) await startChild(pipelineRun, { ...options(c), parentClosePolicy: ParentClosePolicy.ABANDON });
    return;
  }
  await Promise.allSettled(step.children.map((c) => executeChild(pipelineRun, options(c))));
}
