/**
 * The JSON form of a history as WHOOSH reads it (the History message's own
 * `toJSON`, proto3 JSON, or an export with short event types), and the small
 * readers of its fields, times and durations.
 */

interface TimestampJson {
  readonly seconds?: string | number | null;
  readonly nanos?: number | null;
}

/** One event of a history in JSON form; the attributes sit under `<eventType>EventAttributes`. */
export interface HistoryEventJson {
  readonly eventId?: string | number | null;
  readonly eventTime?: string | TimestampJson | null;
  readonly eventType?: string | null;
  readonly [attributes: string]: unknown;
}

export interface HistoryJson {
  readonly events?: readonly HistoryEventJson[] | null;
}

/** Bytes are base64 in JSON; raw messages (e.g. search attributes in a list answer) carry Uint8Arrays. */
export interface PayloadJson {
  readonly metadata?: Readonly<Record<string, string | Uint8Array>> | null;
  readonly data?: string | Uint8Array | null;
}

export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
export const field = (o: unknown, ...path: string[]): unknown => path.reduce<unknown>((at, key) => (isObject(at) && Object.hasOwn(at, key) ? at[key] : undefined), o);
export const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);
export const numeric = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
};
export const stripPrefix = (v: unknown, prefix: string): string | undefined => text(v)?.replace(prefix, '');

export function attributesOf(event: HistoryEventJson, type: string): Json {
  const attrs = event[`${type.charAt(0).toLowerCase()}${type.slice(1)}EventAttributes`];
  return isObject(attrs) ? attrs : {};
}

/** Milliseconds since the epoch, with the sub-millisecond part kept for durations. */
export function timestampMs(ts: unknown): number | undefined {
  if (typeof ts === 'string') {
    // RFC 3339 with up to nine fractional digits, which Date.parse does not promise to read.
    const m = /^(.*?T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(ts);
    if (!m) return undefined;
    const whole = Date.parse(`${m[1]}${m[3]}`);
    return Number.isNaN(whole) ? undefined : whole + Number(`0.${m[2] ?? '0'}`) * 1000;
  }
  if (ts instanceof Date) return ts.getTime();
  if (!isObject(ts)) return undefined;
  const seconds = numeric(ts.seconds);
  const nanos = numeric(ts.nanos) ?? 0;
  if (seconds === undefined && nanos === 0) return undefined;
  return (seconds ?? 0) * 1000 + nanos / 1e6;
}

export const isoTime = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(Math.floor(ms)).toISOString());

/** Durations are `{seconds, nanos}` in the messages' JSON and '1.5s' in proto3 JSON. */
export function durationMs(d: unknown): number | undefined {
  if (typeof d === 'string') {
    const m = /^(-?\d+(?:\.\d+)?)s$/.exec(d);
    return m ? Number(m[1]) * 1000 : undefined;
  }
  if (!isObject(d) || !Object.keys(d).every((k) => k === 'seconds' || k === 'nanos')) return undefined;
  return (numeric(d.seconds) ?? 0) * 1000 + (numeric(d.nanos) ?? 0) / 1e6;
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${Number((ms / 1000).toFixed(3))}s`;
}

/** What the server says about an activity that has not closed (describe's `pendingActivities`, in JSON form). */
export interface PendingActivityJson {
  readonly activityId?: string | null;
  readonly state?: string | null;
  readonly attempt?: number | null;
  readonly maximumAttempts?: number | null;
  readonly lastFailure?: unknown;
  readonly lastHeartbeatTime?: unknown;
  readonly lastStartedTime?: unknown;
  readonly nextAttemptScheduleTime?: unknown;
  readonly lastWorkerIdentity?: string | null;
}
