/**
 * Stored pipelines: import (one n8n document or `n8n export:workflow --all`'s
 * array), versions, activation and export. A document with problems is saved
 * as a draft; activation refuses it with every problem named (422).
 */
import { z } from 'zod';
import {
  createPipeline,
  getPipeline,
  getPipelineVersion,
  listPipelines,
  listPipelineVersions,
  savePipelineVersion,
} from '../../activities/pipeline/pipeline-catalog';
import { activatePipeline, deactivatePipeline, removePipeline, type ActivationDeps } from '../../activities/pipeline/pipeline-activation';
import type { PipelineProblem } from '../../domain/pipeline/stored-pipeline';
import { BUILT_IN_TEMPLATES, TEMPLATE_NAMES, templatePipeline } from '../../domain/pipeline/templates';
import type { N8nWorkflow } from '../../domain/pipeline/types';
import type { ApiContext } from '../context';
import { HttpError } from '../errors';
import { cursorSchema, nextCursor } from '../pagination';
import { route } from '../route';

const STATUSES = ['success', 'error', 'waiting', 'running', 'canceled'] as const;
const TRIGGERS = ['webhook', 'schedule', 'manual', 'executeWorkflow', 'forge'] as const;

/** Only what makes a body an n8n document; anything else is the validation's to name (a draft may be broken). */
export const documentSchema = z
  .looseObject({
    nodes: z.array(z.looseObject({})).max(2000),
    connections: z.record(z.string(), z.unknown()).optional(),
  })
  .describe('An n8n workflow as n8n exports it; stored as given');

export const pipelineIdParams = z.object({ id: z.string().regex(/^pl_[A-Za-z0-9_-]{1,40}$/, 'must be a pipeline id (pl_…)') });

const problemSchema = z.object({ node: z.string().nullable(), message: z.string() });

export const pipelineSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  tags: z.array(z.string()),
  active: z.boolean(),
  version: z.number().describe('The latest version'),
  activeVersion: z.number().nullable().describe('The version the triggers run, pinned at activation'),
  trigger: z.enum(TRIGGERS).nullable(),
  notes: z.string().nullable().describe('The trigger node’s notes'),
  problems: z.array(problemSchema).describe('Validation problems of the latest version; non-empty = a draft that cannot be activated'),
  createdAt: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
  lastExecution: z.object({ id: z.string(), status: z.enum(STATUSES), startedAt: z.string() }).nullable(),
});

const savedSchema = z.object({ id: z.string(), version: z.number(), problems: z.array(problemSchema) });

const listQuery = z
  .object({
    active: z.enum(['true', 'false']).optional(),
    tag: z.string().min(1).max(200).optional(),
    trigger: z.enum(TRIGGERS).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: cursorSchema,
  })
  .strict();

/** A 422 naming every problem, in the error shape of the API (`issues` carry the node too). */
export function notActivatable(id: string, problems: readonly PipelineProblem[], message = `Pipeline ${id} has problems and cannot be activated`): HttpError {
  return new HttpError(
    422,
    'invalid_request',
    message,
    problems.map((p) => ({ path: p.node === null ? 'document' : `nodes.${p.node}`, node: p.node, message: p.message })),
  );
}

export function pipelineCatalogRoutes(ctx: ApiContext) {
  const deps: ActivationDeps = { pool: ctx.pool, client: ctx.temporal, taskQueue: ctx.config.temporal.task_queue };
  const by = (principal: { name: string } | undefined) => principal?.name ?? 'anonymous';
  const summary = async (id: string) => {
    const s = await getPipeline(ctx.pool, id);
    if (!s) throw new HttpError(404, 'not_found', `No pipeline ${id}`);
    return s;
  };

  return [
    route({
      method: 'get',
      path: '/api/v1/pipelines',
      summary: 'Stored pipelines, newest first (filter by active, tag, trigger; page with `cursor`)',
      tag: 'pipelines',
      auth: 'viewer',
      query: listQuery,
      responses: { 200: { description: 'One page of pipelines', schema: z.object({ items: z.array(pipelineSummarySchema), nextCursor: z.string().nullable() }) } },
      handler: async ({ query }) => {
        const { items, more } = await listPipelines(ctx.pool, {
          ...(query.active ? { active: query.active === 'true' } : {}),
          ...(query.tag ? { tag: query.tag } : {}),
          ...(query.trigger ? { trigger: query.trigger } : {}),
          limit: query.limit,
          ...(query.cursor ? { after: query.cursor } : {}),
        });
        return { status: 200, body: { items, nextCursor: nextCursor(more, items.at(-1)) ?? null } };
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/pipelines',
      summary: 'Import an n8n document, or the array `n8n export:workflow --all` writes (invalid ones are saved as drafts)',
      tag: 'pipelines',
      auth: 'operator',
      body: z.union([documentSchema, z.array(documentSchema).min(1).max(1000)]),
      responses: { 201: { description: 'Stored as version 1 (an array: one entry per document, in order)', schema: z.union([savedSchema, z.object({ items: z.array(savedSchema) })]) } },
      // The raw body, not the parsed one: the document is stored exactly as given.
      handler: async ({ req, principal }) => {
        const raw = req.body as N8nWorkflow | N8nWorkflow[];
        if (!Array.isArray(raw)) return { status: 201, body: await createPipeline(ctx.pool, raw, by(principal)) };
        const items = [];
        for (const doc of raw) items.push(await createPipeline(ctx.pool, doc, by(principal)));
        return { status: 201, body: { items } };
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/pipelines/from-template',
      summary: 'Create a pipeline from a shipped template (workflows.templates): an LLM step per stage, an approval between stages',
      tag: 'pipelines',
      auth: 'operator',
      body: z.object({ template: z.enum(TEMPLATE_NAMES), name: z.string().trim().min(1).max(200).optional() }).strict(),
      responses: { 201: { description: 'Stored as version 1', schema: savedSchema } },
      handler: async ({ body, principal }) => {
        const template = ctx.config.workflows.templates[body.template] ?? BUILT_IN_TEMPLATES[body.template];
        const specializations = Object.fromEntries(Object.entries(ctx.config.agents).map(([id, a]) => [id, a.specialization]));
        const doc = templatePipeline(body.template, template, specializations, body.name);
        return { status: 201, body: await createPipeline(ctx.pool, doc, by(principal)) };
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/pipelines/:id',
      summary: 'A stored pipeline with its latest document',
      tag: 'pipelines',
      auth: 'viewer',
      params: pipelineIdParams,
      responses: { 200: { description: 'The pipeline', schema: pipelineSummarySchema.extend({ document: documentSchema }) }, 404: { description: 'No such pipeline' } },
      handler: async ({ params }) => {
        const s = await summary(params.id);
        const latest = await getPipelineVersion(ctx.pool, params.id, s.version);
        return { status: 200, body: { ...s, document: latest?.document } };
      },
    }),
    route({
      method: 'put',
      path: '/api/v1/pipelines/:id',
      summary: 'Save an n8n document as the next version (an invalid one is a draft; the active version stays pinned)',
      tag: 'pipelines',
      auth: 'operator',
      params: pipelineIdParams,
      body: documentSchema,
      responses: { 200: { description: 'The new version', schema: savedSchema }, 404: { description: 'No such pipeline' } },
      handler: async ({ params, req, principal }) => {
        const saved = await savePipelineVersion(ctx.pool, params.id, req.body as N8nWorkflow, by(principal));
        if (!saved) throw new HttpError(404, 'not_found', `No pipeline ${params.id}`);
        return { status: 200, body: saved };
      },
    }),
    route({
      method: 'delete',
      path: '/api/v1/pipelines/:id',
      summary: 'Delete a pipeline with its versions (deactivated first)',
      tag: 'pipelines',
      auth: 'operator',
      params: pipelineIdParams,
      responses: { 204: { description: 'Deleted' }, 404: { description: 'No such pipeline' } },
      handler: async ({ params, principal }) => {
        if (!(await deactivatePipeline(deps, params.id, by(principal)))) throw new HttpError(404, 'not_found', `No pipeline ${params.id}`);
        await removePipeline(deps, params.id);
        return { status: 204 };
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/pipelines/:id/versions',
      summary: 'Every version of a pipeline, newest first',
      tag: 'pipelines',
      auth: 'viewer',
      params: pipelineIdParams,
      responses: {
        200: { description: 'The versions', schema: z.object({ items: z.array(z.object({ version: z.number(), createdAt: z.string(), createdBy: z.string(), name: z.string() })) }) },
        404: { description: 'No such pipeline' },
      },
      handler: async ({ params }) => {
        await summary(params.id);
        return { status: 200, body: { items: await listPipelineVersions(ctx.pool, params.id) } };
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/pipelines/:id/versions/:version',
      summary: 'One version of a pipeline with its document',
      tag: 'pipelines',
      auth: 'viewer',
      params: pipelineIdParams.extend({ version: z.coerce.number().int().min(1).max(1_000_000_000) }),
      responses: {
        200: { description: 'The version', schema: z.object({ version: z.number(), createdAt: z.string(), createdBy: z.string(), document: documentSchema }) },
        404: { description: 'No such pipeline or version' },
      },
      handler: async ({ params }) => {
        const v = await getPipelineVersion(ctx.pool, params.id, params.version);
        if (!v) throw new HttpError(404, 'not_found', `Pipeline ${params.id} has no version ${params.version}`);
        return { status: 200, body: { version: v.version, createdAt: v.createdAt, createdBy: v.createdBy, document: v.document } };
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/pipelines/:id/export',
      summary: 'The latest n8n document alone, as it was imported',
      tag: 'pipelines',
      auth: 'viewer',
      params: pipelineIdParams,
      responses: { 200: { description: 'The n8n document', schema: documentSchema }, 404: { description: 'No such pipeline' } },
      handler: async ({ params }) => {
        const v = await getPipelineVersion(ctx.pool, params.id);
        if (!v) throw new HttpError(404, 'not_found', `No pipeline ${params.id}`);
        return { status: 200, body: v.document };
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/pipelines/:id/activate',
      summary: 'Activate the latest version: its triggers answer (pins the version); refused with every problem when invalid',
      tag: 'pipelines',
      auth: 'operator',
      params: pipelineIdParams,
      responses: { 200: { description: 'Active', schema: pipelineSummarySchema }, 404: { description: 'No such pipeline' }, 422: { description: 'The latest version has problems (in `issues`)' } },
      handler: async ({ params, principal }) => {
        const r = await activatePipeline(deps, params.id, by(principal));
        if (!r.found) throw new HttpError(404, 'not_found', `No pipeline ${params.id}`);
        if (r.problems.length > 0) throw notActivatable(params.id, r.problems);
        return { status: 200, body: await summary(params.id) };
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/pipelines/:id/deactivate',
      summary: 'Deactivate: its triggers stop answering',
      tag: 'pipelines',
      auth: 'operator',
      params: pipelineIdParams,
      responses: { 200: { description: 'Inactive', schema: pipelineSummarySchema }, 404: { description: 'No such pipeline' } },
      handler: async ({ params, principal }) => {
        if (!(await deactivatePipeline(deps, params.id, by(principal)))) throw new HttpError(404, 'not_found', `No pipeline ${params.id}`);
        return { status: 200, body: await summary(params.id) };
      },
    }),
  ];
}
