/**
 * `worker.max_heap_mb`: a worker process runs with V8's old space capped, so
 * it collects garbage before growing (with the default limit, a worker that
 * carries 10,000 items lets garbage grow to ~600 MB RSS; capped at 384 MB it
 * peaks near 420 MB, its live heap being bounded). A running process cannot
 * change its heap limit, so the entry re-executes itself with
 * `--max-old-space-size` and becomes a thin parent that relays signals and
 * exits with the worker's code.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import v8 from 'node:v8';

/** Set in the re-executed worker: it never re-executes again. */
export const HEAP_CAP_MARKER = 'WHOOSH_WORKER_HEAP_CAPPED';

/**
 * V8's heap_size_limit is the old-space limit plus the young generation
 * (up to 48 MB on 64-bit), so a limit within that margin above the cap is the cap.
 */
export function heapLimitMatches(heapSizeLimitBytes: number, maxHeapMb: number): boolean {
  const mb = heapSizeLimitBytes / 2 ** 20;
  return mb >= maxHeapMb && mb <= maxHeapMb + 64;
}

/**
 * In the process that should be the worker, returns false: go on. Otherwise
 * re-executes the entry with the cap, relays SIGINT/SIGTERM to it, exits with
 * its code, and returns true (the caller does nothing more).
 */
export function reexecWithHeapCap(maxHeapMb: number, env: NodeJS.ProcessEnv = process.env): boolean {
  if (maxHeapMb === 0 || env[HEAP_CAP_MARKER] !== undefined) return false;
  if (heapLimitMatches(v8.getHeapStatistics().heap_size_limit, maxHeapMb)) return false;

  // The worker gets a process group of its own, so a terminal's Ctrl-C (sent to the whole
  // group, and maybe relayed by npm/tsx too) reaches it once, from here: the Temporal SDK
  // stops listening after the first signal, and a second would kill it mid-shutdown.
  const child = spawn(process.execPath, [...process.execArgv, `--max-old-space-size=${maxHeapMb}`, ...process.argv.slice(1)], {
    env: { ...env, [HEAP_CAP_MARKER]: '1' },
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    detached: true,
  });
  let relayedAt: number | undefined;
  const relay = (signal: NodeJS.Signals): void => {
    // Copies of one press arrive within milliseconds; a press well after the first is passed on (it forces).
    if (relayedAt !== undefined && Date.now() - relayedAt < 2000) return;
    relayedAt = Date.now();
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  process.on('SIGINT', relay);
  process.on('SIGTERM', relay);
  child.on('error', (err) => {
    process.stderr.write(`whoosh worker: could not re-execute with --max-old-space-size=${maxHeapMb}: ${err.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  return true;
}

/** In the re-executed worker: stop when the parent goes away (killed with SIGKILL, say), as if it had been told to. */
export function stopWithParent(): void {
  if (process.env[HEAP_CAP_MARKER] === undefined || process.send === undefined) return;
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  // The IPC channel must not keep the worker alive by itself once it has stopped.
  process.channel?.unref();
}
