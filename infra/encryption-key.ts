/**
 * The key that encrypts stored credentials. Explicit (WHOOSH_ENCRYPTION_KEY /
 * security.encryption_key) wins; otherwise one is generated on first use into
 * the data folder (mode 0600) and reused by every later start and by every
 * process sharing that folder (API and workers).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** 32 bytes given as 64 hex digits or as base64 (standard or URL-safe); undefined otherwise. */
export function parseEncryptionKey(text: string): Buffer | undefined {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) return Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return undefined;
}

export function resolveEncryptionKey(config: { readonly data_dir: string; readonly security: { readonly encryption_key?: string } }): Buffer {
  if (config.security.encryption_key !== undefined) {
    const key = parseEncryptionKey(config.security.encryption_key);
    if (!key) throw new Error('security.encryption_key must be 32 bytes, as 64 hex digits or base64');
    return key;
  }
  const file = path.join(config.data_dir, 'encryption-key');
  mkdirSync(config.data_dir, { recursive: true });
  try {
    // 'wx': of two processes starting at once, one writes and the other reads what it wrote.
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const key = parseEncryptionKey(readFileSync(file, 'utf8'));
  if (!key) throw new Error(`${file} does not hold a 32-byte key`);
  return key;
}
