/**
 * Runs of stored pipelines: execute one (pinned to a version), list a
 * pipeline's executions, cancel, retry (from the start or from the failed
 * node) and delete. The execution view is the one GET
 * /pipelines/executions/{id} answers with.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import { deleteExecution, listPipelineExecutions, retryExecution, RetryRefusedError } from '../../activities/pipeline/pipeline-executions';
import { getPipeline } from '../../activities/pipeline/pipeline-catalog';
import { getExecution } from '../../activities/pipeline/pipeline-store';
import { reconcileRuns } from '../../activities/pipeline/reconcile-runs';
import { PipelineNotFoundError, PipelineNotRunnableError, startStoredPipeline, type StartedRun } from '../../activities/pipeline/start-pipeline';
import type { Item } from '../../domain/pipeline/types';
import type { ApiContext } from '../context';
import { HttpError } from '../errors';
import { cursorSchema, nextCursor } from '../pagination';
import { route } from '../route';
import { notActivatable, pipelineIdParams } from './pipeline-catalog';
import { deps, executionViewOf, executionViewSchema, itemSchema, runAnswer, startQuery } from './pipelines';

const STATUSES = ['success', 'error', 'waiting', 'running', 'canceled'] as const;
const TRIGGERS = ['manual', 'webhook', 'schedule', 'executeWorkflow', 'forge', 'retry'] as const;

const executeBody = z
  .object({
    input: z.array(itemSchema).max(100_000).optional().describe('Items the start node emits'),
    version: z.number().int().min(1).optional().describe('The version to run (default: the active one, else the latest)'),
    destinationNode: z.string().min(1).max(500).optional().describe('Run only up to this node: it and the nodes it depends on run, nothing after or beside it (n8n\'s destinationNode)'),
  })
  .strict();

const executionIdParams = z.object({ id: z.string().uuid('must be an execution id (a UUID)') });

const executionSummarySchema = z.object({
  id: z.string(),
  status: z.enum(STATUSES),
  trigger: z.string().nullable(),
  mode: z.string(),
  version: z.number().nullable(),
  startedAt: z.string(),
  stoppedAt: z.string().nullable(),
  lastNode: z.string().nullable(),
  error: z.object({ node: z.string(), message: z.string() }).nullable(),
  retryOf: z.string().nullable(),
});

export function pipelineRunRoutes(ctx: ApiContext) {
  const answer = (started: StartedRun, wait: boolean, timeoutSeconds: number) => runAnswer(ctx, started, wait, timeoutSeconds);

  return [
    route({
      method: 'post',
      path: '/api/v1/pipelines/:id/execute',
      summary: 'Run a stored pipeline by hand (pinned to its active version, else the latest, or `version`)',
      tag: 'pipelines',
      auth: 'operator',
      params: pipelineIdParams,
      query: startQuery,
      body: executeBody,
      responses: {
        200: { description: 'The run ended within timeoutSeconds (wait=true)', schema: executionViewSchema },
        201: { description: 'The run started', schema: executionViewSchema },
        202: { description: 'Still running after timeoutSeconds (wait=true)', schema: executionViewSchema },
        404: { description: 'No such pipeline or version' },
        422: { description: 'The version has problems (in `issues`)' },
      },
      handler: async ({ params, query, body }) => {
        let started;
        try {
          started = await startStoredPipeline(deps(ctx), { pipelineId: params.id, trigger: 'manual', mode: 'manual', ...(body.version ? { version: body.version } : {}), ...(body.input ? { input: body.input as Item[] } : {}), ...(body.destinationNode ? { destinationNode: body.destinationNode } : {}) });
        } catch (err) {
          if (err instanceof PipelineNotFoundError) throw new HttpError(404, 'not_found', err.message);
          if (err instanceof PipelineNotRunnableError) throw notActivatable(params.id, err.problems, err.message);
          throw err;
        }
        return answer(started, query.wait === 'true', query.timeoutSeconds);
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/pipelines/:id/executions',
      summary: 'A stored pipeline’s runs, newest first (filter by status and trigger; page with `cursor`)',
      tag: 'pipelines',
      auth: 'viewer',
      params: pipelineIdParams,
      query: z
        .object({
          status: z.enum(STATUSES).optional(),
          trigger: z.enum(TRIGGERS).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: cursorSchema,
        })
        .strict(),
      responses: { 200: { description: 'One page of runs', schema: z.object({ items: z.array(executionSummarySchema), nextCursor: z.string().nullable() }) }, 404: { description: 'No such pipeline' } },
      handler: async ({ params, query }) => {
        if (!(await getPipeline(ctx.pool, params.id))) throw new HttpError(404, 'not_found', `No pipeline ${params.id}`);
        const list = () => listPipelineExecutions(ctx.pool, params.id, { limit: query.limit, ...(query.status ? { status: query.status } : {}), ...(query.trigger ? { trigger: query.trigger } : {}), ...(query.cursor ? { after: query.cursor } : {}) });
        let page = await list();
        // Runs said to be running whose workflows were closed from outside are recorded as such, then the page is read again.
        if (await reconcileRuns({ pool: ctx.pool, client: ctx.temporal }, page.items)) page = await list();
        const { items, more } = page;
        const last = items.at(-1);
        return {
          status: 200,
          body: {
            items: items.map((e) => ({
              id: e.id,
              status: e.status,
              trigger: e.trigger,
              mode: e.mode,
              version: e.pipelineVersion,
              startedAt: e.startedAt,
              stoppedAt: e.stoppedAt,
              lastNode: e.lastNode,
              error: e.error ? { node: e.error.node, message: e.error.message } : null,
              retryOf: e.retryOf,
            })),
            nextCursor: nextCursor(more, last ? { createdAt: last.startedAt, id: last.id } : undefined) ?? null,
          },
        };
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/pipelines/executions/:id/cancel',
      summary: 'Cancel a running or waiting run (its side-effect nodes and sub-workflows are cancelled with it)',
      tag: 'pipelines',
      auth: 'operator',
      params: executionIdParams,
      responses: { 200: { description: 'Cancellation requested', schema: executionViewSchema }, 404: { description: 'No such run' }, 409: { description: 'The run has ended' } },
      handler: async ({ params }) => {
        const row = await getExecution(ctx.pool, params.id);
        if (!row) throw new HttpError(404, 'not_found', `No pipeline execution ${params.id}`);
        if (row.status !== 'running' && row.status !== 'waiting') throw new HttpError(409, 'conflict', `Execution ${params.id} has ended (${row.status})`);
        try {
          await ctx.temporal.workflow.getHandle(row.workflowId).cancel();
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) throw new HttpError(409, 'conflict', `Execution ${params.id} is not running`);
          throw err;
        }
        return { status: 200, body: await executionViewOf(ctx, params.id) };
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/pipelines/executions/:id/retry',
      summary: 'Run a failed or cancelled run again: from the start with the same input, or from the failed node reusing the recorded data of the nodes before it',
      tag: 'pipelines',
      auth: 'operator',
      params: executionIdParams,
      query: startQuery,
      body: z.object({ from: z.enum(['start', 'failedNode']).default('start') }).strict(),
      responses: {
        200: { description: 'The retry ended within timeoutSeconds (wait=true)', schema: executionViewSchema },
        201: { description: 'The retry started', schema: executionViewSchema },
        202: { description: 'Still running after timeoutSeconds (wait=true)', schema: executionViewSchema },
        404: { description: 'No such run' },
        409: { description: 'The run cannot be retried that way (the message says why)' },
      },
      handler: async ({ params, query, body }) => {
        let started;
        try {
          started = await retryExecution(deps(ctx), params.id, body.from);
        } catch (err) {
          if (err instanceof PipelineNotFoundError) throw new HttpError(404, 'not_found', err.message);
          if (err instanceof RetryRefusedError) throw new HttpError(409, 'conflict', err.message);
          throw err;
        }
        return answer(started, query.wait === 'true', query.timeoutSeconds);
      },
    }),
    route({
      method: 'delete',
      path: '/api/v1/pipelines/executions/:id',
      summary: 'Delete an ended run with its data (and its sub-workflow runs)',
      tag: 'pipelines',
      auth: 'operator',
      params: executionIdParams,
      responses: { 204: { description: 'Deleted' }, 404: { description: 'No such run' }, 409: { description: 'The run has not ended: cancel it first' } },
      handler: async ({ params }) => {
        const row = await getExecution(ctx.pool, params.id);
        if (!row) throw new HttpError(404, 'not_found', `No pipeline execution ${params.id}`);
        if (row.status === 'running' || row.status === 'waiting') throw new HttpError(409, 'conflict', `Execution ${params.id} is ${row.status}: cancel it first`);
        await deleteExecution(ctx.pool, params.id);
        return { status: 204 };
      },
    }),
  ];
}
