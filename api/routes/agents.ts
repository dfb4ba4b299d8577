import { z } from 'zod';
import { createNode, deleteNode, getNode, listNodeViews, nodeFromConfig, updateNode } from '../../activities/agents/agent-store';
import { listAlerts } from '../../activities/agents/alert-store';
import { alertView, nodeView } from '../../domain/wire/agents';
import { agentSchema, agentWithIdSchema } from '../../infra/config/schema';
import type { ApiContext } from '../context';
import { createOutboundPolicy } from '../../infra/outbound-policy';
import { HttpError } from '../errors';
import { route } from '../route';

const nodeId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/, 'letters, digits, - and _ (up to 63)');

async function viewOf(ctx: ApiContext, id: string) {
  const view = (await listNodeViews(ctx.pool)).find((v) => v.id === id);
  if (!view) throw new HttpError(404, 'not_found', `No agent node "${id}"`);
  return view;
}

async function editable(ctx: ApiContext, id: string): Promise<void> {
  const node = await getNode(ctx.pool, id);
  if (!node) throw new HttpError(404, 'not_found', `No agent node "${id}"`);
  if (node.source === 'config') throw new HttpError(409, 'conflict', `Agent node "${id}" is defined in whoosh.yaml; change it there`);
}

export function agentRoutes(ctx: ApiContext) {
  const outbound = createOutboundPolicy(ctx.config.security.outbound_allow);
  const reachable = async (endpoint: string): Promise<void> => {
    const refusal = await outbound.refusal(endpoint);
    if (refusal) throw new HttpError(400, 'invalid_request', `endpoint is not allowed: ${refusal}`, [{ path: 'body.endpoint', message: refusal }]);
  };
  return [
    route({
      method: 'get',
      path: '/api/v1/agents',
      summary: 'Agent nodes with health, models, load, utilization, tokens/s and latency',
      tag: 'agents',
      auth: 'viewer',
      responses: { 200: { description: 'Every registered node', schema: z.object({ agents: z.array(nodeView) }) } },
      handler: async () => ({ status: 200, body: { agents: await listNodeViews(ctx.pool) } }),
    }),
    route({
      method: 'post',
      path: '/api/v1/agents',
      summary: 'Register an agent node (an Ollama server)',
      tag: 'agents',
      auth: 'operator',
      body: agentWithIdSchema,
      responses: { 201: { description: 'Registered', schema: nodeView }, 409: { description: 'The id is taken' } },
      handler: async ({ body }) => {
        await reachable(body.endpoint);
        const { id, ...agent } = body;
        const { id: _id, ...fields } = nodeFromConfig(id, agent);
        if (!(await createNode(ctx.pool, id, fields))) throw new HttpError(409, 'conflict', `Agent node "${id}" already exists`);
        return { status: 201, body: await viewOf(ctx, id), headers: { Location: `/api/v1/agents/${id}` } };
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/agents/:id',
      summary: 'One agent node',
      tag: 'agents',
      auth: 'viewer',
      params: z.object({ id: nodeId }),
      responses: { 200: { description: 'The node', schema: nodeView }, 404: { description: 'No such node' } },
      handler: async ({ params }) => ({ status: 200, body: await viewOf(ctx, params.id) }),
    }),
    route({
      method: 'put',
      path: '/api/v1/agents/:id',
      summary: 'Replace an agent node registered through the API',
      tag: 'agents',
      auth: 'operator',
      params: z.object({ id: nodeId }),
      body: agentSchema,
      responses: { 200: { description: 'Updated', schema: nodeView }, 404: { description: 'No such node' }, 409: { description: 'Defined in whoosh.yaml' } },
      handler: async ({ params, body }) => {
        await editable(ctx, params.id);
        await reachable(body.endpoint);
        const { id: _id, ...fields } = nodeFromConfig(params.id, body);
        await updateNode(ctx.pool, params.id, fields);
        return { status: 200, body: await viewOf(ctx, params.id) };
      },
    }),
    route({
      method: 'delete',
      path: '/api/v1/agents/:id',
      summary: 'Remove an agent node registered through the API',
      tag: 'agents',
      auth: 'operator',
      params: z.object({ id: nodeId }),
      responses: { 204: { description: 'Removed' }, 404: { description: 'No such node' }, 409: { description: 'Defined in whoosh.yaml' } },
      handler: async ({ params }) => {
        await editable(ctx, params.id);
        await deleteNode(ctx.pool, params.id);
        return { status: 204 };
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/alerts',
      summary: 'Alerts raised by the health checks (open by default)',
      tag: 'agents',
      auth: 'viewer',
      query: z.object({
        status: z.enum(['open', 'resolved', 'all']).default('open'),
        node: nodeId.optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
      responses: { 200: { description: 'Alerts, newest first', schema: z.object({ alerts: z.array(alertView) }) } },
      handler: async ({ query }) => ({ status: 200, body: { alerts: await listAlerts(ctx.pool, { status: query.status, nodeId: query.node, limit: query.limit }) } }),
    }),
  ];
}
