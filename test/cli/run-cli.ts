/**
 * Runs the real `whoosh` binary the way a user's shell does: a child process
 * (node with tsx, or bin/whoosh.mjs), with only the environment given.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = path.join(__dirname, '..', '..');
/** tsx from this repository, whatever folder the command runs in. */
const TSX = pathToFileURL(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as JSON (for --json). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json(): any;
}

export function runCli(args: string[], env: Record<string, string>, opts: { stdin?: string; via?: 'tsx' | 'bin'; cwd?: string; onStdout?: (all: string) => void } = {}): Promise<CliResult> {
  const argv = opts.via === 'bin' ? [path.join(ROOT, 'bin', 'whoosh.mjs'), ...args] : ['--import', TSX, path.join(ROOT, 'cli', 'main.ts'), ...args];
  const child = spawn(process.execPath, argv, { cwd: opts.cwd ?? ROOT, env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    opts.onStdout?.(stdout);
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(opts.stdin ?? '');
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) =>
      resolve({
        code,
        stdout,
        stderr,
        json: () => {
          try {
            return JSON.parse(stdout);
          } catch {
            throw new Error(`not JSON (exit ${code}):\n${stdout}\n${stderr}`);
          }
        },
      }),
    );
  });
}
