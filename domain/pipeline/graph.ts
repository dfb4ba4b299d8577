/**
 * Connection indexes over a workflow document: by source (what the engine
 * schedules after a node) and by destination (how many input slots a node
 * waits on, who its parents are), as n8n derives them.
 */
import type { N8nConnection, N8nNode, N8nWorkflow } from './types';

export interface Graph {
  readonly nodes: ReadonlyMap<string, N8nNode>;
  /** bySource[node][outputIndex] = main connections. */
  readonly bySource: ReadonlyMap<string, readonly (readonly N8nConnection[])[]>;
  /** byDestination[node][inputIndex] = the nodes (and their outputs) feeding that input. */
  readonly byDestination: ReadonlyMap<string, readonly { node: string; output: number }[][]>;
}

const cache = new WeakMap<N8nWorkflow, Graph>();

export function graphOf(doc: N8nWorkflow): Graph {
  const hit = cache.get(doc);
  if (hit) return hit;
  const nodes = new Map(doc.nodes.map((n) => [n.name, n]));
  const bySource = new Map<string, N8nConnection[][]>();
  const byDestination = new Map<string, { node: string; output: number }[][]>();
  for (const [source, types] of Object.entries(doc.connections ?? {})) {
    const main = types?.main ?? [];
    bySource.set(
      source,
      main.map((targets) => (targets ?? []).filter((t) => t.type === 'main' || t.type === undefined)),
    );
    main.forEach((targets, output) => {
      for (const t of targets ?? []) {
        if (t.type !== 'main' && t.type !== undefined) continue;
        const inputs = byDestination.get(t.node) ?? [];
        while (inputs.length <= t.index) inputs.push([]);
        inputs[t.index]!.push({ node: source, output });
        byDestination.set(t.node, inputs);
      }
    });
  }
  const graph: Graph = { nodes, bySource, byDestination };
  cache.set(doc, graph);
  return graph;
}

/** Every node upstream of `name` (not including it). */
export function parentNodes(graph: Graph, name: string): Set<string> {
  const seen = new Set<string>();
  const todo = [name];
  while (todo.length) {
    const current = todo.pop()!;
    for (const input of graph.byDestination.get(current) ?? []) {
      for (const { node } of input) {
        if (!seen.has(node)) {
          seen.add(node);
          todo.push(node);
        }
      }
    }
  }
  seen.delete(name);
  return seen;
}
