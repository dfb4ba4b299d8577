/**
 * Workflow executions for the dashboard's Executions view: a filtered, paged
 * list from Temporal's visibility store, one run's history as normalized
 * events and a timeline (api/history/timeline.ts), and the full value of a
 * payload that the timeline only previews.
 */
import { createHash } from 'node:crypto';
import { isGrpcServiceError, WorkflowNotFoundError, type WorkflowExecutionDescription } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { z } from 'zod';
import { WHOOSH_ISSUE, WHOOSH_KIND, WHOOSH_REPOSITORY, WHOOSH_STATUS_DETAIL } from '../../domain/search-attributes';
import type { WhooshKind } from '../../domain/kinds';
import { executionListView, fullPayloadView } from '../../domain/wire/executions';
import type { ApiContext } from '../context';
import { HttpError } from '../errors';
import { decodePayload, eventPayload, payloadFields, readHistory, timestampMs, type HistoryEventJson, type PayloadJson, type PendingActivityJson } from '../history/timeline';
import { route } from '../route';
import { temporalUiLink } from '../services/temporal-links';

// ---------------------------------------------------------------------------
// Visibility queries

/** Status names as the SDK gives them (and as the other routes answer), and their visibility spelling. */
const STATUSES = {
  RUNNING: 'Running',
  COMPLETED: 'Completed',
  FAILED: 'Failed',
  CANCELLED: 'Canceled',
  TERMINATED: 'Terminated',
  CONTINUED_AS_NEW: 'ContinuedAsNew',
  TIMED_OUT: 'TimedOut',
} as const;
type StatusName = keyof typeof STATUSES;

export interface ExecutionFilters {
  readonly kind?: string;
  readonly repository?: string;
  readonly status?: StatusName;
  readonly type?: string;
  readonly startedAfter?: string;
  readonly startedBefore?: string;
  /** A prefix of the workflow id or of the repository. */
  readonly q?: string;
  /** Background upkeep (health sweeps, repository syncs): left out unless asked for, or a kind or type is named. */
  readonly background?: 'include' | 'exclude';
}

/** Kinds that run on a schedule to keep WHOOSH itself going: they would bury a person's work in the lists. */
export const BACKGROUND_KINDS: readonly WhooshKind[] = ['agent-health', 'repository-sync'];

/**
 * A string literal of the visibility query language. Quotes are escaped;
 * backslashes are refused by the schema instead, because the dev server's
 * SQLite visibility does not read them back the way its parser writes them.
 */
const literal = (value: string): string => `'${value.replace(/'/g, "\\'")}'`;

/** The visibility query for the filters; '' lists everything. */
export function visibilityQuery(f: ExecutionFilters): string {
  const clauses: string[] = [];
  if (f.kind) clauses.push(`${WHOOSH_KIND.name} = ${literal(f.kind)}`);
  if (f.repository) clauses.push(`${WHOOSH_REPOSITORY.name} = ${literal(f.repository)}`);
  if (f.status) clauses.push(`ExecutionStatus = '${STATUSES[f.status]}'`);
  if (f.type) clauses.push(`WorkflowType = ${literal(f.type)}`);
  if (f.startedAfter) clauses.push(`StartTime >= ${literal(new Date(f.startedAfter).toISOString())}`);
  if (f.startedBefore) clauses.push(`StartTime < ${literal(new Date(f.startedBefore).toISOString())}`);
  if (f.q) clauses.push(`(WorkflowId STARTS_WITH ${literal(f.q)} OR ${WHOOSH_REPOSITORY.name} STARTS_WITH ${literal(f.q)})`);
  if (f.background === 'exclude' && !f.kind && !f.type) {
    clauses.push(`(${WHOOSH_KIND.name} IS NULL OR ${WHOOSH_KIND.name} NOT IN (${BACKGROUND_KINDS.map(literal).join(', ')}))`);
  }
  return clauses.join(' AND ');
}

// ---------------------------------------------------------------------------
// Temporal reads

/** The messages' own JSON form (as the recorded fixtures): enums as names, int64 as strings, bytes as base64. */
const JSON_FORM = { longs: String, enums: String, bytes: String, json: true } as const;
const GRPC_UNKNOWN = 2;
const GRPC_INVALID_ARGUMENT = 3;

/**
 * Page tokens are handed out as `<digest>.<Temporal's token>`, the digest
 * covering the token and its query. A token kept while the filters changed
 * would otherwise resume the new listing at the old one's position and
 * silently skip executions; and a corrupted one would reach Temporal, which
 * answers UNKNOWN, which the client retries for some twenty seconds.
 */
const tokenDigest = (query: string, token: Uint8Array): string => createHash('sha256').update(query).update('\0').update(token).digest('base64url').slice(0, 16);

export function encodePageToken(query: string, token: Uint8Array): string {
  return `${tokenDigest(query, token)}.${Buffer.from(token).toString('base64url')}`;
}

export function decodePageToken(query: string, pageToken: string): Buffer {
  const [digest, encoded] = pageToken.split('.');
  const token = Buffer.from(encoded ?? '', 'base64url');
  if (!digest || token.length === 0 || digest !== tokenDigest(query, token)) {
    throw new HttpError(400, 'invalid_request', 'pageToken does not belong to this listing; start again from the first page', [
      { path: 'query.pageToken', message: 'must be the nextPageToken of the previous page, with the same filters' },
    ]);
  }
  return token;
}

const statusName = (s: unknown): string => {
  const name = String(s ?? 'UNSPECIFIED').replace('WORKFLOW_EXECUTION_STATUS_', '');
  return name === 'CANCELED' ? 'CANCELLED' : name;
};
const iso = (ts: unknown): string | null => {
  const ms = timestampMs(ts);
  return ms === undefined ? null : new Date(Math.floor(ms)).toISOString();
};

async function listExecutions(ctx: ApiContext, filters: ExecutionFilters, pageSize: number, pageToken: string | undefined) {
  const query = visibilityQuery(filters);
  let res: temporal.api.workflowservice.v1.IListWorkflowExecutionsResponse;
  try {
    res = await ctx.temporal.workflowService.listWorkflowExecutions({
      namespace: ctx.temporal.options.namespace,
      query,
      pageSize,
      nextPageToken: pageToken ? decodePageToken(query, pageToken) : undefined,
    });
  } catch (err) {
    if (!isGrpcServiceError(err)) throw err;
    // A token the server no longer reads (it expired, or the visibility store changed) is refused
    // as INVALID_ARGUMENT, or by the dev server as UNKNOWN; either way the client must start over.
    if (pageToken && (err.code === GRPC_INVALID_ARGUMENT || err.code === GRPC_UNKNOWN)) {
      throw new HttpError(400, 'invalid_request', 'pageToken was not issued for this listing; start again from the first page', [
        { path: 'query.pageToken', message: err.details || err.message },
      ]);
    }
    if (err.code === GRPC_INVALID_ARGUMENT) throw new HttpError(400, 'invalid_request', `Temporal refused the listing: ${err.details || err.message}`);
    throw err;
  }
  const executions = (res.executions ?? []).map((raw) => {
    const info = temporal.api.workflow.v1.WorkflowExecutionInfo.toObject(raw as temporal.api.workflow.v1.WorkflowExecutionInfo, JSON_FORM);
    const attrs = (info.searchAttributes?.indexedFields ?? {}) as Record<string, PayloadJson>;
    const attr = (name: string): unknown => (attrs[name] ? decodePayload(attrs[name]).value : null);
    const workflowId = info.execution?.workflowId ?? '';
    const runId = info.execution?.runId ?? '';
    return {
      workflowId,
      runId,
      type: info.type?.name ?? '',
      status: statusName(info.status),
      startTime: iso(info.startTime),
      closeTime: iso(info.closeTime),
      historyLength: Number(info.historyLength ?? 0),
      kind: attr(WHOOSH_KIND.name) as string | null,
      repository: attr(WHOOSH_REPOSITORY.name) as string | null,
      issue: attr(WHOOSH_ISSUE.name) as number | null,
      statusDetail: attr(WHOOSH_STATUS_DETAIL.name) as string | null,
      temporalUiUrl: temporalUiLink(ctx, workflowId, runId),
    };
  });
  // Visibility counts a run's events only once it closes: ask each running one on the page (bounded by pageSize).
  await Promise.all(
    executions.map(async (e) => {
      if (e.status !== 'RUNNING' || e.historyLength > 0) return;
      e.historyLength = await ctx.temporal.workflow
        .getHandle(e.workflowId, e.runId)
        .describe()
        .then((d) => d.historyLength)
        .catch(() => 0);
    }),
  );
  const next = res.nextPageToken && res.nextPageToken.length > 0 ? encodePageToken(query, res.nextPageToken) : null;
  return { executions, nextPageToken: next, query };
}

async function describeRun(ctx: ApiContext, workflowId: string, runId: string | undefined): Promise<WorkflowExecutionDescription> {
  try {
    return await ctx.temporal.workflow.getHandle(workflowId, runId).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) {
      throw new HttpError(404, 'not_found', runId ? `No run ${runId} of workflow ${workflowId}` : `No workflow ${workflowId}`);
    }
    throw err;
  }
}

/**
 * A run's events in JSON form, page by page, stopping once `untilEventId` is
 * read: a payload near the start of a long history needs only its first page.
 */
async function historyEvents(ctx: ApiContext, workflowId: string, runId: string, untilEventId?: number): Promise<HistoryEventJson[]> {
  const events: HistoryEventJson[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const res = await ctx.temporal.workflowService.getWorkflowExecutionHistory({
      namespace: ctx.temporal.options.namespace,
      execution: { workflowId, runId },
      maximumPageSize: 1000,
      nextPageToken,
    });
    for (const event of res.history?.events ?? []) {
      events.push(temporal.api.history.v1.HistoryEvent.toObject(event as temporal.api.history.v1.HistoryEvent, JSON_FORM) as HistoryEventJson);
    }
    if (untilEventId !== undefined && events.length > 0 && Number(events[events.length - 1]!.eventId) >= untilEventId) break;
    nextPageToken = res.nextPageToken && res.nextPageToken.length > 0 ? res.nextPageToken : undefined;
  } while (nextPageToken);
  return events;
}

async function loadHistory(ctx: ApiContext, workflowId: string, runId: string | undefined, previewChars: number) {
  // Describe first: it answers 404 for unknown ids, pins the run, and knows the open activities' retries.
  const description = await describeRun(ctx, workflowId, runId);
  const events = await historyEvents(ctx, workflowId, description.runId);
  const pendingActivities = (description.raw.pendingActivities ?? []).map(
    (p) => temporal.api.workflow.v1.PendingActivityInfo.toObject(p as temporal.api.workflow.v1.PendingActivityInfo, JSON_FORM) as PendingActivityJson,
  );
  const { events: normalized, timeline } = readHistory({ events }, { previewChars, pendingActivities });
  return {
    workflowId,
    runId: description.runId,
    type: description.type,
    status: description.status.name,
    events: normalized,
    timeline,
    temporalUiUrl: temporalUiLink(ctx, workflowId, description.runId),
  };
}

async function loadPayload(ctx: ApiContext, workflowId: string, runId: string | undefined, eventId: number, field: string | undefined) {
  const description = await describeRun(ctx, workflowId, runId);
  const events = await historyEvents(ctx, workflowId, description.runId, eventId);
  const event = events.find((e) => Number(e.eventId) === eventId);
  if (!event) throw new HttpError(404, 'not_found', `Run ${description.runId} has no event ${eventId}`);
  const fields = payloadFields(event);
  if (fields.length === 0) throw new HttpError(404, 'not_found', `Event ${eventId} carries no payload`);
  if (field === undefined && fields.length > 1) {
    throw new HttpError(400, 'invalid_request', `Event ${eventId} carries several payloads; choose one with field=`, [{ path: 'query.field', message: `one of ${fields.join(', ')}` }]);
  }
  const payload = eventPayload(event, field ?? fields[0]!);
  if (!payload) throw new HttpError(404, 'not_found', `Event ${eventId} has no payload at ${field}; it has ${fields.join(', ')}`);
  return { workflowId, runId: description.runId, eventId: String(eventId), ...payload };
}

// ---------------------------------------------------------------------------
// Schemas

/** Free text that goes into a visibility query. */
const filterText = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[^\\\u0000-\u001f\u007f-\u009f]*$/, 'must not contain backslashes or control characters');

const listQuery = z.object({
  kind: filterText.optional().describe('WhooshKind search attribute, e.g. `team`'),
  repository: filterText.optional().describe('WhooshRepository search attribute: `owner/name`'),
  status: z.enum(Object.keys(STATUSES) as [StatusName, ...StatusName[]]).optional(),
  type: filterText.optional().describe('Workflow type, e.g. `selfCheck`'),
  startedAfter: z.iso.datetime({ offset: true }).optional(),
  startedBefore: z.iso.datetime({ offset: true }).optional(),
  q: filterText.optional().describe('Prefix of the workflow id or of the repository'),
  background: z
    .enum(['include', 'exclude'])
    .default('exclude')
    .describe('Health sweeps and repository syncs are left out unless `include`, or a kind or type is asked for'),
  pageSize: z.coerce.number().int().min(1).max(1000).default(50),
  pageToken: z
    .string()
    .max(4096)
    .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'must be a nextPageToken from a previous page')
    .optional()
    .describe('`nextPageToken` of the previous page'),
});


const runParams = z.object({ workflowId: z.string().min(1).max(1000) });
const runQuery = z.object({ runId: z.guid().optional().describe('A run of the workflow; omitted = the latest run') });

const payloadPreview = z.object({
  eventId: z.string(),
  field: z.string().describe('Pass to …/events/{eventId}/payload?field= for the full value'),
  encoding: z.string(),
  preview: z.string(),
  truncated: z.boolean(),
  sizeBytes: z.number(),
});

const eventView = z.object({
  id: z.string(),
  time: z.string().nullable(),
  type: z.string().describe('Short event type, e.g. `ActivityTaskScheduled`'),
  category: z.enum(['workflow', 'activity', 'timer', 'signal', 'update', 'child', 'marker', 'task', 'other']),
  groupId: z.string().optional().describe('Id of the timeline item the event belongs to'),
  summary: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
});

const failureView = z
  .looseObject({
    message: z.string(),
    kind: z.string(),
    type: z.string().optional(),
    nonRetryable: z.boolean().optional(),
    stackTrace: z.string().optional(),
    details: payloadPreview.optional(),
  })
  .describe('`cause`, when present, is the failure that caused this one, in the same shape');

const timelineItem = z
  .looseObject({
    id: z.string(),
    kind: z.enum(['workflow-start', 'workflow-end', 'activity', 'timer', 'signal', 'update', 'child', 'marker', 'event']),
    title: z.string(),
    status: z.string(),
    start: z.string().nullable(),
    end: z.string().nullable(),
    durationMs: z.number().nullable(),
    eventIds: z.array(z.string()),
    input: payloadPreview.optional(),
    result: payloadPreview.optional(),
    failure: failureView.optional(),
  })
  .describe(
    'Fields by kind — activity: activityId, activityType, attempts, startedAt, lastFailure, retryState; timer: timerId, fireAfterMs; ' +
      'signal: name, direction, target; update: updateId, name; child: workflowType, workflowId, runId; marker: name, details; ' +
      'workflow-start: workflowType, attempt, parent; workflow-end: retryState, reason, newRunId; event: category, summary',
  );

const historyView = z.object({
  workflowId: z.string(),
  runId: z.string(),
  type: z.string(),
  status: z.string(),
  events: z.array(eventView),
  timeline: z.object({
    items: z.array(timelineItem),
    workflowTasks: z.object({
      scheduled: z.number(),
      completed: z.number(),
      failed: z.number(),
      timedOut: z.number(),
      lastFailure: z.object({ eventId: z.string(), cause: z.string().optional(), failure: failureView.optional() }).optional(),
    }),
    eventCount: z.number(),
    start: z.string().nullable(),
    end: z.string().nullable(),
    durationMs: z.number().nullable(),
  }),
  temporalUiUrl: z.string().optional(),
});

// ---------------------------------------------------------------------------
// Routes

export function executionRoutes(ctx: ApiContext) {
  return [
    route({
      method: 'get',
      path: '/api/v1/workflows',
      summary: 'Workflow executions, newest first, filtered and paged (page with `pageToken`)',
      tag: 'workflows',
      auth: 'viewer',
      query: listQuery,
      responses: {
        200: {
          description: 'A page of executions; `nextPageToken` is null on the last page',
          schema: executionListView,
        },
      },
      handler: async ({ query: { pageSize, pageToken, ...filters } }) => ({ status: 200, body: await listExecutions(ctx, filters, pageSize, pageToken) }),
    }),
    route({
      method: 'get',
      path: '/api/v1/workflows/:workflowId/history',
      summary: 'A run’s history: normalized events and a timeline with one row per activity, timer, signal, update and child',
      tag: 'workflows',
      auth: 'viewer',
      params: runParams,
      query: runQuery.extend({ preview: z.coerce.number().int().min(16).max(10_000).default(240).describe('Characters of each payload preview') }),
      responses: { 200: { description: 'The history', schema: historyView }, 404: { description: 'No such workflow or run' } },
      handler: async ({ params, query }) => ({ status: 200, body: await loadHistory(ctx, params.workflowId, query.runId, query.preview) }),
    }),
    route({
      method: 'get',
      path: '/api/v1/workflows/:workflowId/history/events/:eventId/payload',
      summary: 'The full decoded value of a payload the timeline previews',
      tag: 'workflows',
      auth: 'viewer',
      params: runParams.extend({ eventId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) }),
      query: runQuery.extend({ field: z.string().min(1).max(300).optional().describe('The preview’s `field`; may be omitted when the event has one payload') }),
      responses: {
        200: {
          description: 'The value; several payloads (a workflow’s arguments) come as an array',
          schema: fullPayloadView,
        },
        404: { description: 'No such workflow, run, event or payload' },
      },
      handler: async ({ params, query }) => ({ status: 200, body: await loadPayload(ctx, params.workflowId, query.runId, params.eventId, query.field) }),
    }),
  ];
}
