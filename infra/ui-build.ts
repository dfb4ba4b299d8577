import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const UI_ROOT = path.join(__dirname, '..', 'ui');
export const UI_DIST = path.join(UI_ROOT, 'dist');
/** Taken while building, so two processes (parallel test files, `npm start` beside a test run) build once. */
const LOCK = path.join(UI_ROOT, '.build-lock');
const STALE_LOCK_MS = 5 * 60_000;

/** The newest modification time of the files the build reads. */
function newestSource(): number {
  let newest = 0;
  const walk = (p: string): void => {
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) for (const entry of readdirSync(p)) walk(path.join(p, entry));
    else newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of ['src', 'public', 'index.html', 'vite.config.ts', 'tsconfig.json']) walk(path.join(UI_ROOT, p));
  return newest;
}

/** Missing, or older than a source file: a checkout that changed the dashboard gets it rebuilt. */
function needsBuild(): boolean {
  const built = statSync(path.join(UI_DIST, 'index.html'), { throwIfNoEntry: false });
  if (!built) return true;
  // Without the sources (an installed package) there is nothing to rebuild from.
  return existsSync(path.join(UI_ROOT, 'src')) && newestSource() > built.mtimeMs;
}

async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const st = statSync(LOCK, { throwIfNoEntry: false });
      // A build that died left its lock behind.
      if (st && Date.now() - st.mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      await sleep(200);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/** Builds the dashboard with Vite if it has not been built, or its sources changed since. */
export async function ensureUiBuilt(log: (line: string) => void = () => undefined): Promise<void> {
  if (!needsBuild()) return;
  await withLock(async () => {
    if (!needsBuild()) return; // another process built it while this one waited
    log('building the dashboard ...');
    // Vite's own CLI in a child process: Vite is ESM-only, and jest's CommonJS cannot import it.
    const vite = path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
    await promisify(execFile)(process.execPath, [vite, 'build', '--config', path.join(UI_ROOT, 'vite.config.ts'), '--logLevel', 'warn'], {
      cwd: path.join(UI_ROOT, '..'),
      maxBuffer: 16 * 1024 * 1024,
    });
  });
}
