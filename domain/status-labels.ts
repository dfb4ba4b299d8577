/**
 * Every status label WHOOSH puts on issues, teams' and councils' alike, and
 * which status shows which label. An issue shows one at a time: setting one
 * takes the others off. Pure.
 */
import type { CouncilStatus, TeamStatus } from './statuses';

/** A failed run's label; while an issue carries it, its events start nothing. */
export const FAILED_LABEL = 'whoosh:failed';

/** The issue label that shows a team's status. */
export const TEAM_STATUS_LABELS: Record<TeamStatus, string> = {
  forming: 'whoosh:team-forming',
  deploying: 'whoosh:team-forming',
  active: 'whoosh:team-active',
  cleaning_up: 'whoosh:team-active',
  done: 'whoosh:done',
  cancelled: 'whoosh:cancelled',
  failed: FAILED_LABEL,
};

/** The issue label that shows a council's status on its Design Brief. */
export const COUNCIL_STATUS_LABELS: Record<CouncilStatus, string> = {
  deliberating: 'whoosh:council-deliberating',
  synthesizing: 'whoosh:council-deliberating',
  awaiting_decision: 'whoosh:council-waiting',
  creating_tasks: 'whoosh:council-approved',
  approved: 'whoosh:council-approved',
  cancelled: 'whoosh:cancelled',
  expired: 'whoosh:expired',
  failed: FAILED_LABEL,
};

/** How the status labels look on the forge (created when missing). */
export const WHOOSH_STATUS_LABEL_SPECS: readonly { name: string; color: string; description: string }[] = [
  { name: 'whoosh:team-forming', color: 'fbca04', description: 'WHOOSH is forming a team' },
  { name: 'whoosh:team-active', color: '1d76db', description: 'A WHOOSH team works on this' },
  { name: 'whoosh:done', color: 'c5def5', description: 'The WHOOSH team finished' },
  { name: 'whoosh:cancelled', color: 'bfbfbf', description: 'The WHOOSH team was cancelled' },
  { name: FAILED_LABEL, color: 'd93f0b', description: 'The WHOOSH workflow failed' },
  { name: 'whoosh:council-deliberating', color: 'fbca04', description: 'A WHOOSH council is deliberating on this brief' },
  { name: 'whoosh:council-waiting', color: 'd876e3', description: 'The WHOOSH council plan awaits /approve, /revise or /cancel' },
  { name: 'whoosh:council-approved', color: '0e8a16', description: 'The WHOOSH council plan was approved' },
  { name: 'whoosh:expired', color: 'bfbfbf', description: 'The WHOOSH council expired without a decision' },
];

export const WHOOSH_STATUS_LABELS: readonly string[] = WHOOSH_STATUS_LABEL_SPECS.map((s) => s.name);
