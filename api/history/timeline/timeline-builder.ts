/**
 * The state of one pass over a history: the items opened so far, what later
 * events point at, and the counts of folded workflow tasks. Handlers
 * (event-handlers.ts) open, join and close items through it.
 */
import type { ActivityItem, EventCategory, FailureView, PayloadPreview, SummaryValue, TimelineItem, WorkflowTaskCounts } from '../../../domain/wire/timeline';
import { failureView } from './failures';
import { type Json, isoTime, text } from './history-json';
import { preview } from './payloads';

export type Draft<T> = { -readonly [K in keyof T]: T[K] };
/** Items are filled in as their events arrive; `startMs` keeps sub-millisecond precision for durations. */
export type Open<T extends TimelineItem> = Draft<T> & { eventIds: string[]; startMs?: number };
export type OpenItem = Open<TimelineItem>;

export const optional = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> => (value === undefined ? {} : ({ [key]: value } as Record<K, V>));

/** One event as the handlers see it. */
export interface Ev {
  readonly id: string;
  readonly type: string;
  readonly category: EventCategory;
  readonly ms: number | undefined;
  readonly attrs: Json;
  readonly summary: Record<string, SummaryValue>;
}

export class TimelineBuilder {
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

export const base = (e: Ev, title: string) => ({ id: e.id, title, start: isoTime(e.ms), end: null, durationMs: null, eventIds: [e.id] });

export type Handler = (b: TimelineBuilder, e: Ev) => OpenItem | undefined;
