/**
 * The LLM activity of one agent node: a streamed Ollama chat through the
 * `ollama` client, heartbeating progress on every chunk, aborted (per request)
 * when Temporal cancels the activity or the stream stalls. Metrics come
 * from the final chunk; long outputs are stored in Postgres and returned by
 * reference. Every call is recorded in `llm_calls`.
 */
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { CancelledFailure, CompleteAsyncError } from '@temporalio/common';
import { Ollama, type ChatResponse, type Message, type Tool } from 'ollama/browser';
import type { Pool } from 'pg';
import type { LlmMetrics, LlmRequest, LlmResult, LlmToolCall } from '../../domain/routing/llm-call';
import { classifyOllamaError, llmFailure, StreamTruncatedError } from './errors';

/** What the node's activity is asked: the request, with the id and model the reservation chose. */
type ChatInput = LlmRequest & Pick<LlmResult, 'callId' | 'model'>;

export interface NodeEndpoint {
  readonly id: string;
  readonly endpoint: string;
}

export interface LlmActivityDeps {
  readonly pool: Pool;
  readonly node: NodeEndpoint;
  /** The fetch to reach the node with (default: the global one); held to security.outbound_allow for nodes registered over the API. */
  readonly fetch?: typeof fetch;
  readonly inlineOutputLimit: number;
  readonly callTimeoutSeconds: number;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function validate(input: ChatInput, nodeId: string): void {
  for (const m of input.messages) {
    for (const image of m.images ?? []) {
      if (typeof image !== 'string' || image.length % 4 !== 0 || !BASE64.test(image)) {
        throw llmFailure('InvalidLlmRequest', 'images must be base64 data, not file paths or URLs', nodeId);
      }
    }
  }
}

const ns = (n: number | undefined): number => (n ?? 0) / 1e6;

export function createLlmActivities(deps: LlmActivityDeps) {
  const { pool, node } = deps;
  const request = deps.fetch ?? fetch;

  async function markRunning(input: ChatInput, workflowId: string): Promise<void> {
    await pool.query(
      `INSERT INTO llm_calls (id, node_id, model, workflow_id, state, started_at, lease_expires_at)
       VALUES ($1, $2, $3, $4, 'running', now(), now() + make_interval(secs => $5))
       ON CONFLICT (id) DO UPDATE SET state = 'running', node_id = $2, started_at = now(), finished_at = NULL,
         error_type = NULL, error_message = NULL, lease_expires_at = now() + make_interval(secs => $5)`,
      [input.callId, node.id, input.model, workflowId, deps.callTimeoutSeconds],
    );
  }

  async function markFinished(callId: string, outcome: { metrics?: LlmMetrics; errorType?: string; errorMessage?: string }): Promise<void> {
    const m = outcome.metrics;
    await pool.query(
      `UPDATE llm_calls SET state = $2, finished_at = now(), error_type = $3, error_message = $4,
         prompt_tokens = $5, eval_tokens = $6, eval_duration_ms = $7, total_duration_ms = $8 WHERE id = $1`,
      [callId, m ? 'succeeded' : 'failed', outcome.errorType ?? null, outcome.errorMessage?.slice(0, 1000) ?? null, m?.promptTokens ?? null, m?.evalTokens ?? null, m?.evalDurationMs ?? null, m?.totalDurationMs ?? null],
    );
  }

  return {
    /** The result without `failedOver`: the workflow that routed the call knows which nodes failed it. */
    async llmChat(input: ChatInput): Promise<Omit<LlmResult, 'failedOver'>> {
      const ctx = Context.current();
      validate(input, node.id);
      await markRunning(input, ctx.info.workflowExecution?.workflowId ?? '');

      // Our own signal on every request: the client's abort() cannot reach a
      // request still waiting for its response headers.
      const controller = new AbortController();
      const ollama = new Ollama({ host: node.endpoint, fetch: (url, init) => request(url, { ...init, signal: controller.signal }) });
      const onCancel = (): void => controller.abort(ctx.cancellationSignal.reason);
      ctx.cancellationSignal.addEventListener('abort', onCancel);
      // A stalled stream sends no heartbeats, so the worker never hears that the
      // server timed it out: end it here and free the slot. The attempt itself is
      // left to the server's heartbeat timeout (see the catch below).
      const stallMs = Math.round((ctx.info.heartbeatTimeoutMs ?? 0) * 1.5);
      let stalled = false;
      let watchdog: NodeJS.Timeout | undefined;
      const arm = (): void => {
        clearTimeout(watchdog);
        if (stallMs > 0) {
          watchdog = setTimeout(() => {
            stalled = true;
            controller.abort(new Error('stalled'));
          }, stallMs);
        }
      };
      let content = '';
      let chunks = 0;
      let final: ChatResponse | undefined;
      const toolCalls: LlmToolCall[] = [];
      try {
        arm();
        const stream = await ollama.chat({
          model: input.model,
          messages: input.messages as Message[],
          options: input.options,
          format: input.format,
          keep_alive: input.keepAlive,
          ...(input.tools?.length ? { tools: input.tools as Tool[] } : {}),
          stream: true,
        });
        for await (const chunk of stream) {
          chunks++;
          content += chunk.message?.content ?? '';
          for (const c of chunk.message?.tool_calls ?? []) toolCalls.push({ function: { name: c.function.name, arguments: c.function.arguments ?? {} } });
          if (chunk.done) final = chunk;
          arm();
          ctx.heartbeat({ chunks, chars: content.length });
        }
        if (!final) throw new StreamTruncatedError();
      } catch (err) {
        if (ctx.cancellationSignal.aborted) {
          await markFinished(input.callId, { errorType: 'Cancelled', errorMessage: String(ctx.cancellationSignal.reason) });
          throw ctx.cancellationSignal.reason instanceof CancelledFailure ? ctx.cancellationSignal.reason : new CancelledFailure('LLM call cancelled');
        }
        if (stalled) {
          const message = `no data from the node for ${stallMs / 1000}s (after ${chunks} chunks)`;
          await markFinished(input.callId, { errorType: 'StreamStalled', errorMessage: message });
          ctx.log.warn('LLM stream stalled; the slot is free, the attempt is left to the heartbeat timeout', { nodeId: node.id, model: input.model, chunks });
          // Failing the attempt here would race the server's heartbeat timeout, and often
          // win: the SDK throttles heartbeats (to 0.8 of the timeout), so the server's last
          // one can come well after the last chunk. "Completing asynchronously" frees the
          // slot and reports nothing, so every stall ends the same way, as a heartbeat
          // timeout, and is retried or failed over as such.
          throw new CompleteAsyncError();
        }
        const { type, message } = classifyOllamaError(err, chunks > 0);
        await markFinished(input.callId, { errorType: type, errorMessage: message });
        ctx.log.warn('LLM call failed', { nodeId: node.id, model: input.model, type, error: message, chunks });
        throw llmFailure(type, message, node.id);
      } finally {
        clearTimeout(watchdog);
        ctx.cancellationSignal.removeEventListener('abort', onCancel);
      }

      const evalDurationMs = ns(final.eval_duration);
      const metrics: LlmMetrics = {
        promptTokens: final.prompt_eval_count ?? 0,
        evalTokens: final.eval_count ?? 0,
        evalDurationMs,
        totalDurationMs: ns(final.total_duration),
        tokensPerSecond: evalDurationMs > 0 ? Number(((final.eval_count ?? 0) / (evalDurationMs / 1000)).toFixed(2)) : 0,
      };
      await markFinished(input.callId, { metrics });

      let contentRef: string | undefined;
      if (content.length > deps.inlineOutputLimit) {
        contentRef = randomUUID();
        await pool.query('INSERT INTO llm_outputs (id, call_id, content) VALUES ($1, $2, $3)', [contentRef, input.callId, content]);
      }
      return {
        callId: input.callId,
        nodeId: node.id,
        model: input.model,
        ...(contentRef ? { contentRef } : { content }),
        contentLength: content.length,
        doneReason: final.done_reason ?? 'stop',
        metrics,
        ...(toolCalls.length ? { toolCalls } : {}),
      };
    },
  };
}

export type LlmActivities = ReturnType<typeof createLlmActivities>;
