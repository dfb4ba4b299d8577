/**
 * The context window a council request asks Ollama for. Ollama's default
 * (2048–4096 tokens, by version) silently drops the start of a longer prompt —
 * the system prompt and the brief first — so each request asks for what its
 * messages and a full answer need, rounded up to a power of two (so a model
 * reloads for few distinct sizes), within the configured maximum. Pure.
 */
import type { LlmRequest } from '../routing/llm-call';

/** Characters per token, on the low side for English and JSON, so the window errs large. */
const CHARS_PER_TOKEN = 3;
/** Room for the answer: the largest artifacts run to a few thousand tokens. */
export const ANSWER_TOKENS = 4096;
export const MIN_CONTEXT_TOKENS = 8192;

export function contextTokensFor(request: LlmRequest, maxTokens: number): number {
  const chars = request.messages.reduce((n, m) => n + m.content.length, 0);
  const needed = Math.ceil(chars / CHARS_PER_TOKEN) + ANSWER_TOKENS;
  let size = MIN_CONTEXT_TOKENS;
  while (size < needed) size *= 2;
  return Math.min(size, maxTokens);
}

/** The request with `num_ctx` set for its size (other options kept). */
export function withContextSize(request: LlmRequest, maxTokens: number): LlmRequest {
  return { ...request, options: { ...request.options, num_ctx: contextTokensFor(request, maxTokens) } };
}
