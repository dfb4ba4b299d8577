/**
 * The outbox relay of forge deliveries: carries accepted webhook deliveries
 * over to Temporal (start or signal the workflow), retrying with exponential
 * backoff while Temporal is down or slow.
 */
import { claimDue, completeDelivery, retryDelivery, type Delivery } from '../../activities/intake/delivery-store';
import { carryOut } from '../../activities/intake/intake-starter';
import { startForgeTriggeredPipelines, type ForgePipelines, type PipelineForgeEvent } from './forge-pipelines';
import { backoffSeconds, OutboxRelay, type RelayBaseOptions } from './outbox-relay';

export interface RelayOptions extends RelayBaseOptions {
  /**
   * Relay only the deliveries of these repositories (read on every pass).
   * For tests, where relays of several files share one outbox but serve
   * different task queues; a production relay takes every delivery.
   */
  readonly repositoryIds?: () => readonly number[];
  /** Starts the forge-triggered pipelines of deliveries that carry an event for them. */
  readonly forgePipelines?: ForgePipelines;
}

const LEASE_SECONDS = 30;

export class WebhookRelay {
  private readonly outbox: OutboxRelay<Delivery>;

  constructor(private readonly opts: RelayOptions) {
    this.outbox = new OutboxRelay<Delivery>({
      what: 'webhook',
      logger: opts.logger,
      ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
      claim: (limit) => claimDue(opts.pool, limit, LEASE_SECONDS, opts.repositoryIds?.()),
      carry: (d) => this.relay(d),
      // One issue's deliveries in the order received: a comment's signal after the start of the workflow it is for.
      orderKey: (d) => (d.issueNumber === null ? undefined : `${d.repositoryId ?? ''}#${d.issueNumber}`),
    });
  }

  start(): void {
    this.outbox.start();
  }

  /** Process due deliveries now (coalesces with a pass already running). */
  kick(): void {
    this.outbox.kick();
  }

  private async relay(d: Delivery): Promise<void> {
    try {
      // Pipelines first: their starts are idempotent by workflow id, so a pass retried after a failed intent start repeats nothing.
      const started = d.pipelineEvent && this.opts.forgePipelines ? await startForgeTriggeredPipelines(this.opts.forgePipelines, d.pipelineEvent as PipelineForgeEvent, d.deliveryId ?? `delivery-${d.id}`) : [];
      const outcome = await this.opts.client.withDeadline(Date.now() + (this.opts.callTimeoutMs ?? 5000), () =>
        carryOut(
          { client: this.opts.client, taskQueue: this.opts.taskQueue, repositoryId: d.repositoryId ?? 0, forge: d.forge, via: 'webhook', deliveryId: d.deliveryId ?? undefined },
          d.intent,
        ),
      );
      await completeDelivery(this.opts.pool, d.id, started.length ? { ...outcome, outcome: `${outcome.outcome}; pipelines: ${started.join(', ')}` } : outcome);
    } catch (err) {
      const delay = backoffSeconds(d.attempts);
      const message = err instanceof Error ? err.message.split('\n')[0]! : String(err);
      this.opts.logger.warn({ delivery: d.id, attempt: d.attempts, retryInSeconds: delay, error: message }, 'Temporal did not take the delivery; will retry');
      await retryDelivery(this.opts.pool, d.id, message, delay);
    }
  }

  async stop(): Promise<void> {
    await this.outbox.stop();
  }
}
