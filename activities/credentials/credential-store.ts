/**
 * Stored credentials: created with their data sealed (cipher.ts), listed
 * without it, and opened only by `openCredential`, which activities call at
 * the moment they need the secret.
 */
import { randomBytes } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { credentialDataSchemas, type CredentialData, type CredentialRef, type CredentialType } from '../../domain/credentials';
import { decrypt, encrypt } from './cipher';

type Queryable = Pool | PoolClient;

export interface CredentialSummary {
  readonly id: string;
  readonly name: string;
  readonly type: CredentialType;
  readonly createdBy: string;
  readonly createdAt: string;
}

interface Row {
  id: string;
  name: string;
  type: CredentialType;
  data: string;
  created_by: string;
  created_at: Date;
}

const summary = (r: Row): CredentialSummary => ({ id: r.id, name: r.name, type: r.type, createdBy: r.created_by, createdAt: r.created_at.toISOString() });
const aad = (id: string, type: string) => `${id}:${type}`;

export async function listCredentials(db: Queryable): Promise<CredentialSummary[]> {
  const { rows } = await db.query<Row>('SELECT id, name, type, created_by, created_at FROM credentials ORDER BY name');
  return rows.map(summary);
}

/** undefined: the id or the name is taken. */
export async function createCredential<T extends CredentialType>(
  db: Queryable,
  key: Buffer,
  input: { id?: string; name: string; type: T; data: CredentialData[T]; createdBy: string },
): Promise<CredentialSummary | undefined> {
  const id = input.id ?? randomBytes(12).toString('base64url');
  const sealed = encrypt(key, JSON.stringify(input.data), aad(id, input.type));
  const { rows } = await db.query<Row>(
    `INSERT INTO credentials (id, name, type, data, created_by) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT DO NOTHING RETURNING id, name, type, created_by, created_at`,
    [id, input.name, input.type, sealed, input.createdBy],
  );
  return rows[0] ? summary(rows[0]) : undefined;
}

export async function deleteCredential(db: Queryable, id: string): Promise<boolean> {
  return ((await db.query('DELETE FROM credentials WHERE id = $1', [id])).rowCount ?? 0) > 0;
}

export class CredentialNotFound extends Error {
  override readonly name = 'CredentialNotFound';
}

/** The credential a node names (by id; by name when no id matches, as after importing a document from another n8n) with its data decrypted; it must be of the type the node expects. */
export async function openCredential<T extends CredentialType>(db: Queryable, key: Buffer, ref: CredentialRef & { type: T }): Promise<CredentialData[T]> {
  const { rows } = await db.query<Row>('SELECT id, name, type, data, created_by, created_at FROM credentials WHERE id = $1::text OR name = $2::text ORDER BY (id = $1::text) DESC NULLS LAST LIMIT 1', [
    ref.id ?? null,
    ref.name ?? null,
  ]);
  const row = rows[0];
  const named = ref.id ? `id "${ref.id}"` : `name "${ref.name ?? ''}"`;
  if (!row) throw new CredentialNotFound(`No credential with ${named}`);
  if (row.type !== ref.type) throw new CredentialNotFound(`The credential with ${named} is a ${row.type}, not a ${ref.type}`);
  return credentialDataSchemas[ref.type].parse(JSON.parse(decrypt(key, row.data, aad(row.id, row.type)))) as CredentialData[T];
}

/**
 * Lookups by { id, name, type } answering the data, or undefined when no
 * credential of that type matches: the shape the Webhook node's
 * authentication asks its resolver for.
 */
export function credentialResolver(db: Queryable, key: () => Buffer) {
  return async (ref: { readonly id: string | null; readonly name: string | null; readonly type: CredentialType }): Promise<Readonly<Record<string, unknown>> | undefined> => {
    if (!ref.id && !ref.name) return undefined;
    try {
      return await openCredential(db, key(), { type: ref.type, ...(ref.id ? { id: ref.id } : {}), ...(ref.name ? { name: ref.name } : {}) });
    } catch (err) {
      if (err instanceof CredentialNotFound) return undefined;
      throw err;
    }
  };
}
