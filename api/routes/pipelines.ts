/**
 * Pipelines: run an n8n document given inline and read its results. A
 * document the engine cannot run is refused before anything starts (400,
 * every unsupported node named). The run is the `pipelineRun` workflow; its
 * records in Postgres are what these routes answer with.
 */
import { z } from 'zod';
import { createExecution } from '../../domain/pipeline';
import { WorkflowValidationError } from '../../domain/pipeline/errors';
import type { N8nWorkflow } from '../../domain/pipeline/types';
import { documentHash } from '../../activities/pipeline/pipeline-activities';
import { executionView, nodeRunsView } from '../../activities/pipeline/pipeline-views';
import { reconcileRun } from '../../activities/pipeline/reconcile-runs';
import { awaitRun, startPipelineRun, type PipelineStartDeps, type StartedRun } from '../../activities/pipeline/start-pipeline';
import type { ApiContext } from '../context';
import { HttpError, type FieldIssue } from '../errors';
import { route } from '../route';
import { temporalUiLink } from '../services/temporal-links';

const STATUSES = ['success', 'error', 'waiting', 'running', 'canceled'] as const;

const nodeSchema = z.looseObject({
  name: z.string().min(1).max(500),
  type: z.string().min(1).max(500),
  typeVersion: z.number(),
  parameters: z.record(z.string(), z.unknown()).optional(),
});

const workflowSchema = z
  .looseObject({
    name: z.string().optional(),
    nodes: z.array(nodeSchema).min(1).max(2000),
    connections: z.record(z.string(), z.record(z.string(), z.array(z.array(z.looseObject({ node: z.string(), type: z.string(), index: z.number().int() })).nullable()))),
    settings: z.looseObject({ executionOrder: z.enum(['v0', 'v1']).optional(), timezone: z.string().optional() }).optional(),
  })
  .describe('An n8n workflow as n8n exports it (nodes, connections, settings; other fields are kept)');

export const itemSchema = z.looseObject({ json: z.record(z.string(), z.unknown()) });

const startBody = z
  .object({
    workflow: workflowSchema,
    input: z.array(itemSchema).max(100_000).optional().describe('Items for the start node (an Execute Workflow Trigger or Manual Trigger)'),
  })
  .strict();

export const startQuery = z
  .object({
    wait: z.enum(['true', 'false']).default('false').describe('true: answer when the run ends (up to timeoutSeconds)'),
    timeoutSeconds: z.coerce.number().int().min(1).max(300).default(60),
  })
  .strict();

export const executionViewSchema = z.object({
  id: z.string(),
  workflowId: z.string(),
  pipeline: z.string().describe('The stored pipeline id, or the document’s content hash'),
  mode: z.string(),
  status: z.enum(STATUSES),
  startedAt: z.string(),
  stoppedAt: z.string().nullable(),
  waitTill: z.string().nullable(),
  lastNode: z.string().nullable(),
  error: z.object({ node: z.string(), message: z.string(), description: z.string().optional() }).nullable(),
  parentExecutionId: z.string().nullable(),
  pipelineId: z.string().nullable().describe('The stored pipeline run (null: an inline document)'),
  version: z.number().nullable().describe('The stored pipeline version the run was pinned to'),
  trigger: z.string().nullable().describe('What started the run: manual, webhook, schedule, executeWorkflow, forge, retry'),
  retryOf: z.string().nullable().describe('The execution this run retries'),
  nodes: z.record(z.string(), z.array(z.array(z.unknown()))).describe('Each node’s last run: a list of outputs, each a list of the items’ json; keys in the order the nodes first ran'),
  temporalUiUrl: z.string().optional(),
});

const nodeRunsSchema = z.object({
  executionId: z.string(),
  node: z.string(),
  runs: z.array(
    z.object({
      runIndex: z.number(),
      status: z.enum(STATUSES),
      startTime: z.string(),
      executionTimeMs: z.number(),
      source: z.array(z.unknown()),
      outputs: z.array(z.array(z.object({ json: z.unknown(), binary: z.unknown().optional(), pairedItem: z.unknown().optional(), error: z.unknown().optional() }))),
      error: z.unknown().nullable(),
      console: z.array(z.string()),
    }),
  ),
});

const idParams = z.object({ id: z.string().uuid('must be an execution id (a UUID)') });

/** The engine's verdict on a document, as field issues naming every node it cannot run. */
function problemsOf(doc: N8nWorkflow, input: unknown[] | undefined): FieldIssue[] {
  try {
    createExecution(doc, { executionId: 'validation', mode: 'manual', ...(input ? { input: input as never } : {}) });
    return [];
  } catch (err) {
    if (!(err instanceof WorkflowValidationError)) throw err;
    return err.problems.map((p) => {
      const index = p.node === undefined ? -1 : doc.nodes.findIndex((n) => n.name === p.node);
      return { path: index >= 0 ? `body.workflow.nodes.${index}${p.parameter ? `.parameters.${p.parameter}` : ''}` : 'body.workflow', message: p.message };
    });
  }
}

/** The execution view the API answers with (404 when there is no such run). */
export async function executionViewOf(ctx: ApiContext, id: string) {
  let v = await executionView(ctx.pool, id);
  if (!v) throw new HttpError(404, 'not_found', `No pipeline execution ${id}`);
  // A run said to be running whose workflow was closed from outside is recorded as such first.
  if (await reconcileRun({ pool: ctx.pool, client: ctx.temporal }, v)) v = (await executionView(ctx.pool, id)) ?? v;
  const link = temporalUiLink(ctx, v.workflowId);
  return { ...v, ...(link ? { temporalUiUrl: link } : {}) };
}

/** A started run as the API answers: 201 at once, or (wait) 200 once it ended within the timeout, else 202 with the run so far. */
export async function runAnswer(ctx: ApiContext, started: StartedRun, wait: boolean, timeoutSeconds: number) {
  if (!wait) return { status: 201, body: await executionViewOf(ctx, started.executionId) };
  const ended = await awaitRun(ctx.temporal, started.workflowId, timeoutSeconds * 1000);
  const v = await executionViewOf(ctx, started.executionId);
  return { status: ended && v.status !== 'running' && v.status !== 'waiting' ? 200 : 202, body: v };
}

/** What starting a pipeline run needs, from the API's context. */
export const deps = (ctx: ApiContext): PipelineStartDeps => ({ pool: ctx.pool, client: ctx.temporal, taskQueue: ctx.config.temporal.task_queue });

export function pipelineRoutes(ctx: ApiContext) {
  const view = (id: string) => executionViewOf(ctx, id);

  return [
    route({
      method: 'post',
      path: '/api/v1/pipelines/executions',
      summary: 'Run an n8n workflow given inline (with `wait=true`, answer when it ends)',
      tag: 'pipelines',
      auth: 'operator',
      query: startQuery,
      body: startBody,
      responses: {
        200: { description: 'The run ended within timeoutSeconds (wait=true)', schema: executionViewSchema },
        201: { description: 'The run started', schema: executionViewSchema },
        202: { description: 'Still running after timeoutSeconds (wait=true)', schema: executionViewSchema },
      },
      handler: async ({ query, body }) => {
        const doc = body.workflow as unknown as N8nWorkflow;
        const problems = problemsOf(doc, body.input);
        if (problems.length > 0) throw new HttpError(400, 'invalid_request', 'The workflow cannot run', problems);

        const key = documentHash(doc);
        const started = await startPipelineRun(deps(ctx), { pipelineKey: key, document: doc, mode: 'manual', trigger: 'manual', ...(body.input ? { input: body.input as never } : {}) });
        return runAnswer(ctx, started, query.wait === 'true', query.timeoutSeconds);
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/pipelines/executions/:id',
      summary: 'A pipeline run: status, times, error, and each node’s last output',
      tag: 'pipelines',
      auth: 'viewer',
      params: idParams,
      responses: { 200: { description: 'The run', schema: executionViewSchema }, 404: { description: 'No such run' } },
      handler: async ({ params }) => ({ status: 200, body: await view(params.id) }),
    }),
    route({
      method: 'get',
      path: '/api/v1/pipelines/executions/:id/nodes/:name',
      summary: 'Every run of one node: items with their paired items, timing, console output, error',
      tag: 'pipelines',
      auth: 'viewer',
      params: idParams.extend({ name: z.string().min(1).max(500) }),
      responses: { 200: { description: 'The node’s runs', schema: nodeRunsSchema }, 404: { description: 'No such run, or the node never ran' } },
      handler: async ({ params }) => {
        const runs = await nodeRunsView(ctx.pool, params.id, params.name);
        if (!runs) {
          await view(params.id);
          throw new HttpError(404, 'not_found', `Node "${params.name}" did not run in execution ${params.id}`);
        }
        return { status: 200, body: { executionId: params.id, node: params.name, runs } };
      },
    }),
  ];
}
