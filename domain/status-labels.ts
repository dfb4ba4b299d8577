/**
 * Every status label WHOOSH puts on issues, teams' and councils' alike. An
 * issue shows one at a time: setting one takes the others off. Pure.
 */
import { COUNCIL_STATUS_LABEL_SPECS } from './council/status-labels';
import { STATUS_LABEL_SPECS as TEAM_STATUS_LABEL_SPECS } from './team/report';

export const WHOOSH_STATUS_LABEL_SPECS: readonly { name: string; color: string; description: string }[] = [
  ...TEAM_STATUS_LABEL_SPECS,
  ...COUNCIL_STATUS_LABEL_SPECS.filter((c) => !TEAM_STATUS_LABEL_SPECS.some((t) => t.name === c.name)),
];

export const WHOOSH_STATUS_LABELS: readonly string[] = WHOOSH_STATUS_LABEL_SPECS.map((s) => s.name);
