/**
 * Temporal's event types by their short names ('ActivityTaskScheduled') and
 * the category each belongs to on the timeline. Exhaustive: a new event type
 * fails to compile until it has a category.
 */
import type { temporal } from '@temporalio/proto';
import type { EventCategory } from '../../../domain/wire/timeline';

type EventTypeName = Exclude<keyof typeof temporal.api.enums.v1.EventType, 'EVENT_TYPE_UNSPECIFIED'>;
type Pascal<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Capitalize<Lowercase<Head>>}${Pascal<Tail>}` : Capitalize<Lowercase<S>>;
type ShortName<T> = T extends `EVENT_TYPE_${infer Rest}` ? Pascal<Rest> : never;

/** Every event type the SDK knows, in its short form ('ActivityTaskScheduled'). */
type EventType = ShortName<EventTypeName>;

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
