import type { Role } from './api';

// Mirrors api/auth.ts: admin ⊃ operator ⊃ viewer.
const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** Whether `role` may do what `needed` may; an unknown role may do nothing. */
export function hasRole(role: string, needed: Role): boolean {
  const rank = (RANK as Record<string, number | undefined>)[role];
  return rank !== undefined && rank >= RANK[needed];
}
