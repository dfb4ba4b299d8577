/**
 * `npm run worker` as a process of its own, for tests that SIGKILL a worker in
 * the middle of a run and start another: the orchestrator worker on the test
 * file's task queue, against the suite's Temporal and Postgres.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { testEnv } from '../setup/test-env';
import { eventually } from './eventually';

const ROOT = path.join(__dirname, '..', '..');

export interface WorkerProcesses {
  /** Starts one and resolves once it polls; `env` adds to the worker's environment. */
  start(env?: Record<string, string>): Promise<ChildProcess>;
  /** SIGKILLs every worker still running (afterAll). */
  killAll(): void;
}

export function workerProcesses(taskQueue: () => string): WorkerProcesses {
  const workers: ChildProcess[] = [];
  return {
    async start(extra = {}) {
      const env = testEnv();
      // node itself with tsx as a loader: the tsx CLI would run the worker in a child process SIGKILL does not reach.
      const worker = spawn(process.execPath, ['--import', 'tsx', 'workers/main.ts'], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          TEMPORAL_ADDRESS: env.temporalAddress,
          DATABASE_URL: env.databaseUrl,
          WHOOSH_DATA_DIR: env.scratchDir,
          WHOOSH_LOG_LEVEL: 'info',
          WHOOSH_TASK_QUEUE: taskQueue(),
          // The simulators listen on 127.0.0.1 (as in testConfig).
          WHOOSH_OUTBOUND_ALLOW: 'any,loopback',
          ...extra,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      workers.push(worker);
      let out = '';
      worker.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      worker.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      await eventually(async () => (out.includes('orchestrator worker running') ? true : worker.exitCode !== null ? Promise.reject(new Error(out)) : undefined), 'the worker to start', 90_000);
      return worker;
    },
    killAll() {
      for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
    },
  };
}
