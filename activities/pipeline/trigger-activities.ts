/**
 * Activities of the pipeline triggers that run inside Temporal: recording the
 * run a Schedule Trigger fires (pinned to the active version at that moment,
 * with an execution id derived from the firing, so a retried activity is the
 * same run), the retention prune, and the sweep of runs whose workflows were
 * closed from outside (activities/pipeline/reconcile-runs.ts).
 */
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { pipelineWorkflowId, documentHash } from './pipeline-activities';
import { documentToRun } from './pipeline-catalog';
import { pruneExecutions } from './pipeline-executions';
import { insertExecution } from './pipeline-store';
import { reconcileStuckRuns } from './reconcile-runs';
import { derivedUuid } from './start-pipeline';

export interface ScheduledRun {
  readonly executionId: string;
  readonly workflowId: string;
  readonly pipelineKey: string;
}

export function createPipelineTriggerActivities(pool: Pool, client?: Client) {
  return {
    /** The run a schedule fired, recorded; null when the pipeline is no longer active (a schedule left behind fires for nothing). */
    async recordScheduledRun(input: { pipelineId: string; node: string; firedBy: string; firedAt: number }): Promise<ScheduledRun | null> {
      const { rows } = await pool.query<{ active: boolean }>('SELECT active FROM pipelines WHERE id = $1', [input.pipelineId]);
      if (!rows[0]?.active) return null;
      const stored = await documentToRun(pool, input.pipelineId);
      if (!stored || stored.problems.length > 0) return null;
      const executionId = derivedUuid(input.firedBy);
      const workflowId = pipelineWorkflowId(input.pipelineId, executionId);
      const at = new Date(input.firedAt);
      await insertExecution(pool, {
        id: executionId,
        workflowId,
        pipelineKey: input.pipelineId,
        document: stored.document,
        documentHash: documentHash(stored.document),
        pipelineVersion: stored.version,
        mode: 'trigger',
        trigger: 'schedule',
        startNode: input.node,
        input: [{ json: { timestamp: at.toISOString(), 'Readable date': at.toUTCString(), Timezone: stored.document.settings?.timezone ?? 'UTC' } }],
      });
      return { executionId, workflowId, pipelineKey: input.pipelineId };
    },

    /** Deletes ended runs older than `days`; the number deleted. */
    async prunePipelineExecutions(input: { days: number }): Promise<number> {
      return pruneExecutions(pool, input.days);
    },

    /** Records runs running or waiting for over `olderThanSeconds` whose workflow is closed; the number recorded (0 without a Temporal client). */
    async reconcileStuckPipelineExecutions(input: { olderThanSeconds: number }): Promise<number> {
      return client ? reconcileStuckRuns({ pool, client }, input.olderThanSeconds) : 0;
    },
  };
}

export type PipelineTriggerActivities = ReturnType<typeof createPipelineTriggerActivities>;
