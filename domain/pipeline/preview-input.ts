/**
 * What an expression in the editor sees when previewed: the node's input as
 * it was in a past run. If the node ran, its last run's sources give the
 * input; otherwise the first of its parents (input 0 first) that ran gives
 * its last output on the connecting output, as n8n's editor does. Item pairing
 * is stamped as the engine stamps a node's input, so `$('X').item` walks back
 * through the past run's lineage.
 */
import { graphOf } from './graph';
import type { Item, N8nNode, N8nWorkflow, RunData, TaskSource } from './types';

export interface PreviewInput {
  readonly node: N8nNode;
  readonly items: Item[];
  readonly source: TaskSource[];
  /** How many times the node ran before in that run (its $runIndex when the preview reads its last run). */
  readonly runIndex: number;
}

function outputOf(runData: RunData, s: TaskSource): Item[] {
  const run = runData[s.previousNode]?.[s.previousNodeRun ?? 0];
  return (run?.data?.main?.[s.previousNodeOutput ?? 0] ?? []).map((item, i) => ({ ...item, pairedItem: { item: i } }));
}

/** undefined when the node is not in the document. */
export function previewInput(doc: N8nWorkflow, runData: RunData, nodeName: string): PreviewInput | undefined {
  const node = doc.nodes.find((n) => n.name === nodeName);
  if (!node) return undefined;
  const ownRuns = runData[nodeName] ?? [];
  const last = ownRuns[ownRuns.length - 1];
  const ranFrom = (last?.source ?? []).filter((s): s is TaskSource => s !== null && runData[s.previousNode] !== undefined);
  if (ranFrom.length > 0) {
    const s = ranFrom[0]!;
    return { node, items: outputOf(runData, s), source: [s], runIndex: ownRuns.length - 1 };
  }
  const inputs = graphOf(doc).byDestination.get(nodeName) ?? [];
  for (const parents of inputs) {
    for (const p of parents) {
      const runs = runData[p.node];
      if (!runs || runs.length === 0) continue;
      const s: TaskSource = { previousNode: p.node, previousNodeOutput: p.output, previousNodeRun: runs.length - 1 };
      return { node, items: outputOf(runData, s), source: [s], runIndex: 0 };
    }
  }
  return { node, items: [], source: [], runIndex: 0 };
}
