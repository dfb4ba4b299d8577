/**
 * POST /webhooks/gitea and /webhooks/github. The signature is the
 * authentication: an HMAC-SHA256 of the raw bytes with the repository's
 * webhook secret, compared in constant time. A verified delivery is stored with
 * what it means (the outbox) and acknowledged at once; the relay then starts or
 * signals the workflow. Rejections are only counted.
 */
import express, { type Request, type Response, type Router } from 'express';
import { findRepositories, type Repository } from '../../activities/intake/repository-store';
import { countRejection, recordDelivery } from '../../activities/intake/delivery-store';
import { deliveryHeaders, repositoryOf, toIssueEvent, verifySignature } from '../../activities/forge/webhook-payload';
import type { ForgeKind } from '../../activities/forge/forge';
import { routeEvent, type Intent } from '../../domain/intake/route-event';
import { intakeRules } from '../../activities/intake/intake-rules';
import type { ApiContext } from '../context';
import { HttpError } from '../errors';

export function webhookRouter(ctx: ApiContext): Router {
  const router = express.Router();
  const rules = intakeRules(ctx.config);
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
    const headers = deliveryHeaders(forge, req.headers);
    if (!headers.signature) return reject(forge, 'missing-signature');
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let payload: unknown;
    try {
      payload = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new HttpError(400, 'invalid_request', 'Webhook body is not valid JSON');
    }
    const repoKey = repositoryOf(payload);
    // A payload's own `secret` field never counts: only the registered secret verifies.
    const candidates: Repository[] = repoKey ? await findRepositories(ctx.pool, forge, repoKey.owner, repoKey.name) : [];
    const repo = candidates.find((r) => verifySignature(raw, r.webhookSecret, headers.signature!));
    if (!repo) return reject(forge, candidates.length === 0 ? 'unknown-repository' : 'bad-signature');

    const event = toIssueEvent(headers.event, payload);
    let intent: Intent;
    if (!repo.monitor) intent = { type: 'ignore', reason: 'repository is not monitored' };
    else if (!event) intent = { type: 'ignore', reason: `event ${headers.event ?? '(none)'} is not handled` };
    else intent = routeEvent(event, rules);

    const delivery = await recordDelivery(ctx.pool, {
      forge,
      deliveryId: headers.deliveryId ?? null,
      event: headers.event ?? '',
      action: event?.action ?? null,
      repositoryId: repo.id,
      repository: `${repo.owner}/${repo.name}`,
      issueNumber: event?.issue.number ?? null,
      intent,
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
