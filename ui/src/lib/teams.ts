/** The Teams API (api/routes/teams.ts) as the dashboard reads it. */
import { get, send, type Request } from './api';

import type { Member, TeamDetail, TeamRow } from '../../../domain/wire/teams';

export type { Candidate, Classification, Member, ScoringRow, TeamDetail, TeamRow } from '../../../domain/wire/teams';

export interface TeamFilters {
  readonly repository?: string;
  readonly status?: string;
}

export const ENDED_TEAM_STATUSES: readonly string[] = ['done', 'cancelled', 'failed'];

export const listTeams = (token: string, filters: TeamFilters, page: { limit: number; cursor?: string }, request: Request = fetch) =>
  get<{ teams: TeamRow[]; nextCursor?: string }>(token, '/api/v1/teams', { ...filters, ...page }, request);

export const getTeam = (token: string, id: string, request: Request = fetch) => get<TeamDetail>(token, `/api/v1/teams/${encodeURIComponent(id)}`, {}, request);

export const cancelTeam = (token: string, id: string, reason: string | undefined, request: Request = fetch) =>
  send<{ id: string; status: string }>(token, 'POST', `/api/v1/teams/${encodeURIComponent(id)}/cancel`, reason ? { reason } : {}, request);

/** 'bug_fix' → 'bug fix'. */
export const humanize = (id: string): string => id.replace(/[_-]+/g, ' ');

/**
 * When a role's best-scoring candidate was given another role (each agent takes one
 * role; the assignment maximises the team's total), who it was and which role it took.
 */
export function bestTookAnotherRole(
  row: { readonly roleId: string; readonly candidates: readonly { readonly agentId: string; readonly score: number; readonly chosen: boolean }[] },
  members: readonly Pick<Member, 'roleId' | 'roleTitle' | 'agentId'>[],
): { readonly agentId: string; readonly score: number; readonly roleTitle: string } | undefined {
  const best = [...row.candidates].sort((a, b) => b.score - a.score)[0];
  if (!best || best.chosen) return undefined;
  const other = members.find((m) => m.agentId === best.agentId && m.roleId !== row.roleId);
  return other ? { agentId: best.agentId, score: best.score, roleTitle: other.roleTitle } : undefined;
}
