/**
 * The Executions API (api/routes/executions.ts) and the timeline it builds
 * from a history (api/history/timeline/), as the dashboard reads them.
 */
import { get, type Request } from './api';

export type { ExecutionCounts, ExecutionView as Execution, FullPayloadView as FullPayload } from '../../../domain/wire/executions';
import type { ExecutionCounts, ExecutionListView, FullPayloadView as FullPayload } from '../../../domain/wire/executions';

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

/** The statuses the list can filter on (api/routes/executions.ts STATUSES). */
export const EXECUTION_STATUSES = ['RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'TERMINATED', 'CONTINUED_AS_NEW', 'TIMED_OUT'] as const;

/** The WhooshKind values WHOOSH's own starters set (domain/kinds.ts). */
export { WHOOSH_KINDS as KNOWN_KINDS } from '../../../domain/kinds';

import type { FailureView, NormalizedEvent, PayloadPreview, Timeline as WireTimeline, TimelineItem as WireItem } from '../../../domain/wire/timeline';

export type {
  ActivityItem,
  ChildItem,
  EventItem,
  FailureView as Failure,
  MarkerItem,
  NormalizedEvent,
  PayloadPreview,
  SignalItem,
  TimerItem,
  UpdateItem,
  WorkflowEndItem,
  WorkflowStartItem,
} from '../../../domain/wire/timeline';

/** The dashboard reads any item's payloads and failure where it has them (the wire types say which kinds do). */
export type TimelineItem = WireItem & { readonly input?: PayloadPreview; readonly result?: PayloadPreview; readonly failure?: FailureView };
export type Timeline = Omit<WireTimeline, 'items'> & { readonly items: readonly TimelineItem[] };
export type ItemKind = TimelineItem['kind'];

export interface History {
  readonly workflowId: string;
  readonly runId: string;
  readonly type: string;
  readonly status: string;
  readonly events: readonly NormalizedEvent[];
  readonly timeline: Timeline;
  readonly temporalUiUrl?: string;
}



export const listExecutions = (token: string, filters: ExecutionFilters, page: { pageSize: number; pageToken?: string }, request: Request = fetch) =>
  get<ExecutionListView>(token, '/api/v1/workflows', { ...filters, ...page }, request);

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
