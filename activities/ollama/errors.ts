/**
 * How failures of an Ollama call are classified. The types cross the workflow
 * boundary as ApplicationFailure types; the workflow decides from them whether
 * another node may serve the call.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { FailureType } from '../../domain/failures';

export const LLM_ERROR_TYPES = {
  /** 404: the node lacks the model. Not retried on that node; another node may have it. */
  ModelNotFound: { retryable: false },
  /** 503/429: the node is saturated. Retried with backoff. */
  NodeBusy: { retryable: true },
  /** Connection refused/reset, DNS, socket closed mid-stream. Retried with backoff. */
  NodeUnavailable: { retryable: true },
  /** Other 5xx answers. */
  NodeError: { retryable: true },
  /** A `{"error": ...}` line in the middle of the stream. */
  StreamError: { retryable: true },
  /**
   * Nothing arrived for 1.5 heartbeat timeouts: the worker gives the slot back and records
   * this in `llm_calls`; the attempt fails as the server's heartbeat timeout.
   */
  StreamStalled: { retryable: true },
  /** The stream ended without a `done: true` chunk: a failure, never a short answer. */
  StreamTruncated: { retryable: true },
  /** The request itself is wrong (400, a file path as an image...): no node can serve it. */
  InvalidLlmRequest: { retryable: false },
} as const;

export type LlmErrorType = keyof typeof LLM_ERROR_TYPES;

/** The non-retryable ones belong to the closed set of domain/failures.ts: this fails to compile otherwise. */
type NonRetryableLlmErrorType = { [K in LlmErrorType]: (typeof LLM_ERROR_TYPES)[K]['retryable'] extends false ? K : never }[LlmErrorType];
const _nonRetryableLlmErrors: readonly (NonRetryableLlmErrorType & FailureType)[] = ['ModelNotFound', 'InvalidLlmRequest'];

/** What the ollama client throws when a stream ends without `done` (it exports no class for it). */
const CLIENT_TRUNCATED = 'Did not receive done or success response in stream.';

/** A stream that ended without a `done: true` chunk, as the activity itself sees it. */
export class StreamTruncatedError extends Error {
  constructor() {
    super('the stream ended without a done chunk');
    this.name = 'StreamTruncatedError';
  }
}
const NETWORK_CODES = /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|UND_ERR/;

interface ErrorLike {
  readonly name?: string;
  readonly message: string;
  readonly code?: string;
  readonly cause?: unknown;
  readonly status_code?: unknown;
}

/** Errors thrown by fetch come from another realm under some runners: duck-type them. */
const errorLike = (e: unknown): e is ErrorLike => typeof e === 'object' && e !== null && typeof (e as ErrorLike).message === 'string';

function networkish(err: unknown): boolean {
  for (let e: unknown = err; errorLike(e); e = e.cause) {
    const code = typeof e.code === 'string' ? e.code : '';
    // Errors from fetch may come from another realm (or be re-wrapped as text), so match names and text, not classes.
    if (NETWORK_CODES.test(code) || NETWORK_CODES.test(e.message) || /fetch failed|terminated|other side closed|socket hang up|SocketError/i.test(e.message)) {
      return true;
    }
  }
  return false;
}

export function classifyOllamaError(err: unknown, streamed: boolean): { type: LlmErrorType; message: string } {
  const message = errorLike(err) ? err.message : String(err);
  // The client's ResponseError (not exported) carries the HTTP status.
  const status = errorLike(err) && typeof err.status_code === 'number' ? err.status_code : undefined;
  if (status !== undefined) {
    if (status === 404) return { type: 'ModelNotFound', message };
    if (status === 503 || status === 429) return { type: 'NodeBusy', message };
    if (status >= 400 && status < 500) return { type: 'InvalidLlmRequest', message };
    return { type: 'NodeError', message: `HTTP ${status}: ${message}` };
  }
  if (err instanceof StreamTruncatedError || message === CLIENT_TRUNCATED) return { type: 'StreamTruncated', message: 'the stream ended without a done chunk' };
  if (networkish(err)) return { type: 'NodeUnavailable', message: errorLike(err) && errorLike(err.cause) ? `${message}: ${err.cause.message}` : message };
  // The client turns an `{"error": ...}` line into a plain Error with that text.
  if (streamed && errorLike(err) && err.name === 'Error') return { type: 'StreamError', message };
  return { type: 'NodeError', message };
}

export function llmFailure(type: LlmErrorType, message: string, nodeId: string): ApplicationFailure {
  return ApplicationFailure.create({ type, message: `${nodeId}: ${message}`, nonRetryable: !LLM_ERROR_TYPES[type].retryable, details: [{ nodeId }] });
}
