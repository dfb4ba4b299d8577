/**
 * The admin token. Explicit (WHOOSH_ADMIN_TOKEN / security.admin_token) wins;
 * with no token configured at all, one is generated on first start, stored in
 * the data folder (mode 0600) and shown once; later starts reuse it.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WhooshConfig } from './config';

export interface AdminToken {
  readonly token?: string;
  readonly source: 'config' | 'file' | 'generated' | 'none';
  readonly file?: string;
}

export function resolveAdminToken(config: WhooshConfig): AdminToken {
  if (config.security.admin_token !== undefined) return { token: config.security.admin_token, source: 'config' };
  if (config.security.tokens.length > 0) return { source: 'none' };
  const file = path.join(config.data_dir, 'admin-token');
  if (existsSync(file)) return { token: readFileSync(file, 'utf8').trim(), source: 'file', file };
  mkdirSync(config.data_dir, { recursive: true });
  const token = `whoosh_${randomBytes(24).toString('base64url')}`;
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { token, source: 'generated', file };
}
