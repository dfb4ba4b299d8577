/**
 * A whole WHOOSH stack for one benchmark scenario: a fresh data folder, free
 * ports, embedded Temporal and Postgres, torn down (and the folder removed)
 * when the scenario is done.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configSchema, type WhooshConfig } from '../../infra/config';
import { createLogger } from '../../infra/logger';
import { freePort } from '../../infra/ports';
import { startStack, type Stack } from '../../infra/stack';

/** A temporary data folder the unprivileged postgres user can reach. */
export function benchDataDir(name: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `whoosh-bench-${name}-`));
  chmodSync(dir, 0o755);
  return dir;
}

export interface BenchStackOptions {
  /** Config sections beyond the generated data folder and ports. */
  readonly config?: Record<string, unknown>;
  readonly api?: boolean;
  readonly workflowsPath?: string;
}

export async function withBenchStack<T>(name: string, opts: BenchStackOptions, fn: (stack: Stack, config: WhooshConfig) => Promise<T>): Promise<T> {
  const dataDir = benchDataDir(name);
  const config = configSchema.parse({
    ...opts.config,
    data_dir: dataDir,
    log_level: 'error',
    server: { port: await freePort() },
    temporal: { dev_server: { port: await freePort(), ui_port: await freePort() } },
    database: { embedded_port: await freePort() },
  });
  const stack = await startStack({ config, logger: createLogger('error'), api: opts.api ?? false, workflowsPath: opts.workflowsPath });
  try {
    return await fn(stack, config);
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
