import pg from 'pg';
import type { Logger } from './logger';

/** The process's Postgres pool; an idle client's error is logged, not fatal. */
export function createPool(connectionString: string, logger: Logger): pg.Pool {
  const pool = new pg.Pool({ connectionString, max: 20, connectionTimeoutMillis: 5000 });
  pool.on('error', (err) => logger.warn({ error: err.message }, 'idle Postgres client error'));
  return pool;
}
