/**
 * The embedded Temporal: the official CLI's dev server (`temporal server
 * start-dev`), with a SQLite file under the data folder so executions survive a
 * restart, its Web UI, and WHOOSH's search attributes registered at launch.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import { SEARCH_ATTRIBUTES, type WhooshSearchAttributeKey } from '../domain/search-attributes';
import { assertPortFree } from './ports';
import { reapPidFile, removePidFile, stopChild, tail, writePidFile } from './processes';

export interface DevServerOptions {
  readonly binary: string;
  readonly port: number;
  /** Web UI port; omitted = headless. */
  readonly uiPort?: number;
  /** Folder for the SQLite file, pid file and log; omitted = in memory, log discarded. */
  readonly dataDir?: string;
  readonly namespace?: string;
  /** `--sqlite-pragma` values for the SQLite file, e.g. journal_mode=wal. */
  readonly sqlitePragmas?: readonly string[];
  readonly ip?: string;
  readonly startTimeoutMs?: number;
}

export interface DevServer {
  readonly address: string;
  readonly uiUrl?: string;
  readonly pid: number;
  stop(): Promise<void>;
}

const TYPE_NAMES: Record<SearchAttributeType, string> = {
  [SearchAttributeType.TEXT]: 'Text',
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.INT]: 'Int',
  [SearchAttributeType.DOUBLE]: 'Double',
  [SearchAttributeType.BOOL]: 'Bool',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
};

export function searchAttributeFlags(keys: readonly WhooshSearchAttributeKey[] = SEARCH_ATTRIBUTES): string[] {
  return keys.flatMap((k) => ['--search-attribute', `${k.name}=${TYPE_NAMES[k.type]}`]);
}

export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const ip = opts.ip ?? '127.0.0.1';

  const args = ['server', 'start-dev', '--ip', ip, '--port', String(opts.port), ...searchAttributeFlags()];
  if (opts.uiPort !== undefined) args.push('--ui-port', String(opts.uiPort), '--ui-disable-news-fetch');
  else args.push('--headless');
  if (opts.namespace && opts.namespace !== 'default') args.push('--namespace', opts.namespace);

  let logFile: string | undefined;
  let pidFile: string | undefined;
  if (opts.dataDir) {
    mkdirSync(opts.dataDir, { recursive: true });
    args.push('--db-filename', path.join(opts.dataDir, 'temporal.db'));
    for (const pragma of opts.sqlitePragmas ?? []) args.push('--sqlite-pragma', pragma);
    logFile = path.join(opts.dataDir, 'temporal.log');
    pidFile = path.join(opts.dataDir, 'temporal.pid');
    // A dev server left running by a launcher that was killed outright.
    await reapPidFile(pidFile);
  }
  await assertPortFree(opts.port, 'Temporal gRPC', 'WHOOSH_TEMPORAL_PORT', ip);
  if (opts.uiPort !== undefined) await assertPortFree(opts.uiPort, 'Temporal Web UI', 'WHOOSH_TEMPORAL_UI_PORT', ip);

  const logFd = logFile ? openSync(logFile, 'a') : 'ignore';
  // Own process group: a terminal Ctrl-C reaches the launcher, which stops us in order.
  const child: ChildProcess = spawn(opts.binary, args, { stdio: ['ignore', logFd, logFd], detached: true });
  if (typeof logFd === 'number') closeSync(logFd);
  const address = `${ip}:${opts.port}`;
  let exitNote: string | undefined;
  child.once('exit', (code, signal) => {
    exitNote = `exited with ${signal ?? `code ${code}`}`;
  });
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
  spawnError.catch(() => undefined);

  const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
  for (;;) {
    if (exitNote !== undefined) {
      const log = logFile ? tail(readFileSync(logFile, 'utf8')) : '';
      throw new Error(`Temporal dev server ${exitNote}${log ? `: ${log}` : ''}`);
    }
    if (await answers(address, opts.namespace ?? 'default')) break;
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`Temporal dev server did not answer on ${address} within ${(opts.startTimeoutMs ?? 60_000) / 1000}s`);
    }
    await Promise.race([sleep(200), spawnError]);
  }
  if (pidFile && child.pid !== undefined) writePidFile(pidFile, child.pid);

  return {
    address,
    uiUrl: opts.uiPort !== undefined ? `http://${ip === '0.0.0.0' ? 'localhost' : ip}:${opts.uiPort}` : undefined,
    pid: child.pid!,
    async stop() {
      await stopChild(child, 'SIGTERM');
      if (pidFile) removePidFile(pidFile);
    },
  };
}

async function answers(address: string, namespace: string): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: 1000 });
    await connection.workflowService.describeNamespace({ namespace });
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}
