/**
 * The llm step of a pipeline run (whoosh.llm, Basic LLM Chain): each call is
 * routed on the agent network with failover (callLlmWithFailover, in this
 * workflow's history), a few at a time; a call no node could serve becomes
 * that item's error, not the run's. A call with MCP tools runs the tool loop
 * (llm-tools-step.ts).
 */
import { isCancellation } from '@temporalio/workflow';
import type { LlmWireAnswer, WhooshStepDescriptor } from '../../activities/pipeline/whoosh-steps';
import { failureMessage } from '../../domain/failures';
import { callLlmWithFailover } from '../llm-call';
import { runLlmToolLoop } from './llm-tools-step';

/** Calls in flight at once per step; routing still holds each node to its capacity. */
const CONCURRENCY = 8;

export async function runLlmStep(step: Extract<WhooshStepDescriptor, { kind: 'llm' }>): Promise<LlmWireAnswer[]> {
  const answers: LlmWireAnswer[] = new Array(step.calls.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < step.calls.length) {
      const i = next++;
      const call = step.calls[i]!;
      const started = Date.now();
      try {
        if (call.tools?.length) {
          answers[i] = await runLlmToolLoop(call);
          continue;
        }
        const r = await callLlmWithFailover({
          needs: { ...(call.model ? { model: call.model } : {}), ...(call.specialization ? { specialization: call.specialization } : {}) },
          request: { messages: call.messages, ...(call.options ? { options: call.options } : {}), ...(call.format ? { format: call.format } : {}) },
        });
        answers[i] = {
          ok: true,
          ...(r.content !== undefined ? { text: r.content } : {}),
          ...(r.contentRef !== undefined ? { contentRef: r.contentRef } : {}),
          model: r.model,
          node: r.nodeId,
          promptTokens: r.metrics.promptTokens,
          completionTokens: r.metrics.evalTokens,
          durationMs: Date.now() - started,
          failedOver: r.failedOver.map((f) => f.nodeId),
        };
      } catch (err) {
        if (isCancellation(err)) throw err;
        answers[i] = { ok: false, message: failureMessage(err) };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, step.calls.length) }, lane));
  return answers;
}
