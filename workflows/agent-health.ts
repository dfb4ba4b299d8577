/**
 * One sweep of agent-node health checks; a Temporal Schedule runs it every
 * `monitoring.health_check_interval` seconds, so each sweep is visible (and
 * its failures retried) like any other workflow.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

const { checkAgentNodes } = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { maximumAttempts: 2 },
});

export async function agentHealthSweep(): Promise<Awaited<ReturnType<typeof checkAgentNodes>>> {
  return checkAgentNodes();
}
