/**
 * History → normalized events → timeline, over recorded histories of real
 * runs (test/fixtures/histories) and small hand-written ones for the event
 * kinds no recorded workflow produces yet (signals, updates, children, markers).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  decodePayload,
  eventPayload,
  payloadFields,
  readHistory,
  type ActivityItem,
  type HistoryEventJson,
  type HistoryJson,
  type TimelineItem,
  type TimelineOptions,
} from '../../api/history/timeline';
import { HISTORIES_DIR } from '../helpers/histories';

const fixture = (name: string): HistoryJson => JSON.parse(readFileSync(path.join(HISTORIES_DIR, `${name}.json`), 'utf8'));
const buildTimeline = (history: HistoryJson, options?: TimelineOptions) => readHistory(history, options).timeline;
const normalizeEvents = (history: HistoryJson) => readHistory(history).events;
const findEvent = (history: HistoryJson, eventId: string) => history.events?.find((e) => String(e.eventId) === eventId);
const ofKind = <K extends TimelineItem['kind']>(items: readonly TimelineItem[], kind: K) => items.filter((i): i is Extract<TimelineItem, { kind: K }> => i.kind === kind);

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const json = (value: unknown) => ({ metadata: { encoding: b64('json/plain') }, data: b64(JSON.stringify(value)) });
const payloads = (...values: unknown[]) => ({ payloads: values.map(json) });

/** A hand-written event in the messages' JSON form, `second` seconds into the run. */
const ev = (id: number, type: string, attrs: object = {}, second = id): HistoryEventJson => {
  const short = type.replace(/^EVENT_TYPE_/, '').toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  return { eventId: String(id), eventTime: { seconds: String(1_800_000_000 + second), nanos: 0 }, eventType: type, [`${short}EventAttributes`]: attrs };
};

describe('recorded histories', () => {
  test('an LLM call that failed over: the failed activity shows both attempts and both errors', () => {
    const { items } = buildTimeline(fixture('llm-call-failover'));
    const chats = ofKind(items, 'activity').filter((a) => a.activityType === 'llmChat');
    expect(chats).toHaveLength(2);

    const [failed, succeeded] = chats as [ActivityItem, ActivityItem];
    expect(failed).toMatchObject({
      status: 'failed',
      attempts: 2,
      maximumAttempts: 2,
      taskQueue: 'llm:te0f3bb-a-5',
      retryState: 'MAXIMUM_ATTEMPTS_REACHED',
      eventIds: ['11', '12', '13'],
      failure: { kind: 'application', type: 'NodeUnavailable', nonRetryable: false },
      // The first attempt's error travels on the Started event of the last attempt.
      lastFailure: { message: 'te0f3bb-a-5: terminated: other side closed', type: 'NodeUnavailable' },
    });
    expect(failed.failure!.message).toContain('ECONNREFUSED');
    expect(failed.failure!.details).toMatchObject({ eventId: '13', field: 'failure.applicationFailureInfo.details', preview: '{"nodeId":"te0f3bb-a-5"}', truncated: false });
    expect(failed.durationMs).toBeGreaterThan(1000); // the retry backoff is inside the row

    expect(succeeded).toMatchObject({ status: 'completed', attempts: 1, taskQueue: 'llm:te0f3bb-b-6' });
    expect(succeeded.failure).toBeUndefined();

    const end = ofKind(items, 'workflow-end')[0]!;
    expect(end.status).toBe('completed');
    const full = eventPayload(findEvent(fixture('llm-call-failover'), end.id)!, end.result!.field)!;
    expect(full.value).toMatchObject({ nodeId: 'te0f3bb-b-6', failedOver: [{ nodeId: 'te0f3bb-a-5', type: 'NodeUnavailable' }] });
  });

  test('the self-check with a durable pause: activity, timer, activity, and the workflow tasks folded away', () => {
    const history = fixture('self-check-with-timer');
    const { events, timeline } = readHistory(history);
    expect(timeline.items.map((i) => `${i.kind}:${i.title}:${i.status}`)).toEqual([
      'workflow-start:selfCheck:started',
      'activity:recordSystemCheck:completed',
      'timer:Timer 1:fired',
      'activity:readSystemCheck:completed',
      'workflow-end:Workflow completed:completed',
    ]);
    const timer = ofKind(timeline.items, 'timer')[0]!;
    expect(timer).toMatchObject({ timerId: '1', fireAfterMs: 300, eventIds: ['11', '12'] });
    expect(timer.durationMs).toBeGreaterThanOrEqual(300);

    const taskEvents = events.filter((e) => e.category === 'task');
    expect(timeline.workflowTasks).toEqual({ scheduled: taskEvents.filter((e) => e.type === 'WorkflowTaskScheduled').length, completed: taskEvents.filter((e) => e.type === 'WorkflowTaskCompleted').length, failed: 0, timedOut: 0 });
    expect(taskEvents.length).toBeGreaterThan(0);
    expect(taskEvents.every((e) => e.groupId === undefined)).toBe(true);
    // Every other event belongs to exactly the item that lists it.
    const ids = new Map(timeline.items.flatMap((i) => i.eventIds.map((id) => [id, i.id] as const)));
    for (const e of events.filter((x) => x.category !== 'task')) expect(ids.get(e.id)).toBe(e.groupId);
    expect(ids.size).toBe(events.length - taskEvents.length);

    expect(timeline).toMatchObject({ eventCount: 22, start: '2026-11-21T08:25:55.306Z', end: '2026-11-21T08:25:56.376Z' });
    expect(timeline.durationMs).toBe(1070);
    expect(ofKind(timeline.items, 'workflow-start')[0]!.input).toMatchObject({ preview: '{"delayMs":300}', truncated: false, eventId: '1', field: 'input' });
  });

  test('a pipeline run: each local activity is named by its activity type, not by the SDK marker', () => {
    const { items } = buildTimeline(fixture('pipeline-run-http'));
    const markers = ofKind(items, 'marker');
    expect(markers.length).toBeGreaterThan(0);
    expect(markers.every((m) => m.name === 'core_local_activity')).toBe(true);
    expect(markers[0]).toMatchObject({ title: 'advancePipeline', localActivity: { type: 'advancePipeline', attempt: 1 } });
    expect(markers[0]!.details.result).toBeDefined();
    // The side-effect node the advance stopped at is an ordinary activity beside it.
    expect(ofKind(items, 'activity').map((a) => a.title)).toContain('runPipelineNode');
  });

  test('a call that found no node: six waits, then a non-retryable failure of the workflow', () => {
    const { items } = buildTimeline(fixture('llm-call-no-eligible-node'));
    const timers = ofKind(items, 'timer');
    expect(timers).toHaveLength(6);
    expect(timers.every((t) => t.status === 'fired' && t.fireAfterMs === 500)).toBe(true);
    expect(ofKind(items, 'workflow-end')[0]).toMatchObject({
      status: 'failed',
      retryState: 'RETRY_POLICY_NOT_SET',
      failure: { kind: 'application', type: 'NoEligibleNode', nonRetryable: true, details: { field: 'failure.applicationFailureInfo.details' } },
    });
    expect(ofKind(items, 'workflow-end')[0]!.failure!.message).toMatch(/^no agent node could serve the call/);
  });

  test('events are normalized: short types, categories, ISO times and a one-line summary', () => {
    const events = normalizeEvents(fixture('llm-call-failover'));
    expect(events).toHaveLength(35);
    expect(events[0]).toMatchObject({ id: '1', type: 'WorkflowExecutionStarted', category: 'workflow', time: '2026-11-21T08:25:56.160Z', summary: { workflowType: 'llmCall', attempt: 1 } });
    const scheduled = events.find((e) => e.id === '11')!;
    expect(scheduled).toMatchObject({ type: 'ActivityTaskScheduled', category: 'activity', groupId: '11' });
    expect(scheduled.summary).toMatchObject({ activityType: 'llmChat', taskQueue: 'llm:te0f3bb-a-5', heartbeatTimeout: '2s', scheduleToStartTimeout: '30s' });
    expect(scheduled.summary).not.toHaveProperty('input'); // payloads are previewed in the timeline, not in one-liners
    expect(events.find((e) => e.id === '13')!.summary).toMatchObject({ failureType: 'NodeUnavailable', retryState: 'RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED' });
    expect(new Set(events.map((e) => e.category))).toEqual(new Set(['workflow', 'task', 'activity']));
  });

  test('the same history in proto3 JSON or with short event types reads the same', () => {
    const history = fixture('self-check-with-timer');
    const rfc3339 = (t: { seconds: string; nanos?: number }) => new Date(Number(t.seconds) * 1000).toISOString().replace('.000Z', `.${String(t.nanos ?? 0).padStart(9, '0')}Z`);
    const other: HistoryJson = {
      events: history.events!.map((e) => ({
        ...e,
        eventType: String(e.eventType)
          .replace('EVENT_TYPE_', '')
          .toLowerCase()
          .replace(/(^|_)([a-z])/g, (_m, _u, c: string) => c.toUpperCase()),
        eventTime: rfc3339(e.eventTime as { seconds: string; nanos?: number }),
      })),
    };
    expect(other.events![4]!.eventType).toBe('ActivityTaskScheduled');
    expect(buildTimeline(other)).toEqual(buildTimeline(history));
  });
});

describe('payloads', () => {
  test('json/plain and binary/null are decoded; other encodings are only named', () => {
    expect(decodePayload(json({ a: [1, 'é'] }))).toEqual({ encoding: 'json/plain', sizeBytes: 14, value: { a: [1, 'é'] } });
    expect(decodePayload({ metadata: { encoding: b64('binary/null') } })).toEqual({ encoding: 'binary/null', sizeBytes: 0, value: null });
    expect(decodePayload({ metadata: { encoding: b64('binary/encrypted') }, data: b64('secret') })).toEqual({ encoding: 'binary/encrypted', sizeBytes: 6, value: 'binary/encrypted payload' });
    // Raw messages (e.g. search attributes in a list answer) carry bytes, not base64.
    expect(decodePayload({ metadata: { encoding: new TextEncoder().encode('json/plain') }, data: new TextEncoder().encode('"team-formation"') }).value).toBe('team-formation');
  });

  test('a long payload is previewed from its start, flagged truncated, and fetched in full by event and field', () => {
    const answer = { content: 'Ünïcødé ✓ '.repeat(100_000) };
    const history: HistoryJson = {
      events: [
        ev(1, 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED', { workflowType: { name: 'llmCall' }, input: payloads({ a: 1 }, 'two') }),
        ev(2, 'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED', { result: payloads(answer) }),
      ],
    };
    const started = performance.now();
    const { items } = buildTimeline(history, { previewChars: 50 });
    expect(performance.now() - started).toBeLessThan(50); // a megabyte answer is not decoded in full for a preview

    const end = ofKind(items, 'workflow-end')[0]!;
    expect(end.result).toEqual({ eventId: '2', field: 'result', encoding: 'json/plain', preview: JSON.stringify(answer).slice(0, 50), truncated: true, sizeBytes: Buffer.byteLength(JSON.stringify(answer)) });
    expect(eventPayload(history.events![1]!, 'result')!.value).toEqual(answer);

    // Several arguments preview, and come back in full, as one array.
    expect(ofKind(items, 'workflow-start')[0]!.input).toMatchObject({ preview: '[{"a":1},"two"]', truncated: false });
    expect(eventPayload(history.events![0]!, 'input')!.value).toEqual([{ a: 1 }, 'two']);
  });

  test('payload fields are found wherever the event carries them, and nothing else can be read', () => {
    const failed = findEvent(fixture('llm-call-failover'), '13')!;
    expect(payloadFields(failed)).toEqual(['failure.applicationFailureInfo.details']);
    expect(eventPayload(failed, 'failure.applicationFailureInfo.details')!.value).toEqual({ nodeId: 'te0f3bb-a-5' });
    expect(payloadFields(findEvent(fixture('llm-call-failover'), '12')!)).toEqual(['lastFailure.applicationFailureInfo.details']);
    expect(eventPayload(failed, 'failure.message')).toBeUndefined();
    expect(eventPayload(failed, '__proto__')).toBeUndefined();
    expect(payloadFields(findEvent(fixture('llm-call-failover'), '2')!)).toEqual([]);
  });
});

describe('event kinds the recorded workflows do not produce', () => {
  const t = { workflowTaskCompletedEventId: '4' };
  const history: HistoryJson = {
    events: [
      ev(1, 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED', { workflowType: { name: 'teamFormation' }, parentWorkflowExecution: { workflowId: 'council:acme/api#7', runId: 'r-1' }, attempt: 1 }),
      ev(2, 'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED'),
      ev(3, 'EVENT_TYPE_WORKFLOW_TASK_STARTED', { scheduledEventId: '2' }),
      ev(4, 'EVENT_TYPE_WORKFLOW_TASK_FAILED', { scheduledEventId: '2', cause: 'WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR', failure: { message: 'Nondeterminism error: timer 1 missing' } }),
      ev(5, 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED', { signalName: 'forgeCommand', input: payloads({ command: 'approve' }), identity: 'relay@host' }),
      ev(6, 'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED', { protocolInstanceId: 'u-1', acceptedRequest: { meta: { updateId: 'u-1' }, input: { name: 'approvePlan', args: payloads({ plan: 2 }) } } }),
      ev(7, 'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED', { meta: { updateId: 'u-1' }, acceptedEventId: '6', outcome: { success: payloads('approved') } }),
      ev(8, 'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED', { protocolInstanceId: 'u-2', acceptedRequest: { meta: { updateId: 'u-2' }, input: { name: 'approvePlan' } } }),
      ev(9, 'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED', { meta: { updateId: 'u-2' }, outcome: { failure: { message: 'plan is stale', applicationFailureInfo: { type: 'Stale' } } } }),
      ev(10, 'EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED', { ...t, namespace: 'default', workflowId: 'llm:abc', workflowType: { name: 'llmCall' }, input: payloads({ model: 'x' }) }),
      ev(11, 'EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED', { initiatedEventId: '10', workflowExecution: { workflowId: 'llm:abc', runId: 'run-child' }, workflowType: { name: 'llmCall' } }),
      ev(14, 'EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED', {
        initiatedEventId: '10',
        startedEventId: '11',
        failure: { message: 'Child Workflow execution failed', childWorkflowExecutionFailureInfo: { workflowType: { name: 'llmCall' } }, cause: { message: 'no node', applicationFailureInfo: { type: 'NoEligibleNode', nonRetryable: true } } },
      }),
      ev(15, 'EVENT_TYPE_MARKER_RECORDED', { ...t, markerName: 'core_patch', details: { patch_id: payloads('council-v2') } }),
      ev(16, 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED', { ...t, activityId: '1', activityType: { name: 'llmChat' }, input: payloads({ q: 1 }) }),
      ev(17, 'EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED', { ...t, scheduledEventId: '16' }),
      ev(18, 'EVENT_TYPE_TIMER_STARTED', { ...t, timerId: '2', startToFireTimeout: { seconds: '60' } }),
      ev(19, 'EVENT_TYPE_TIMER_CANCELED', { ...t, timerId: '2', startedEventId: '18' }),
      ev(20, 'EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED', { ...t, signalName: 'issueClosed', workflowExecution: { workflowId: 'team:acme/api#42' } }),
      ev(21, 'EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED', { initiatedEventId: '20' }),
      ev(22, 'EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES', { ...t, searchAttributes: {} }),
      ev(23, 'EVENT_TYPE_SOMETHING_FROM_A_NEWER_SERVER', { detail: 'x' }),
      ev(24, 'EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED', { reason: 'stuck', identity: 'ops@cli' }),
    ],
  };

  test('each gets one item with its status, payloads and failure', () => {
    const { items, workflowTasks } = buildTimeline(history);
    expect(ofKind(items, 'workflow-start')[0]).toMatchObject({ workflowType: 'teamFormation', parent: { workflowId: 'council:acme/api#7', runId: 'r-1' } });
    expect(ofKind(items, 'signal')).toEqual([
      expect.objectContaining({ direction: 'received', status: 'received', name: 'forgeCommand', identity: 'relay@host', input: expect.objectContaining({ preview: '{"command":"approve"}' }) }),
      expect.objectContaining({ direction: 'sent', status: 'delivered', name: 'issueClosed', target: { workflowId: 'team:acme/api#42' }, eventIds: ['20', '21'] }),
    ]);
    expect(ofKind(items, 'update')).toEqual([
      expect.objectContaining({ updateId: 'u-1', name: 'approvePlan', status: 'completed', eventIds: ['6', '7'], durationMs: 1000, input: expect.objectContaining({ field: 'acceptedRequest.input.args', preview: '{"plan":2}' }), result: expect.objectContaining({ field: 'outcome.success', preview: '"approved"' }) }),
      expect.objectContaining({ updateId: 'u-2', status: 'failed', failure: expect.objectContaining({ message: 'plan is stale', type: 'Stale' }) }),
    ]);
    expect(ofKind(items, 'child')[0]).toMatchObject({
      workflowType: 'llmCall',
      workflowId: 'llm:abc',
      runId: 'run-child',
      status: 'failed',
      eventIds: ['10', '11', '14'],
      failure: { kind: 'child-workflow', type: 'llmCall', cause: { message: 'no node', type: 'NoEligibleNode', nonRetryable: true } },
    });
    expect(ofKind(items, 'marker')[0]).toMatchObject({ name: 'core_patch', details: { patch_id: { preview: '"council-v2"', field: 'details.patch_id' } } });
    expect(ofKind(items, 'activity')[0]).toMatchObject({ status: 'cancel-requested', end: null, durationMs: null, eventIds: ['16', '17'] });
    expect(ofKind(items, 'timer')[0]).toMatchObject({ status: 'canceled', fireAfterMs: 60_000 });
    expect(ofKind(items, 'event').map((i) => [i.status, i.category])).toEqual([
      ['UpsertWorkflowSearchAttributes', 'other'],
      ['SomethingFromANewerServer', 'other'],
    ]);
    expect(ofKind(items, 'workflow-end')[0]).toMatchObject({ status: 'terminated', reason: 'stuck', identity: 'ops@cli' });
    expect(workflowTasks).toMatchObject({ failed: 1, lastFailure: { eventId: '4', cause: 'NON_DETERMINISTIC_ERROR', failure: { message: 'Nondeterminism error: timer 1 missing' } } });
  });

  test('a retrying activity, which the history shows only as scheduled, takes its attempts and last error from describe()', () => {
    const running: HistoryJson = { events: fixture('llm-call-failover').events!.filter((e) => Number(e.eventId) <= 11) };
    expect(ofKind(buildTimeline(running).items, 'activity')[1]).toMatchObject({ activityType: 'llmChat', status: 'scheduled', attempts: 0, end: null });

    const timeline = buildTimeline(running, {
      pendingActivities: [
        {
          activityId: '2',
          state: 'PENDING_ACTIVITY_STATE_SCHEDULED',
          attempt: 2,
          maximumAttempts: 2,
          lastFailure: { message: 'te0f3bb-a-5: terminated: other side closed', applicationFailureInfo: { type: 'NodeUnavailable', details: payloads({ nodeId: 'te0f3bb-a-5' }) } },
          nextAttemptScheduleTime: { seconds: '1795249557', nanos: 0 },
        },
      ],
    });
    const chat = ofKind(timeline.items, 'activity')[1]!;
    expect(chat).toMatchObject({ status: 'retrying', attempts: 2, nextAttemptAt: '2026-11-21T08:25:57.000Z', lastFailure: { message: 'te0f3bb-a-5: terminated: other side closed', type: 'NodeUnavailable' } });
    // Not stored in any event, so there is nothing to fetch in full: no preview that would promise it.
    expect(chat.lastFailure!.details).toBeUndefined();
    expect(timeline.end).toBeNull();
  });
});

test('a history of several thousand events is read in well under a second', () => {
  // The failover run's events, repeated with fresh ids: about 3,300 events, 500 activities.
  const source = fixture('llm-call-failover').events!.filter((e) => e.eventType !== 'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');
  const events: HistoryEventJson[] = [];
  for (let round = 0; round < 100; round++) {
    const shift = round * source.length;
    const renumber = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(renumber) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, /EventId$/.test(k) ? String(Number(x) + shift) : renumber(x)])) : v;
    for (const e of source) if (round === 0 || e.eventType !== 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED') events.push({ ...(renumber(e) as HistoryEventJson), eventId: String(Number(e.eventId) + shift) });
  }
  expect(events.length).toBeGreaterThan(3000);
  const started = performance.now();
  const { events: normalized, timeline } = readHistory({ events });
  const elapsed = performance.now() - started;
  expect(normalized).toHaveLength(events.length);
  expect(ofKind(timeline.items, 'activity')).toHaveLength(500);
  expect(ofKind(timeline.items, 'activity').filter((a) => a.status === 'failed')).toHaveLength(100);
  expect(elapsed).toBeLessThan(500);
});
