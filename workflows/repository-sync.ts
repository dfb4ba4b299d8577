/**
 * One issue sync of a monitored repository; each repository's Temporal
 * Schedule runs it (`POST /api/v1/repositories/:id/sync` runs a full one).
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

const { syncRepositoryIssues } = proxyActivities<Activities>({
  startToCloseTimeout: '10m',
  heartbeatTimeout: '1m',
  retry: { initialInterval: '5s', maximumInterval: '1m', maximumAttempts: 3 },
});

export async function repositorySync(input: { repositoryId: number; full: boolean }): ReturnType<typeof syncRepositoryIssues> {
  return syncRepositoryIssues(input);
}
