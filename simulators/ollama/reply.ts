/**
 * What the simulated model says, and how its words are cut into the tokens it
 * streams. Pure functions, kept apart from the HTTP server so tests can predict
 * a reply without starting one.
 */
import { sampleFromSchema } from './json-schema-sample';

/** A tool call as Ollama's /api/chat writes it in `message.tool_calls`. */
export interface SimToolCall {
  function: { name: string; arguments: Record<string, unknown> };
}

export interface SimMessage {
  role: string;
  content: string;
  /** An assistant turn that called tools (sent back by the client in the history). */
  tool_calls?: SimToolCall[];
  /** A `tool` turn: which tool's result this is. */
  tool_name?: string;
}

/** A tool offered in the request's `tools`, as Ollama documents it. */
export interface SimTool {
  type: 'function';
  function: { name: string; description?: string; parameters?: unknown };
}

export interface SimRequest {
  endpoint: 'chat' | 'generate';
  model: string;
  messages?: SimMessage[];
  prompt?: string;
  format?: unknown;
  options?: Record<string, unknown>;
  tools?: SimTool[];
}

/** Long runs without spaces (JSON, code) are cut so they still stream in several chunks. */
const MAX_TOKEN_CHARS = 12;

/**
 * The default answer: JSON matching `format` when one is asked for, otherwise a
 * sentence that names the model and echoes the start of the last user turn.
 */
export function defaultReply(req: SimRequest): string {
  if (req.format === 'json') return '{}';
  if (typeof req.format === 'object' && req.format !== null) return JSON.stringify(sampleFromSchema(req.format));
  const afterTools = answerAfterTools(req);
  if (afterTools !== undefined) return afterTools;
  return `Simulated reply from ${req.model}: ${lastUserText(req).slice(0, 60)}`;
}

/**
 * The default tool use: offered tools and a user turn last, the model calls
 * one tool — the first whose name the user's text mentions, else the first —
 * with arguments sampled from its parameters' JSON Schema. Once a tool's
 * result is the last turn, it answers in words (defaultReply), so a client's
 * call-tools-until-answered loop ends.
 */
export function defaultToolCalls(req: SimRequest): SimToolCall[] | undefined {
  const tools = req.tools ?? [];
  const last = req.messages?.at(-1);
  if (tools.length === 0 || last?.role !== 'user') return undefined;
  const text = last.content.toLowerCase();
  const tool = tools.find((t) => text.includes(t.function.name.toLowerCase())) ?? tools[0]!;
  const args = tool.function.parameters ? sampleFromSchema(tool.function.parameters) : {};
  return [{ function: { name: tool.function.name, arguments: typeof args === 'object' && args !== null && !Array.isArray(args) ? (args as Record<string, unknown>) : {} } }];
}

/** After tool results, the default answer quotes them. */
export function answerAfterTools(req: SimRequest): string | undefined {
  const results = [];
  for (let i = (req.messages ?? []).length - 1; i >= 0 && req.messages![i]!.role === 'tool'; i--) results.unshift(req.messages![i]!);
  if (results.length === 0) return undefined;
  return `Simulated reply from ${req.model} using ${results.map((m) => `${m.tool_name ?? 'tool'}: ${m.content.slice(0, 200)}`).join('; ')}`;
}

function lastUserText(req: SimRequest): string {
  if (req.endpoint === 'generate') return req.prompt ?? '';
  const messages = req.messages ?? [];
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]?.role === 'user') return messages[i]?.content ?? '';
  }
  return '';
}

/** Splits text into tokens that concatenate back to it exactly: each word with the space after it. */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const match of text.matchAll(/\s*\S+\s*|\s+/g)) {
    const word = match[0];
    for (let i = 0; i < word.length; i += MAX_TOKEN_CHARS) {
      // Keep trailing whitespace with the last piece rather than as a piece of its own.
      const rest = word.slice(i);
      if (rest.trim() === '' && tokens.length > 0) {
        tokens[tokens.length - 1] += rest;
        break;
      }
      tokens.push(word.slice(i, i + MAX_TOKEN_CHARS));
    }
  }
  return tokens;
}

/** Roughly what a tokenizer would count for the prompt side: words of every message (or the prompt). */
export function promptTokenCount(req: SimRequest): number {
  const text = req.endpoint === 'generate' ? (req.prompt ?? '') : (req.messages ?? []).map((m) => m.content).join(' ');
  return text.split(/\s+/).filter(Boolean).length;
}
