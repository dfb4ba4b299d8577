/**
 * The loop every outbox relay shares (OutboxRelay), and the backoff of the
 * rows it could not carry over.
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
  /** Most rows being carried at once (default 50). */
  readonly maxInFlight?: number;
  /** Rows with the same key are carried one after another, in the order claimed. */
  readonly orderKey?: (row: T) => string | undefined;
}

/**
 * The loop every outbox relay shares: kicked right after something is stored
 * (so the usual delay is one call), sweeping every `pollMs` for what an
 * earlier attempt could not carry over. Claims are leases in Postgres (the
 * claim function's), so several processes can relay side by side; what a
 * relay does with each claimed row is `carry`'s.
 *
 * Rows are carried as they are claimed, up to `maxInFlight` at once: a row
 * stored while others are on their way is claimed and carried at once, not
 * after the slowest of an earlier batch (which, with Temporal slow for a
 * moment, made every delivery behind it wait for that one start and then for
 * a pass of its own). Rows with the same `orderKey` (one issue's deliveries)
 * are carried one after another in the order claimed.
 */
export class OutboxRelay<T> {
  private timer?: NodeJS.Timeout;
  private claiming?: Promise<void>;
  private again = false;
  private stopped = false;
  /** Set when a claim stopped for want of room: the next carry to end claims again. */
  private full = false;
  private readonly inFlight = new Set<Promise<void>>();
  /** The last carry of each order key still in flight. */
  private readonly tails = new Map<string, Promise<void>>();

  constructor(private readonly opts: OutboxOptions<T>) {}

  start(): void {
    this.timer = setInterval(() => this.kick(), this.opts.pollMs ?? 500);
    this.kick();
  }

  /** Claim due rows now (coalesces with a claim already running). */
  kick(): void {
    if (this.stopped) return;
    if (this.claiming) {
      this.again = true;
      return;
    }
    this.claiming = this.claimAndCarry()
      .catch((err: unknown) => this.opts.logger.warn({ error: messageOf(err) }, `${this.opts.what} relay pass failed`))
      .finally(() => {
        this.claiming = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async claimAndCarry(): Promise<void> {
    const max = this.opts.maxInFlight ?? 50;
    for (;;) {
      const room = max - this.inFlight.size;
      if (room <= 0) {
        this.full = true;
        return;
      }
      const due = await this.opts.claim(room);
      for (const row of due) this.launch(row);
      if (due.length < room || this.stopped) return;
    }
  }

  private launch(row: T): void {
    const key = this.opts.orderKey?.(row);
    const before = key === undefined ? undefined : this.tails.get(key);
    const carried = (before ?? Promise.resolve()).then(() => this.opts.carry(row));
    const done: Promise<void> = carried
      .catch((err: unknown) => this.opts.logger.warn({ error: messageOf(err) }, `${this.opts.what} relay could not carry a row`))
      .finally(() => {
        this.inFlight.delete(done);
        if (key !== undefined && this.tails.get(key) === done) this.tails.delete(key);
        if (this.full) {
          this.full = false;
          this.kick();
        }
      });
    this.inFlight.add(done);
    if (key !== undefined) this.tails.set(key, done);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.claiming;
    await Promise.all(this.inFlight);
  }
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Seconds until the next try after `attempts` failed ones: 2, 4, 8 … up to a minute. */
export const backoffSeconds = (attempts: number): number => Math.min(60, 2 ** Math.min(attempts, 6));
