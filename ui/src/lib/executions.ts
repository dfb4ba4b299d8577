/**
 * The Executions API (api/routes/workflows.ts) and the timeline it builds
 * from a history (api/history/timeline.ts), as the dashboard reads them.
 */
import { get, type Request } from './api';

export interface Execution {
  readonly workflowId: string;
  readonly runId: string;
  readonly type: string;
  readonly status: string;
  readonly startTime: string | null;
  readonly closeTime: string | null;
  readonly historyLength: number;
  readonly kind: string | null;
  readonly repository: string | null;
  readonly issue: number | null;
  readonly statusDetail: string | null;
  readonly temporalUiUrl?: string;
}

export interface ExecutionFilters {
  readonly kind?: string;
  readonly repository?: string;
  readonly status?: string;
  readonly type?: string;
  readonly q?: string;
  readonly startedAfter?: string;
  readonly startedBefore?: string;
}

export const FILTER_KEYS = ['kind', 'repository', 'status', 'type', 'q', 'startedAfter', 'startedBefore'] as const;

/** The statuses the list can filter on (api/routes/workflows.ts STATUSES). */
export const EXECUTION_STATUSES = ['RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'TERMINATED', 'CONTINUED_AS_NEW', 'TIMED_OUT'] as const;

/** The WhooshKind values WHOOSH's own starters set (domain/kinds.ts). */
export { WHOOSH_KINDS as KNOWN_KINDS } from '../../../domain/kinds';

export interface PayloadPreview {
  readonly eventId: string;
  readonly field: string;
  readonly encoding: string;
  readonly preview: string;
  readonly truncated: boolean;
  readonly sizeBytes: number;
}

export interface Failure {
  readonly message: string;
  readonly kind: string;
  readonly type?: string;
  readonly nonRetryable?: boolean;
  readonly source?: string;
  readonly stackTrace?: string;
  readonly details?: PayloadPreview;
  readonly cause?: Failure;
}

interface ItemBase {
  readonly id: string;
  readonly title: string;
  readonly status: string;
  readonly start: string | null;
  readonly end: string | null;
  readonly durationMs: number | null;
  readonly eventIds: readonly string[];
  readonly input?: PayloadPreview;
  readonly result?: PayloadPreview;
  readonly failure?: Failure;
}

export interface ActivityItem extends ItemBase {
  readonly kind: 'activity';
  readonly activityId: string;
  readonly activityType: string;
  readonly taskQueue?: string;
  readonly attempts: number;
  readonly maximumAttempts?: number;
  readonly startedAt: string | null;
  readonly lastFailure?: Failure;
  readonly retryState?: string;
  readonly identity?: string;
  readonly lastHeartbeatAt?: string;
  readonly nextAttemptAt?: string;
}

export interface TimerItem extends ItemBase {
  readonly kind: 'timer';
  readonly timerId: string;
  readonly fireAfterMs?: number;
}

export interface SignalItem extends ItemBase {
  readonly kind: 'signal';
  readonly direction: 'received' | 'sent';
  readonly name: string;
  readonly identity?: string;
  readonly target?: { readonly workflowId: string; readonly runId?: string };
  readonly cause?: string;
}

export interface UpdateItem extends ItemBase {
  readonly kind: 'update';
  readonly updateId: string;
  readonly name: string;
}

export interface ChildItem extends ItemBase {
  readonly kind: 'child';
  readonly workflowType: string;
  readonly workflowId: string;
  readonly runId?: string;
  readonly cause?: string;
}

export interface MarkerItem extends ItemBase {
  readonly kind: 'marker';
  readonly name: string;
  readonly details: Readonly<Record<string, PayloadPreview>>;
}

export interface WorkflowStartItem extends ItemBase {
  readonly kind: 'workflow-start';
  readonly workflowType: string;
  readonly taskQueue?: string;
  readonly attempt: number;
  readonly identity?: string;
  readonly parent?: { readonly workflowId: string; readonly runId?: string };
  readonly continuedFromRunId?: string;
}

export interface WorkflowEndItem extends ItemBase {
  readonly kind: 'workflow-end';
  readonly retryState?: string;
  readonly reason?: string;
  readonly identity?: string;
  readonly newRunId?: string;
}

export interface EventItem extends ItemBase {
  readonly kind: 'event';
  readonly category: string;
  readonly summary: Readonly<Record<string, string | number | boolean>>;
}

export type TimelineItem = WorkflowStartItem | WorkflowEndItem | ActivityItem | TimerItem | SignalItem | UpdateItem | ChildItem | MarkerItem | EventItem;
export type ItemKind = TimelineItem['kind'];

export interface NormalizedEvent {
  readonly id: string;
  readonly time: string | null;
  readonly type: string;
  readonly category: string;
  readonly groupId?: string;
  readonly summary: Readonly<Record<string, string | number | boolean>>;
}

export interface Timeline {
  readonly items: readonly TimelineItem[];
  readonly workflowTasks: {
    readonly scheduled: number;
    readonly completed: number;
    readonly failed: number;
    readonly timedOut: number;
    readonly lastFailure?: { readonly eventId: string; readonly cause?: string; readonly failure?: Failure };
  };
  readonly eventCount: number;
  readonly start: string | null;
  readonly end: string | null;
  readonly durationMs: number | null;
}

export interface History {
  readonly workflowId: string;
  readonly runId: string;
  readonly type: string;
  readonly status: string;
  readonly events: readonly NormalizedEvent[];
  readonly timeline: Timeline;
  readonly temporalUiUrl?: string;
}

export interface FullPayload {
  readonly eventId: string;
  readonly field: string;
  readonly encoding: string;
  readonly sizeBytes: number;
  readonly value: unknown;
}

export interface ExecutionCounts {
  readonly closedSince: string;
  readonly kinds: readonly { readonly kind: string | null; readonly total: number; readonly byStatus: Readonly<Record<string, number>> }[];
  readonly total: { readonly total: number; readonly byStatus: Readonly<Record<string, number>> };
}

export const listExecutions = (token: string, filters: ExecutionFilters, page: { pageSize: number; pageToken?: string }, request: Request = fetch) =>
  get<{ executions: Execution[]; nextPageToken: string | null; query: string }>(token, '/api/v1/workflows', { ...filters, ...page }, request);

const runPath = (workflowId: string) => `/api/v1/workflows/${encodeURIComponent(workflowId)}`;

export const getHistory = (token: string, workflowId: string, runId?: string, request: Request = fetch) =>
  get<History>(token, `${runPath(workflowId)}/history`, { runId }, request);

export const getPayload = (token: string, workflowId: string, runId: string, p: Pick<PayloadPreview, 'eventId' | 'field'>, request: Request = fetch) =>
  get<FullPayload>(token, `${runPath(workflowId)}/history/events/${encodeURIComponent(p.eventId)}/payload`, { runId, field: p.field }, request);

export const getExecutionCounts = (token: string, hours = 24, request: Request = fetch) => get<ExecutionCounts>(token, '/api/v1/stats/executions', { hours }, request);

/** Where an item sits on the run's span, in percent, for its bar; open items reach `nowMs`. */
export function barOf(item: Pick<TimelineItem, 'start' | 'end'>, span: { start: string | null; end: string | null }, nowMs: number): { left: number; width: number } | undefined {
  const s0 = span.start ? Date.parse(span.start) : NaN;
  const s1 = span.end ? Date.parse(span.end) : nowMs;
  const a = item.start ? Date.parse(item.start) : NaN;
  const b = item.end ? Date.parse(item.end) : nowMs;
  if (!Number.isFinite(s0) || !Number.isFinite(a) || s1 <= s0) return undefined;
  const total = s1 - s0;
  const left = Math.min(100, Math.max(0, ((a - s0) / total) * 100));
  const width = Math.min(100 - left, Math.max(0.6, ((Math.max(b, a) - a) / total) * 100));
  return { left, width };
}

/** Items that failed, or failed before they succeeded, are what a reader looks for first. */
export const hasTrouble = (item: TimelineItem): boolean =>
  item.failure !== undefined || ['failed', 'timed-out', 'start-failed', 'rejected', 'terminated', 'retrying'].includes(item.status);

export const KIND_LABELS: Record<ItemKind, string> = {
  'workflow-start': 'Start',
  'workflow-end': 'End',
  activity: 'Activity',
  timer: 'Timer',
  signal: 'Signal',
  update: 'Update',
  child: 'Child',
  marker: 'Marker',
  event: 'Event',
};
