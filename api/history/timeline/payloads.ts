/**
 * Payloads in a history: decoded in full on demand, and otherwise shown as
 * previews cut to a few hundred characters, each naming its event and field.
 */
import type { PayloadPreview } from '../../../domain/wire/timeline';
import { shortEventType } from './event-types';
import { type HistoryEventJson, type PayloadJson, attributesOf, field, isObject, text } from './history-json';

const JSON_ENCODINGS = new Set(['json/plain', 'json/protobuf']);
export const DEFAULT_PREVIEW_CHARS = 240;

/** `limit` counts base64 characters for strings, bytes for byte arrays. */
function bytesToText(v: string | Uint8Array, limit?: number): string {
  if (typeof v !== 'string') return Buffer.from(v.buffer, v.byteOffset, Math.min(v.byteLength, limit ?? Infinity)).toString('utf8');
  return Buffer.from(limit === undefined ? v : v.slice(0, limit), 'base64').toString('utf8');
}

export function byteLength(v: string | Uint8Array | null | undefined): number {
  if (!v) return 0;
  if (typeof v !== 'string') return v.byteLength;
  const padding = v.endsWith('==') ? 2 : v.endsWith('=') ? 1 : 0;
  return Math.floor((v.length * 3) / 4) - padding;
}

/** Metadata values are base64 in JSON; a hand-written history may carry them as plain text. */
function encodingOf(p: PayloadJson): string {
  const raw = p.metadata?.encoding;
  if (raw === undefined) return 'unknown';
  const decoded = bytesToText(raw);
  if (/^[\w.+-]+\/[\w.+-]+$/.test(decoded)) return decoded;
  return typeof raw === 'string' ? raw : 'unknown';
}

export interface DecodedPayload {
  readonly encoding: string;
  readonly sizeBytes: number;
  /** The decoded value; `null` for binary/null; '<encoding> payload' for encodings that are not JSON. */
  readonly value: unknown;
}

/** Decodes json/plain (and json/protobuf) and binary/null; anything else (binary, encrypted) is named, not shown. */
export function decodePayload(p: PayloadJson): DecodedPayload {
  const encoding = encodingOf(p);
  const sizeBytes = byteLength(p.data);
  if (encoding === 'binary/null') return { encoding, sizeBytes, value: null };
  if (!JSON_ENCODINGS.has(encoding)) return { encoding, sizeBytes, value: `${encoding} payload` };
  const source = p.data ? bytesToText(p.data) : '';
  try {
    return { encoding, sizeBytes, value: JSON.parse(source) };
  } catch {
    return { encoding, sizeBytes, value: source };
  }
}

/**
 * The start of a payload as text. Only the bytes the preview needs are decoded:
 * an LLM answer inline in a history can be megabytes, and a page of a thousand
 * events should not decode them all in full to show a line of each.
 */
function previewText(p: PayloadJson, chars: number): { encoding: string; text: string; complete: boolean } {
  const encoding = encodingOf(p);
  if (encoding === 'binary/null') return { encoding, text: 'null', complete: true };
  if (!JSON_ENCODINGS.has(encoding)) return { encoding, text: `${encoding} payload`, complete: true };
  if (!p.data) return { encoding, text: '', complete: true };
  // A character is at most 4 bytes of UTF-8, and 3 bytes are 4 base64 characters.
  const needed = typeof p.data === 'string' ? Math.ceil(((chars + 1) * 4) / 3) * 4 : (chars + 1) * 4;
  const whole = p.data.length <= needed;
  const decoded = bytesToText(p.data, whole ? undefined : needed);
  return { encoding, text: decoded, complete: whole };
}

const payloadList = (v: unknown): PayloadJson[] | undefined => {
  const list = field(v, 'payloads');
  return Array.isArray(list) ? (list.filter(isObject) as PayloadJson[]) : undefined;
};
export const isPayload = (v: unknown): v is PayloadJson => isObject(v) && isObject(v.metadata) && (v.data === undefined || typeof v.data === 'string' || v.data instanceof Uint8Array);

export function preview(value: unknown, eventId: string, path: string, chars: number): PayloadPreview | undefined {
  const list = isPayload(value) ? [value] : payloadList(value);
  if (!list || list.length === 0) return undefined;
  const parts = list.map((p) => previewText(p, chars));
  const joined = parts.length === 1 ? parts[0]!.text : `[${parts.map((p) => p.text).join(',')}]`;
  const truncated = joined.length > chars || parts.some((p) => !p.complete);
  const encodings = [...new Set(parts.map((p) => p.encoding))];
  return {
    eventId,
    field: path,
    encoding: encodings.length === 1 ? encodings[0]! : encodings.join(','),
    preview: joined.length > chars ? joined.slice(0, chars) : joined,
    truncated,
    sizeBytes: list.reduce((n, p) => n + byteLength(p.data), 0),
  };
}

/**
 * Headers carry SDK plumbing (tracing, interceptors), and search attributes are
 * shown with the execution in the list, so neither counts as one of the event's payloads.
 */
const HIDDEN_PAYLOAD_KEYS = new Set(['header', 'searchAttributes']);

/** The dotted paths of every payload (or list of payloads) in an event's attributes. */
export function payloadFields(event: HistoryEventJson): string[] {
  const found: string[] = [];
  const walk = (v: unknown, path: string[]): void => {
    if (path.length > 12 || !isObject(v)) return;
    if (path.length > 0 && (isPayload(v) || payloadList(v))) {
      found.push(path.join('.'));
      return;
    }
    for (const [key, child] of Object.entries(v)) if (!HIDDEN_PAYLOAD_KEYS.has(key)) walk(child, [...path, key]);
  };
  walk(attributesOf(event, shortEventType(text(event.eventType) ?? '')), []);
  return found;
}

export interface EventPayload extends DecodedPayload {
  readonly field: string;
}

/**
 * The full decoded value of one payload field of an event (one of
 * `payloadFields`; nothing else is read). Several payloads (a workflow's
 * arguments) come back as an array, as in the preview.
 */
export function eventPayload(event: HistoryEventJson, path: string): EventPayload | undefined {
  if (!payloadFields(event).includes(path)) return undefined;
  const value = field(attributesOf(event, shortEventType(text(event.eventType) ?? '')), ...path.split('.'));
  const list = isPayload(value) ? [value] : (payloadList(value) ?? []);
  if (list.length === 0) return undefined;
  const decoded = list.map(decodePayload);
  const encodings = [...new Set(decoded.map((d) => d.encoding))];
  return {
    field: path,
    encoding: encodings.join(','),
    sizeBytes: decoded.reduce((n, d) => n + d.sizeBytes, 0),
    value: decoded.length === 1 ? decoded[0]!.value : decoded.map((d) => d.value),
  };
}
