/**
 * Runs `npm start`'s entry point (infra/start.ts) as a child process, the way
 * a user does, on free ports and a data folder of the test's own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort, isPortInUse } from '../../infra/ports';

const ROOT = path.join(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

export interface Launched {
  readonly child: ChildProcess;
  readonly apiUrl: string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** SIGKILL to the launcher's processes (not to the servers it spawned), like a crash. */
  crash(): Promise<void>;
}

export async function launcherEnv(dataDir: string, extra: NodeJS.ProcessEnv = {}): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    WHOOSH_DATA_DIR: dataDir,
    WHOOSH_API_PORT: String(await freePort()),
    WHOOSH_TEMPORAL_PORT: String(await freePort()),
    WHOOSH_TEMPORAL_UI_PORT: String(await freePort()),
    WHOOSH_POSTGRES_PORT: String(await freePort()),
    WHOOSH_LOG_LEVEL: 'warn',
    ...extra,
  };
  return env;
}

/**
 * `via: 'npm'` runs `npm start` itself (what benchmarks time); the default runs its entry point.
 * `script: 'demo'` runs `npm run demo` (infra/demo.ts) instead.
 */
export function launch(env: NodeJS.ProcessEnv, via: 'tsx' | 'npm' = 'tsx', script: 'start' | 'demo' = 'start'): Launched {
  const [cmd, args] = via === 'npm' ? ['npm', ['run', script, '--silent']] : [TSX, [`infra/${script}.ts`]];
  // A process group of its own, so a stop can reach it the way a terminal's
  // Ctrl-C does (every process of the group), and a crash can be simulated.
  const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    apiUrl: `http://127.0.0.1:${env.WHOOSH_API_PORT}`,
    stdout: () => out,
    stderr: () => err,
    exited,
    async waitForOutput(pattern, timeoutMs = 90_000) {
      const deadline = Date.now() + timeoutMs;
      let done = false;
      void exited.then(() => (done = true));
      while (Date.now() < deadline) {
        const m = out.match(pattern);
        if (m) return m;
        if (done) throw new Error(`launcher exited before printing ${pattern}:\n${out}\n${err}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`launcher did not print ${pattern} within ${timeoutMs} ms:\n${out}\n${err}`);
    },
    async crash() {
      process.kill(-child.pid!, 'SIGKILL');
      await exited;
      const port = Number(env.WHOOSH_API_PORT);
      for (let i = 0; i < 100 && (await isPortInUse(port)); i++) await new Promise((r) => setTimeout(r, 100));
    },
    async stop(signal = 'SIGINT') {
      if (child.exitCode === null) {
        if (via === 'npm') process.kill(-child.pid!, signal);
        else child.kill(signal);
      }
      const code = await exited;
      // npm may exit before its child has stopped everything: wait until every port is released.
      const ports = ['WHOOSH_API_PORT', 'WHOOSH_TEMPORAL_PORT', 'WHOOSH_POSTGRES_PORT'].map((k) => Number(env[k])).filter(Number.isInteger);
      for (const port of ports) {
        for (let i = 0; i < 300 && (await isPortInUse(port)); i++) await new Promise((r) => setTimeout(r, 100));
      }
      return code;
    },
  };
}
