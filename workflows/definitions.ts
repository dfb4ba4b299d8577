/**
 * Signals, queries and updates of WHOOSH workflows, declared without any
 * workflow body so the API and the intake can import them.
 */
import { defineSignal } from '@temporalio/workflow';
import type { ForgeCommandName, IssueRef } from '../domain/intake/route-event';

/** Input of the workflows an issue starts (team formation, council kickoff). */
export interface IntakeInput {
  readonly repositoryId: number;
  readonly forge: 'gitea' | 'github';
  readonly issue: IssueRef;
  readonly trigger: 'webhook' | 'sync' | 'pipeline';
  readonly deliveryId?: string;
}

export interface IssueClosed {
  readonly closedBy: string;
  readonly via: 'webhook' | 'sync';
}

export interface ForgeCommand {
  readonly command: ForgeCommandName;
  /** Text after the command, e.g. the feedback of `/revise <text>`. */
  readonly text: string;
  readonly user: string;
  readonly commentId: number;
}

export const issueClosedSignal = defineSignal<[IssueClosed]>('issueClosed');
export const forgeCommandSignal = defineSignal<[ForgeCommand]>('forgeCommand');
