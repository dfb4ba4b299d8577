/**
 * What the visual pipeline editor reads: the node types with their
 * descriptions (palette and parameter panels), an execution as the canvas
 * draws it, and the live preview of an expression against a past run.
 * Mounted before the stored-pipeline routes, so `/pipelines/node-types` is
 * never taken for a pipeline id.
 */
import { z } from 'zod';
import { nodeCatalog } from '../../domain/pipeline/descriptions';
import type { N8nWorkflow } from '../../domain/pipeline/types';
import { canvasView, previewExpression } from '../../activities/pipeline/editor-views';
import type { ApiContext } from '../context';
import { HttpError } from '../errors';
import { route } from '../route';

const STATUSES = ['success', 'error', 'waiting', 'running', 'canceled'] as const;

const catalogSchema = z.object({
  items: z.array(z.looseObject({ type: z.string(), displayName: z.string(), group: z.string(), versions: z.array(z.number()), kind: z.string(), generic: z.boolean(), parameters: z.array(z.unknown()) })),
});

const canvasSchema = z.object({
  executionId: z.string(),
  status: z.enum(STATUSES),
  current: z.object({ node: z.string(), kind: z.enum(['activity', 'wait', 'child', 'approval']), message: z.string().optional() }).nullable(),
  nodes: z.record(
    z.string(),
    z.object({
      status: z.enum(STATUSES),
      runs: z.number(),
      items: z.array(z.number()),
      totalItems: z.array(z.number()),
      executionTimeMs: z.number(),
      error: z.object({ message: z.string(), description: z.string().optional() }).nullable(),
    }),
  ),
});

const previewBody = z
  .object({
    expression: z.string().max(100_000).describe('An n8n expression, with or without the leading "="'),
    nodeName: z.string().min(1).max(500).describe('The node whose parameter holds the expression'),
    document: z.looseObject({ nodes: z.array(z.looseObject({ name: z.string(), type: z.string(), typeVersion: z.number() })).max(2000), connections: z.record(z.string(), z.unknown()) }),
    executionId: z.string().uuid().optional().describe('The run whose data the nodes before it see; none: no data'),
    itemIndex: z.number().int().min(0).optional(),
  })
  .strict();

const previewSchema = z.object({
  ok: z.boolean(),
  value: z.unknown().optional(),
  error: z.object({ message: z.string(), description: z.string().optional() }).optional(),
  itemIndex: z.number(),
  itemCount: z.number(),
  executionId: z.string().nullable(),
});

export function pipelineEditorRoutes(ctx: ApiContext) {
  const catalog = { items: nodeCatalog() };
  return [
    route({
      method: 'get',
      path: '/api/v1/pipelines/node-types',
      summary: 'Every node type the engine runs, with its description: palette group, inputs, outputs, typed parameters',
      tag: 'pipelines',
      auth: 'viewer',
      responses: { 200: { description: 'The node types', schema: catalogSchema } },
      handler: async () => ({ status: 200, body: catalog }),
    }),
    route({
      method: 'post',
      path: '/api/v1/pipelines/expression-preview',
      summary: 'Evaluate an expression in the sandbox for a node, against a past run’s data of the nodes before it',
      tag: 'pipelines',
      auth: 'operator',
      body: previewBody,
      responses: { 200: { description: 'The value, or the error the expression raised', schema: previewSchema }, 404: { description: 'No such node or execution' } },
      handler: async ({ body }) => {
        const result = await previewExpression(ctx.pool, { ...body, document: body.document as unknown as N8nWorkflow });
        if (!result) throw new HttpError(404, 'not_found', body.executionId ? `No node "${body.nodeName}" in the document, or no execution ${body.executionId}` : `No node "${body.nodeName}" in the document`);
        return { status: 200, body: result };
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/pipelines/executions/:id/canvas',
      summary: 'A pipeline run as the editor’s canvas draws it: each node’s status, runs and item counts per output, and the node the run is at',
      tag: 'pipelines',
      auth: 'viewer',
      params: z.object({ id: z.string().uuid('must be an execution id (a UUID)') }),
      responses: { 200: { description: 'The run on the canvas', schema: canvasSchema }, 404: { description: 'No such run' } },
      handler: async ({ params }) => {
        const view = await canvasView(ctx.pool, params.id);
        if (!view) throw new HttpError(404, 'not_found', `No pipeline execution ${params.id}`);
        return { status: 200, body: view };
      },
    }),
  ];
}
