/**
 * Figures the dashboard draws: executions by kind and status (the Overview)
 * and each agent node's load over time (the Agents charts).
 */
import { z } from 'zod';
import { readLoadHistory } from '../../activities/agents/load-history';
import type { ApiContext } from '../context';
import { route } from '../route';
import { countExecutions } from '../services/execution-counts';
import { executionCountsView, loadHistoryView } from '../../domain/wire/executions';


export function statsRoutes(ctx: ApiContext) {
  return [
    route({
      method: 'get',
      path: '/api/v1/stats/executions',
      summary: 'Executions by kind and status: every running one, and those closed in the last `hours`',
      tag: 'stats',
      auth: 'viewer',
      query: z.object({ hours: z.coerce.number().int().min(1).max(24 * 90).default(24) }).strict(),
      responses: {
        200: { description: 'Counts', schema: executionCountsView },
      },
      handler: async ({ query }) => ({ status: 200, body: await countExecutions(ctx, new Date(Date.now() - query.hours * 3600_000)) }),
    }),
    route({
      method: 'get',
      path: '/api/v1/stats/agent-load',
      summary: 'Each agent node’s utilization, tokens/s and finished calls over the last `minutes`, in buckets',
      tag: 'stats',
      auth: 'viewer',
      query: z
        .object({
          minutes: z.coerce.number().int().min(1).max(24 * 60).default(60),
          bucketSeconds: z.coerce.number().int().min(10).max(3600).default(60),
        })
        .strict()
        .refine((q) => (q.minutes * 60) / q.bucketSeconds <= 500, { message: 'at most 500 buckets', path: ['bucketSeconds'] }),
      responses: {
        200: {
          description: 'Series per node, aligned with `buckets`',
          schema: loadHistoryView,
        },
      },
      handler: async ({ query }) => ({
        status: 200,
        body: await readLoadHistory(ctx.pool, { buckets: Math.ceil((query.minutes * 60) / query.bucketSeconds), bucketSeconds: query.bucketSeconds }),
      }),
    }),
  ];
}
