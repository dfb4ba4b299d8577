/** The retention schedule's workflow: deletes pipeline runs that ended more than `days` ago. */
import { proxyActivities } from '@temporalio/workflow';
import type { PipelineTriggerActivities } from '../../activities/pipeline/trigger-activities';

const { prunePipelineExecutions } = proxyActivities<PipelineTriggerActivities>({ startToCloseTimeout: '5m', retry: { maximumAttempts: 5 } });

export async function pipelineRetention(input: { days: number }): Promise<{ deleted: number }> {
  return { deleted: await prunePipelineExecutions({ days: input.days }) };
}
