/**
 * What a finished sub-workflow gives its Execute Sub-workflow node: every
 * output of its last node, as n8n returns it, each item traced back to the
 * parent's input item (domain/pipeline/sub-workflow-pairing.ts).
 */
import type { Pool } from 'pg';
import { tracedOutputs } from '../../domain/pipeline/sub-workflow-pairing';
import type { Item } from '../../domain/pipeline/types';
import { getAllRuns } from './pipeline-store';

export async function childOutputs(pool: Pool, executionId: string, lastNode: string | undefined): Promise<Item[][]> {
  if (!lastNode) return [];
  const runs = await getAllRuns(pool, executionId);
  return tracedOutputs((node) => runs.get(node), lastNode);
}
