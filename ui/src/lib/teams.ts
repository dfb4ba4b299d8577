/** The Teams API (api/routes/teams.ts) as the dashboard reads it. */
import { get, send, type Request } from './api';

import type { TeamDetail, TeamRow } from '../../../domain/wire/teams';

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
