/**
 * One handler per event category: how an event opens a timeline item or joins
 * the item it belongs to. The map is exhaustive, so a new category cannot be
 * left without a way onto the timeline.
 */
import type {
  ActivityItem,
  ActivityStatus,
  ChildItem,
  EventCategory,
  EventItem,
  MarkerItem,
  PayloadPreview,
  SignalItem,
  TimerItem,
  UpdateItem,
  WorkflowEndItem,
  WorkflowEndStatus,
  WorkflowStartItem,
} from '../../../domain/wire/timeline';
import { type Handler, type Open, type TimelineBuilder, base, optional } from './timeline-builder';
import { failureView } from './failures';
import { type PendingActivityJson, durationMs, field, isObject, isoTime, numeric, stripPrefix, text, timestampMs } from './history-json';
import { decodePayload, isPayload } from './payloads';

export const WORKFLOW_END: Partial<Record<string, WorkflowEndStatus>> = {
  WorkflowExecutionCompleted: 'completed',
  WorkflowExecutionFailed: 'failed',
  WorkflowExecutionTimedOut: 'timed-out',
  WorkflowExecutionCanceled: 'canceled',
  WorkflowExecutionTerminated: 'terminated',
  WorkflowExecutionContinuedAsNew: 'continued-as-new',
};

export const onWorkflow: Handler = (b, e) => {
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

export const onWorkflowTask: Handler = (b, e) => {
  if (e.type === 'WorkflowTaskScheduled') b.tasks.scheduled++;
  else if (e.type === 'WorkflowTaskCompleted') b.tasks.completed++;
  else if (e.type === 'WorkflowTaskTimedOut') b.tasks.timedOut++;
  else if (e.type === 'WorkflowTaskFailed') {
    b.tasks.failed++;
    b.tasks.lastFailure = { eventId: e.id, ...optional('cause', stripPrefix(e.attrs.cause, 'WORKFLOW_TASK_FAILED_CAUSE_')), ...optional('failure', b.failure(e, 'failure')) };
  }
  return undefined;
};

export const ACTIVITY_END: Partial<Record<string, ActivityStatus>> = {
  ActivityTaskCompleted: 'completed',
  ActivityTaskFailed: 'failed',
  ActivityTaskTimedOut: 'timed-out',
  ActivityTaskCanceled: 'canceled',
};

export const onActivity: Handler = (b, e) => {
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

export const onTimer: Handler = (b, e) => {
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

export const onSignal: Handler = (b, e) => {
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
export const onUpdate: Handler = (b, e) => {
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

export const CHILD_END: Partial<Record<string, ChildItem['status']>> = {
  StartChildWorkflowExecutionFailed: 'start-failed',
  ChildWorkflowExecutionCompleted: 'completed',
  ChildWorkflowExecutionFailed: 'failed',
  ChildWorkflowExecutionCanceled: 'canceled',
  ChildWorkflowExecutionTimedOut: 'timed-out',
  ChildWorkflowExecutionTerminated: 'terminated',
};

export const onChild: Handler = (b, e) => {
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

/** The SDK records a local activity's completion as this marker; its `data` detail names the activity. */
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

function localActivityOf(details: Record<string, unknown>): MarkerItem['localActivity'] {
  const first = field(details.data, 'payloads');
  if (!Array.isArray(first) || !isPayload(first[0])) return undefined;
  const data = decodePayload(first[0]).value;
  const type = text(field(data, 'activity_type'));
  if (!type) return undefined;
  const attempt = field(data, 'attempt');
  return { type, attempt: typeof attempt === 'number' ? attempt : 1 };
}

export const onMarker: Handler = (b, e) => {
  const name = text(e.attrs.markerName) ?? 'marker';
  const raw = isObject(e.attrs.details) ? e.attrs.details : {};
  const details: Record<string, PayloadPreview> = {};
  for (const [key, value] of Object.entries(raw)) {
    const p = b.preview(e, `details.${key}`, value);
    if (p) details[key] = p;
  }
  const localActivity = name === LOCAL_ACTIVITY_MARKER ? localActivityOf(raw) : undefined;
  const title = localActivity ? localActivity.type : name;
  return b.open<Open<MarkerItem>>({ ...base(e, title), kind: 'marker', status: 'recorded', name, details, ...optional('localActivity', localActivity) }, e, true);
};

/** Follow-up events join the item of the event they point at; anything else is an item of its own. */
export const onOther: Handler = (b, e) => {
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
export const HANDLERS: Record<EventCategory, Handler> = {
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
export function applyPending(b: TimelineBuilder, pending: readonly PendingActivityJson[]): void {
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
