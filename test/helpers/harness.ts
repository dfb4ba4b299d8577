/**
 * Per-file access to the suite's real servers: a Temporal client, a pg pool,
 * and an orchestrator worker on a task queue of the file's own, so files
 * running in parallel never take each other's tasks.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, type Worker } from '@temporalio/worker';
import pg from 'pg';
import { createActivities, type Activities } from '../../activities';
import { configSchema, type WhooshConfig } from '../../infra/config';
import { createLogger } from '../../infra/logger';
import type { AgentNode } from '../../activities/agents/agent-store';
import { NodeWorkers } from '../../workers/node-workers';
import { createOrchestratorWorker } from '../../workers/orchestrator';
import { testEnv } from '../setup/test-env';
import { quietBundlerLogger } from './quiet-logger';

export interface Harness {
  readonly client: Client;
  readonly nodeWorkers?: NodeWorkers;
  readonly pool: pg.Pool;
  readonly taskQueue: string;
  /** Absent with `orchestrator: false`. */
  readonly worker?: Worker;
  readonly config: WhooshConfig;
  close(): Promise<void>;
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K] };

/** A validated config for tests: the suite's servers, a unique task queue, plus overrides. */
export function testConfig(overrides: DeepPartial<WhooshConfig> = {}, taskQueue = `test-${randomUUID()}`): WhooshConfig {
  const env = testEnv();
  return configSchema.parse({
    ...overrides,
    data_dir: env.scratchDir,
    log_level: 'silent',
    temporal: { ...overrides.temporal, address: env.temporalAddress, task_queue: taskQueue },
    database: { ...overrides.database, url: env.databaseUrl },
    // The simulators listen on 127.0.0.1.
    security: { ...overrides.security, outbound_allow: overrides.security?.outbound_allow ?? ['any', 'loopback'] },
  });
}

export const silentLogger = createLogger('silent');


export interface HarnessOptions {
  readonly activities?: (pool: pg.Pool) => Activities;
  readonly config?: WhooshConfig;
  /** Host workers for the registered agent nodes this filter accepts. */
  readonly nodes?: (node: AgentNode) => boolean;
  /** Serve these workflows (e.g. with stand-ins) instead of the suite's prebuilt bundle. */
  readonly workflowsPath?: string;
  /** false: no orchestrator worker in this process (a test runs its own, e.g. in a child process it kills). */
  readonly orchestrator?: boolean;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const env = testEnv();
  const config = opts.config ?? testConfig();
  const pool = new pg.Pool({ connectionString: env.databaseUrl, max: 10 });
  const connection = await Connection.connect({ address: env.temporalAddress });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const nativeConnection = await NativeConnection.connect({ address: env.temporalAddress });
  const worker =
    opts.orchestrator === false
      ? undefined
      : await createOrchestratorWorker({
          connection: nativeConnection,
          namespace: config.temporal.namespace,
          taskQueue: config.temporal.task_queue,
          activities: opts.activities ? opts.activities(pool) : createActivities({ pool, config, temporal: client }),
          workflowBundle: opts.workflowsPath ? await bundleWorkflowCode({ workflowsPath: opts.workflowsPath, logger: quietBundlerLogger }) : { codePath: env.workflowBundlePath },
        });
  const running = worker?.run();
  let nodeWorkers: NodeWorkers | undefined;
  if (opts.nodes) {
    nodeWorkers = new NodeWorkers({ connection: nativeConnection, namespace: config.temporal.namespace, pool, llm: config.llm, outboundAllow: config.security.outbound_allow, logger: silentLogger, filter: opts.nodes, sweepMs: 1000 });
    await nodeWorkers.start();
  }
  return {
    client,
    nodeWorkers,
    pool,
    taskQueue: config.temporal.task_queue,
    worker,
    config,
    async close() {
      await nodeWorkers?.stop();
      worker?.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
      await pool.end();
    },
  };
}
