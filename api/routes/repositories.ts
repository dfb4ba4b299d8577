import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { listDeliveries, rejectionCounts } from '../../activities/intake/delivery-store';
import {
  createRepository,
  deleteRepository,
  forgeRef,
  getRepository,
  listRepositories,
  listSyncRuns,
  updateRepository,
  type Repository,
  type RepositoryInput,
} from '../../activities/intake/repository-store';
import { ForgeError } from '../../activities/forge';
import { repositoryForge } from '../../activities/forge/repository-forge';
import { DELIVERY_STATUSES } from '../../domain/statuses';
import { deliveryView, repoView, syncRunView } from '../../domain/wire/repositories';
import { createOutboundPolicy } from '../../infra/outbound-policy';
import { deleteRepositorySchedule, ensureRepositorySchedule, repositoryScheduleId } from '../../infra/schedules';
import type { ApiContext } from '../context';
import { HttpError } from '../errors';
import { route } from '../route';
import { temporalUiLink } from '../services/temporal-links';
import { WHOOSH_STATUS_LABEL_SPECS } from '../../domain/status-labels';

/** The labels WHOOSH works with, created by ensure-labels. */
export function standardLabels(config: ApiContext['config']) {
  return [
    { name: config.intake.task_label, color: '0e8a16', description: 'A task for a WHOOSH agent team' },
    { name: config.intake.council_label, color: '5319e7', description: 'A Design Brief that starts a WHOOSH council' },
    ...WHOOSH_STATUS_LABEL_SPECS,
  ];
}

/** Postgres integer columns (issue numbers, intervals) hold no more. */
const INT4_MAX = 2_147_483_647;

const repoBody = z
  .object({
    kind: z.enum(['gitea', 'github']),
    baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
    owner: z.string().trim().min(1).max(100),
    name: z.string().trim().min(1).max(100),
    token: z.string().min(1).max(4096).optional(),
    webhookSecret: z.string().min(16, 'must be at least 16 characters').optional(),
    monitor: z.boolean().default(true),
    labels: z.array(z.string().min(1)).default([]),
    syncIntervalSeconds: z.number().int().min(10).max(INT4_MAX).optional(),
  })
  .strict();

const idParams = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

export function repositoryRoutes(ctx: ApiContext) {
  const publicUrl = ctx.config.server.public_url ?? `http://localhost:${ctx.config.server.port}`;
  const view = (r: Repository, showSecret = false) => ({
    id: r.id,
    kind: r.kind,
    baseUrl: r.baseUrl,
    owner: r.owner,
    name: r.name,
    hasToken: forgeRef(r, ctx.config.security.forge_tokens).token !== undefined,
    monitor: r.monitor,
    labels: r.labels,
    syncIntervalSeconds: r.syncIntervalSeconds ?? ctx.config.intake.sync_interval_seconds,
    lastSyncedAt: r.lastSyncedAt,
    webhookUrl: `${publicUrl}/webhooks/${r.kind}`,
    ...(showSecret ? { webhookSecret: r.webhookSecret } : {}),
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  });
  const found = async (id: number): Promise<Repository> => {
    const repo = await getRepository(ctx.pool, id);
    if (!repo) throw new HttpError(404, 'not_found', `No repository ${id}`);
    return repo;
  };
  const input = (b: z.infer<typeof repoBody>, secret: string): RepositoryInput => ({
    kind: b.kind,
    baseUrl: b.baseUrl.replace(/\/+$/, ''),
    owner: b.owner,
    name: b.name,
    token: b.token ?? null,
    tokenFile: null,
    webhookSecret: secret,
    monitor: b.monitor,
    labels: b.labels,
    syncIntervalSeconds: b.syncIntervalSeconds ?? null,
  });

  const outbound = createOutboundPolicy(ctx.config.security.outbound_allow);
  const reachable = async (baseUrl: string): Promise<void> => {
    const refusal = await outbound.refusal(baseUrl);
    if (refusal) throw new HttpError(400, 'invalid_request', `baseUrl is not allowed: ${refusal}`, [{ path: 'body.baseUrl', message: refusal }]);
  };

  return [
    route({
      method: 'get',
      path: '/api/v1/repositories',
      summary: 'Monitored repositories',
      tag: 'repositories',
      auth: 'viewer',
      responses: { 200: { description: 'Repositories', schema: z.object({ repositories: z.array(repoView) }) } },
      handler: async () => ({ status: 200, body: { repositories: (await listRepositories(ctx.pool)).map((r) => view(r)) } }),
    }),
    route({
      method: 'post',
      path: '/api/v1/repositories',
      summary: 'Register a repository (a webhook secret is generated unless given; it is shown once)',
      tag: 'repositories',
      auth: 'operator',
      body: repoBody,
      responses: { 201: { description: 'Registered', schema: repoView }, 409: { description: 'Already registered' } },
      handler: async ({ body }) => {
        await reachable(body.baseUrl);
        const secret = body.webhookSecret ?? randomBytes(24).toString('hex');
        const repo = await createRepository(ctx.pool, input(body, secret));
        if (!repo) throw new HttpError(409, 'conflict', `${body.kind} repository ${body.owner}/${body.name} is already registered`);
        await ensureRepositorySchedule(ctx.temporal, ctx.config, repo);
        return { status: 201, body: view(repo, true), headers: { Location: `/api/v1/repositories/${repo.id}` } };
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/repositories/:id',
      summary: 'One repository',
      tag: 'repositories',
      auth: 'viewer',
      params: idParams,
      responses: { 200: { description: 'The repository', schema: repoView }, 404: { description: 'No such repository' } },
      handler: async ({ params }) => ({ status: 200, body: view(await found(params.id)) }),
    }),
    route({
      method: 'put',
      path: '/api/v1/repositories/:id',
      summary: 'Replace a repository’s settings (the webhook secret is kept unless given; a new baseUrl needs the token again)',
      tag: 'repositories',
      auth: 'operator',
      params: idParams,
      body: repoBody,
      responses: { 200: { description: 'Updated', schema: repoView }, 404: { description: 'No such repository' } },
      handler: async ({ params, body }) => {
        const before = await found(params.id);
        const next = input(body, body.webhookSecret ?? before.webhookSecret);
        await reachable(next.baseUrl);
        // The stored token was given for the old host: never send it to another one.
        if (next.baseUrl !== before.baseUrl && body.token === undefined && before.token !== null) {
          throw new HttpError(400, 'invalid_request', 'A new baseUrl needs the token again', [{ path: 'body.token', message: 'required when baseUrl changes' }]);
        }
        const repo = await updateRepository(ctx.pool, params.id, { ...next, token: body.token ?? before.token });
        await ensureRepositorySchedule(ctx.temporal, ctx.config, repo!);
        return { status: 200, body: view(repo!) };
      },
    }),
    route({
      method: 'delete',
      path: '/api/v1/repositories/:id',
      summary: 'Stop monitoring and forget a repository',
      tag: 'repositories',
      auth: 'operator',
      params: idParams,
      responses: { 204: { description: 'Removed' }, 404: { description: 'No such repository' } },
      handler: async ({ params }) => {
        if (!(await deleteRepository(ctx.pool, params.id))) throw new HttpError(404, 'not_found', `No repository ${params.id}`);
        await deleteRepositorySchedule(ctx.temporal, params.id);
        return { status: 204 };
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/repositories/:id/sync',
      summary: 'Run a full issue rescan now',
      tag: 'repositories',
      auth: 'operator',
      params: idParams,
      responses: { 202: { description: 'Started', schema: z.object({ workflowId: z.string(), runId: z.string(), temporalUiUrl: z.string().optional() }) }, 404: { description: 'No such repository' } },
      handler: async ({ params }) => {
        const repo = await found(params.id);
        const workflowId = `${repositoryScheduleId(repo.id)}-full-${randomUUID()}`;
        const handle = await ctx.temporal.workflow.start('repositorySync', { workflowId, taskQueue: ctx.config.temporal.task_queue, args: [{ repositoryId: repo.id, full: true }] });
        return { status: 202, body: { workflowId, runId: handle.firstExecutionRunId, temporalUiUrl: temporalUiLink(ctx, workflowId, handle.firstExecutionRunId) } };
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/repositories/:id/ensure-labels',
      summary: 'Create the labels WHOOSH uses on the repository',
      tag: 'repositories',
      auth: 'operator',
      params: idParams,
      responses: {
        200: { description: 'Which were created and which existed', schema: z.object({ created: z.array(z.string()), existing: z.array(z.string()) }) },
        404: { description: 'No such repository' },
        502: { description: 'The forge refused or did not answer (the message names it)' },
      },
      handler: async ({ params }) => {
        const repo = await found(params.id);
        try {
          return { status: 200, body: await repositoryForge(repo, ctx.config.security).ensureLabels(standardLabels(ctx.config)) };
        } catch (err) {
          if (err instanceof ForgeError) throw new HttpError(502, 'bad_gateway', `The forge at ${repo.baseUrl} failed: ${err.message}`);
          throw err;
        }
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/repositories/:id/logs',
      summary: 'Sync runs of a repository, newest first',
      tag: 'repositories',
      auth: 'viewer',
      params: idParams,
      query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
      responses: {
        404: { description: 'No such repository' },
        200: {
          description: 'Sync runs',
          schema: z.object({
            runs: z.array(
              syncRunView,
            ),
          }),
        },
      },
      handler: async ({ params, query }) => {
        await found(params.id);
        return { status: 200, body: { runs: await listSyncRuns(ctx.pool, params.id, query.limit) } };
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/webhooks/deliveries',
      summary: 'Webhook deliveries and their outcomes, newest first (page with `before`)',
      tag: 'repositories',
      auth: 'viewer',
      query: z.object({
        status: z.enum(DELIVERY_STATUSES).optional(),
        repository: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
        issue: z.coerce.number().int().positive().max(INT4_MAX).optional(),
        before: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
      responses: {
        200: {
          description: 'Deliveries, and counts of rejected ones by forge and reason',
          schema: z.object({
            deliveries: z.array(
              deliveryView,
            ),
            rejected: z.record(z.string(), z.number()),
            nextBefore: z.number().nullable(),
          }),
        },
      },
      handler: async ({ query }) => {
        const deliveries = await listDeliveries(ctx.pool, { status: query.status, repositoryId: query.repository, issue: query.issue, before: query.before, limit: query.limit });
        return {
          status: 200,
          body: {
            deliveries: deliveries.map(({ intent: _intent, ...d }) => d),
            rejected: await rejectionCounts(ctx.pool),
            nextBefore: deliveries.length === query.limit ? deliveries[deliveries.length - 1]!.id : null,
          },
        };
      },
    }),
  ];
}
