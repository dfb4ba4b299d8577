/**
 * The Temporal Schedules of pipelines' Schedule Trigger nodes: one per node,
 * created or updated (and unpaused) when the pipeline is activated, paused
 * when it is deactivated, deleted with the pipeline or the node. Each firing
 * starts `pipelineScheduled`, which runs the version active at that moment.
 */
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type ScheduleSpec } from '@temporalio/client';
import { createHash } from 'node:crypto';
import { schedulePlan } from '../../domain/pipeline/schedule-spec';
import type { N8nWorkflow } from '../../domain/pipeline/types';
import type { PipelineScheduledInput } from '../../workflows/pipeline/pipeline-scheduled';

export const SCHEDULE_TRIGGER_TYPE = 'n8n-nodes-base.scheduleTrigger';

export interface ScheduleDeps {
  readonly client: Client;
  readonly taskQueue: string;
}

/** The schedule id of one Schedule Trigger node (node names may hold anything, so they are hashed). */
export const pipelineScheduleId = (pipelineId: string, node: string): string => `whoosh-pipeline-${pipelineId}-${createHash('sha256').update(node).digest('hex').slice(0, 12)}`;

const scheduleNodes = (doc: N8nWorkflow | undefined) => (Array.isArray(doc?.nodes) ? doc.nodes.filter((n) => n.type === SCHEDULE_TRIGGER_TYPE && !n.disabled) : []);

/** The schedule ids a document's Schedule Trigger nodes have. */
export const scheduleIdsOf = (pipelineId: string, doc: N8nWorkflow | undefined): string[] => scheduleNodes(doc).map((n) => pipelineScheduleId(pipelineId, n.name));

async function ignoringMissing(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
  }
}

/** Creates or updates (and unpauses) the schedules of `doc`; deletes those of `previous` that `doc` no longer has. */
export async function applySchedules(deps: ScheduleDeps, pipelineId: string, doc: N8nWorkflow, previous: readonly (N8nWorkflow | undefined)[]): Promise<void> {
  const keep = new Set<string>();
  for (const node of scheduleNodes(doc)) {
    const scheduleId = pipelineScheduleId(pipelineId, node.name);
    keep.add(scheduleId);
    const { plan } = schedulePlan(node, doc.settings?.timezone);
    const spec = plan as unknown as ScheduleSpec;
    const action = {
      type: 'startWorkflow' as const,
      workflowType: 'pipelineScheduled',
      workflowId: scheduleId,
      taskQueue: deps.taskQueue,
      args: [{ pipelineId, node: node.name } satisfies PipelineScheduledInput],
    };
    try {
      await deps.client.schedule.create({ scheduleId, spec, action, policies: { overlap: ScheduleOverlapPolicy.ALLOW_ALL, catchupWindow: '1m' }, state: { note: `Schedule Trigger "${node.name}" of pipeline ${pipelineId}` } });
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      const handle = deps.client.schedule.getHandle(scheduleId);
      await handle.update((prev) => ({ ...prev, spec, action }));
      await handle.unpause('pipeline activated');
    }
  }
  for (const id of new Set(previous.flatMap((d) => scheduleIdsOf(pipelineId, d)))) {
    if (!keep.has(id)) await ignoringMissing(() => deps.client.schedule.getHandle(id).delete());
  }
}

export async function pauseSchedules(deps: ScheduleDeps, pipelineId: string, doc: N8nWorkflow | undefined): Promise<void> {
  for (const id of scheduleIdsOf(pipelineId, doc)) await ignoringMissing(() => deps.client.schedule.getHandle(id).pause('pipeline deactivated'));
}

export async function deleteSchedules(deps: ScheduleDeps, pipelineId: string, docs: readonly (N8nWorkflow | undefined)[]): Promise<void> {
  for (const id of new Set(docs.flatMap((d) => scheduleIdsOf(pipelineId, d)))) await ignoringMissing(() => deps.client.schedule.getHandle(id).delete());
}
