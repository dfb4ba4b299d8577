/**
 * The LLM activity of one agent node: a streamed Ollama chat through the
 * `ollama` client, heartbeating progress on every chunk, aborted (per request)
 * when Temporal cancels the activity or its heartbeat times out. Metrics come
 * from the final chunk; long outputs are stored in Postgres and returned by
 * reference. Every call is recorded in `llm_calls`.
 */
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';
import { Ollama, type ChatResponse, type Message, type Tool } from 'ollama/browser';
import type { Pool } from 'pg';
import { classifyOllamaError, llmFailure, StreamTruncatedError } from './errors';

export interface LlmMessage {
  readonly role: 'system' | 'user' | 'assistant' | 'tool';
  readonly content: string;
  /** Base64-encoded images. File paths are refused: the worker's disk is not the caller's. */
  readonly images?: string[];
  /** An assistant turn that called tools (sent back in the history of a tool loop). */
  readonly tool_calls?: LlmToolCall[];
  /** A `tool` turn: the name of the tool whose result this is. */
  readonly tool_name?: string;
}

/** A tool call as Ollama writes it in `message.tool_calls`. */
export interface LlmToolCall {
  readonly function: { readonly name: string; readonly arguments: Record<string, unknown> };
}

/** A tool offered to the model (Ollama's `tools`). */
export interface LlmTool {
  readonly type: 'function';
  readonly function: { readonly name: string; readonly description?: string; readonly parameters: Record<string, unknown> };
}

export interface LlmRequest {
  readonly messages: LlmMessage[];
  readonly options?: Record<string, unknown>;
  /** `json`, or a JSON schema the answer must follow. */
  readonly format?: 'json' | Record<string, unknown>;
  readonly keepAlive?: string;
  /** Tools the model may call; its calls come back in the result's `toolCalls`. */
  readonly tools?: LlmTool[];
}

export interface LlmChatInput extends LlmRequest {
  readonly callId: string;
  readonly model: string;
}

export interface LlmMetrics {
  readonly promptTokens: number;
  readonly evalTokens: number;
  readonly evalDurationMs: number;
  readonly totalDurationMs: number;
  readonly tokensPerSecond: number;
}

export interface LlmResult {
  readonly callId: string;
  readonly nodeId: string;
  readonly model: string;
  /** The answer, when shorter than the inline limit. */
  readonly content?: string;
  /** Id in `llm_outputs` of a longer answer (read it with `readLlmOutput`). */
  readonly contentRef?: string;
  readonly contentLength: number;
  readonly doneReason: string;
  readonly metrics: LlmMetrics;
  /** The tools the model called instead of answering (only when the request offered tools). */
  readonly toolCalls?: LlmToolCall[];
}

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

function validate(input: LlmChatInput, nodeId: string): void {
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

  async function markRunning(input: LlmChatInput, workflowId: string): Promise<void> {
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
    async llmChat(input: LlmChatInput): Promise<LlmResult> {
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
      // server timed it out: end it here a little after the server's heartbeat
      // timeout (which the workflow sees first) and free the slot.
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
        const { type, message } = stalled
          ? { type: 'StreamStalled' as const, message: `no data from the node for ${stallMs / 1000}s (after ${chunks} chunks)` }
          : classifyOllamaError(err, chunks > 0);
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
