/**
 * Temporal Schedules WHOOSH keeps: created at start, updated when the config
 * changes their interval, so a restart never duplicates them.
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { WHOOSH_KIND } from '../workflows/search-attributes';
import type { WhooshConfig } from './config';

export const AGENT_HEALTH_SCHEDULE = 'whoosh-agent-health';

export async function ensureSchedules(client: Client, config: WhooshConfig): Promise<void> {
  const spec = { intervals: [{ every: `${config.monitoring.health_check_interval}s` }] };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'agentHealthSweep',
    taskQueue: config.temporal.task_queue,
    workflowRunTimeout: '1m',
    typedSearchAttributes: new TypedSearchAttributes([{ key: WHOOSH_KIND, value: 'agent-health' }]),
  };
  try {
    await client.schedule.create({
      scheduleId: AGENT_HEALTH_SCHEDULE,
      spec,
      action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1m' },
      state: { note: 'Checks every agent node: /api/version, /api/tags, /api/ps' },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(AGENT_HEALTH_SCHEDULE).update((prev) => ({ ...prev, spec, action }));
  }
}
