/**
 * When a council takes a decision, and what it says when it does not. The
 * update's validator and the `/approve`, `/revise`, `/cancel` comments go
 * through the same rules, so the API's 409 and the reply on the issue give
 * the same reason. Pure and deterministic.
 */
import type { CouncilDecisionName, CouncilStatus } from '../statuses';
import { roleAtLeast } from '../roles';

export interface DecisionContext {
  readonly status: CouncilStatus;
  /** The round of the plan up for decision. */
  readonly round: number;
  readonly maxRounds: number;
  /** A decision was taken already and the council has not moved on yet. */
  readonly decided: boolean;
}

/** Operators and admins decide through the API (anyone the intake lets comment may decide on the issue). */
export function roleProblem(role: string): string | undefined {
  return roleAtLeast(role, 'operator') ? undefined : `deciding on a council needs the operator or admin role, not ${role || 'none'}`;
}

const STATUS_PROBLEM: Record<Exclude<CouncilStatus, 'awaiting_decision'>, string> = {
  deliberating: 'the council is still deliberating; decide once its plan is posted',
  synthesizing: 'the council is still writing its plan; decide once it is posted',
  creating_tasks: 'the plan was approved already; its task issues are being created',
  approved: 'the plan was approved already',
  cancelled: 'the council was cancelled',
  expired: 'the council expired',
  failed: 'the council failed',
};

/** Why `decision` cannot be taken now; undefined when it can. */
export function decisionProblem(ctx: DecisionContext, decision: CouncilDecisionName, feedback: string | undefined): string | undefined {
  if (ctx.status !== 'awaiting_decision') return STATUS_PROBLEM[ctx.status];
  if (ctx.decided) return 'a decision on this plan was taken already';
  if (decision === 'revise') {
    if ((feedback ?? '').trim() === '') return 'a revision needs feedback that says what the council should change (`/revise <feedback>` on the issue)';
    if (ctx.round >= ctx.maxRounds) return `the council has had its ${ctx.maxRounds} round${ctx.maxRounds === 1 ? '' : 's'}; approve or cancel this plan`;
  }
  return undefined;
}
