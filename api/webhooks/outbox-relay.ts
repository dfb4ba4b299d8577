/**
 * The loop every outbox relay shares: kicked right after something is stored
 * (so the usual delay is one call), sweeping every `pollMs` for what an
 * earlier attempt could not carry over, draining in batches. Claims are
 * leases in Postgres (the claim function's), so several processes can relay
 * side by side; what a relay does with each claimed row is `carry`'s.
 */
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { Logger } from '../../infra/logger';

/** What a relay that carries rows over to Temporal is given. */
export interface RelayBaseOptions {
  readonly pool: Pool;
  readonly client: Client;
  readonly taskQueue: string;
  readonly logger: Logger;
  readonly pollMs?: number;
  /** Deadline of one call to Temporal. */
  readonly callTimeoutMs?: number;
}

export interface OutboxOptions<T> {
  /** Claims up to `limit` due rows (leased, so no other relay takes them meanwhile). */
  readonly claim: (limit: number) => Promise<T[]>;
  /** Carries one row over; records its own outcome (done, retry later, failed). */
  readonly carry: (row: T) => Promise<void>;
  readonly logger: Logger;
  readonly what: string;
  readonly pollMs?: number;
  readonly batch?: number;
}

export class OutboxRelay<T> {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(private readonly opts: OutboxOptions<T>) {}

  start(): void {
    this.timer = setInterval(() => this.kick(), this.opts.pollMs ?? 500);
    this.kick();
  }

  /** Process due rows now (coalesces with a pass already running). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((err: unknown) => this.opts.logger.warn({ error: err instanceof Error ? err.message : String(err) }, `${this.opts.what} relay pass failed`))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async drain(): Promise<void> {
    const batch = this.opts.batch ?? 50;
    for (;;) {
      const due = await this.opts.claim(batch);
      if (due.length === 0) return;
      await Promise.all(due.map((d) => this.opts.carry(d)));
      if (due.length < batch || this.stopped) return;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}

/** Seconds until the next try after `attempts` failed ones: 2, 4, 8 … up to a minute. */
export const backoffSeconds = (attempts: number): number => Math.min(60, 2 ** Math.min(attempts, 6));
