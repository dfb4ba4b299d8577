import { z } from 'zod';
import type { ApiContext } from '../context';
import { route } from '../route';
import { getSelfCheck, startSelfCheck } from '../services/self-check';

const selfCheckView = z.object({
  workflowId: z.string(),
  runId: z.string(),
  status: z.string(),
  result: z
    .object({
      ok: z.boolean(),
      checkId: z.string(),
      verified: z.array(z.string()),
      postgresVersion: z.string(),
      taskQueue: z.string(),
      startedAt: z.string(),
      finishedAt: z.string(),
    })
    .optional(),
  failure: z.string().optional(),
  temporalUiUrl: z.string().optional(),
});

const selfCheckBody = z
  .object({
    note: z.string().trim().min(1).max(200).optional(),
    delaySeconds: z.number().int().min(0).max(3600).optional(),
    waitSeconds: z.number().int().min(0).max(60).default(30),
  })
  .strict();

export function systemRoutes(ctx: ApiContext) {
  return [
    route({
      method: 'get',
      path: '/api/v1/me',
      summary: 'Who the bearer token belongs to, and its role',
      tag: 'system',
      auth: 'viewer',
      responses: { 200: { description: 'The caller', schema: z.object({ name: z.string(), role: z.string(), via: z.string() }) } },
      handler: async ({ principal }) => ({ status: 200, body: principal }),
    }),
    route({
      method: 'get',
      path: '/api/v1/system/info',
      summary: 'Version, cluster and Temporal settings the dashboard shows',
      tag: 'system',
      auth: 'viewer',
      responses: {
        200: {
          description: 'System info',
          schema: z.object({
            version: z.string(),
            cluster: z.string(),
            namespace: z.string(),
            taskQueue: z.string(),
            temporalUiUrl: z.string().nullable(),
          }),
        },
      },
      handler: async () => ({
        status: 200,
        body: {
          version: ctx.version,
          cluster: ctx.config.cluster.name,
          namespace: ctx.config.temporal.namespace,
          taskQueue: ctx.config.temporal.task_queue,
          temporalUiUrl: ctx.temporalUiUrl ?? null,
        },
      }),
    }),
    route({
      method: 'post',
      path: '/api/v1/system/self-check',
      summary: 'Run the self-check workflow (an activity writes and reads Postgres)',
      tag: 'system',
      auth: 'operator',
      body: selfCheckBody,
      responses: {
        200: { description: 'Finished within waitSeconds', schema: selfCheckView },
        202: { description: 'Started and still running; poll GET .../self-check/{workflowId}', schema: selfCheckView },
      },
      handler: async ({ body }) => {
        const view = await startSelfCheck(ctx, body);
        return { status: view.status === 'RUNNING' ? 202 : 200, body: view };
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/system/self-check/:workflowId',
      summary: 'Status and result of a self-check',
      tag: 'system',
      auth: 'viewer',
      params: z.object({ workflowId: z.string().min(1).max(200) }),
      responses: { 200: { description: 'The self-check', schema: selfCheckView }, 404: { description: 'No such self-check' } },
      handler: async ({ params }) => ({ status: 200, body: await getSelfCheck(ctx, params.workflowId) }),
    }),
  ];
}
