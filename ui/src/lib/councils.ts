/** The Councils API (api/routes/councils.ts) as the dashboard reads it. */
import { get, send, type Request } from './api';

export type CouncilStatus = 'deliberating' | 'synthesizing' | 'awaiting_decision' | 'creating_tasks' | 'approved' | 'cancelled' | 'expired' | 'failed';
export const COUNCIL_STATUSES: readonly CouncilStatus[] = ['deliberating', 'synthesizing', 'awaiting_decision', 'creating_tasks', 'approved', 'cancelled', 'expired', 'failed'];
export const ENDED_COUNCIL_STATUSES: readonly string[] = ['approved', 'cancelled', 'expired', 'failed'];

export interface Decision {
  readonly decision: 'approve' | 'revise' | 'cancel';
  readonly by: string;
  readonly via: 'api' | 'comment';
  readonly round: number;
  readonly feedback?: string;
  readonly at: string;
}

export interface CouncilRow {
  readonly id: string;
  readonly workflowId: string;
  readonly runId: string;
  readonly repository: string;
  readonly issue: { readonly number: number; readonly title: string; readonly url: string };
  readonly status: CouncilStatus;
  readonly quorum: 'core_only' | 'all';
  readonly roles: readonly string[];
  readonly currentRound: number;
  readonly planRound: number | null;
  readonly decision: Decision | null;
  readonly taskCount: number;
  readonly outcome: string | null;
  readonly error: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly endedAt: string | null;
  readonly temporalUiUrl?: string;
}

export interface RoundMember {
  readonly role: string;
  readonly title: string;
  readonly core: boolean;
  readonly status: 'deliberating' | 'answered' | 'failed';
  readonly nodeId: string | null;
  readonly model: string | null;
  readonly failedOver: readonly string[];
  readonly repaired: boolean;
  readonly artifactId: string | null;
  readonly error: string | null;
  readonly startedAt: string;
  readonly finishedAt: string | null;
}

export interface Round {
  readonly round: number;
  readonly status: string;
  readonly feedback: { readonly text: string; readonly by: string | null } | null;
  readonly planArtifactId: string | null;
  readonly decision: Decision | null;
  readonly error: string | null;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly members: readonly RoundMember[];
}

export interface CouncilDetail extends CouncilRow {
  readonly composition: {
    readonly members: readonly { readonly role: string; readonly title: string; readonly core: boolean; readonly reasons: readonly string[] }[];
    readonly skipped: readonly { readonly role: string; readonly reason: string }[];
  };
  readonly rounds: readonly Round[];
  readonly tasks: readonly { readonly key: string; readonly title: string; readonly number: number; readonly url: string; readonly created: boolean }[];
}

export interface Artifact {
  readonly id: string;
  readonly round: number;
  readonly kind: string;
  readonly title: string;
  readonly role: string;
  readonly roleTitle: string;
  readonly nodeId: string | null;
  readonly model: string | null;
  readonly createdAt: string;
  readonly markdown: string;
}

export const listCouncils = (token: string, filters: { repository?: string; status?: string }, page: { limit: number; cursor?: string }, request: Request = fetch) =>
  get<{ councils: CouncilRow[]; nextCursor?: string }>(token, '/api/v1/councils', { ...filters, ...page }, request);

const councilPath = (id: string) => `/api/v1/councils/${encodeURIComponent(id)}`;

export const getCouncil = (token: string, id: string, request: Request = fetch) => get<CouncilDetail>(token, councilPath(id), {}, request);

export const listArtifacts = (token: string, id: string, round: number | undefined, request: Request = fetch) =>
  get<{ artifacts: Artifact[] }>(token, `${councilPath(id)}/artifacts`, { round }, request);

export type DecisionRequest = { decision: 'approve' } | { decision: 'revise'; feedback: string } | { decision: 'cancel'; reason?: string };

export function decide(token: string, id: string, d: DecisionRequest, request: Request = fetch) {
  const body = d.decision === 'revise' ? { feedback: d.feedback } : d.decision === 'cancel' && d.reason ? { reason: d.reason } : {};
  return send<{ decision: string; round: number; next: string }>(token, 'POST', `${councilPath(id)}/${d.decision}`, body, request);
}

/** The plan reads first; then the members' artifacts in the order of the council's seats. */
export function orderArtifacts<A extends Pick<Artifact, 'kind' | 'role'>>(artifacts: readonly A[], roleOrder: readonly string[]): A[] {
  const rank = (a: A) => (a.kind === 'kickoff_plan' ? -1 : roleOrder.indexOf(a.role) === -1 ? roleOrder.length : roleOrder.indexOf(a.role));
  return [...artifacts].sort((a, b) => rank(a) - rank(b));
}
