/**
 * The council-kickoff workflow's messages and state, declared apart from its
 * body so the API (and tests) can import them without the workflow code.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { CouncilRoleId, OptionalRoleId } from '../../domain/council/compose-council';

import { type CouncilDecisionName, type CouncilStatus, type MemberStatus, type RoundStatus } from '../../domain/statuses';

export {
  COUNCIL_DECISIONS,
  COUNCIL_STATUSES,
  ENDED_COUNCIL_STATUSES,
  MEMBER_STATUSES,
  ROUND_STATUSES,
  type CouncilDecisionName,
  type CouncilStatus,
  type MemberStatus,
  type RoundStatus,
} from '../../domain/statuses';

/** A decision asked for through the `decideCouncil` update (the API, the dashboard). */
export interface CouncilDecisionRequest {
  readonly decision: CouncilDecisionName;
  /** What to change; required for `revise`. */
  readonly feedback?: string;
  /** Who decides, and with which role: only operators and admins may. */
  readonly by: string;
  readonly role: string;
}

/** A decision the council took up. */
export interface CouncilDecision {
  readonly decision: CouncilDecisionName;
  readonly by: string;
  /** api: the update; comment: /approve, /revise, /cancel on the brief. */
  readonly via: 'api' | 'comment';
  /** The round whose plan it answers. */
  readonly round: number;
  readonly feedback?: string;
  readonly at: string;
}

/** What the update answers: the decision as taken up, and what the council does next. */
export interface CouncilDecisionAck {
  readonly councilId: string;
  readonly decision: CouncilDecisionName;
  readonly round: number;
  readonly next: 'creating_tasks' | 'deliberating' | 'cancelled';
}

export interface CouncilSeat {
  readonly role: CouncilRoleId;
  readonly title: string;
  readonly core: boolean;
  readonly reasons: string[];
}

export interface Composition {
  readonly members: CouncilSeat[];
  readonly skipped: { readonly role: OptionalRoleId; readonly reason: string }[];
}

export interface MemberState {
  readonly role: CouncilRoleId;
  readonly status: MemberStatus;
  /** The node and model that answered (or last tried to). */
  readonly nodeId?: string;
  readonly model?: string;
  /** Nodes that failed the member's calls before another served them. */
  readonly failedOver: string[];
  /** The first answer was invalid and its one repair was asked for. */
  readonly repaired: boolean;
  readonly artifactId?: string;
  /** One line on the artifact, e.g. "4 user stories (2 must), 3 goals, 1 open question". */
  readonly summary?: string;
  readonly error?: string;
}

export interface PlanRef {
  readonly artifactId: string;
  readonly round: number;
  readonly tasks: number;
  readonly points: number;
  readonly nodeId: string;
  readonly model: string;
  readonly repaired: boolean;
}

export interface RoundState {
  readonly round: number;
  readonly status: RoundStatus;
  /** The `/revise` feedback this round answers. */
  readonly feedback?: { readonly text: string; readonly by: string };
  readonly members: MemberState[];
  readonly plan?: PlanRef;
  readonly summaryCommentId?: number;
  readonly decision?: CouncilDecision;
  readonly error?: string;
}

export interface TaskIssueRef {
  readonly key: string;
  readonly title: string;
  readonly number: number;
  readonly url: string;
  /** false: an issue carrying the task's marker was there already (a retry, a second approval). */
  readonly created: boolean;
}

/** What the `councilState` query answers: the live state of one council. */
export interface CouncilState {
  readonly councilId: string;
  readonly status: CouncilStatus;
  readonly repository: string;
  readonly issue: { readonly number: number; readonly title: string; readonly url: string };
  readonly quorum: 'core_only' | 'all';
  readonly composition: Composition;
  /** The round running or last run (0 before the first). */
  readonly round: number;
  readonly rounds: RoundState[];
  /** The plan up for a decision (or approved): the latest round that produced one. */
  readonly plan?: PlanRef;
  /** While a decision is awaited. */
  readonly waiting?: { readonly since: string; readonly expiresAt: string; readonly reminders: number };
  readonly decision?: CouncilDecision;
  readonly tasks: TaskIssueRef[];
  readonly outcome?: string;
  readonly error?: string;
}

export interface CouncilKickoffResult {
  readonly councilId: string;
  readonly status: 'approved' | 'cancelled' | 'expired';
  readonly outcome: string;
  readonly rounds: number;
  readonly plan?: PlanRef;
  readonly tasks: TaskIssueRef[];
}

export const councilStateQuery = defineQuery<CouncilState>('councilState');
/**
 * Approve the plan, send it back with feedback, or cancel the council — only
 * while a decision is awaited, only by operators and admins. Answers at once;
 * follow the council through `councilState`.
 */
export const decideCouncilUpdate = defineUpdate<CouncilDecisionAck, [CouncilDecisionRequest]>('decideCouncil');
