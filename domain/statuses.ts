/**
 * The statuses of teams and councils (and of a council's rounds and members):
 * one list each, for the workflows' state, the read models, the API's schemas
 * and the dashboard.
 */
export const TEAM_STATUSES = ['forming', 'deploying', 'active', 'cleaning_up', 'done', 'cancelled', 'failed'] as const;
export type TeamStatus = (typeof TEAM_STATUSES)[number];

export const COUNCIL_STATUSES = ['deliberating', 'synthesizing', 'awaiting_decision', 'creating_tasks', 'approved', 'cancelled', 'expired', 'failed'] as const;
export type CouncilStatus = (typeof COUNCIL_STATUSES)[number];
export const ENDED_COUNCIL_STATUSES: readonly CouncilStatus[] = ['approved', 'cancelled', 'expired', 'failed'];

/** What became of one round: its plan was put up for a decision, then approved, revised (a next round) or left. */
export const ROUND_STATUSES = ['deliberating', 'synthesizing', 'proposed', 'failed', 'approved', 'revised', 'cancelled', 'expired'] as const;
export type RoundStatus = (typeof ROUND_STATUSES)[number];

export const MEMBER_STATUSES = ['deliberating', 'answered', 'failed'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

/** What became of a webhook delivery. */
export const DELIVERY_STATUSES = ['pending', 'started', 'existing', 'signalled', 'no-workflow', 'ignored', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const COUNCIL_DECISIONS = ['approve', 'revise', 'cancel'] as const;
export type CouncilDecisionName = (typeof COUNCIL_DECISIONS)[number];
