import { z } from 'zod';
import type { ApiContext } from '../context';
import { route } from '../route';
import { checkReadiness } from '../services/readiness';

const probe = z.object({ ok: z.boolean(), latencyMs: z.number(), error: z.string().optional() });
const readiness = z.object({
  status: z.enum(['ready', 'unavailable']),
  down: z.array(z.string()),
  checks: z.object({ temporal: probe, postgres: probe }),
});

export function healthRoutes(ctx: ApiContext) {
  const started = Date.now();
  return [
    route({
      method: 'get',
      path: '/health',
      summary: 'Liveness: the process answers',
      tag: 'health',
      auth: 'public',
      responses: {
        200: { description: 'Alive', schema: z.object({ status: z.literal('ok'), version: z.string(), uptimeSeconds: z.number() }) },
      },
      handler: async () => ({ status: 200, body: { status: 'ok', version: ctx.version, uptimeSeconds: Math.round((Date.now() - started) / 1000) } }),
    }),
    route({
      method: 'get',
      path: '/health/ready',
      summary: 'Readiness: Temporal and Postgres answer',
      tag: 'health',
      auth: 'public',
      responses: {
        200: { description: 'Ready', schema: readiness },
        503: { description: 'A dependency is down; `down` names it', schema: readiness },
      },
      handler: async () => {
        const r = await checkReadiness(ctx);
        return { status: r.ready ? 200 : 503, body: { status: r.ready ? 'ready' : 'unavailable', down: r.down, checks: r.checks } };
      },
    }),
  ];
}
