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
import type { NormalizedEvent, Timeline, TimelineItem } from '../../../domain/wire/timeline';
import { HANDLERS, applyPending } from './event-handlers';
import { eventCategory, shortEventType } from './event-types';
import { type HistoryJson, type PendingActivityJson, attributesOf, isoTime, text, timestampMs } from './history-json';
import { DEFAULT_PREVIEW_CHARS } from './payloads';
import { summarize } from './summaries';
import { type Ev, TimelineBuilder, optional } from './timeline-builder';

export interface TimelineOptions {
  /** Characters of each payload preview. */
  readonly previewChars?: number;
  /** Open activities as describe() reports them, for attempts and failures the history does not show yet. */
  readonly pendingActivities?: readonly PendingActivityJson[];
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
