/**
 * "Execute up to this node" (n8n's destinationNode): a run that stops at a
 * chosen node. As n8n's WorkflowExecute does for it, only the destination and
 * the nodes it depends on — its ancestors through main connections — may run
 * (n8n's runNodeFilter); nodes after it or beside it are never scheduled, and
 * the destination schedules no children.
 */
import { graphOf, parentNodes } from './graph';
import type { N8nWorkflow } from './types';

/** The nodes a run up to `destination` may run: the destination and its main ancestors, in document order. */
export function destinationFilter(doc: N8nWorkflow, destination: string): string[] {
  const graph = graphOf(doc);
  const allowed = parentNodes(graph, destination);
  allowed.add(destination);
  return doc.nodes.map((n) => n.name).filter((name) => allowed.has(name));
}

/** Whether a node may be scheduled in a run limited to `filter` (no filter: every node). */
export const mayRun = (filter: readonly string[] | undefined, node: string): boolean => filter === undefined || filter.includes(node);
