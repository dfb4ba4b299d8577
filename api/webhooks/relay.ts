/**
 * The outbox relay: carries accepted webhook deliveries over to Temporal.
 * Kicked right after a delivery is stored (so the usual delay is one start
 * call), and sweeping every `pollMs` for deliveries whose earlier attempt
 * failed — Temporal down or slow — with exponential backoff. Claims are
 * leases in Postgres, so several API processes can relay side by side.
 */
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { claimDue, completeDelivery, retryDelivery, type Delivery } from '../../activities/intake/delivery-store';
import { carryOut } from '../../activities/intake/intake-starter';
import type { Logger } from '../../infra/logger';
import { startForgeTriggeredPipelines, type ForgePipelines, type PipelineForgeEvent } from './forge-pipelines';

export interface RelayOptions {
  readonly pool: Pool;
  readonly client: Client;
  readonly taskQueue: string;
  readonly logger: Logger;
  readonly pollMs?: number;
  /** Deadline of one call to Temporal. */
  readonly callTimeoutMs?: number;
  /**
   * Relay only the deliveries of these repositories (read on every pass).
   * For tests, where relays of several files share one outbox but serve
   * different task queues; a production relay takes every delivery.
   */
  readonly repositoryIds?: () => readonly number[];
  /** Starts the forge-triggered pipelines of deliveries that carry an event for them. */
  readonly forgePipelines?: ForgePipelines;
}

const BATCH = 50;
const LEASE_SECONDS = 30;

export class WebhookRelay {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(private readonly opts: RelayOptions) {}

  start(): void {
    this.timer = setInterval(() => this.kick(), this.opts.pollMs ?? 500);
    this.kick();
  }

  /** Process due deliveries now (coalesces with a pass already running). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((err: unknown) => this.opts.logger.warn({ error: err instanceof Error ? err.message : String(err) }, 'webhook relay pass failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async drain(): Promise<void> {
    for (;;) {
      const due = await claimDue(this.opts.pool, BATCH, LEASE_SECONDS, this.opts.repositoryIds?.());
      if (due.length === 0) return;
      await Promise.all(due.map((d) => this.relay(d)));
      if (due.length < BATCH || this.stopped) return;
    }
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
      const delay = Math.min(60, 2 ** Math.min(d.attempts, 6));
      const message = err instanceof Error ? err.message.split('\n')[0]! : String(err);
      this.opts.logger.warn({ delivery: d.id, attempt: d.attempts, retryInSeconds: delay, error: message }, 'Temporal did not take the delivery; will retry');
      await retryDelivery(this.opts.pool, d.id, message, delay);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
