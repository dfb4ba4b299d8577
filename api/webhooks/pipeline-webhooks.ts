/**
 * `/webhook/{path}` (active pipelines, their pinned version) and
 * `/webhook-test/{path}` (the latest saved version): n8n's Webhook node served
 * by WHOOSH. The request is stored in the outbox before it is answered, so an
 * acknowledged call is never lost; the relay starts the run. The answer
 * follows the node's responseMode: at once (onReceived), with the last
 * node's data (lastNode), or with what a Respond to Webhook node gave
 * (responseNode).
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Pool } from 'pg';
import { noCredentials, type ResolveCredential } from '../../activities/pipeline/credentials';
import { findActiveWebhook, findTestWebhook, recordRequest } from '../../activities/pipeline/pipeline-requests';
import { getExecution, getLastRunOf } from '../../activities/pipeline/pipeline-store';
import type { JsonObject, JsonValue } from '../../domain/pipeline/types';
import { lastNodeReply, normalizeWebhookPath, webhookItem, type WebhookAuth, type WebhookEndpoint } from '../../domain/pipeline/webhook-trigger';
import type { ApiContext } from '../context';
import { HttpError, whileDbDown } from '../errors';

/** How long a lastNode / responseNode call waits for its run before answering 504 (the run goes on). */
const REPLY_TIMEOUT_MS = 120_000;
const POLL_MS = 100;

const same = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Checks the call against the node's credential; the header that carried the secret, which must not reach run data. */
export async function authorized(auth: WebhookAuth, req: Request, resolve: ResolveCredential): Promise<string | undefined> {
  if (auth.kind === 'none') return undefined;
  const data = await resolve(auth.credential);
  // A credential that cannot be read is the server's problem, not the caller's: n8n answers 500 too.
  if (!data) throw new HttpError(500, 'internal', 'No authentication data is available for this webhook');
  if (auth.kind === 'basicAuth') {
    const match = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const [user, ...rest] = match ? Buffer.from(match[1]!, 'base64').toString('utf8').split(':') : [];
    const ok = user !== undefined && same(user, String(data.user ?? '')) && same(rest.join(':'), String(data.password ?? ''));
    if (!ok) throw new HttpError(401, 'unauthorized', 'Authorization is required');
    return 'authorization';
  }
  const name = String(data.name ?? '').toLowerCase();
  const given = req.headers[name];
  if (name === '' || typeof given !== 'string' || !same(given, String(data.value ?? ''))) throw new HttpError(403, 'forbidden', 'Authorization data is wrong');
  return name;
}

export function bodyOf(req: Request): JsonValue {
  const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  if (raw.length === 0) return {};
  const text = raw.toString('utf8');
  if (req.is('application/json') || req.is('+json')) {
    try {
      return JSON.parse(text) as JsonValue;
    } catch {
      throw new HttpError(400, 'invalid_request', 'The body is not valid JSON');
    }
  }
  if (req.is('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text)) as JsonObject;
  return text;
}

type Reply = { status: number; headers?: Record<string, string>; body?: JsonValue } | undefined;

/** The reply of a lastNode / responseNode webhook once its run has one; undefined while it has none yet. */
async function replyOf(pool: Pool, executionId: string, endpoint: WebhookEndpoint): Promise<Reply> {
  // The run's status first: a step and its status are stored at once, so a run seen ended has its response stored too
  // (read the other way round, a run ending between the two reads looked as if it had never answered).
  const row = await getExecution(pool, executionId);
  if (endpoint.responseMode === 'responseNode') {
    const { rows } = await pool.query<{ response: JsonObject | null }>(`SELECT state->'webhookResponse' AS response FROM pipeline_states WHERE execution_id = $1 ORDER BY seq DESC LIMIT 1`, [executionId]);
    const r = rows[0]?.response;
    if (r) return { status: Number(r.statusCode ?? 200), headers: (r.headers ?? {}) as Record<string, string>, ...(r.body !== null && r.body !== undefined ? { body: r.body } : {}) };
  }
  if (!row || row.status === 'running' || row.status === 'waiting') return undefined;
  if (row.status !== 'success') return { status: 500, body: { message: 'Error in workflow' } };
  if (endpoint.responseMode === 'responseNode') return { status: 200, body: { message: 'The workflow ended without a Respond to Webhook node answering' } };
  const last = row.lastNode ? await getLastRunOf(pool, executionId, row.lastNode) : undefined;
  const body = lastNodeReply(endpoint.responseData, last?.data?.main[0] ?? []);
  return { status: endpoint.responseCode, ...(body !== undefined ? { body } : {}) };
}

function send(res: Response, reply: NonNullable<Reply>): void {
  for (const [k, v] of Object.entries(reply.headers ?? {})) res.setHeader(k, v);
  if (reply.body === undefined) res.status(reply.status).end();
  else if (typeof reply.body === 'string') res.status(reply.status).type(res.getHeader('content-type')?.toString() ?? 'text/plain').send(reply.body);
  else res.status(reply.status).json(reply.body);
}

/** A router for calls from anyone: rate-limited per client (each call is a row), 503 while Postgres is away, the body raw. */
export function webhookCallRouter(ctx: ApiContext): Router {
  const router = express.Router({ caseSensitive: true });
  router.use(
    rateLimit({
      windowMs: 60_000,
      limit: ctx.config.security.rate_limit_per_minute,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      handler: (_req, res, next) => {
        res.setHeader('Retry-After', '60');
        next(new HttpError(429, 'rate_limited', 'Too many webhook calls from this client; retry later'));
      },
    }),
  );
  router.use(whileDbDown(ctx.dbHealth));
  router.use(express.raw({ type: () => true, limit: ctx.config.server.body_limit }));
  return router;
}

export function pipelineWebhookRouter(ctx: ApiContext, test: boolean): Router {
  const router = webhookCallRouter(ctx);
  router.use((req, res, next) => {
    receive(req, res).catch(next);
  });

  async function receive(req: Request, res: Response): Promise<void> {
    const path = normalizeWebhookPath(req.path);
    const method = req.method;
    const target = await (test ? findTestWebhook : findActiveWebhook)(ctx.pool, method, path);
    if (!target) throw new HttpError(404, 'not_found', `The requested webhook "${method} ${path}" is not registered`);
    const { endpoint } = target;
    const secretHeader = await authorized(endpoint.auth, req, ctx.resolveCredential ?? noCredentials);
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== secretHeader));
    const url = `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}/${path}`;
    const executionId = randomUUID();
    // Stored before anything is answered: from here on the call is not lost.
    await recordRequest(ctx.pool, {
      pipelineId: target.pipelineId,
      version: target.version,
      node: endpoint.node,
      test,
      executionId,
      input: [webhookItem({ method, headers, query: req.query as Record<string, unknown>, body: bodyOf(req), url, test })],
    });
    ctx.pipelineRelay?.kick();
    res.setHeader('x-whoosh-execution-id', executionId);

    if (endpoint.responseMode === 'onReceived') {
      const data = endpoint.responseData;
      return send(res, { status: endpoint.responseCode, ...(data === 'noData' ? {} : { body: data === '' ? { message: 'Workflow was started' } : data }) });
    }
    const deadline = Date.now() + REPLY_TIMEOUT_MS;
    while (Date.now() < deadline && !res.destroyed) {
      const reply = await replyOf(ctx.pool, executionId, endpoint);
      if (reply) return send(res, reply);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    throw new HttpError(504, 'timeout', `The run (execution ${executionId}) has not answered yet; it goes on`);
  }
  return router;
}
