/**
 * The timeline of a workflow history as the API answers it and the dashboard
 * reads it (api/history/timeline builds it): normalized events, and one item per
 * activity, timer, signal, update, child workflow and marker, plus the
 * workflow's start and end. Types only.
 */

export type EventCategory = 'workflow' | 'activity' | 'timer' | 'signal' | 'update' | 'child' | 'marker' | 'task' | 'other';
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
export interface ItemBase {
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
  /** A local activity's completion (the SDK's `core_local_activity` marker): which activity, which attempt. */
  readonly localActivity?: { readonly type: string; readonly attempt: number };
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
