/**
 * The team-formation workflow's messages and state, declared apart from its
 * body so the API (and tests) can import them without the workflow code.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Classification } from '../../domain/team/classify-task';
import type { Team, TeamMember } from '../../domain/team/compose-team';

import type { TeamStatus } from '../../domain/statuses';

export { TEAM_STATUSES, type TeamStatus } from '../../domain/statuses';

export interface ContainerRef {
  readonly id: string;
  readonly name: string;
  readonly kind: 'container' | 'service';
}

export interface Member extends TeamMember {
  readonly container?: ContainerRef;
}

export interface Reform {
  readonly roleId: string;
  readonly from: string;
  readonly to: string;
  readonly by: string;
  readonly reason?: string;
}

/** What the `teamState` query answers: the live state of one formation. */
export interface TeamState {
  readonly teamId: string;
  readonly status: TeamStatus;
  readonly repository: string;
  readonly issue: { readonly number: number; readonly title: string; readonly url: string };
  readonly classification?: Classification;
  /** Set when the LLM was asked to classify and the heuristics stood in: why. */
  readonly classificationFallback?: string;
  readonly members: Member[];
  readonly unfilled: Team['unfilled'];
  readonly reforms: Reform[];
  readonly outcome?: string;
  readonly error?: string;
}

export interface TeamEnd {
  readonly by: string;
  readonly reason?: string;
}

export interface ReformRequest {
  readonly roleId: string;
  /** The agent node to take the role; default: the best other candidate now. */
  readonly agentId?: string;
  readonly by: string;
  readonly reason?: string;
}

export const teamStateQuery = defineQuery<TeamState>('teamState');
/** The task is finished (besides the issue closing): clean up and mark the team done. */
export const completeTeamSignal = defineSignal<[TeamEnd]>('completeTeam');
/** Stop the team: clean up and mark it cancelled (the API's cancel; `/cancel` comments arrive as forgeCommand). */
export const cancelTeamSignal = defineSignal<[TeamEnd]>('cancelTeam');
/** Swap the agent of one role, without classifying again. Answers the new member. */
export const reformTeamUpdate = defineUpdate<Member, [ReformRequest]>('reformTeam');
