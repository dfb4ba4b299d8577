/**
 * What the simulated model says, and how its words are cut into the tokens it
 * streams. Pure functions, kept apart from the HTTP server so tests can predict
 * a reply without starting one.
 */
import { sampleFromSchema } from './json-schema-sample';

export interface SimMessage {
  role: string;
  content: string;
}

export interface SimRequest {
  endpoint: 'chat' | 'generate';
  model: string;
  messages?: SimMessage[];
  prompt?: string;
  format?: unknown;
  options?: Record<string, unknown>;
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
  return `Simulated reply from ${req.model}: ${lastUserText(req).slice(0, 60)}`;
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
