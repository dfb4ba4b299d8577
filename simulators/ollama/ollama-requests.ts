/** How Ollama's server reads a request body: /api/chat and /api/generate fields, messages, tools and keep_alive, with its error texts. */
import { HttpError, isObject } from '../sim-http';
import type { SimMessage, SimRequest, SimTool, SimToolCall } from './reply';

export interface GenerationRequest extends SimRequest {
  stream: boolean;
  keepAliveMs: number;
}

const DEFAULT_KEEP_ALIVE_MS = 5 * 60_000;

export function parseJsonObject(raw: string): Record<string, unknown> {
  if (raw.trim() === '') throw new HttpError(400, 'missing request body');
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw new HttpError(400, `invalid JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(400, 'invalid request body: expected a JSON object');
  }
  return value as Record<string, unknown>;
}

export function parseGenerationRequest(endpoint: 'chat' | 'generate', body: Record<string, unknown>): GenerationRequest {
  const { model, stream, format, options, messages, prompt } = body;
  if (typeof model !== 'string' || model === '') throw new HttpError(400, 'model is required');
  if (stream !== undefined && stream !== null && typeof stream !== 'boolean') throw new HttpError(400, 'stream must be a boolean');
  if (format !== undefined && format !== null && format !== '' && format !== 'json' && !isObject(format)) {
    throw new HttpError(400, 'invalid format: expected "json" or a valid JSON schema');
  }
  if (options !== undefined && options !== null && !isObject(options)) throw new HttpError(400, 'options must be an object');
  const request: GenerationRequest = {
    endpoint,
    model,
    stream: stream !== false,
    keepAliveMs: parseKeepAlive(body.keep_alive),
    format: format === '' || format === null ? undefined : format,
    options: isObject(options) ? options : undefined,
  };
  if (endpoint === 'chat') {
    if (messages !== undefined && messages !== null && !Array.isArray(messages)) throw new HttpError(400, 'messages must be an array');
    request.messages = ((messages ?? []) as unknown[]).map(parseMessage);
    if (body.tools !== undefined && body.tools !== null) request.tools = parseTools(body.tools);
  } else {
    if (prompt !== undefined && prompt !== null && typeof prompt !== 'string') throw new HttpError(400, 'prompt must be a string');
    request.prompt = prompt ?? undefined;
  }
  return request;
}

function parseMessage(raw: unknown): SimMessage {
  if (!isObject(raw) || typeof raw.role !== 'string') throw new HttpError(400, 'every message needs a role');
  if (raw.content !== undefined && typeof raw.content !== 'string') throw new HttpError(400, 'message content must be a string');
  const message: SimMessage = { role: raw.role, content: raw.content ?? '' };
  if (raw.tool_calls !== undefined) {
    if (!Array.isArray(raw.tool_calls) || !raw.tool_calls.every((c) => isObject(c) && isObject(c.function) && typeof c.function.name === 'string')) {
      throw new HttpError(400, 'tool_calls must be a list of { function: { name, arguments } }');
    }
    message.tool_calls = raw.tool_calls as SimToolCall[];
  }
  if (typeof raw.tool_name === 'string') message.tool_name = raw.tool_name;
  return message;
}

/** `tools` as Ollama takes them: [{ type: 'function', function: { name, description?, parameters? } }]. */
function parseTools(raw: unknown): SimTool[] {
  if (!Array.isArray(raw)) throw new HttpError(400, 'tools must be an array');
  return raw.map((t) => {
    if (!isObject(t) || !isObject(t.function) || typeof t.function.name !== 'string' || t.function.name === '') throw new HttpError(400, 'every tool needs function.name');
    return { type: 'function', function: { name: t.function.name, ...(typeof t.function.description === 'string' ? { description: t.function.description } : {}), ...(t.function.parameters !== undefined ? { parameters: t.function.parameters } : {}) } };
  });
}

/** keep_alive as Ollama reads it: seconds as a number, or a Go duration such as "5m" or "1h30m"; negative = forever. */
function parseKeepAlive(value: unknown): number {
  if (value === undefined || value === null) return DEFAULT_KEEP_ALIVE_MS;
  if (typeof value === 'number') return value * 1000;
  if (typeof value === 'string') {
    if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
    const unitMs: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
    const match = /^(-?)((?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+)$/.exec(value);
    if (match?.[2]) {
      let ms = 0;
      for (const part of match[2].matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) ms += Number(part[1]) * (unitMs[part[2] ?? 's'] ?? 0);
      return match[1] ? -ms : ms;
    }
  }
  throw new HttpError(400, `time: invalid duration ${JSON.stringify(value)}`);
}
