/**
 * The orchestrator worker: hosts every WHOOSH workflow and the activities that
 * are not bound to an LLM node.
 */
import { Worker, type NativeConnection, type WorkflowBundleOption } from '@temporalio/worker';
import type { Activities } from '../activities';
import { bundleInChildProcess } from './bundle-workflows';

export interface OrchestratorWorkerOptions {
  readonly connection: NativeConnection;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly activities: Activities;
  /** A prebuilt bundle (tests build one per run); otherwise workflows/ is bundled now, by a child process. */
  readonly workflowBundle?: WorkflowBundleOption;
  /** Bundle these workflows instead of workflows/. */
  readonly workflowsPath?: string;
  readonly identity?: string;
}

export const WORKFLOWS_PATH = require.resolve('../workflows');

export async function createOrchestratorWorker(opts: OrchestratorWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    activities: opts.activities,
    ...(opts.identity !== undefined ? { identity: opts.identity } : {}),
    workflowBundle: opts.workflowBundle ?? (await bundleInChildProcess(opts.workflowsPath ?? WORKFLOWS_PATH)),
  });
}
