/**
 * Who may do what: roles are ordered admin ⊃ operator ⊃ viewer. One rule for
 * the API's routes, a council's decisions and the dashboard's buttons.
 */
export const ROLES = ['admin', 'operator', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** Whether `role` may do what `needed` may; an unknown role may do nothing. */
export function roleAtLeast(role: string, needed: Role): boolean {
  const rank = (RANK as Record<string, number | undefined>)[role];
  return rank !== undefined && rank >= RANK[needed];
}
