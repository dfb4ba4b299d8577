/**
 * `/webhook-waiting/{executionId}[/{suffix}]`: $execution.resumeUrl, which
 * resumes a run waiting at a Wait node on webhook (n8n's semantics: the
 * node's method, options.webhookSuffix and authentication). The call is
 * stored in Postgres before it is answered, then the run is signalled; a
 * signal lost to a Temporal outage is made up for by the run itself, which
 * looks at the store from time to time. A run that is not waiting (already
 * resumed, its limit passed, or ended) answers 409.
 */
import type { Request, Response, Router } from 'express';
import { noCredentials } from '../../activities/pipeline/credentials';
import { claimWaitResume, findWaitingWebhook } from '../../activities/pipeline/wait-webhook';
import { normalizeWebhookPath, webhookItem } from '../../domain/pipeline/webhook-trigger';
import type { Item } from '../../domain/pipeline/types';
import { waitWebhookCalledSignal } from '../../workflows/pipeline/definitions';
import type { ApiContext } from '../context';
import { HttpError } from '../errors';
import { authorized, bodyOf, webhookCallRouter } from './pipeline-webhooks';

const SIGNAL_TIMEOUT_MS = 5000;

export function waitWebhookRouter(ctx: ApiContext): Router {
  const router = webhookCallRouter(ctx);
  router.use((req, res, next) => {
    receive(req, res).catch(next);
  });

  async function receive(req: Request, res: Response): Promise<void> {
    const [executionId = '', ...rest] = normalizeWebhookPath(req.path).split('/');
    const suffix = rest.join('/');
    const target = await findWaitingWebhook(ctx.pool, executionId);
    if (target.kind === 'unknown') throw new HttpError(404, 'not_found', `The execution "${executionId}" does not exist`);
    if (target.kind === 'notWaiting') throw new HttpError(409, 'conflict', `The execution "${executionId}" is not waiting`);
    const { webhook } = target;
    if (req.method !== webhook.method || suffix !== webhook.suffix) throw new HttpError(404, 'not_found', `The requested webhook "${req.method} ${req.path}" is not registered`);
    const secretHeader = await authorized(webhook.auth, req, ctx.resolveCredential ?? noCredentials);
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== secretHeader));
    const { json } = webhookItem({ method: req.method, headers, query: req.query as Record<string, unknown>, body: bodyOf(req), url: '', test: false });
    const item: Item = { json: { headers: json.headers!, params: {}, query: json.query!, body: json.body! } };
    // Stored before anything is answered; the first of call and limit wins.
    if (!(await claimWaitResume(ctx.pool, executionId, target.seq, { kind: 'webhookResumed', node: target.node, item }))) {
      throw new HttpError(409, 'conflict', `The execution "${executionId}" is not waiting`);
    }
    try {
      await ctx.temporal.withDeadline(Date.now() + SIGNAL_TIMEOUT_MS, () => ctx.temporal.workflow.getHandle(target.workflowId).signal(waitWebhookCalledSignal, { seq: target.seq }));
    } catch (err) {
      ctx.logger.warn({ executionId, error: err instanceof Error ? err.message : String(err) }, 'the waiting run was not signalled; it finds the stored call itself');
    }
    res.setHeader('x-whoosh-execution-id', executionId);
    res.status(200).json({ message: 'Workflow was started' });
  }
  return router;
}
