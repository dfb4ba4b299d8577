/**
 * POST /webhooks/gitea and /webhooks/github. The signature is the
 * authentication: an HMAC-SHA256 of the raw bytes with the repository's
 * webhook secret, compared in constant time. A verified delivery is stored with
 * what it means (the outbox) and acknowledged at once; the relay then starts or
 * signals the workflow. Rejections are only counted.
 *
 * Nothing a sender controls can make it fail: each source is rate-limited
 * before any database work, the repository a payload names is read without
 * trusting it (only to find the secret), and a verified payload is checked
 * against the shape WHOOSH reads before anything else uses it. Every bad
 * request is a 4xx (counted), never a 500 with a stack trace.
 */
import express, { type Request, type Response, type Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { findRepositories, type Repository } from '../../activities/intake/repository-store';
import { countRejection, recordDelivery } from '../../activities/intake/delivery-store';
import { deliveryHeaders, parseWebhookPayload, repositoryOf, toForgeEvent, verifySignature } from '../../activities/forge/webhook-payload';
import type { ForgeKind } from '../../activities/forge/forge';
import { routeEvent, type Intent } from '../../domain/intake/route-event';
import { eventForPipelines } from './forge-pipelines';
import { intakeRules } from '../../activities/intake/intake-rules';
import type { ApiContext } from '../context';
import { HttpError, whileDbDown } from '../errors';

const MAX_EVENT_NAME = 64;
const MAX_DELIVERY_ID = 128;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Bodies are read as UTF-8 (what both forges send); a request that says otherwise is refused. */
export function refuseNonUtf8(req: Request): void {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1];
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) throw new HttpError(415, 'unsupported_media_type', `Unsupported charset ${charset.slice(0, 40)}: send UTF-8`);
}

export function webhookRouter(ctx: ApiContext): Router {
  const router = express.Router({ caseSensitive: true });
  const rules = intakeRules(ctx.config);
  router.use(
    rateLimit({
      windowMs: 60_000,
      limit: ctx.config.intake.webhook_rate_limit_per_minute,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      handler: (_req, res, next) => {
        res.setHeader('Retry-After', '60');
        next(new HttpError(429, 'rate_limited', 'Too many webhook deliveries from this source; retry later'));
      },
    }),
  );
  // While Postgres is away nothing can be stored: 503 at once (the sync after the outage picks the issues up).
  router.use(whileDbDown(ctx.dbHealth));
  // Raw bytes: the signature is over exactly what was sent, never re-serialised JSON.
  router.use(express.raw({ type: () => true, limit: ctx.config.intake.webhook_body_limit }));

  const reject = async (forge: ForgeKind, reason: string): Promise<never> => {
    await countRejection(ctx.pool, forge, reason);
    throw new HttpError(401, 'unauthorized', 'Missing or invalid webhook signature');
  };

  const receive = (forge: ForgeKind) => async (req: Request, res: Response) => {
    if (!req.is('application/json')) {
      throw new HttpError(415, 'unsupported_media_type', 'Webhook content type must be application/json (set it in the webhook settings)');
    }
    refuseNonUtf8(req);
    const headers = deliveryHeaders(forge, req.headers);
    if ((headers.event?.length ?? 0) > MAX_EVENT_NAME || (headers.deliveryId?.length ?? 0) > MAX_DELIVERY_ID) {
      throw new HttpError(400, 'invalid_request', `Event names are at most ${MAX_EVENT_NAME} characters and delivery ids at most ${MAX_DELIVERY_ID}`);
    }
    if (!headers.signature) return reject(forge, 'missing-signature');
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let payload: unknown;
    try {
      payload = JSON.parse(utf8.decode(raw));
    } catch {
      throw new HttpError(400, 'invalid_request', 'Webhook body is not valid UTF-8 JSON');
    }
    const repoKey = repositoryOf(payload);
    // A payload's own `secret` field never counts: only the registered secret verifies.
    const candidates: Repository[] = repoKey ? await findRepositories(ctx.pool, forge, repoKey.owner, repoKey.name) : [];
    const repo = candidates.find((r) => verifySignature(raw, r.webhookSecret, headers.signature!));
    if (!repo) return reject(forge, candidates.length === 0 ? 'unknown-repository' : 'bad-signature');
    const checked = parseWebhookPayload(payload);
    if (!checked.ok) {
      await countRejection(ctx.pool, forge, 'invalid-payload');
      throw new HttpError(400, 'invalid_request', `Webhook payload is not one WHOOSH reads: ${checked.problem}`);
    }

    // Pull request events are for pipelines only: routeEvent ignores every pull request, so no team or council starts from one.
    const event = toForgeEvent(headers.event, checked.payload);
    let intent: Intent;
    if (!repo.monitor) intent = { type: 'ignore', reason: 'repository is not monitored' };
    else if (!event) intent = { type: 'ignore', reason: `event ${headers.event ?? '(none)'} is not handled` };
    else intent = routeEvent(event, rules);

    const pipelineEvent = repo.monitor && event ? await eventForPipelines(ctx.forgePipelines, event) : undefined;
    const delivery = await recordDelivery(ctx.pool, {
      forge,
      deliveryId: headers.deliveryId ?? null,
      event: headers.event ?? '',
      action: event?.action ?? null,
      repositoryId: repo.id,
      repository: `${repo.owner}/${repo.name}`,
      issueNumber: event?.issue.number ?? null,
      intent,
      ...(pipelineEvent ? { pipelineEvent } : {}),
    });
    if (delivery.status === 'pending') ctx.relay?.kick();
    res.status(delivery.status === 'pending' ? 202 : 200).json({ delivery: delivery.id, status: delivery.status, ...(delivery.outcome ? { outcome: delivery.outcome } : {}) });
  };

  for (const forge of ['gitea', 'github'] as const) {
    router.post(`/${forge}`, (req, res, next) => {
      receive(forge)(req, res).catch(next);
    });
  }
  return router;
}
