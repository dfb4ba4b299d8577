/**
 * Whether a round's answers are enough to plan on. With `core_only` the
 * product manager, the engineering lead and the QA lead must each have
 * written their artifact, and optional members may have failed or timed out;
 * with `all`, every member must have. Pure and deterministic.
 */
import { COUNCIL_ROLES, type CouncilRoleId } from './compose-council';

export type Quorum = 'core_only' | 'all';

export interface MemberAnswer {
  readonly role: CouncilRoleId;
  readonly core: boolean;
  readonly answered: boolean;
  readonly error?: string;
}

export type QuorumResult =
  | { readonly met: true; readonly missing: CouncilRoleId[] }
  | { readonly met: false; readonly missing: CouncilRoleId[]; readonly message: string };

export function checkQuorum(quorum: Quorum, answers: readonly MemberAnswer[]): QuorumResult {
  const missing = answers.filter((a) => !a.answered);
  const blocking = missing.filter((a) => quorum === 'all' || a.core);
  if (blocking.length === 0) return { met: true, missing: missing.map((a) => a.role) };
  const why = blocking.map((a) => `${COUNCIL_ROLES[a.role].title}: ${a.error ?? 'no answer'}`).join('; ');
  const rule = quorum === 'all' ? 'every member must answer' : 'the core roles must answer';
  return { met: false, missing: missing.map((a) => a.role), message: `the council has no quorum (${rule}): ${why}` };
}
