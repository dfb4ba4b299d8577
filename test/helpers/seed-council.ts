/**
 * A council awaiting a decision, written straight into the read model (the
 * stores the council workflow's activities use), with one plan artifact: for
 * tests of readers (CLI, MCP) that need a council but not its deliberation.
 * Its workflow does not exist, so a decision on it answers 409.
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { saveCouncil, savePlan, startRound } from '../../activities/council/council-store';
import { samplePlan } from '../../simulators/ollama/council-answers';

export async function seedCouncil(pool: Pool, at: { repository: string; repositoryId?: number; issue: number; title: string }): Promise<{ councilId: string; artifactId: string }> {
  const councilId = randomUUID();
  const artifactId = randomUUID();
  const seats = [{ role: 'product_manager' as const, title: 'Product manager', core: true, reasons: ['always'] }];
  await saveCouncil(pool, {
    councilId,
    workflowId: `council:${at.repository}#${at.issue}`,
    runId: randomUUID(),
    repositoryId: at.repositoryId ?? 0,
    repository: at.repository,
    forge: 'gitea',
    issue: { number: at.issue, title: at.title, url: `http://forge.test/${at.repository}/issues/${at.issue}` },
    status: 'awaiting_decision',
    quorum: 'core_only',
    composition: { members: seats, skipped: [] },
  });
  await startRound(pool, { councilId, round: 1, members: seats });
  await savePlan(pool, { councilId, round: 1, artifactId, plan: samplePlan([]), nodeId: 'n', model: 'm' });
  return { councilId, artifactId };
}
