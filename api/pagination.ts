/**
 * Keyset pagination for lists ordered newest first: the cursor is the
 * createdAt and id of a page's last row, opaque to clients (base64url JSON).
 */
import { z } from 'zod';
import type { Keyset } from '../activities/newest-first';

const ISO_TIME = /^(19[7-9]\d|[2-9]\d{3})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const ID = /^[^\u0000-\u001f\u007f\ud800-\udfff]{1,300}$/;

export const cursorSchema = z
  .string()
  .max(1024)
  .transform((s, ctx): Keyset => {
    try {
      const decoded: unknown = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
      if (!Array.isArray(decoded) || decoded.length !== 2) throw new Error('bad');
      const [createdAt, id] = decoded as unknown[];
      // Exactly what nextCursor gives out: an ISO time Postgres can hold, and a printable id.
      if (typeof createdAt !== 'string' || typeof id !== 'string' || !ISO_TIME.test(createdAt) || !ID.test(id)) throw new Error('bad');
      const time = new Date(createdAt);
      if (Number.isNaN(time.getTime()) || time.toISOString() !== createdAt) throw new Error('bad');
      return { createdAt, id };
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not a cursor this API gave out' });
      return z.NEVER;
    }
  })
  .optional();

/** The cursor of the page after one ending with `last`, when `more` rows follow. */
export function nextCursor(more: boolean, last: Keyset | undefined): string | undefined {
  return more && last ? Buffer.from(JSON.stringify([last.createdAt, last.id])).toString('base64url') : undefined;
}
