/**
 * Where a process that does not start the stack itself (a second worker,
 * `npm run worker`, a benchmark) finds Temporal and Postgres: the configured
 * addresses, else the embedded ones that `npm start` runs from the data folder.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { WhooshConfig } from './config';

export { temporalWorkflowUrl } from '../domain/links';

export function temporalAddressOf(config: WhooshConfig): string {
  return config.temporal.address ?? `127.0.0.1:${config.temporal.dev_server.port}`;
}

export function databaseUrlOf(config: WhooshConfig): string {
  if (config.database.url !== undefined) return config.database.url;
  const passwordFile = path.join(config.data_dir, 'postgres', 'password');
  if (!existsSync(passwordFile)) {
    throw new Error(`no DATABASE_URL and no embedded Postgres in ${config.data_dir}: run \`npm start\` first or set DATABASE_URL`);
  }
  const password = readFileSync(passwordFile, 'utf8').trim();
  return `postgres://whoosh:${encodeURIComponent(password)}@127.0.0.1:${config.database.embedded_port}/whoosh`;
}

/** Where people reach the API and dashboard, for links in comments. */
export function publicUrlOf(config: WhooshConfig): string {
  return (config.server.public_url ?? `http://localhost:${config.server.port}`).replace(/\/+$/, '');
}

/** The Temporal Web UI: the configured one, else the embedded dev server's (none known for an external Temporal). */
export function temporalUiUrlOf(config: WhooshConfig): string | undefined {
  if (config.temporal.ui_url !== undefined) return config.temporal.ui_url.replace(/\/+$/, '');
  return config.temporal.address === undefined ? `http://localhost:${config.temporal.dev_server.ui_port}` : undefined;
}

