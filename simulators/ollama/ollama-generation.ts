/**
 * How the simulated model answers a chat or generate request: the reply (or
 * tool calls) cut into tokens, sent at the configured token rate as one JSON
 * answer or as an NDJSON stream, with Ollama's closing metrics — and the
 * stream faults a test ordered up (an error line, or no done line).
 */
import type { ServerResponse } from 'node:http';
import { sleep } from '../sim-http';
import type { RequestContext } from './ollama-hang';
import type { GenerationRequest } from './ollama-requests';
import type { Settings } from './ollama-settings';
import { promptTokenCount, tokenize, type SimRequest, type SimToolCall } from './reply';

export type StreamFault = { kind: 'error'; message: string } | { kind: 'truncate' };

/** What a generation needs of the server answering it. */
export interface GenerationIo {
  readonly ctx: RequestContext;
  readonly res: ServerResponse;
  readonly settings: Settings;
  /** The fault ordered up for the next stream, if any (taken off the queue). */
  nextStreamFault(): StreamFault | undefined;
  whileHung(): Promise<void>;
  /** Chunks a stream sends before a hang stops it. */
  hangsAfterChunks(): number;
  sendJson(status: number, body: unknown): Promise<void>;
}

/** How many token chunks a faulty stream sends before it breaks. */
const FAULT_AFTER_CHUNKS = 2;
/** Prompt processing runs this many times faster than generation, as on a real GPU. */
const PROMPT_SPEEDUP = 10;
const COLD_LOAD_NS = 1_500_000;
const WARM_LOAD_NS = 150_000;

export async function generate(io: GenerationIo, request: GenerationRequest, cold: boolean, startedNs: bigint): Promise<void> {
  const { res, settings } = io;
  const { signal } = io.ctx.ac;
  const tokensPerSecond = settings.tokensPerSecond;
  const simRequest: SimRequest = {
    endpoint: request.endpoint,
    model: request.model,
    messages: request.messages,
    prompt: request.prompt,
    format: request.format,
    options: request.options,
    ...(request.tools ? { tools: request.tools } : {}),
  };
  // Ollama answers a tool call with empty content and message.tool_calls, in one chunk when streaming.
  const toolCalls = request.tools?.length ? settings.toolCalls(simRequest) : undefined;
  const text = toolCalls ? '' : settings.respond(simRequest);
  let tokens = tokenize(text);
  let doneReason = 'stop';
  const limit = request.options?.num_predict;
  if (typeof limit === 'number' && limit >= 0 && tokens.length > limit) {
    tokens = tokens.slice(0, limit);
    doneReason = 'length';
  }
  const promptCount = Math.max(1, promptTokenCount(request));
  const tokenMs = 1000 / tokensPerSecond;
  const final = (): Record<string, unknown> => ({
    done_reason: doneReason,
    done: true,
    ...(request.endpoint === 'generate' ? { context: syntheticContext(promptCount + tokens.length) } : {}),
    ...metrics(startedNs, promptCount, tokens.length, tokensPerSecond, cold),
  });

  if (!request.stream) {
    await sleep(tokens.length * tokenMs, signal);
    await io.sendJson(200, { ...chunkHead(request, tokens.join(''), toolCalls), ...final() });
    return;
  }

  const fault = io.nextStreamFault();
  res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
  res.flushHeaders();
  if (toolCalls) res.write(ndjson({ ...chunkHead(request, '', toolCalls), done: false }));
  for (let i = 0; i < tokens.length; i++) {
    if (fault && i === FAULT_AFTER_CHUNKS) break;
    await sleep(tokenMs, signal);
    if (i >= io.hangsAfterChunks()) await io.whileHung();
    res.write(ndjson({ ...chunkHead(request, tokens[i] ?? ''), done: false }));
  }
  if (fault?.kind === 'truncate') {
    res.end();
    return;
  }
  if (fault?.kind === 'error') {
    // What Ollama does when the runner fails mid-answer: status 200 is long sent, so an error line.
    res.end(ndjson({ error: fault.message }));
    return;
  }
  await io.whileHung();
  res.end(ndjson({ ...chunkHead(request, ''), ...final() }));
}

/** The fields every chat/generate chunk starts with, carrying `content` as the new text. */
export function chunkHead(request: GenerationRequest, content: string, toolCalls?: SimToolCall[]): Record<string, unknown> {
  const head = { model: request.model, created_at: new Date().toISOString() };
  return request.endpoint === 'chat' ? { ...head, message: { role: 'assistant', content, ...(toolCalls ? { tool_calls: toolCalls } : {}) } } : { ...head, response: content };
}

function metrics(startedNs: bigint, promptCount: number, evalCount: number, tokensPerSecond: number, cold: boolean): Record<string, number> {
  const loadNs = cold ? COLD_LOAD_NS : WARM_LOAD_NS;
  const promptNs = Math.round((promptCount * 1e9) / (tokensPerSecond * PROMPT_SPEEDUP));
  const evalNs = Math.round((evalCount * 1e9) / tokensPerSecond);
  const elapsedNs = Number(process.hrtime.bigint() - startedNs);
  return {
    total_duration: Math.max(elapsedNs, loadNs + promptNs + evalNs),
    load_duration: loadNs,
    prompt_eval_count: promptCount,
    prompt_eval_duration: promptNs,
    eval_count: evalCount,
    eval_duration: evalNs,
  };
}

/** Stand-in for the token ids /api/generate returns as `context` (deprecated in Ollama, still sent). */
function syntheticContext(length: number): number[] {
  return Array.from({ length }, (_, i) => 1000 + i);
}

function ndjson(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}
