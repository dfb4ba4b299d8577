/**
 * A workflow history as the dashboard shows it, the way temporalio/ui groups
 * events: raw events → normalized events → timeline items. One small module a
 * step: event types and categories, the history's JSON, payloads, failures,
 * summaries, and the builder; the wire types are in domain/wire/timeline.ts.
 */
export { readHistory, type TimelineOptions } from './build-timeline';
export { timestampMs, type HistoryEventJson, type HistoryJson, type PayloadJson, type PendingActivityJson } from './history-json';
export { decodePayload, eventPayload, payloadFields } from './payloads';
export type * from '../../../domain/wire/timeline';
