/**
 * What a pipeline's Temporal Schedule starts: records the run of the active
 * version and starts it as a pipelineRun of its own (abandoned, so a long run
 * never makes the schedule skip the next firing).
 */
import { ParentClosePolicy, proxyActivities, startChild, workflowInfo } from '@temporalio/workflow';
import type { PipelineTriggerActivities } from '../../activities/pipeline/trigger-activities';
import { WHOOSH_KIND, WHOOSH_PIPELINE, WHOOSH_STATUS_DETAIL, WHOOSH_TRIGGER } from '../../domain/search-attributes';
import { pipelineRun, type PipelineRunInput } from './pipeline-run';

export interface PipelineScheduledInput {
  readonly pipelineId: string;
  /** The Schedule Trigger node to start from. */
  readonly node: string;
}

const { recordScheduledRun } = proxyActivities<PipelineTriggerActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '10s', maximumAttempts: 10 },
});

export async function pipelineScheduled(input: PipelineScheduledInput): Promise<{ executionId: string | null }> {
  const run = await recordScheduledRun({ pipelineId: input.pipelineId, node: input.node, firedBy: workflowInfo().workflowId, firedAt: Date.now() });
  if (!run) return { executionId: null };
  await startChild(pipelineRun, {
    workflowId: run.workflowId,
    args: [{ executionId: run.executionId, pipelineKey: run.pipelineKey, mode: 'trigger' } satisfies PipelineRunInput],
    parentClosePolicy: ParentClosePolicy.ABANDON,
    typedSearchAttributes: [
      { key: WHOOSH_KIND, value: 'pipeline' },
      { key: WHOOSH_PIPELINE, value: run.pipelineKey },
      { key: WHOOSH_TRIGGER, value: 'schedule' },
      { key: WHOOSH_STATUS_DETAIL, value: 'running' },
    ],
  });
  return { executionId: run.executionId };
}
