import type { CouncilStatus, DeliveryStatus, TeamStatus } from '../../../domain/statuses';
/** How a status reads at a glance; each tone has one pill colour. */
export type Tone = 'ok' | 'bad' | 'busy' | 'warn' | 'neutral';

const lookup = <K extends string>(map: Record<K, Tone>, value: string | null | undefined): Tone =>
  value != null && Object.hasOwn(map, value) ? map[value as K] : 'neutral';

/** Temporal's execution status names (WorkflowExecutionStatusName). */
export type WorkflowStatus =
  | 'RUNNING'
  | 'COMPLETED'
  | 'FAILED'
  | 'CANCELLED'
  | 'TERMINATED'
  | 'CONTINUED_AS_NEW'
  | 'TIMED_OUT'
  | 'PAUSED'
  | 'UNKNOWN'
  | 'UNSPECIFIED';

export const WORKFLOW_STATUSES: Record<WorkflowStatus, { tone: Tone; label: string }> = {
  RUNNING: { tone: 'busy', label: 'Running' },
  COMPLETED: { tone: 'ok', label: 'Completed' },
  FAILED: { tone: 'bad', label: 'Failed' },
  CANCELLED: { tone: 'warn', label: 'Cancelled' },
  TERMINATED: { tone: 'bad', label: 'Terminated' },
  CONTINUED_AS_NEW: { tone: 'neutral', label: 'Continued as new' },
  TIMED_OUT: { tone: 'bad', label: 'Timed out' },
  PAUSED: { tone: 'warn', label: 'Paused' },
  UNKNOWN: { tone: 'neutral', label: 'Unknown' },
  UNSPECIFIED: { tone: 'neutral', label: 'Unknown' },
};

export const workflowStatusTone = (status: string): Tone =>
  Object.hasOwn(WORKFLOW_STATUSES, status) ? WORKFLOW_STATUSES[status as WorkflowStatus].tone : 'neutral';

export const workflowStatusLabel = (status: string): string =>
  Object.hasOwn(WORKFLOW_STATUSES, status) ? WORKFLOW_STATUSES[status as WorkflowStatus].label : status;

export type { TeamStatus } from '../../../domain/statuses';

export const TEAM_STATUSES: Record<TeamStatus, { tone: Tone; label: string }> = {
  forming: { tone: 'busy', label: 'Forming' },
  deploying: { tone: 'busy', label: 'Deploying' },
  active: { tone: 'busy', label: 'Active' },
  cleaning_up: { tone: 'busy', label: 'Cleaning up' },
  done: { tone: 'ok', label: 'Done' },
  cancelled: { tone: 'warn', label: 'Cancelled' },
  failed: { tone: 'bad', label: 'Failed' },
};

export const teamStatusTone = (status: string): Tone =>
  Object.hasOwn(TEAM_STATUSES, status) ? TEAM_STATUSES[status as TeamStatus].tone : 'neutral';

export const teamStatusLabel = (status: string): string =>
  Object.hasOwn(TEAM_STATUSES, status) ? TEAM_STATUSES[status as TeamStatus].label : status;

/** Timeline item statuses (api/history/timeline.ts), across kinds. */
const ITEM_TONES: Record<string, Tone> = {
  scheduled: 'busy',
  started: 'busy',
  initiated: 'busy',
  admitted: 'busy',
  accepted: 'busy',
  retrying: 'warn',
  paused: 'warn',
  'cancel-requested': 'warn',
  completed: 'ok',
  fired: 'ok',
  received: 'ok',
  delivered: 'ok',
  recorded: 'neutral',
  'continued-as-new': 'neutral',
  canceled: 'warn',
  failed: 'bad',
  'start-failed': 'bad',
  rejected: 'bad',
  'timed-out': 'bad',
  terminated: 'bad',
};

export const itemStatusTone = (status: string): Tone => lookup(ITEM_TONES, status);

export type NodeStatus = 'up' | 'degraded' | 'down' | 'unknown';
export const nodeStatusTone = (status: string): Tone => lookup<NodeStatus>({ up: 'ok', degraded: 'warn', down: 'bad', unknown: 'neutral' }, status);

export const severityTone = (severity: string): Tone => lookup<'warning' | 'critical'>({ warning: 'warn', critical: 'bad' }, severity);

export type { DeliveryStatus } from '../../../domain/statuses';
export const deliveryStatusTone = (status: string): Tone =>
  lookup<DeliveryStatus>(
    { pending: 'busy', started: 'ok', existing: 'ok', signalled: 'ok', 'no-workflow': 'neutral', ignored: 'neutral', failed: 'bad' },
    status,
  );

export const COUNCIL_STATUS_VIEW: Record<CouncilStatus, { tone: Tone; label: string }> = {
  deliberating: { tone: 'busy', label: 'Deliberating' },
  synthesizing: { tone: 'busy', label: 'Synthesizing' },
  awaiting_decision: { tone: 'warn', label: 'Awaiting decision' },
  creating_tasks: { tone: 'busy', label: 'Creating tasks' },
  approved: { tone: 'ok', label: 'Approved' },
  cancelled: { tone: 'neutral', label: 'Cancelled' },
  expired: { tone: 'neutral', label: 'Expired' },
  failed: { tone: 'bad', label: 'Failed' },
};
export const councilStatusTone = (s: string): Tone => (COUNCIL_STATUS_VIEW as Record<string, { tone: Tone } | undefined>)[s]?.tone ?? 'neutral';
export const councilStatusLabel = (s: string): string => (COUNCIL_STATUS_VIEW as Record<string, { label: string } | undefined>)[s]?.label ?? s;

/** Rounds and members of a council (ROUND_STATUSES, MEMBER_STATUSES). */
const ROUND_TONES: Record<string, Tone> = {
  deliberating: 'busy',
  synthesizing: 'busy',
  proposed: 'warn',
  approved: 'ok',
  revised: 'neutral',
  cancelled: 'neutral',
  expired: 'neutral',
  failed: 'bad',
  answered: 'ok',
};
export const roundStatusTone = (s: string): Tone => ROUND_TONES[s] ?? 'neutral';

/** A pipeline run's status (success, error, running, waiting, canceled). */
export const runStatusTone = (status: string): Tone => lookup<'success' | 'error' | 'running' | 'waiting' | 'canceled'>({ success: 'ok', error: 'bad', running: 'busy', waiting: 'warn', canceled: 'neutral' }, status);
