/**
 * Temporal Schedules WHOOSH keeps: created at start, updated when the config
 * changes their interval, so a restart never duplicates them.
 */
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type { Pool } from 'pg';
import { listRepositories, type Repository } from '../activities/intake/repository-store';
import { TypedSearchAttributes } from '@temporalio/common';
import type { WhooshKind } from '../domain/kinds';
import { WHOOSH_KIND, WHOOSH_REPOSITORY } from '../domain/search-attributes';
import type { WhooshConfig } from './config';

/** Creates the schedule, or updates its spec and action when it exists (a restart never duplicates it). */
export async function upsertSchedule(client: Client, options: ScheduleOptions): Promise<void> {
  try {
    await client.schedule.create(options);
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(options.scheduleId).update((prev) => ({ ...prev, spec: options.spec, action: options.action }));
  }
}

export const AGENT_HEALTH_SCHEDULE = 'whoosh-agent-health';

export async function ensureSchedules(client: Client, config: WhooshConfig): Promise<void> {
  const spec = { intervals: [{ every: `${config.monitoring.health_check_interval}s` }] };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'agentHealthSweep',
    taskQueue: config.temporal.task_queue,
    workflowRunTimeout: '1m',
    typedSearchAttributes: new TypedSearchAttributes([{ key: WHOOSH_KIND, value: 'agent-health' satisfies WhooshKind }]),
  };
  await upsertSchedule(client, {
    scheduleId: AGENT_HEALTH_SCHEDULE,
    spec,
    action,
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1m' },
    state: { note: 'Checks every agent node: /api/version, /api/tags, /api/ps' },
  });
  await ensureRetentionSchedule(client, config);
}

export const PIPELINE_RETENTION_SCHEDULE = 'whoosh-pipeline-retention';

/**
 * Hourly: deletes pipeline runs that ended more than pipelines.execution_retention_days ago,
 * and records runs whose workflows were closed from outside (terminated, timed out).
 */
export async function ensureRetentionSchedule(client: Client, config: WhooshConfig): Promise<void> {
  const spec = { intervals: [{ every: '1h' }] };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'pipelineRetention',
    taskQueue: config.temporal.task_queue,
    args: [{ days: config.pipelines.execution_retention_days }],
    workflowRunTimeout: '30m',
  };
  await upsertSchedule(client, {
    scheduleId: PIPELINE_RETENTION_SCHEDULE,
    spec,
    action,
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1h' },
    state: { note: `Deletes pipeline runs that ended more than ${config.pipelines.execution_retention_days} days ago` },
  });
}

export const repositoryScheduleId = (repositoryId: number): string => `whoosh-sync-${repositoryId}`;

/** The sync schedule of a repository: present while it is monitored, at its interval. */
export async function ensureRepositorySchedule(client: Client, config: WhooshConfig, repo: Repository): Promise<void> {
  const scheduleId = repositoryScheduleId(repo.id);
  if (!repo.monitor) {
    await deleteRepositorySchedule(client, repo.id);
    return;
  }
  const spec = { intervals: [{ every: `${repo.syncIntervalSeconds ?? config.intake.sync_interval_seconds}s` }] };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'repositorySync',
    taskQueue: config.temporal.task_queue,
    args: [{ repositoryId: repo.id, full: false }],
    workflowRunTimeout: '15m',
    typedSearchAttributes: new TypedSearchAttributes([
      { key: WHOOSH_KIND, value: 'repository-sync' satisfies WhooshKind },
      { key: WHOOSH_REPOSITORY, value: `${repo.owner}/${repo.name}` },
    ]),
  };
  await upsertSchedule(client, {
    scheduleId,
    spec,
    action,
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1m' },
    state: { note: `Issue sync of ${repo.kind}:${repo.owner}/${repo.name}` },
  });
}

export async function deleteRepositorySchedule(client: Client, repositoryId: number): Promise<void> {
  try {
    await client.schedule.getHandle(repositoryScheduleId(repositoryId)).delete();
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
  }
}

export async function ensureAllRepositorySchedules(client: Client, config: WhooshConfig, pool: Pool): Promise<void> {
  for (const repo of await listRepositories(pool)) await ensureRepositorySchedule(client, config, repo);
}

/**
 * Runs every monitored repository's sync now (after a Postgres outage: the
 * webhooks refused meanwhile are not redelivered by Gitea). Returns the
 * repository ids whose sync was triggered.
 */
export async function triggerAllRepositorySyncs(client: Client, pool: Pool): Promise<number[]> {
  const triggered: number[] = [];
  for (const repo of await listRepositories(pool)) {
    if (!repo.monitor) continue;
    try {
      await client.schedule.getHandle(repositoryScheduleId(repo.id)).trigger();
      triggered.push(repo.id);
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    }
  }
  return triggered;
}
