/**
 * `npm run worker`: workers on their own, for adding capacity beside
 * `npm start` or running on other hosts. They connect to TEMPORAL_ADDRESS and
 * DATABASE_URL, or to the embedded servers of a running `npm start` here.
 *
 *   npm run worker                          an orchestrator worker
 *   npm run worker -- --node gpu-1          the worker of one agent node, e.g. on
 *        [--endpoint http://localhost:11434]  the GPU host itself, calling its local Ollama
 *
 * Run a node's worker on its GPU host with `llm.host_node_workers: false` on
 * the orchestrator, so only one worker serves that node's queue.
 *
 * With `worker.max_heap_mb` (default 384) the entry re-executes itself with
 * V8's old space capped at that size (see heap-cap.ts).
 */
import { parseArgs } from 'node:util';
import { config as loadDotenv } from 'dotenv';
import type { Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { getNode } from '../activities/agents/agent-store';
import { loadConfig } from '../infra/config';
import { createPool } from '../infra/db';
import { databaseUrlOf, temporalAddressOf } from '../infra/endpoints';
import { createLogger } from '../infra/logger';
import { connectClient, connectWorker } from '../infra/temporal-client';
import { taskQueueForNode } from '../domain/routing/route-call';
import { createNodeWorker } from './node-workers';
import { reexecWithHeapCap, stopWithParent } from './heap-cap';
import { createOrchestratorWorker } from './orchestrator';
import { installRuntime } from './runtime';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { node: { type: 'string' }, endpoint: { type: 'string' } }, strict: true });
  loadDotenv({ quiet: true });
  const { config } = loadConfig();
  if (reexecWithHeapCap(config.worker.max_heap_mb)) return;
  stopWithParent();
  const logger = createLogger(config.log_level);
  installRuntime(logger);
  const pool = createPool(databaseUrlOf(config), logger, undefined, config.database.query_timeout_seconds * 1000);
  const address = temporalAddressOf(config);
  const connection = await connectWorker(config.temporal, address);

  let worker: Worker;
  if (values.node !== undefined) {
    const node = await getNode(pool, values.node);
    if (!node) throw new Error(`no agent node "${values.node}" is registered (see GET /api/v1/agents)`);
    const endpoint = values.endpoint ?? node.endpoint;
    // An endpoint given here is the operator's own, as one in whoosh.yaml is: not held to outbound_allow.
    const outbound = values.endpoint === undefined ? { outboundAllow: config.security.outbound_allow } : {};
    worker = await createNodeWorker({ connection, namespace: config.temporal.namespace, pool, llm: config.llm, ...outbound, node: { ...node, endpoint } });
    logger.info({ address, taskQueue: taskQueueForNode(node.id), endpoint, slots: node.parallel, pid: process.pid }, 'node worker running; Ctrl-C to stop');
  } else {
    const client = await connectClient(config.temporal, address);
    worker = await createOrchestratorWorker({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.task_queue,
      activities: createActivities({ pool, config, temporal: client }),
    });
    logger.info({ address, taskQueue: config.temporal.task_queue, pid: process.pid }, 'orchestrator worker running; Ctrl-C to stop');
  }
  // The SDK shuts workers down gracefully on SIGINT/SIGTERM by itself.
  await worker.run();
  await connection.close();
  await pool.end();
}

main().catch((err: unknown) => {
  process.stderr.write(`whoosh worker: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}\n`);
  process.exit(1);
});
