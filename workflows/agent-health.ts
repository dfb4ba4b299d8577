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

/** `nodeIds`: check only these nodes (tests that share one registry); the schedule checks them all. */
export async function agentHealthSweep(input: { readonly nodeIds?: readonly string[] } = {}): Promise<Awaited<ReturnType<typeof checkAgentNodes>>> {
  return input.nodeIds ? checkAgentNodes(input.nodeIds) : checkAgentNodes();
}
