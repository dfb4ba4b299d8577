/** The Teams API (api/routes/teams.ts) as the dashboard reads it. */
import { get, send, type Request } from './api';
import type { TeamStatus } from './tone';

export interface TeamRow {
  readonly id: string;
  readonly workflowId: string;
  readonly runId: string;
  readonly repository: string;
  readonly issue: { readonly number: number; readonly title: string; readonly url: string };
  readonly status: TeamStatus;
  readonly taskType: string;
  readonly complexity: string;
  readonly classificationSource: string;
  readonly classificationFallback: string | null;
  readonly memberCount: number;
  readonly outcome: string | null;
  readonly error: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly endedAt: string | null;
  readonly temporalUiUrl?: string;
}

export interface Classification {
  readonly type: string;
  readonly complexity: { readonly level: string; readonly score: number };
  readonly domains: readonly string[];
  readonly skills: { readonly critical: readonly string[]; readonly desirable: readonly string[] };
  readonly confidence: number;
  readonly signals: readonly string[];
  readonly source: 'heuristics' | 'llm';
}

export interface Candidate {
  readonly agentId: string;
  readonly score: number;
  readonly skillMatch: number;
  readonly specializationMatch: boolean;
  readonly availability: number;
  readonly chosen: boolean;
  readonly reasons: readonly string[];
}

export interface ScoringRow {
  readonly roleId: string;
  readonly roleTitle: string;
  readonly candidates: readonly Candidate[];
}

export interface Member {
  readonly roleId: string;
  readonly roleTitle: string;
  readonly agentId: string;
  readonly agentName: string;
  readonly model: string | null;
  readonly score: number;
  readonly reasons: readonly string[];
  readonly container?: { readonly id: string; readonly name: string; readonly kind: 'container' | 'service' };
  readonly joinedAt: string;
}

export interface TeamDetail extends TeamRow {
  readonly classification: Classification;
  readonly scoring: readonly ScoringRow[];
  readonly unfilled: readonly { readonly roleId: string; readonly reason: string }[];
  readonly members: readonly Member[];
}

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
