/**
 * Keyset pagination for lists ordered newest first: the cursor is the
 * createdAt and id of a page's last row, opaque to clients (base64url JSON).
 */
import { z } from 'zod';
import type { Keyset } from '../activities/newest-first';

export const cursorSchema = z
  .string()
  .transform((s, ctx): Keyset => {
    try {
      const [createdAt, id] = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as [string, string];
      if (typeof createdAt !== 'string' || typeof id !== 'string' || Number.isNaN(Date.parse(createdAt))) throw new Error('bad');
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
