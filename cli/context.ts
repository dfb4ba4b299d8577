/**
 * Where the CLI finds WHOOSH and its token, and the wrapper every command runs
 * in: it builds the client, and turns failures into a message and an exit code.
 *
 * The API: `--url`, else WHOOSH_URL, else http://localhost:<server.port> of the
 * local config (whoosh.yaml / WHOOSH_API_PORT; 8080 by default). The token:
 * `--token`, else WHOOSH_TOKEN, else the configured admin token, else the one
 * the launcher generated in the data folder (`<data_dir>/admin-token`).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { configSchema, loadConfig, type WhooshConfig } from '../infra/config';
import { ApiError, UnreachableError, WhooshClient } from './api-client';
import { CliError, createOut, EXIT, type Out } from './output';

export interface Connection {
  readonly url: string;
  readonly token?: string;
  readonly tokenFrom: 'flag' | 'WHOOSH_TOKEN' | 'config' | 'file' | 'none';
}

function localConfig(env: NodeJS.ProcessEnv, cwd: string): WhooshConfig {
  try {
    return loadConfig({ env, cwd }).config;
  } catch {
    // A broken local config must not stop a CLI that talks to a remote API.
    return configSchema.parse({});
  }
}

export function resolveConnection(flags: { url?: string; token?: string }, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Connection {
  const needConfig = !(flags.url ?? env.WHOOSH_URL) || !(flags.token ?? env.WHOOSH_TOKEN);
  const config = needConfig ? localConfig(env, cwd) : undefined;
  const url = flags.url ?? env.WHOOSH_URL ?? `http://localhost:${config!.server.port}`;
  if (flags.token) return { url, token: flags.token, tokenFrom: 'flag' };
  if (env.WHOOSH_TOKEN) return { url, token: env.WHOOSH_TOKEN, tokenFrom: 'WHOOSH_TOKEN' };
  if (config!.security.admin_token) return { url, token: config!.security.admin_token, tokenFrom: 'config' };
  const file = path.resolve(cwd, config!.data_dir, 'admin-token');
  if (existsSync(file)) return { url, token: readFileSync(file, 'utf8').trim(), tokenFrom: 'file' };
  return { url, tokenFrom: 'none' };
}

export interface Ctx {
  readonly client: WhooshClient;
  readonly out: Out;
  readonly conn: Connection;
}

/** Global options live on the root command; a sub-command reads them through optsWithGlobals. */
export function contextOf(cmd: Command): Ctx {
  const o = cmd.optsWithGlobals<{ url?: string; token?: string; json?: boolean }>();
  const conn = resolveConnection(o);
  return { client: new WhooshClient({ baseUrl: conn.url, token: conn.token }), out: createOut(o.json === true), conn };
}

/** The exit code and message for anything a command throws. */
export function failureOf(err: unknown, conn?: Connection): { code: number; message: string } {
  if (err instanceof CliError) return { code: err.code, message: err.message };
  if (err instanceof UnreachableError) return { code: EXIT.unreachable, message: err.message };
  if (err instanceof ApiError) {
    const detail = err.issues.length > 0 ? `\n${err.issues.map((i) => `  ${i.path ?? i.node ?? ''}: ${i.message}`).join('\n')}` : '';
    if (err.status === 401) {
      const hint = conn?.tokenFrom === 'none' ? ' (no token: set WHOOSH_TOKEN or pass --token)' : '';
      return { code: EXIT.unreachable, message: `unauthorized: ${err.message}${hint}` };
    }
    if (err.status === 403) return { code: EXIT.unreachable, message: `forbidden: ${err.message}` };
    if (err.status < 500) return { code: EXIT.usage, message: `${err.message}${detail}` };
    return { code: EXIT.failedRun, message: `the API failed (${err.status}): ${err.message}` };
  }
  return { code: EXIT.failedRun, message: err instanceof Error ? err.message : String(err) };
}

type Action = (ctx: Ctx, ...args: never[]) => Promise<number | void>;

/**
 * Wraps a command's action: commander passes the positional arguments, the
 * options and the command last; the action gets the context first. The exit
 * code goes to process.exitCode so pending output is flushed.
 */
export function act(action: Action) {
  return async (...args: unknown[]): Promise<void> => {
    const cmd = args.at(-1) as Command;
    let ctx: Ctx | undefined;
    try {
      ctx = contextOf(cmd);
      const code = await (action as (ctx: Ctx, ...a: unknown[]) => Promise<number | void>)(ctx, ...args.slice(0, -1));
      process.exitCode = code ?? EXIT.ok;
    } catch (err) {
      const f = failureOf(err, ctx?.conn);
      process.stderr.write(`whoosh: ${f.message}\n`);
      process.exitCode = f.code;
    }
  };
}

/** Parses a whole-number option or argument; commander reports a bad one as usage (exit 2). */
export function whole(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number');
  return n;
}

export { EXIT, type Out };
