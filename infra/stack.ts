/**
 * Brings up the whole WHOOSH stack in one process, in dependency order:
 * Temporal (embedded dev server unless TEMPORAL_ADDRESS), Postgres (embedded
 * unless DATABASE_URL), migrations, search attributes, the orchestrator worker
 * and the API. `stop()` tears it down in reverse; a failure half-way tears down
 * what had started before rethrowing.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Server } from 'node:http';
import type { Client } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import type pg from 'pg';
import { createActivities } from '../activities';
import { createApp } from '../api/app';
import { PipelineRequestRelay } from '../api/webhooks/pipeline-relay';
import { storedForgePipelines } from '../api/webhooks/stored-forge-pipelines';
import { credentialResolver } from '../activities/credentials/credential-store';
import { resolveEncryptionKey } from './encryption-key';
import { WebhookRelay } from '../api/webhooks/relay';
import { syncConfigNodes } from '../activities/agents/agent-store';
import { NodeWorkers } from '../workers/node-workers';
import { createOrchestratorWorker } from '../workers/orchestrator';
import { installRuntime } from '../workers/runtime';
import { resolveAdminToken, type AdminToken } from './admin-token';
import type { WhooshConfig } from './config';
import type { Logger } from './logger';
import { lockDataDir } from './data-lock';
import { createPool, DbHealth } from './db';
import { migrate } from './migrate';
import { assertPortFree, PortInUseError } from './ports';
import { startEmbeddedPostgres } from './postgres';
import { requireTemporal } from './temporal-binary';
import { connectClient, connectWorker, ensureSearchAttributes } from './temporal-client';
import { ensureAllRepositorySchedules, ensureSchedules, triggerAllRepositorySyncs } from './schedules';
import { startDevServer } from './temporal-server';
import { UI_DIST } from './ui-build';
import { VERSION } from './version';

export interface StackOptions {
  readonly config: WhooshConfig;
  readonly logger: Logger;
  readonly api?: boolean;
  readonly worker?: boolean;
  readonly uiDir?: string;
  /** Workflows to serve instead of workflows/ (benchmarks serve stand-ins too). */
  readonly workflowsPath?: string;
}

export interface Stack {
  readonly apiUrl?: string;
  readonly temporalAddress: string;
  readonly temporalUiUrl?: string;
  readonly databaseUrl: string;
  readonly embedded: { temporal: boolean; postgres: boolean };
  readonly adminToken: AdminToken;
  readonly client: Client;
  readonly pool: pg.Pool;
  readonly dbHealth: DbHealth;
  stop(): Promise<void>;
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const { config, logger } = opts;
  const withApi = opts.api ?? true;
  const withWorker = opts.worker ?? true;
  const cleanups: Array<[string, () => Promise<void>]> = [];
  const stopAll = async (): Promise<void> => {
    for (const [name, fn] of cleanups.reverse()) {
      await fn().catch((err: unknown) => logger.warn({ err }, `stopping ${name} failed`));
    }
    cleanups.length = 0;
  };

  try {
    mkdirSync(config.data_dir, { recursive: true });
    const unlock = lockDataDir(config.data_dir);
    cleanups.push(['data folder lock', async () => unlock()]);
    if (withApi) await assertPortFree(config.server.port, 'API', 'WHOOSH_API_PORT', config.server.host);
    installRuntime(logger);

    let temporalAddress = config.temporal.address;
    let temporalUiUrl = config.temporal.ui_url;
    if (temporalAddress === undefined) {
      const bin = requireTemporal(config.temporal.dev_server.binary);
      logger.info({ binary: bin.path, source: bin.source }, 'starting the Temporal dev server');
      const server = await startDevServer({
        binary: bin.path,
        port: config.temporal.dev_server.port,
        uiPort: config.temporal.dev_server.ui_port,
        dataDir: path.join(config.data_dir, 'temporal'),
        namespace: config.temporal.namespace,
        sqlitePragmas: config.temporal.dev_server.sqlite_pragmas,
      });
      cleanups.push(['Temporal dev server', () => server.stop()]);
      temporalAddress = server.address;
      temporalUiUrl ??= server.uiUrl;
    }

    let databaseUrl = config.database.url;
    if (databaseUrl === undefined) {
      logger.info('starting the embedded Postgres');
      const db = await startEmbeddedPostgres({
        dir: path.join(config.data_dir, 'postgres'),
        port: config.database.embedded_port,
        onLog: (line) => logger.debug({ component: 'postgres' }, line),
      });
      cleanups.push(['Postgres', () => db.stop()]);
      databaseUrl = db.url;
    }
    const applied = await migrate(databaseUrl);
    if (applied.length > 0) logger.info({ applied }, 'database migrations applied');

    const dbHealth = new DbHealth({ connectionString: databaseUrl, logger });
    cleanups.push(['Postgres health', async () => dbHealth.stop()]);
    const pool = createPool(databaseUrl, logger, dbHealth, config.database.query_timeout_seconds * 1000);
    cleanups.push(['Postgres pool', () => pool.end()]);

    await syncConfigNodes(pool, config.agents);

    const client = await connectClient(config.temporal, temporalAddress);
    cleanups.push(['Temporal client', () => client.connection.close()]);
    await ensureSearchAttributes(client).then(
      (added) => added.length > 0 && logger.info({ added }, 'registered search attributes'),
      (err: unknown) => logger.warn({ err }, 'could not register search attributes; list filters may not work'),
    );

    if (withWorker) {
      const connection: NativeConnection = await connectWorker(config.temporal, temporalAddress);
      cleanups.push(['worker connection', () => connection.close()]);
      const worker: Worker = await createOrchestratorWorker({
        connection,
        namespace: config.temporal.namespace,
        taskQueue: config.temporal.task_queue,
        activities: createActivities({ pool, config, temporal: client }),
        ...(opts.workflowsPath ? { workflowsPath: opts.workflowsPath } : {}),
      });
      const running = worker.run();
      running.catch((err: unknown) => logger.error({ err }, 'orchestrator worker stopped with an error'));
      cleanups.push([
        'orchestrator worker',
        async () => {
          if (worker.getState() === 'RUNNING') worker.shutdown();
          await running.catch(() => undefined);
        },
      ]);
      if (config.llm.host_node_workers) {
        const nodeWorkers = new NodeWorkers({ connection, namespace: config.temporal.namespace, pool, llm: config.llm, outboundAllow: config.security.outbound_allow, logger });
        await nodeWorkers.start();
        cleanups.push(['node workers', () => nodeWorkers.stop()]);
      }
      await ensureSchedules(client, config);
      await ensureAllRepositorySchedules(client, config, pool);
      dbHealth.onRecovered(() => {
        triggerAllRepositorySyncs(client, pool).then(
          (ids) => ids.length > 0 && logger.info({ repositories: ids }, 'Postgres is back: syncing every repository now'),
          (err: unknown) => logger.warn({ err }, 'could not start the repository syncs after the Postgres outage'),
        );
      });
    }

    const adminToken = resolveAdminToken(config);
    let apiUrl: string | undefined;
    if (withApi) {
      const forgePipelines = storedForgePipelines({ pool, client, taskQueue: config.temporal.task_queue });
      const relay = new WebhookRelay({ pool, client, taskQueue: config.temporal.task_queue, logger: logger.child({ component: 'webhook-relay' }), forgePipelines });
      relay.start();
      cleanups.push(['webhook relay', () => relay.stop()]);
      const pipelineRelay = new PipelineRequestRelay({ pool, client, taskQueue: config.temporal.task_queue, logger: logger.child({ component: 'pipeline-webhook-relay' }) });
      pipelineRelay.start();
      cleanups.push(['pipeline webhook relay', () => pipelineRelay.stop()]);
      let key: Buffer | undefined;
      const app = createApp({
        relay,
        pipelineRelay,
        forgePipelines,
        resolveCredential: credentialResolver(pool, () => (key ??= resolveEncryptionKey(config))),
        config,
        temporal: client,
        pool,
        logger,
        version: VERSION,
        adminToken: adminToken.token,
        dbHealth,
        temporalUiUrl,
        uiDir: opts.uiDir ?? UI_DIST,
      });
      const server = await listen(app, config.server.port, config.server.host);
      cleanups.push(['API', () => closeServer(server)]);
      const host = config.server.host === '0.0.0.0' || config.server.host === '::' ? 'localhost' : config.server.host;
      apiUrl = config.server.public_url ?? `http://${host}:${config.server.port}`;
    }

    return {
      apiUrl,
      temporalAddress,
      temporalUiUrl,
      databaseUrl,
      embedded: { temporal: config.temporal.address === undefined, postgres: config.database.url === undefined },
      adminToken,
      client,
      pool,
      dbHealth,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

function listen(app: ReturnType<typeof createApp>, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('listening', () => resolve(server));
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(port, 'API', 'WHOOSH_API_PORT') : err),
    );
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
