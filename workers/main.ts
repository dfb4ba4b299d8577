/**
 * `npm run worker`: an orchestrator worker on its own, for adding capacity
 * beside `npm start` or running workers on other hosts. It connects to
 * TEMPORAL_ADDRESS and DATABASE_URL, or to the embedded servers of a running
 * `npm start` on this host.
 */
import { config as loadDotenv } from 'dotenv';
import pg from 'pg';
import { createActivities } from '../activities';
import { ConfigError, loadConfig } from '../infra/config';
import { databaseUrlOf, temporalAddressOf } from '../infra/endpoints';
import { createLogger } from '../infra/logger';
import { connectWorker } from '../infra/temporal-client';
import { createOrchestratorWorker } from './orchestrator';
import { installRuntime } from './runtime';

async function main(): Promise<void> {
  loadDotenv({ quiet: true });
  const { config } = loadConfig();
  const logger = createLogger(config.log_level);
  installRuntime(logger);
  const pool = new pg.Pool({ connectionString: databaseUrlOf(config), max: 20, connectionTimeoutMillis: 5000 });
  pool.on('error', (err) => logger.warn({ error: err.message }, 'idle Postgres client error'));
  const address = temporalAddressOf(config);
  const connection = await connectWorker(config.temporal, address);
  const worker = await createOrchestratorWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.task_queue,
    activities: createActivities({ pool }),
  });
  logger.info({ address, taskQueue: config.temporal.task_queue }, 'orchestrator worker running; Ctrl-C to stop');
  // The SDK's worker shuts down gracefully on SIGINT/SIGTERM by itself.
  await worker.run();
  await connection.close();
  await pool.end();
}

main().catch((err: unknown) => {
  const message = err instanceof ConfigError || err instanceof Error ? err.message.split('\n')[0] : String(err);
  process.stderr.write(`whoosh worker: ${message}\n`);
  process.exit(1);
});
