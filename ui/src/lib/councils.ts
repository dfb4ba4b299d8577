/** The Councils API (api/routes/councils.ts) as the dashboard reads it. */
import { get, send, type Request } from './api';

import type { Artifact, CouncilDetail, CouncilRow, DecisionAck } from '../../../domain/wire/councils';

export { COUNCIL_STATUSES, ENDED_COUNCIL_STATUSES, type CouncilStatus } from '../../../domain/statuses';
export type { Artifact, CouncilDetail, CouncilRow, Decision, Round, RoundMember } from '../../../domain/wire/councils';

export const listCouncils = (token: string, filters: { repository?: string; status?: string }, page: { limit: number; cursor?: string }, request: Request = fetch) =>
  get<{ councils: CouncilRow[]; nextCursor?: string }>(token, '/api/v1/councils', { ...filters, ...page }, request);

const councilPath = (id: string) => `/api/v1/councils/${encodeURIComponent(id)}`;

export const getCouncil = (token: string, id: string, request: Request = fetch) => get<CouncilDetail>(token, councilPath(id), {}, request);

export const listArtifacts = (token: string, id: string, round: number | undefined, request: Request = fetch) =>
  get<{ artifacts: Artifact[] }>(token, `${councilPath(id)}/artifacts`, { round }, request);

export type DecisionRequest = { decision: 'approve' } | { decision: 'revise'; feedback: string } | { decision: 'cancel'; reason?: string };

export function decide(token: string, id: string, d: DecisionRequest, request: Request = fetch) {
  const body = d.decision === 'revise' ? { feedback: d.feedback } : d.decision === 'cancel' && d.reason ? { reason: d.reason } : {};
  return send<DecisionAck>(token, 'POST', `${councilPath(id)}/${d.decision}`, body, request);
}

/** The plan reads first; then the members' artifacts in the order of the council's seats. */
export function orderArtifacts<A extends { readonly kind: string; readonly role: string }>(artifacts: readonly A[], roleOrder: readonly string[]): A[] {
  const rank = (a: A) => (a.kind === 'kickoff_plan' ? -1 : roleOrder.indexOf(a.role) === -1 ? roleOrder.length : roleOrder.indexOf(a.role));
  return [...artifacts].sort((a, b) => rank(a) - rank(b));
}
