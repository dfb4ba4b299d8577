/**
 * Updates and signals of the pipelineRun workflow, declared without its body so the API
 * can import them.
 */
import { defineSignal, defineUpdate } from '@temporalio/workflow';

export interface ApprovePipelineStep {
  readonly decision: 'approve' | 'reject';
  readonly by: string;
  readonly comment?: string;
  /** The approval node meant; any waiting one when absent. */
  readonly node?: string;
}

export interface ApprovePipelineStepAck {
  readonly node: string;
  readonly decision: 'approve' | 'reject';
}

/** A person's decision on the approval node the run waits at (refused when none waits). */
export const approvePipelineStepUpdate = defineUpdate<ApprovePipelineStepAck, [ApprovePipelineStep]>('approvePipelineStep');

/** A call to the run's resume URL was stored for step `seq` (its Wait on webhook): go on. */
export const waitWebhookCalledSignal = defineSignal<[{ seq: number }]>('waitWebhookCalled');
