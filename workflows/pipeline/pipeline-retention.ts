/**
 * The retention schedule's workflow: deletes pipeline runs that ended more
 * than `days` ago, and records runs whose workflows were closed from outside
 * (terminated, timed out) but whose rows still say running or waiting after
 * `stuckAfterSeconds` (default 60).
 */
import { proxyActivities } from '@temporalio/workflow';
import type { PipelineTriggerActivities } from '../../activities/pipeline/trigger-activities';

const { prunePipelineExecutions, reconcileStuckPipelineExecutions } = proxyActivities<PipelineTriggerActivities>({ startToCloseTimeout: '5m', retry: { maximumAttempts: 5 } });

export async function pipelineRetention(input: { days: number; stuckAfterSeconds?: number }): Promise<{ deleted: number; reconciled: number }> {
  const reconciled = await reconcileStuckPipelineExecutions({ olderThanSeconds: input.stuckAfterSeconds ?? 60 });
  return { deleted: await prunePipelineExecutions({ days: input.days }), reconciled };
}
