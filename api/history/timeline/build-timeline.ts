/**
 * A workflow history as the dashboard shows it, the way temporalio/ui groups
 * events: raw events → normalized events → timeline items (one per activity,
 * timer, signal, update, child workflow and marker, plus the workflow's start
 * and end). Workflow tasks are bookkeeping of the SDK, so they are folded away
 * and only counted.
 *
 * Pure: it reads the JSON form of a history (the History message's own
 * `toJSON`, as in test/fixtures/histories; proto3 JSON as `historyToJSON`
 * writes it; or an export with short event types such as
 * 'ActivityTaskScheduled') and does no I/O. Payloads are shown as previews cut
 * to a few hundred characters, each naming its event and field, so the full
 * value is fetched only when someone asks for it.
 */
import type { temporal } from '@temporalio/proto';

// ---------------------------------------------------------------------------
// Event types and categories

type EventTypeName = Exclude<keyof typeof temporal.api.enums.v1.EventType, 'EVENT_TYPE_UNSPECIFIED'>;
type Pascal<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Capitalize<Lowercase<Head>>}${Pascal<Tail>}` : Capitalize<Lowercase<S>>;
type ShortName<T> = T extends `EVENT_TYPE_${infer Rest}` ? Pascal<Rest> : never;

/** Every event type the SDK knows, in its short form ('ActivityTaskScheduled'). */
export type EventType = ShortName<EventTypeName>;

export type EventCategory = 'workflow' | 'activity' | 'timer' | 'signal' | 'update' | 'child' | 'marker' | 'task' | 'other';

/** Exhaustive, so an event type added to the SDK fails to compile until it is placed. */
const CATEGORIES: Record<EventType, EventCategory> = {
  WorkflowExecutionStarted: 'workflow',
  WorkflowExecutionCompleted: 'workflow',
  WorkflowExecutionFailed: 'workflow',
  WorkflowExecutionTimedOut: 'workflow',
  WorkflowExecutionCancelRequested: 'workflow',
  WorkflowExecutionCanceled: 'workflow',
  WorkflowExecutionTerminated: 'workflow',
  WorkflowExecutionContinuedAsNew: 'workflow',
  WorkflowExecutionOptionsUpdated: 'workflow',
  WorkflowExecutionPaused: 'workflow',
  WorkflowExecutionUnpaused: 'workflow',
  WorkflowExecutionTimeSkippingTransitioned: 'workflow',
  RequestCancelExternalWorkflowExecutionInitiated: 'workflow',
  RequestCancelExternalWorkflowExecutionFailed: 'workflow',
  ExternalWorkflowExecutionCancelRequested: 'workflow',

  WorkflowTaskScheduled: 'task',
  WorkflowTaskStarted: 'task',
  WorkflowTaskCompleted: 'task',
  WorkflowTaskTimedOut: 'task',
  WorkflowTaskFailed: 'task',

  ActivityTaskScheduled: 'activity',
  ActivityTaskStarted: 'activity',
  ActivityTaskCompleted: 'activity',
  ActivityTaskFailed: 'activity',
  ActivityTaskTimedOut: 'activity',
  ActivityTaskCancelRequested: 'activity',
  ActivityTaskCanceled: 'activity',
  ActivityPropertiesModifiedExternally: 'activity',

  TimerStarted: 'timer',
  TimerFired: 'timer',
  TimerCanceled: 'timer',

  WorkflowExecutionSignaled: 'signal',
  SignalExternalWorkflowExecutionInitiated: 'signal',
  SignalExternalWorkflowExecutionFailed: 'signal',
  ExternalWorkflowExecutionSignaled: 'signal',

  WorkflowExecutionUpdateAdmitted: 'update',
  WorkflowExecutionUpdateAccepted: 'update',
  WorkflowExecutionUpdateRejected: 'update',
  WorkflowExecutionUpdateCompleted: 'update',

  StartChildWorkflowExecutionInitiated: 'child',
  StartChildWorkflowExecutionFailed: 'child',
  ChildWorkflowExecutionStarted: 'child',
  ChildWorkflowExecutionCompleted: 'child',
  ChildWorkflowExecutionFailed: 'child',
  ChildWorkflowExecutionCanceled: 'child',
  ChildWorkflowExecutionTimedOut: 'child',
  ChildWorkflowExecutionTerminated: 'child',

  MarkerRecorded: 'marker',

  UpsertWorkflowSearchAttributes: 'other',
  WorkflowPropertiesModified: 'other',
  WorkflowPropertiesModifiedExternally: 'other',
  NexusOperationScheduled: 'other',
  NexusOperationStarted: 'other',
  NexusOperationCompleted: 'other',
  NexusOperationFailed: 'other',
  NexusOperationCanceled: 'other',
  NexusOperationTimedOut: 'other',
  NexusOperationCancelRequested: 'other',
  NexusOperationCancelRequestCompleted: 'other',
  NexusOperationCancelRequestFailed: 'other',
};

/** 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED' and 'ActivityTaskScheduled' both give 'ActivityTaskScheduled'. */
export function shortEventType(eventType: string): string {
  if (!eventType.startsWith('EVENT_TYPE_')) return eventType;
  return eventType
    .slice('EVENT_TYPE_'.length)
    .split('_')
    .map((word) => word.charAt(0) + word.slice(1).toLowerCase())
    .join('');
}

/** Types newer than this SDK (the server may be ahead of it) fall into 'other'. */
export function eventCategory(type: string): EventCategory {
  return Object.hasOwn(CATEGORIES, type) ? CATEGORIES[type as EventType] : 'other';
}

// ---------------------------------------------------------------------------
// The JSON form of a history

export interface TimestampJson {
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

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
const field = (o: unknown, ...path: string[]): unknown => path.reduce<unknown>((at, key) => (isObject(at) && Object.hasOwn(at, key) ? at[key] : undefined), o);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);
const numeric = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
};
const stripPrefix = (v: unknown, prefix: string): string | undefined => text(v)?.replace(prefix, '');

function attributesOf(event: HistoryEventJson, type: string): Json {
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

const isoTime = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(Math.floor(ms)).toISOString());

/** Durations are `{seconds, nanos}` in the messages' JSON and '1.5s' in proto3 JSON. */
export function durationMs(d: unknown): number | undefined {
  if (typeof d === 'string') {
    const m = /^(-?\d+(?:\.\d+)?)s$/.exec(d);
    return m ? Number(m[1]) * 1000 : undefined;
  }
  if (!isObject(d) || !Object.keys(d).every((k) => k === 'seconds' || k === 'nanos')) return undefined;
  return (numeric(d.seconds) ?? 0) * 1000 + (numeric(d.nanos) ?? 0) / 1e6;
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${Number((ms / 1000).toFixed(3))}s`;
}

// ---------------------------------------------------------------------------
// Payloads

const JSON_ENCODINGS = new Set(['json/plain', 'json/protobuf']);
const DEFAULT_PREVIEW_CHARS = 240;

/** `limit` counts base64 characters for strings, bytes for byte arrays. */
function bytesToText(v: string | Uint8Array, limit?: number): string {
  if (typeof v !== 'string') return Buffer.from(v.buffer, v.byteOffset, Math.min(v.byteLength, limit ?? Infinity)).toString('utf8');
  return Buffer.from(limit === undefined ? v : v.slice(0, limit), 'base64').toString('utf8');
}

function byteLength(v: string | Uint8Array | null | undefined): number {
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

export interface PayloadPreview {
  /** The event and field to ask for the full value: GET …/history/events/{eventId}/payload?field={field}. */
  readonly eventId: string;
  readonly field: string;
  readonly encoding: string;
  /** JSON text (an array when there are several payloads), cut to the preview length. */
  readonly preview: string;
  readonly truncated: boolean;
  readonly sizeBytes: number;
}

const payloadList = (v: unknown): PayloadJson[] | undefined => {
  const list = field(v, 'payloads');
  return Array.isArray(list) ? (list.filter(isObject) as PayloadJson[]) : undefined;
};
const isPayload = (v: unknown): v is PayloadJson => isObject(v) && isObject(v.metadata) && (v.data === undefined || typeof v.data === 'string' || v.data instanceof Uint8Array);

function preview(value: unknown, eventId: string, path: string, chars: number): PayloadPreview | undefined {
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

// ---------------------------------------------------------------------------
// Failures

export type FailureKind = 'application' | 'timeout' | 'canceled' | 'terminated' | 'server' | 'activity' | 'child-workflow' | 'nexus' | 'reset' | 'unknown';

export interface FailureView {
  readonly message: string;
  readonly kind: FailureKind;
  /** The ApplicationFailure type ('NodeUnavailable'), the timeout type ('HEARTBEAT'), or the failed activity's or child's type. */
  readonly type?: string;
  readonly nonRetryable?: boolean;
  readonly source?: string;
  readonly stackTrace?: string;
  readonly details?: PayloadPreview;
  readonly cause?: FailureView;
}

const FAILURE_INFOS: readonly [string, FailureKind, (info: Json) => string | undefined][] = [
  ['applicationFailureInfo', 'application', (i) => text(i.type)],
  ['timeoutFailureInfo', 'timeout', (i) => stripPrefix(i.timeoutType, 'TIMEOUT_TYPE_')],
  ['canceledFailureInfo', 'canceled', () => undefined],
  ['terminatedFailureInfo', 'terminated', () => undefined],
  ['serverFailureInfo', 'server', () => undefined],
  ['resetWorkflowFailureInfo', 'reset', () => undefined],
  ['activityFailureInfo', 'activity', (i) => text(field(i, 'activityType', 'name'))],
  ['childWorkflowExecutionFailureInfo', 'child-workflow', (i) => text(field(i, 'workflowType', 'name'))],
  ['nexusOperationExecutionFailureInfo', 'nexus', (i) => text(i.operation)],
  ['nexusHandlerFailureInfo', 'nexus', (i) => text(i.type)],
];

/** Without an `eventId` (a failure not stored in an event) details are left out: they could not be fetched in full. */
function failureView(f: unknown, eventId: string | undefined, path: string, chars: number, depth = 0): FailureView | undefined {
  if (!isObject(f)) return undefined;
  let message = text(f.message) ?? '';
  let stackTrace = text(f.stackTrace);
  // With a failure converter that encodes common attributes, the real message travels as a payload.
  if (isPayload(f.encodedAttributes)) {
    const encoded = decodePayload(f.encodedAttributes).value;
    message = text(field(encoded, 'message')) ?? message;
    stackTrace = text(field(encoded, 'stack_trace')) ?? stackTrace;
  }
  let kind: FailureKind = 'unknown';
  let type: string | undefined;
  let nonRetryable: boolean | undefined;
  let details: PayloadPreview | undefined;
  for (const [key, k, typeOf] of FAILURE_INFOS) {
    const info = f[key];
    if (!isObject(info)) continue;
    kind = k;
    type = typeOf(info);
    if (key === 'applicationFailureInfo') nonRetryable = info.nonRetryable === true;
    const detailsKey = key === 'applicationFailureInfo' ? 'details' : key === 'timeoutFailureInfo' ? 'lastHeartbeatDetails' : undefined;
    if (detailsKey && eventId !== undefined) details = preview(info[detailsKey], eventId, `${path}.${key}.${detailsKey}`, chars);
    break;
  }
  const cause = depth < 8 ? failureView(f.cause, eventId, `${path}.cause`, chars, depth + 1) : undefined;
  return {
    message,
    kind,
    ...(type ? { type } : {}),
    ...(nonRetryable !== undefined ? { nonRetryable } : {}),
    ...(text(f.source) ? { source: text(f.source) } : {}),
    ...(stackTrace ? { stackTrace } : {}),
    ...(details ? { details } : {}),
    ...(cause ? { cause } : {}),
  };
}

// ---------------------------------------------------------------------------
// Normalized events

export type SummaryValue = string | number | boolean;

export interface NormalizedEvent {
  readonly id: string;
  readonly time: string | null;
  /** Short form: 'ActivityTaskScheduled'. */
  readonly type: string;
  readonly category: EventCategory;
  /** The timeline item the event belongs to; absent for workflow tasks, which are only counted. */
  readonly groupId?: string;
  /** The event's scalar attributes, flattened for a one-line view; payloads are in the timeline's previews. */
  readonly summary: Readonly<Record<string, SummaryValue>>;
}

/** Plumbing that says nothing about what the workflow did. */
const SUMMARY_SKIP = new Set(['header', 'workerVersion', 'sdkMetadata', 'meteringMetadata', 'searchAttributes', 'memo', 'requestId', 'versioningOverride', 'deploymentVersion', 'priority', 'links', 'userMetadata', 'callbacks', 'completionCallbacks']);
const SUMMARY_TEXT_LIMIT = 200;

function summarize(attrs: Json): Record<string, SummaryValue> {
  const out: Record<string, SummaryValue> = {};
  for (const [key, v] of Object.entries(attrs)) {
    if (SUMMARY_SKIP.has(key)) continue;
    if (typeof v === 'string') {
      if (v !== '') out[key] = v.length > SUMMARY_TEXT_LIMIT ? `${v.slice(0, SUMMARY_TEXT_LIMIT)}…` : v;
    } else if (typeof v === 'number' || typeof v === 'boolean') {
      out[key] = v;
    } else if (isObject(v)) {
      if (key === 'failure' || key === 'lastFailure') {
        const f = failureView(v, undefined, key, 0);
        if (f) {
          out[key] = f.message;
          if (f.type) out[`${key}Type`] = f.type;
        }
      } else if (typeof v.name === 'string') {
        out[key] = v.name; // workflowType, activityType, taskQueue
      } else if (typeof v.workflowId === 'string') {
        out[key] = v.workflowId;
        if (typeof v.runId === 'string' && v.runId !== '') out[`${key}RunId`] = v.runId;
      } else {
        const ms = durationMs(v);
        if (ms !== undefined && ms > 0) out[key] = formatDuration(ms);
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Timeline items

interface ItemBase {
  /** The id of the item's first event; events carry it as `groupId`. */
  readonly id: string;
  readonly title: string;
  readonly start: string | null;
  readonly end: string | null;
  /** From the first event to the closing one; null while open. */
  readonly durationMs: number | null;
  readonly eventIds: readonly string[];
}

export type ActivityStatus = 'scheduled' | 'started' | 'retrying' | 'paused' | 'completed' | 'failed' | 'timed-out' | 'cancel-requested' | 'canceled';

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

export interface ActivityItem extends ItemBase {
  readonly kind: 'activity';
  readonly status: ActivityStatus;
  readonly activityId: string;
  readonly activityType: string;
  readonly taskQueue?: string;
  /**
   * Attempts made so far. Temporal records one Started event per activity, for
   * the last attempt, so earlier attempts show only as this count and `lastFailure`.
   */
  readonly attempts: number;
  readonly maximumAttempts?: number;
  readonly startedAt: string | null;
  readonly input?: PayloadPreview;
  readonly result?: PayloadPreview;
  readonly failure?: FailureView;
  /** Why the attempt before the last one failed. */
  readonly lastFailure?: FailureView;
  readonly retryState?: string;
  readonly identity?: string;
  /** For an open activity: when it last heartbeat and when the next attempt is due. */
  readonly lastHeartbeatAt?: string;
  readonly nextAttemptAt?: string;
}

export interface TimerItem extends ItemBase {
  readonly kind: 'timer';
  readonly status: 'started' | 'fired' | 'canceled';
  readonly timerId: string;
  readonly fireAfterMs?: number;
}

export interface SignalItem extends ItemBase {
  readonly kind: 'signal';
  /** Received by this workflow, or sent by it to another one. */
  readonly direction: 'received' | 'sent';
  readonly status: 'received' | 'initiated' | 'delivered' | 'failed';
  readonly name: string;
  readonly input?: PayloadPreview;
  readonly identity?: string;
  readonly target?: { readonly workflowId: string; readonly runId?: string };
  readonly cause?: string;
}

export interface UpdateItem extends ItemBase {
  readonly kind: 'update';
  readonly status: 'admitted' | 'accepted' | 'rejected' | 'completed' | 'failed';
  readonly updateId: string;
  readonly name: string;
  readonly input?: PayloadPreview;
  readonly result?: PayloadPreview;
  readonly failure?: FailureView;
}

export interface ChildItem extends ItemBase {
  readonly kind: 'child';
  readonly status: 'initiated' | 'start-failed' | 'started' | 'completed' | 'failed' | 'canceled' | 'timed-out' | 'terminated';
  readonly workflowType: string;
  readonly workflowId: string;
  readonly runId?: string;
  readonly namespace?: string;
  readonly input?: PayloadPreview;
  readonly result?: PayloadPreview;
  readonly failure?: FailureView;
  readonly cause?: string;
}

export interface MarkerItem extends ItemBase {
  readonly kind: 'marker';
  readonly status: 'recorded';
  readonly name: string;
  readonly details: Readonly<Record<string, PayloadPreview>>;
}

export interface WorkflowStartItem extends ItemBase {
  readonly kind: 'workflow-start';
  readonly status: 'started';
  readonly workflowType: string;
  readonly taskQueue?: string;
  readonly attempt: number;
  readonly input?: PayloadPreview;
  readonly identity?: string;
  readonly parent?: { readonly workflowId: string; readonly runId?: string };
  readonly continuedFromRunId?: string;
}

export type WorkflowEndStatus = 'completed' | 'failed' | 'timed-out' | 'canceled' | 'terminated' | 'continued-as-new';

export interface WorkflowEndItem extends ItemBase {
  readonly kind: 'workflow-end';
  readonly status: WorkflowEndStatus;
  readonly result?: PayloadPreview;
  readonly failure?: FailureView;
  readonly retryState?: string;
  /** Why it was terminated, when someone said. */
  readonly reason?: string;
  readonly identity?: string;
  /** The run that continues this one (continue-as-new, or a retry after failure). */
  readonly newRunId?: string;
}

/** Events with no group of their own (search attribute upserts, cancel requests, Nexus operations, …). */
export interface EventItem extends ItemBase {
  readonly kind: 'event';
  /** The short type of the item's latest event. */
  readonly status: string;
  readonly category: EventCategory;
  readonly summary: Readonly<Record<string, SummaryValue>>;
}

export type TimelineItem = WorkflowStartItem | WorkflowEndItem | ActivityItem | TimerItem | SignalItem | UpdateItem | ChildItem | MarkerItem | EventItem;

export interface WorkflowTaskCounts {
  readonly scheduled: number;
  readonly completed: number;
  readonly failed: number;
  readonly timedOut: number;
  /** A failed workflow task is usually a bug in workflow code (nondeterminism, an exception), so the last one is kept. */
  readonly lastFailure?: { readonly eventId: string; readonly cause?: string; readonly failure?: FailureView };
}

export interface Timeline {
  readonly items: readonly TimelineItem[];
  readonly workflowTasks: WorkflowTaskCounts;
  readonly eventCount: number;
  readonly start: string | null;
  /** The close event's time; null while the workflow runs. */
  readonly end: string | null;
  readonly durationMs: number | null;
}

export interface TimelineOptions {
  /** Characters of each payload preview. */
  readonly previewChars?: number;
  /** Open activities as describe() reports them, for attempts and failures the history does not show yet. */
  readonly pendingActivities?: readonly PendingActivityJson[];
}

type Draft<T> = { -readonly [K in keyof T]: T[K] };
/** Items are filled in as their events arrive; `startMs` keeps sub-millisecond precision for durations. */
type Open<T extends TimelineItem> = Draft<T> & { eventIds: string[]; startMs?: number };
type OpenItem = Open<TimelineItem>;

const optional = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> => (value === undefined ? {} : ({ [key]: value } as Record<K, V>));

/** One event as the handlers see it. */
interface Ev {
  readonly id: string;
  readonly type: string;
  readonly category: EventCategory;
  readonly ms: number | undefined;
  readonly attrs: Json;
  readonly summary: Record<string, SummaryValue>;
}

class TimelineBuilder {
  readonly items = new Map<string, OpenItem>();
  /** What later events point at: the opening event's id, or `update:<id>`. */
  readonly refs = new Map<string, OpenItem>();
  readonly activities = new Map<string, Open<ActivityItem>>();
  readonly tasks: Draft<WorkflowTaskCounts> = { scheduled: 0, completed: 0, failed: 0, timedOut: 0 };
  startMs: number | undefined;
  endMs: number | undefined;

  constructor(readonly chars: number) {}

  open<T extends OpenItem>(item: T, e: Ev, closed = false): T {
    item.startMs = e.ms;
    if (closed) Object.assign(item, { end: isoTime(e.ms), durationMs: 0 });
    this.items.set(item.id, item);
    this.refs.set(item.id, item);
    return item;
  }

  join(item: OpenItem, e: Ev): void {
    if (item.eventIds[item.eventIds.length - 1] !== e.id) item.eventIds.push(e.id);
  }

  close(item: OpenItem, e: Ev): void {
    this.join(item, e);
    item.end = isoTime(e.ms);
    item.durationMs = e.ms !== undefined && item.startMs !== undefined ? Math.round(e.ms - item.startMs) : null;
  }

  /** The item the event points at through one of its `…EventId` attributes. */
  ref(e: Ev, key: string): OpenItem | undefined {
    return this.refs.get(text(e.attrs[key]) ?? '');
  }

  preview(e: Ev, path: string, value: unknown = e.attrs[path]): PayloadPreview | undefined {
    return preview(value, e.id, path, this.chars);
  }

  failure(e: Ev, path: string, value: unknown = e.attrs[path]): FailureView | undefined {
    return failureView(value, e.id, path, this.chars);
  }
}

const base = (e: Ev, title: string) => ({ id: e.id, title, start: isoTime(e.ms), end: null, durationMs: null, eventIds: [e.id] });

type Handler = (b: TimelineBuilder, e: Ev) => OpenItem | undefined;

const WORKFLOW_END: Partial<Record<string, WorkflowEndStatus>> = {
  WorkflowExecutionCompleted: 'completed',
  WorkflowExecutionFailed: 'failed',
  WorkflowExecutionTimedOut: 'timed-out',
  WorkflowExecutionCanceled: 'canceled',
  WorkflowExecutionTerminated: 'terminated',
  WorkflowExecutionContinuedAsNew: 'continued-as-new',
};

const onWorkflow: Handler = (b, e) => {
  const a = e.attrs;
  if (e.type === 'WorkflowExecutionStarted') {
    b.startMs = e.ms;
    const workflowType = text(field(a, 'workflowType', 'name')) ?? '';
    const parent = text(field(a, 'parentWorkflowExecution', 'workflowId'));
    const item: Open<WorkflowStartItem> = {
      ...base(e, workflowType || 'workflow'),
      kind: 'workflow-start',
      status: 'started',
      workflowType,
      attempt: numeric(a.attempt) ?? 1,
      ...optional('taskQueue', text(field(a, 'taskQueue', 'name'))),
      ...optional('input', b.preview(e, 'input')),
      ...optional('identity', text(a.identity)),
      ...optional('parent', parent ? { workflowId: parent, ...optional('runId', text(field(a, 'parentWorkflowExecution', 'runId'))) } : undefined),
      ...optional('continuedFromRunId', text(a.continuedExecutionRunId)),
    };
    return b.open(item, e, true);
  }
  const status = WORKFLOW_END[e.type];
  if (!status) return onOther(b, e);
  b.endMs = e.ms;
  const item: Open<WorkflowEndItem> = {
    ...base(e, `Workflow ${status}`),
    kind: 'workflow-end',
    status,
    ...optional('result', b.preview(e, 'result')),
    ...optional('failure', b.failure(e, 'failure')),
    ...optional('retryState', stripPrefix(a.retryState, 'RETRY_STATE_')),
    ...optional('reason', text(a.reason)),
    ...optional('identity', text(a.identity)),
    ...optional('newRunId', text(a.newExecutionRunId)),
  };
  return b.open(item, e, true);
};

const onWorkflowTask: Handler = (b, e) => {
  if (e.type === 'WorkflowTaskScheduled') b.tasks.scheduled++;
  else if (e.type === 'WorkflowTaskCompleted') b.tasks.completed++;
  else if (e.type === 'WorkflowTaskTimedOut') b.tasks.timedOut++;
  else if (e.type === 'WorkflowTaskFailed') {
    b.tasks.failed++;
    b.tasks.lastFailure = { eventId: e.id, ...optional('cause', stripPrefix(e.attrs.cause, 'WORKFLOW_TASK_FAILED_CAUSE_')), ...optional('failure', b.failure(e, 'failure')) };
  }
  return undefined;
};

const ACTIVITY_END: Partial<Record<string, ActivityStatus>> = {
  ActivityTaskCompleted: 'completed',
  ActivityTaskFailed: 'failed',
  ActivityTaskTimedOut: 'timed-out',
  ActivityTaskCanceled: 'canceled',
};

const onActivity: Handler = (b, e) => {
  const a = e.attrs;
  if (e.type === 'ActivityTaskScheduled') {
    const activityType = text(field(a, 'activityType', 'name')) ?? 'activity';
    const item: Open<ActivityItem> = {
      ...base(e, activityType),
      kind: 'activity',
      status: 'scheduled',
      activityId: text(a.activityId) ?? e.id,
      activityType,
      attempts: 0,
      startedAt: null,
      ...optional('taskQueue', text(field(a, 'taskQueue', 'name'))),
      ...optional('maximumAttempts', numeric(field(a, 'retryPolicy', 'maximumAttempts')) || undefined),
      ...optional('input', b.preview(e, 'input')),
    };
    b.activities.set(item.activityId, item);
    return b.open(item, e);
  }
  const item = b.ref(e, 'scheduledEventId');
  if (item?.kind !== 'activity') return onOther(b, e);
  const end = ACTIVITY_END[e.type];
  if (end) {
    b.close(item, e);
    item.status = end;
    Object.assign(item, optional('result', b.preview(e, 'result')), optional('failure', b.failure(e, 'failure')), optional('retryState', stripPrefix(a.retryState, 'RETRY_STATE_')));
  } else if (e.type === 'ActivityTaskStarted') {
    b.join(item, e);
    item.status = 'started';
    item.startedAt = isoTime(e.ms);
    item.attempts = numeric(a.attempt) ?? 1;
    Object.assign(item, optional('lastFailure', b.failure(e, 'lastFailure')), optional('identity', text(a.identity)));
  } else {
    b.join(item, e);
    if (e.type === 'ActivityTaskCancelRequested') item.status = 'cancel-requested';
  }
  return item;
};

const onTimer: Handler = (b, e) => {
  if (e.type === 'TimerStarted') {
    const timerId = text(e.attrs.timerId) ?? e.id;
    const item: Open<TimerItem> = { ...base(e, `Timer ${timerId}`), kind: 'timer', status: 'started', timerId, ...optional('fireAfterMs', durationMs(e.attrs.startToFireTimeout)) };
    return b.open(item, e);
  }
  const item = b.ref(e, 'startedEventId');
  if (item?.kind !== 'timer') return onOther(b, e);
  b.close(item, e);
  item.status = e.type === 'TimerFired' ? 'fired' : 'canceled';
  return item;
};

const onSignal: Handler = (b, e) => {
  const a = e.attrs;
  const name = text(a.signalName) ?? 'signal';
  if (e.type === 'WorkflowExecutionSignaled') {
    const item: Open<SignalItem> = { ...base(e, name), kind: 'signal', direction: 'received', status: 'received', name, ...optional('input', b.preview(e, 'input')), ...optional('identity', text(a.identity)) };
    return b.open(item, e, true);
  }
  if (e.type === 'SignalExternalWorkflowExecutionInitiated') {
    const target = { workflowId: text(field(a, 'workflowExecution', 'workflowId')) ?? '', ...optional('runId', text(field(a, 'workflowExecution', 'runId'))) };
    const item: Open<SignalItem> = { ...base(e, name), kind: 'signal', direction: 'sent', status: 'initiated', name, target, ...optional('input', b.preview(e, 'input')) };
    return b.open(item, e);
  }
  const item = b.ref(e, 'initiatedEventId');
  if (item?.kind !== 'signal') return onOther(b, e);
  b.close(item, e);
  item.status = e.type === 'ExternalWorkflowExecutionSignaled' ? 'delivered' : 'failed';
  Object.assign(item, optional('cause', stripPrefix(a.cause, 'SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_')));
  return item;
};

/** Admitted and Accepted carry the request, Rejected its own copy of it, Completed only the update id. */
const onUpdate: Handler = (b, e) => {
  const a = e.attrs;
  const requestKey = ['request', 'acceptedRequest', 'rejectedRequest'].find((k) => isObject(a[k]));
  const request = requestKey ? a[requestKey] : undefined;
  const updateId = text(field(request, 'meta', 'updateId')) ?? text(field(a, 'meta', 'updateId')) ?? text(a.protocolInstanceId) ?? e.id;
  const name = text(field(request, 'input', 'name'));
  let item = b.refs.get(`update:${updateId}`);
  if (item?.kind !== 'update') {
    item = b.open<Open<UpdateItem>>({ ...base(e, name ?? 'update'), kind: 'update', status: 'admitted', updateId, name: name ?? 'update' }, e);
    b.refs.set(`update:${updateId}`, item);
  }
  if (name) item.name = item.title = name;
  if (requestKey && !item.input) Object.assign(item, optional('input', b.preview(e, `${requestKey}.input.args`, field(request, 'input', 'args'))));
  if (e.type === 'WorkflowExecutionUpdateRejected') {
    b.close(item, e);
    item.status = 'rejected';
    Object.assign(item, optional('failure', b.failure(e, 'failure')));
  } else if (e.type === 'WorkflowExecutionUpdateCompleted') {
    b.close(item, e);
    const failure = b.failure(e, 'outcome.failure', field(a, 'outcome', 'failure'));
    item.status = failure ? 'failed' : 'completed';
    Object.assign(item, optional('failure', failure), optional('result', b.preview(e, 'outcome.success', field(a, 'outcome', 'success'))));
  } else {
    b.join(item, e);
    item.status = e.type === 'WorkflowExecutionUpdateAccepted' ? 'accepted' : 'admitted';
  }
  return item;
};

const CHILD_END: Partial<Record<string, ChildItem['status']>> = {
  StartChildWorkflowExecutionFailed: 'start-failed',
  ChildWorkflowExecutionCompleted: 'completed',
  ChildWorkflowExecutionFailed: 'failed',
  ChildWorkflowExecutionCanceled: 'canceled',
  ChildWorkflowExecutionTimedOut: 'timed-out',
  ChildWorkflowExecutionTerminated: 'terminated',
};

const onChild: Handler = (b, e) => {
  const a = e.attrs;
  if (e.type === 'StartChildWorkflowExecutionInitiated') {
    const workflowType = text(field(a, 'workflowType', 'name')) ?? 'child';
    const item: Open<ChildItem> = {
      ...base(e, workflowType),
      kind: 'child',
      status: 'initiated',
      workflowType,
      workflowId: text(a.workflowId) ?? '',
      ...optional('namespace', text(a.namespace)),
      ...optional('input', b.preview(e, 'input')),
    };
    return b.open(item, e);
  }
  const item = b.ref(e, 'initiatedEventId');
  if (item?.kind !== 'child') return onOther(b, e);
  const end = CHILD_END[e.type];
  if (end) {
    b.close(item, e);
    item.status = end;
    Object.assign(
      item,
      optional('result', b.preview(e, 'result')),
      optional('failure', b.failure(e, 'failure')),
      optional('cause', stripPrefix(a.cause, 'START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_')),
    );
  } else {
    b.join(item, e);
    item.status = 'started';
    Object.assign(item, optional('runId', text(field(a, 'workflowExecution', 'runId'))));
  }
  return item;
};

const onMarker: Handler = (b, e) => {
  const name = text(e.attrs.markerName) ?? 'marker';
  const details: Record<string, PayloadPreview> = {};
  for (const [key, value] of Object.entries(isObject(e.attrs.details) ? e.attrs.details : {})) {
    const p = b.preview(e, `details.${key}`, value);
    if (p) details[key] = p;
  }
  return b.open<Open<MarkerItem>>({ ...base(e, name), kind: 'marker', status: 'recorded', name, details }, e, true);
};

/** Follow-up events join the item of the event they point at; anything else is an item of its own. */
const onOther: Handler = (b, e) => {
  const opener = b.ref(e, 'scheduledEventId') ?? b.ref(e, 'initiatedEventId') ?? b.ref(e, 'startedEventId');
  if (opener?.kind === 'event') {
    b.close(opener, e);
    opener.status = e.type;
    return opener;
  }
  if (opener) {
    b.join(opener, e); // e.g. an activity's options changed from outside: part of its row, not a row of its own
    return opener;
  }
  return b.open<Open<EventItem>>({ ...base(e, e.type), kind: 'event', status: e.type, category: e.category, summary: e.summary }, e, true);
};

/** Exhaustive, so a new category cannot be left without a way onto the timeline. */
const HANDLERS: Record<EventCategory, Handler> = {
  workflow: onWorkflow,
  task: onWorkflowTask,
  activity: onActivity,
  timer: onTimer,
  signal: onSignal,
  update: onUpdate,
  child: onChild,
  marker: onMarker,
  other: onOther,
};

/**
 * What the server knows of activities that have not closed: Temporal writes an
 * activity's Started event only when its last attempt ends, so a retrying
 * activity shows in the history as merely scheduled.
 */
function applyPending(b: TimelineBuilder, pending: readonly PendingActivityJson[]): void {
  for (const p of pending) {
    const item = b.activities.get(text(p.activityId) ?? '');
    if (!item || item.end !== null) continue;
    const state = stripPrefix(p.state, 'PENDING_ACTIVITY_STATE_');
    const attempt = numeric(p.attempt) ?? item.attempts;
    item.attempts = attempt;
    item.status = state === 'STARTED' ? 'started' : state === 'CANCEL_REQUESTED' ? 'cancel-requested' : state?.startsWith('PAUSE') ? 'paused' : attempt > 1 ? 'retrying' : 'scheduled';
    if (state === 'STARTED') item.startedAt = isoTime(timestampMs(p.lastStartedTime)) ?? item.startedAt;
    Object.assign(
      item,
      // Not stored in an event, so its details could not be fetched in full: no event id.
      optional('lastFailure', failureView(p.lastFailure, undefined, 'lastFailure', b.chars)),
      optional('maximumAttempts', numeric(p.maximumAttempts) || item.maximumAttempts),
      optional('lastHeartbeatAt', isoTime(timestampMs(p.lastHeartbeatTime)) ?? undefined),
      optional('nextAttemptAt', isoTime(timestampMs(p.nextAttemptScheduleTime)) ?? undefined),
      optional('identity', text(p.lastWorkerIdentity) ?? item.identity),
    );
  }
}

/** The normalized events and the timeline, in one pass over the history. */
export function readHistory(history: HistoryJson, options: TimelineOptions = {}): { events: NormalizedEvent[]; timeline: Timeline } {
  const b = new TimelineBuilder(options.previewChars ?? DEFAULT_PREVIEW_CHARS);
  const events: NormalizedEvent[] = [];
  for (const event of history.events ?? []) {
    const type = shortEventType(text(event.eventType) ?? 'Unspecified');
    const attrs = attributesOf(event, type);
    const e: Ev = { id: text(event.eventId) ?? String(events.length + 1), type, category: eventCategory(type), ms: timestampMs(event.eventTime), attrs, summary: summarize(attrs) };
    const group = HANDLERS[e.category](b, e);
    events.push({ id: e.id, time: isoTime(e.ms), type, category: e.category, ...optional('groupId', group?.id), summary: e.summary });
  }
  applyPending(b, options.pendingActivities ?? []);
  const timeline: Timeline = {
    items: [...b.items.values()].map(({ startMs: _startMs, ...item }) => item as TimelineItem),
    workflowTasks: b.tasks,
    eventCount: events.length,
    start: isoTime(b.startMs),
    end: isoTime(b.endMs),
    durationMs: b.startMs !== undefined && b.endMs !== undefined ? Math.round(b.endMs - b.startMs) : null,
  };
  return { events, timeline };
}

export function normalizeEvents(history: HistoryJson): NormalizedEvent[] {
  return readHistory(history).events;
}

export function buildTimeline(history: HistoryJson, options?: TimelineOptions): Timeline {
  return readHistory(history, options).timeline;
}

/** The event with this id, if the history has it. */
export function findEvent(history: HistoryJson, eventId: string): HistoryEventJson | undefined {
  return history.events?.find((e) => text(e.eventId) === eventId);
}
