/**
 * The Executions API's answers (api/routes/executions.ts, api/routes/stats.ts),
 * as zod schemas that validate and document them, and as the types the
 * dashboard reads them with. (The timeline's shapes are in ./timeline.ts.)
 */
import { z } from 'zod';

export const executionView = z.object({
  workflowId: z.string(),
  runId: z.string(),
  type: z.string(),
  status: z.string(),
  startTime: z.string().nullable(),
  closeTime: z.string().nullable(),
  historyLength: z.number(),
  kind: z.string().nullable(),
  repository: z.string().nullable(),
  issue: z.number().nullable(),
  statusDetail: z.string().nullable(),
  temporalUiUrl: z.string().optional(),
});
export type ExecutionView = z.infer<typeof executionView>;

export const executionListView = z.object({
  executions: z.array(executionView),
  nextPageToken: z.string().nullable(),
  query: z.string().describe('The visibility query that was run'),
});
export type ExecutionListView = z.infer<typeof executionListView>;

export const fullPayloadView = z.object({
  workflowId: z.string(),
  runId: z.string(),
  eventId: z.string(),
  field: z.string(),
  encoding: z.string(),
  sizeBytes: z.number(),
  value: z.unknown(),
});
export type FullPayloadView = z.infer<typeof fullPayloadView>;

export const kindCountsView = z.object({
  kind: z.string().nullable().describe('null: executions of any other kind, or without one'),
  total: z.number(),
  byStatus: z.record(z.string(), z.number()),
});
export type KindCounts = z.infer<typeof kindCountsView>;

export const executionCountsView = z.object({
  closedSince: z.string().describe('Closed executions are counted from this time on; running ones whenever they started'),
  kinds: z.array(kindCountsView),
  total: kindCountsView,
});
export type ExecutionCounts = z.infer<typeof executionCountsView>;

export const loadHistoryView = z.object({
  bucketSeconds: z.number(),
  buckets: z.array(z.string()),
  nodes: z.array(z.object({ id: z.string(), utilization: z.array(z.number()), tokensPerSecond: z.array(z.number().nullable()), calls: z.array(z.number()) })),
});
/** Each agent node's load over time, in buckets (the Agents charts). */
export type LoadHistory = z.infer<typeof loadHistoryView>;
