/**
 * The kinds of WHOOSH executions: the values of the `WhooshKind` search
 * attribute that WHOOSH's own starters set (the intake, the schedules, the
 * self-check). Lists and counts in the API and the dashboard go by them.
 */
export const WHOOSH_KINDS = ['team', 'council', 'repository-sync', 'agent-health', 'system-check', 'pipeline'] as const;
export type WhooshKind = (typeof WHOOSH_KINDS)[number];

/** The kinds an issue starts (the intake's workflows). */
export type IssueKind = Extract<WhooshKind, 'team' | 'council'>;
