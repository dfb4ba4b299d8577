/**
 * The process's Postgres pool, and what keeps the process alive and honest
 * while Postgres is away (restarted, failed over, frozen):
 *
 * - every client the pool makes gets an error listener, so a connection the
 *   server terminates ("terminating connection due to administrator
 *   command") while a client is checked out is logged, never an unhandled
 *   'error' event that kills the process;
 * - every query has a deadline (`query_timeout`): a server that is frozen
 *   rather than gone (SIGSTOP, a paused VM, a stalled disk) keeps its
 *   connections open and never answers, and without one a request would wait
 *   on it for as long as the freeze lasts;
 * - `DbHealth` notices the outage (an idle client's error, or any query
 *   failing with a connection error or its deadline), probes with its own
 *   short-lived connection, with backoff, until the server answers again, and
 *   tells who asked: the API answers 503 at once meanwhile instead of waiting
 *   on the pool, and the launcher runs each repository's sync after it.
 */
import pg from 'pg';
import type { Logger } from './logger';

/** How long a query may go unanswered before it fails as "Postgres is unavailable" (database.query_timeout_seconds). */
export const DEFAULT_QUERY_TIMEOUT_MS = 10_000;

/** The process's Postgres pool; an idle client's error is logged, not fatal. */
export function createPool(connectionString: string, logger: Logger, health?: DbHealth, queryTimeoutMs = DEFAULT_QUERY_TIMEOUT_MS): pg.Pool {
  // A query past its deadline fails and its client is discarded (pool.query releases it with the error).
  const pool = new pg.Pool({ connectionString, max: 20, connectionTimeoutMillis: 5000, query_timeout: queryTimeoutMs });
  pool.on('error', (err) => {
    logger.warn({ error: err.message }, 'idle Postgres client error');
    health?.failed(err);
  });
  // A checked-out client has no listener of the pool's: without this one its connection's end would be fatal.
  pool.on('connect', (client) => {
    client.on('error', (err) => {
      logger.warn({ error: err.message }, 'Postgres client error');
      health?.failed(err);
    });
  });
  return pool;
}

/** SQLSTATE classes and codes that mean "the server is not there right now", not "your query is wrong". */
const UNAVAILABLE_CODES = new Set(['57P01', '57P02', '57P03', '53300', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** Whether `err` says Postgres is unreachable or going away (as opposed to a bad query). */
export function isDbUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
  return /Connection terminated|connection timeout|terminating connection|the database system is (starting up|shutting down|in recovery)|Client has encountered a connection error|timeout exceeded when trying to connect|Query read timeout/i.test(err.message);
}

export interface DbHealthOptions {
  readonly connectionString: string;
  readonly logger: Logger;
  /** First delay between probes while down; doubles up to `maxProbeMs`. */
  readonly probeMs?: number;
  readonly maxProbeMs?: number;
}

export class DbHealth {
  private down = false;
  private since = 0;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private readonly recoveredListeners = new Set<(outageMs: number) => void>();

  constructor(private readonly opts: DbHealthOptions) {}

  /** False from the first sign of an outage until a probe connects again. */
  get up(): boolean {
    return !this.down;
  }

  /** Called with anything a query or client threw; starts probing when it is an outage. */
  failed(err: unknown): void {
    if (!isDbUnavailable(err) || this.down || this.stopped) return;
    this.down = true;
    this.since = Date.now();
    this.opts.logger.warn({ error: err instanceof Error ? err.message : String(err) }, 'Postgres is unavailable; answering 503 until it is back');
    this.probe(this.opts.probeMs ?? 250);
  }

  /** `listener(outageMs)` runs each time Postgres is back after an outage. */
  onRecovered(listener: (outageMs: number) => void): () => void {
    this.recoveredListeners.add(listener);
    return () => this.recoveredListeners.delete(listener);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private probe(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.connects().then((ok) => {
        if (this.stopped) return;
        if (!ok) return this.probe(Math.min(delayMs * 2, this.opts.maxProbeMs ?? 2000));
        const outageMs = Date.now() - this.since;
        this.down = false;
        this.opts.logger.info({ outageMs }, 'Postgres is back');
        for (const l of this.recoveredListeners) l(outageMs);
      });
    }, delayMs);
    this.timer.unref();
  }

  private async connects(): Promise<boolean> {
    const client = new pg.Client({ connectionString: this.opts.connectionString, connectionTimeoutMillis: 1000, query_timeout: 1000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
