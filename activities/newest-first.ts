/**
 * One page of a read model (teams, councils) newest first, filtered by
 * repository and status, with keyset pagination on (created_at, id): pages
 * stay as fast at row 10,000 as at row 1, and rows added meanwhile never shift
 * a page.
 */
import type { Pool, PoolClient, QueryResultRow } from 'pg';

/** Where a page ended: the createdAt and id of its last row. */
export interface Keyset {
  readonly createdAt: string;
  readonly id: string;
}

export interface NewestFirstFilter<S extends string = string> {
  readonly repository?: string;
  readonly status?: S;
  readonly limit: number;
  readonly after?: Keyset;
}

/**
 * `source` is the table with its alias (`teams t`), `columns` the select list
 * over that alias; the table needs `repository`, `status`, `created_at`, `id`.
 */
export async function newestFirst<R extends QueryResultRow>(db: Pool | PoolClient, source: string, columns: string, f: NewestFirstFilter): Promise<{ rows: R[]; more: boolean }> {
  const alias = source.trim().split(/\s+/).pop()!;
  const where: string[] = [];
  const args: unknown[] = [];
  const arg = (v: unknown): string => `$${args.push(v)}`;
  if (f.repository !== undefined) where.push(`${alias}.repository = ${arg(f.repository)}`);
  if (f.status !== undefined) where.push(`${alias}.status = ${arg(f.status)}`);
  if (f.after !== undefined) where.push(`(${alias}.created_at, ${alias}.id) < (${arg(f.after.createdAt)}::timestamptz, ${arg(f.after.id)})`);
  const { rows } = await db.query<R>(
    `SELECT ${columns} FROM ${source} ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${alias}.created_at DESC, ${alias}.id DESC LIMIT ${arg(f.limit + 1)}`,
    args,
  );
  return { rows: rows.slice(0, f.limit), more: rows.length > f.limit };
}
