/** The issue label that shows a council's status on its Design Brief; one at a time. */
import { FAILED_LABEL } from '../intake/route-event';
import type { CouncilStatus } from '../../workflows/council/definitions';

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

/** How the council's own labels look on the forge (the shared ones are the team's). */
export const COUNCIL_STATUS_LABEL_SPECS: readonly { name: string; color: string; description: string }[] = [
  { name: 'whoosh:council-deliberating', color: 'fbca04', description: 'A WHOOSH council is deliberating on this brief' },
  { name: 'whoosh:council-waiting', color: 'd876e3', description: 'The WHOOSH council plan awaits /approve, /revise or /cancel' },
  { name: 'whoosh:council-approved', color: '0e8a16', description: 'The WHOOSH council plan was approved' },
  { name: 'whoosh:expired', color: 'bfbfbf', description: 'The WHOOSH council expired without a decision' },
];
